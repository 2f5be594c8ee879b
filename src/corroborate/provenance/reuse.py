"""Article-level reuse of a pair: kind, derived share, direction and evidence.

Built on a :class:`~corroborate.provenance.align.PairAlignment`: the share of
each article's words lying in sentences copied or reworded from the other,
the kind that follows from those shares, and which article is the source.
Pure functions over records; the alignment does the model work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from corroborate.config import Context
from corroborate.model import Article
from corroborate.provenance.align import AlignOptions, PairAlignment, SentenceLink, align_articles
from corroborate.provenance.markers import find_markers
from corroborate.text import article_sentences

__all__ = [
    "REUSE_KINDS",
    "Evidence",
    "Reuse",
    "ReuseOptions",
    "Shares",
    "article_reuse",
    "decide_direction",
    "decide_kind",
    "pair_reuse",
]

REUSE_KINDS = ("copy", "rewrite", "partial", "independent")


@dataclass(frozen=True, slots=True)
class ReuseOptions:
    """Share thresholds for the kinds (tuned on the dev half of benchmarks/reuse.py)."""

    copy_verbatim: float = 0.7  # verbatim share of the derivative for a copy...
    copy_source: float = 0.6  # ...and of the source (a copy takes nearly all of it)
    rewrite_share: float = 0.3  # derived share of the derivative for a rewrite
    rewrite_source: float = 0.3  # ...and share of the source it covers
    partial_share: float = 0.2  # derived share of the derivative for a partial copy
    partial_sentences: int = 2  # ...and at least this many derived sentences
    direction_margin: float = 0.02  # smaller share gaps do not decide the direction


@dataclass(frozen=True, slots=True)
class Evidence:
    """One derived sentence: the source's sentence, the derivative's, kind and score.

    ``from_numbers`` / ``to_numbers`` are the figures each side gives that the
    other lacks, when the two disagree (see :class:`SentenceLink`).
    """

    from_sentence: str
    to_sentence: str
    kind: str
    score: float
    from_index: int
    to_index: int
    from_numbers: tuple[str, ...] = ()
    to_numbers: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "from_sentence": self.from_sentence,
            "to_sentence": self.to_sentence,
            "kind": self.kind,
            "score": round(self.score, 4),
            "from_index": self.from_index,
            "to_index": self.to_index,
            "numbers_disagree": (
                {"from": list(self.from_numbers), "to": list(self.to_numbers)}
                if self.from_numbers or self.to_numbers
                else None
            ),
        }


@dataclass(frozen=True, slots=True)
class Reuse:
    """Reuse between two articles; ``source`` (JSON ``from``) to ``target`` (``to``).

    ``share`` is the part of the derivative's words that is copied or reworded
    from the source, ``source_share`` the part of the source that was taken.
    ``direction`` says what decided which is the source: ``wire`` (a credit
    line), ``published_at``, ``style markers``, ``containment`` or ``undetermined``.
    """

    source: str
    target: str
    kind: str
    share: float
    source_share: float
    verbatim_share: float
    direction: str
    evidence: tuple[Evidence, ...]
    shared_quotes: tuple[Evidence, ...] = ()
    # Copied or reworded sentences whose figures differ: shown for checking;
    # a reworded one is not counted as derived (see SentenceLink).
    changed_figures: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.target,
            "kind": self.kind,
            "share": round(self.share, 4),
            "source_share": round(self.source_share, 4),
            "verbatim_share": round(self.verbatim_share, 4),
            "direction": self.direction,
            "evidence": [e.to_dict() for e in self.evidence],
            "shared_quotes": [e.to_dict() for e in self.shared_quotes],
            "changed_figures": [e.to_dict() for e in self.changed_figures],
        }


def _credits(article: Article, other: Article) -> bool:
    """True when ``article``'s wire/credit lines name ``other``'s outlet."""
    if not other.source:
        return False
    name = other.source.lower()
    return any(name in line.lower() for line in article.wire)


# A time without a zone may be anywhere from UTC-12 to UTC+14 of the same clock.
_ZONE_SLACK = timedelta(hours=14)


def _earlier(x: datetime | None, y: datetime | None) -> bool | None:
    """Whether ``x`` is before ``y``; None when unknown or too close to tell.

    When only one of the two has a zone, the naive one is read as UTC and the
    gap must exceed any zone offset before it decides anything.
    """
    if x is None or y is None or x == y:
        return None
    if (x.tzinfo is None) == (y.tzinfo is None):
        return x < y
    xu = x if x.tzinfo else x.replace(tzinfo=UTC)
    yu = y if y.tzinfo else y.replace(tzinfo=UTC)
    if abs(xu - yu) <= _ZONE_SLACK:
        return None
    return xu < yu


def _retold(article: Article) -> bool:
    """Style markers of reporting retold from elsewhere ("It has been recently reported that")."""
    return _retold_text(tuple(article.paragraphs))


@lru_cache(maxsize=256)
def _retold_text(paragraphs: tuple[str, ...]) -> bool:
    # Cached: a story asks this of each article once per pair (19 times in 20).
    return find_markers(article_sentences(list(paragraphs))) != []


def decide_direction(
    a: Article, b: Article, share_a: float, share_b: float, opts: ReuseOptions
) -> tuple[bool, str]:
    """(a is the source?, what decided it).

    A credit line naming the other outlet wins; then publication times; then
    style markers of retold reporting (only one of the two has them); then
    containment (the derivative is mostly made of the source, so more of it is
    derived); with none of these, the longer article is taken as the source.
    """
    a_credits_b, b_credits_a = _credits(a, b), _credits(b, a)
    if a_credits_b != b_credits_a:
        return b_credits_a, "wire"
    a_first = _earlier(a.published_at, b.published_at)
    if a_first is not None:
        return a_first, "published_at"
    a_retold, b_retold = _retold(a), _retold(b)
    if a_retold != b_retold:
        return b_retold, "style markers"
    if abs(share_a - share_b) >= opts.direction_margin:
        return share_b > share_a, "containment"
    return len(a.body) >= len(b.body), "undetermined"


@dataclass(frozen=True, slots=True)
class Shares:
    """Word shares of a pair once the direction is known."""

    derived: float  # of the derivative, copied or reworded
    verbatim: float  # of the derivative, copied
    source: float  # of the source, taken (copied or reworded)
    source_verbatim: float  # of the source, copied
    sentences: int  # derivative sentences that are derived


def decide_kind(shares: Shares, opts: ReuseOptions) -> str:
    """The reuse kind from the derivative's and the source's shares.

    A rewrite is mostly reworded; a derivative mostly copied word for word but
    not enough of the source to be a copy is a partial copy.
    """
    if shares.verbatim >= opts.copy_verbatim and shares.source_verbatim >= opts.copy_source:
        return "copy"
    reworded = shares.derived - shares.verbatim
    if (
        shares.derived >= opts.rewrite_share
        and shares.source >= opts.rewrite_source
        and reworded >= shares.verbatim
    ):
        return "rewrite"
    if shares.derived >= opts.partial_share and shares.sentences >= opts.partial_sentences:
        return "partial"
    return "independent"


def _evidence(links: list[SentenceLink], a_is_source: bool) -> tuple[Evidence, ...]:
    out = []
    for x in links:
        if a_is_source:
            out.append(
                Evidence(x.a_text, x.b_text, x.kind, x.score, x.a, x.b, x.numbers_a, x.numbers_b)
            )
        else:
            out.append(
                Evidence(x.b_text, x.a_text, x.kind, x.score, x.b, x.a, x.numbers_b, x.numbers_a)
            )
    return tuple(sorted(out, key=lambda e: e.to_index))


def pair_reuse(
    alignment: PairAlignment, a: Article, b: Article, opts: ReuseOptions | None = None
) -> Reuse:
    """Kind, shares, direction and evidence of an aligned pair."""
    opts = opts or ReuseOptions()
    share_a, share_b = alignment.share("a"), alignment.share("b")
    a_is_source, basis = decide_direction(a, b, share_a, share_b, opts)
    src, dst = ("a", "b") if a_is_source else ("b", "a")
    derived_links = [x for x in alignment.links if x.derived]
    changed = [
        x for x in alignment.links if x.kind in ("verbatim", "paraphrase") and x.numbers_disagree
    ]
    shares = Shares(
        derived=alignment.share(dst),
        verbatim=alignment.share(dst, ("verbatim",)),
        source=alignment.share(src),
        source_verbatim=alignment.share(src, ("verbatim",)),
        sentences=len({getattr(x, dst) for x in derived_links}),
    )
    quotes = [x for x in alignment.links if x.kind == "shared-quote"]
    return Reuse(
        source=alignment.a if a_is_source else alignment.b,
        target=alignment.b if a_is_source else alignment.a,
        kind=decide_kind(shares, opts),
        share=shares.derived,
        source_share=shares.source,
        verbatim_share=shares.verbatim,
        direction=basis,
        evidence=_evidence(derived_links, a_is_source),
        shared_quotes=_evidence(quotes, a_is_source),
        changed_figures=_evidence(changed, a_is_source),
    )


def article_reuse(
    a: Article,
    b: Article,
    ctx: Context,
    opts: ReuseOptions | None = None,
    align_opts: AlignOptions | None = None,
) -> Reuse:
    """Align two articles and judge their reuse; see :func:`pair_reuse`."""
    return pair_reuse(align_articles(a, b, ctx, align_opts), a, b, opts)
