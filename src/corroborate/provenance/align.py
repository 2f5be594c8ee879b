"""Sentence alignment between articles: verbatim, paraphrase, shared quote, unaligned.

All sentences of a story are prepared once (one embedding call, one sparse
shingle matrix). Candidates are the pairs that share enough shingles or whose
embeddings are close (each sentence's nearest neighbours included); only those
are scored by the paraphrase model, in one batch, then classified.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from corroborate.config import Context
from corroborate.errors import UsageError
from corroborate.model import Article
from corroborate.provenance.embed import embed_sentences
from corroborate.provenance.lexical import Tokens, lcs_length, number_disagreement, tokens_of
from corroborate.provenance.paraphrase import (
    FEATURE_NAMES,
    ScorerModel,
    feature_matrix,
    load_model,
    neutral_numbers,
)
from corroborate.provenance.quotes import QuotedSentence, quoted_sentences
from corroborate.text import STOPWORDS, Sentence, article_sentences

if TYPE_CHECKING:
    from scipy import sparse

__all__ = [
    "KINDS",
    "AlignOptions",
    "PairAlignment",
    "PreparedArticle",
    "SentenceLink",
    "align_articles",
    "align_prepared",
    "article_key",
    "classify_link",
    "numbers_conflict",
    "prepare_articles",
]

KINDS = ("verbatim", "paraphrase", "shared-quote")
_WHOLE_STORY_ROWS = 4000  # sentences up to which story-wide matrices are computed at once
_RANK = {"verbatim": 3, "paraphrase": 2, "shared-quote": 1}


@dataclass(frozen=True, slots=True)
class AlignOptions:
    """Thresholds of the aligner (tuned on the dev half of benchmarks/reuse.py)."""

    lex_candidate: float = 0.3  # shingle containment that makes a candidate pair
    emb_candidate: float = 0.8  # sentence cosine that makes a candidate pair
    nearest: int = 2  # each sentence's nearest neighbours (by cosine) are candidates...
    nearest_floor: float = 0.45  # ...when at least this close
    verbatim: float = 0.8  # word LCS / longer sentence for a verbatim copy
    contained: float = 0.9  # or LCS / shorter sentence, when lengths are comparable
    # Paraphrase probability for a paraphrase link, with the scorer refitted with
    # number agreement features. Dev grid: macro-F1 0.989 at 0.2-0.4, direction
    # 0.933 at 0.2 and 0.967 at 0.25-0.4; 0.2 kept because the seed rewording
    # "Plans for a face-to-face meeting ... were agreed upon" scores 0.22.
    paraphrase: float = 0.2
    quote_in: float = 0.5  # share of the common words inside quotes (in both)
    quote_same: float = 0.6  # LCS of the quoted words / shorter quote: same words quoted
    min_words: int = 4  # shorter sentences align only when repeated word for word


@dataclass(frozen=True, slots=True)
class SentenceLink:
    """One aligned pair: sentence ``a`` of the first article, ``b`` of the second.

    ``score`` is the paraphrase probability of the pair (for every kind, so
    links compare); ``overlap`` the word LCS over the longer sentence.

    ``kind`` says how the wording relates. When the two sentences give
    different figures ("shares fell 5 percent" / "shares fell 7 percent"), the
    link is still made (``verbatim`` or ``paraphrase`` as to wording, with
    ``score`` computed as if the numbers agreed), and ``numbers_a`` /
    ``numbers_b`` list the numbers each side has that the other lacks: a copy or
    rewrite that changed a figure is exactly what a fact-checker must see, so
    it is shown, not hidden. Both are empty when the figures agree (see
    :func:`corroborate.provenance.lexical.number_disagreement`).

    Such a ``paraphrase`` is not counted as derived text (:attr:`derived`):
    same-day reports of one event share wording and differ in figures as a
    matter of course (counting them made 6 of 147 independent pairs of the
    reuse benchmark's dev half look like reuse). A ``verbatim`` link is
    derived whatever its figures.
    """

    a: int
    b: int
    kind: str
    score: float
    overlap: float
    a_text: str
    b_text: str
    numbers_a: tuple[str, ...] = ()
    numbers_b: tuple[str, ...] = ()

    @property
    def numbers_disagree(self) -> bool:
        """The two sentences give different figures."""
        return bool(self.numbers_a or self.numbers_b)

    @property
    def derived(self) -> bool:
        """Evidence that one sentence was taken from the other (see the class notes)."""
        return self.kind == "verbatim" or (self.kind == "paraphrase" and not self.numbers_disagree)

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "kind": self.kind,
            "score": round(self.score, 4),
            "overlap": round(self.overlap, 4),
            "a_text": self.a_text,
            "b_text": self.b_text,
            "numbers_disagree": (
                {"a": list(self.numbers_a), "b": list(self.numbers_b)}
                if self.numbers_disagree
                else None
            ),
        }


@dataclass(frozen=True, slots=True)
class PairAlignment:
    """Sentence alignment of two articles; sentences with no link are unaligned."""

    a: str
    b: str
    a_sentences: tuple[Sentence, ...]
    b_sentences: tuple[Sentence, ...]
    a_words: tuple[int, ...]
    b_words: tuple[int, ...]
    links: tuple[SentenceLink, ...]

    def unaligned(self, side: str) -> list[int]:
        """Indices of sentences of side ``"a"`` or ``"b"`` with no link."""
        linked = {getattr(link, side) for link in self.links}
        sents = self.a_sentences if side == "a" else self.b_sentences
        return [s.index for s in sents if s.index not in linked]

    def share(self, side: str, kinds: Sequence[str] = ("verbatim", "paraphrase")) -> float:
        """Share of the words of one side in sentences linked with one of ``kinds``.

        Paraphrase links whose figures disagree are left out (not derived text).
        """
        if side not in ("a", "b"):
            raise UsageError(f"side must be 'a' or 'b', not {side!r}")
        counts = self.a_words if side == "a" else self.b_words
        linked = {
            getattr(link, side)
            for link in self.links
            if link.kind in kinds and (link.kind != "paraphrase" or link.derived)
        }
        total = sum(counts)
        return sum(counts[i] for i in linked) / total if total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "a_sentences": [s.text for s in self.a_sentences],
            "b_sentences": [s.text for s in self.b_sentences],
            "links": [link.to_dict() for link in self.links],
            "a_unaligned": self.unaligned("a"),
            "b_unaligned": self.unaligned("b"),
            "share": {"a": round(self.share("a"), 4), "b": round(self.share("b"), 4)},
        }


@dataclass(slots=True)
class PreparedArticle:
    """An article's sentences with what alignment needs, computed once per story."""

    key: str
    article: Article
    sentences: list[Sentence]
    quoted: list[QuotedSentence]
    offset: int  # index of its first sentence in the story-wide arrays
    tokens: dict[int, Tokens] = field(default_factory=dict)

    def words(self, i: int) -> list[str]:
        return list(self.quoted[i].words)

    def token(self, i: int) -> Tokens:
        """Feature tokens of sentence ``i``, computed on first use."""
        tok = self.tokens.get(i)
        if tok is None:
            tok = self.tokens[i] = tokens_of(self.sentences[i].text)
        return tok


@dataclass(slots=True)
class StoryIndex:
    """Story-wide arrays: unit sentence embeddings and a sparse shingle matrix."""

    articles: list[PreparedArticle]
    embeddings: np.ndarray
    shingles: sparse.csr_matrix
    sizes: np.ndarray


def article_key(article: Article) -> str:
    """The id to show for an article: its id, else its content hash."""
    return article.id or article.content_hash


def _shingles(words: list[str]) -> set[str]:
    content = [w for w in words if w not in STOPWORDS]
    return set(content) | {f"{x} {y}" for x, y in itertools.pairwise(words)}


def prepare_articles(articles: Sequence[Article], ctx: Context, opts: AlignOptions) -> StoryIndex:
    """Split, flag quotes, embed and shingle every sentence of the articles."""
    prepared: list[PreparedArticle] = []
    texts: list[str] = []
    for article in articles:
        if not isinstance(article, Article):
            raise UsageError(f"expected Article records, got {type(article).__name__}")
        sents = article_sentences(article.paragraphs)
        prepared.append(
            PreparedArticle(
                article_key(article),
                article,
                sents,
                quoted_sentences(article.paragraphs, sents),
                len(texts),
            )
        )
        texts.extend(s.text for s in sents)
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    sizes: list[int] = []
    row = 0
    for p in prepared:
        for i in range(len(p.sentences)):
            words = p.words(i)
            sh = _shingles(words)
            for s in sh:
                rows.append(row)
                cols.append(vocab.setdefault(s, len(vocab)))
            sizes.append(len(sh))
            row += 1
    from scipy import sparse  # loaded when first needed: a slow import

    matrix = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(row, max(len(vocab), 1))
    )
    emb = embed_sentences(ctx.nlp.wordllama(), texts)
    return StoryIndex(prepared, emb, matrix, np.array(sizes, dtype=np.float32))


def _candidates(
    cos: np.ndarray, contain: np.ndarray, opts: AlignOptions
) -> list[tuple[int, int, float]]:
    """(i, j, cosine) pairs worth scoring, from the cosine and containment blocks of two articles."""
    na, nb = cos.shape
    if not na or not nb:
        return []
    mask = (contain >= opts.lex_candidate) | (cos >= opts.emb_candidate)
    if opts.nearest > 0:
        rows, cols = np.arange(na)[:, None], np.arange(nb)[None, :]
        k = min(opts.nearest, nb)
        top_b = np.argpartition(-cos, k - 1, axis=1)[:, :k]
        mask[rows, top_b] |= cos[rows, top_b] >= opts.nearest_floor
        k = min(opts.nearest, na)
        top_a = np.argpartition(-cos, k - 1, axis=0)[:k, :]
        mask[top_a, cols] |= cos[top_a, cols] >= opts.nearest_floor
    ii, jj = np.nonzero(mask)
    return [(int(i), int(j), float(cos[i, j])) for i, j in zip(ii, jj, strict=True)]


def _story_candidates(
    index: StoryIndex, pairs: Sequence[tuple[int, int]], opts: AlignOptions
) -> list[tuple[int, int, int, int, float]]:
    """Candidates of every requested article pair: one matrix product per first article."""
    by_first: dict[int, list[int]] = {}
    for pi, pj in pairs:
        by_first.setdefault(pi, []).append(pj)
    n = index.embeddings.shape[0]
    # One product for the whole story when it fits (one BLAS call is far cheaper
    # than one per article on a busy machine); row blocks per article otherwise.
    whole = n <= _WHOLE_STORY_ROWS
    if whole:
        cos_all = index.embeddings @ index.embeddings.T
        inter_all = (index.shingles @ index.shingles.T).toarray()
    jobs = []
    for pi, others in by_first.items():
        pa = index.articles[pi]
        sa = slice(pa.offset, pa.offset + len(pa.sentences))
        if whole:
            cos_rows, inter_rows = cos_all[sa], inter_all[sa]
        else:
            cos_rows = index.embeddings[sa] @ index.embeddings.T
            inter_rows = (index.shingles[sa] @ index.shingles.T).toarray()
        contain_rows = inter_rows / np.maximum(np.minimum.outer(index.sizes[sa], index.sizes), 1.0)
        for pj in others:
            pb = index.articles[pj]
            sb = slice(pb.offset, pb.offset + len(pb.sentences))
            for i, j, c in _candidates(cos_rows[:, sb], contain_rows[:, sb], opts):
                jobs.append((pi, pj, i, j, c))
    return jobs


def _shared_positions(a: Sequence[str], b: Sequence[str], n: int = 3) -> tuple[set[int], set[int]]:
    """Positions of words in a and b covered by a word n-gram the two share."""
    grams_b: dict[tuple[str, ...], list[int]] = {}
    for j in range(len(b) - n + 1):
        grams_b.setdefault(tuple(b[j : j + n]), []).append(j)
    pos_a: set[int] = set()
    pos_b: set[int] = set()
    for i in range(len(a) - n + 1):
        hits = grams_b.get(tuple(a[i : i + n]))
        if hits:
            pos_a.update(range(i, i + n))
            for j in hits:
                pos_b.update(range(j, j + n))
    return pos_a, pos_b


def numbers_conflict(ta: Tokens, tb: Tokens) -> bool:
    """The two sentences give different figures for the same thing.

    "won 169 seats" against "won 168 seats"; see
    :func:`~corroborate.provenance.lexical.number_disagreement`.
    """
    return number_disagreement(ta, tb) is not None


def classify_link(
    qa: QuotedSentence,
    qb: QuotedSentence,
    prob: float,
    opts: AlignOptions,
    ratios: tuple[float, float, float] | None = None,
) -> tuple[str | None, float]:
    """The kind of a candidate pair (or None) and its word overlap (LCS / longer).

    ``prob`` is the paraphrase probability (as to wording: the aligner scores a
    pair whose figures disagree as if they agreed, and lists the numbers).
    ``ratios`` (LCS / longer, LCS / shorter, shorter / longer), when the caller
    has them from the features, save computing the LCS again.
    """
    wa, wb = qa.words, qb.words
    if not wa or not wb:
        return None, 0.0
    longer, shorter = max(len(wa), len(wb)), min(len(wa), len(wb))
    if shorter < opts.min_words:
        # Too short to judge rewording ("Pay April 15"): only an exact repeat counts.
        return ("verbatim", 1.0) if wa == wb else (None, 0.0)
    if ratios is None:
        lcs = lcs_length(wa, wb)
        ratios = (lcs / longer, lcs / shorter, shorter / longer)
    overlap, contained, length_ratio = ratios
    if any(qa.quoted) and any(qb.quoted) and _same_quote(qa, qb, opts):
        return "shared-quote", overlap
    if overlap >= opts.verbatim or (contained >= opts.contained and length_ratio >= 0.5):
        return "verbatim", overlap
    if prob >= opts.paraphrase:
        return "paraphrase", overlap
    return None, overlap


def _same_quote(qa: QuotedSentence, qb: QuotedSentence, opts: AlignOptions) -> bool:
    """The words the two sentences share lie inside quotes in both, quoting the
    same words, while the text outside the quotes is not copied."""
    pos_a, pos_b = _shared_positions(qa.words, qb.words)
    if not pos_a or not pos_b:
        return False
    in_a = sum(1 for i in pos_a if qa.quoted[i]) / len(pos_a)
    in_b = sum(1 for j in pos_b if qb.quoted[j]) / len(pos_b)
    if min(in_a, in_b) < opts.quote_in:
        return False
    quote_a, quote_b = qa.inside(), qb.inside()
    same_quote = lcs_length(quote_a, quote_b) / min(len(quote_a), len(quote_b))
    out_a, out_b = qa.outside(), qb.outside()
    outside_copied = lcs_length(out_a, out_b) / (max(len(out_a), len(out_b)) or 1) >= opts.verbatim
    return same_quote >= opts.quote_same and not outside_copied


def _select(found: list[SentenceLink]) -> tuple[SentenceLink, ...]:
    """Keep each sentence's best link on either side (its best counterpart(s))."""

    def rank(link: SentenceLink) -> tuple[int, bool, float]:
        # A paraphrase with agreeing figures beats one whose figures differ.
        return _RANK[link.kind], link.derived, link.score + link.overlap

    best_a: dict[int, SentenceLink] = {}
    best_b: dict[int, SentenceLink] = {}
    for link in found:
        if link.a not in best_a or rank(link) > rank(best_a[link.a]):
            best_a[link.a] = link
        if link.b not in best_b or rank(link) > rank(best_b[link.b]):
            best_b[link.b] = link
    keep = {(x.a, x.b): x for x in (*best_a.values(), *best_b.values())}
    # A sentence copied word for word is accounted for: a paraphrase link from
    # some other sentence to it is topical likeness, not a second copy.
    copied_a = {x.a for x in keep.values() if x.kind == "verbatim"}
    copied_b = {x.b for x in keep.values() if x.kind == "verbatim"}
    kept = [
        x
        for x in keep.values()
        if x.kind != "paraphrase" or (x.a not in copied_a and x.b not in copied_b)
    ]
    return tuple(sorted(kept, key=lambda x: (x.a, x.b)))


def align_prepared(
    index: StoryIndex,
    pairs: Sequence[tuple[int, int]],
    ctx: Context,
    opts: AlignOptions,
    model: ScorerModel | None = None,
) -> list[PairAlignment]:
    """Align the given (article, article) index pairs of a prepared story, scoring in one batch."""
    model = model or load_model()
    jobs = _story_candidates(index, pairs, opts)
    arts = index.articles
    tokens = [(arts[pi].token(i), arts[pj].token(j)) for pi, pj, i, j, _ in jobs]
    texts = [(arts[pi].sentences[i].text, arts[pj].sentences[j].text) for pi, pj, i, j, _ in jobs]
    cos = np.array([c for *_, c in jobs], dtype=np.float64)
    feats = feature_matrix(texts, ctx, tokens, cos)
    probs = model.probability(feats, tokens) if jobs else np.zeros(0)
    cols = [FEATURE_NAMES.index(n) for n in ("lcs_min", "lcs_max", "len_ratio")]
    ratios = feats[:, cols] if jobs else np.zeros((0, 3))
    found: dict[tuple[int, int], list[SentenceLink]] = {p: [] for p in pairs}
    # The num_clash feature already says which pairs' figures disagree; only those
    # need the numbers themselves.
    clash = feats[:, FEATURE_NAMES.index("num_clash")] if jobs else np.zeros(0)
    rows = np.flatnonzero(clash > 0.5).tolist()
    disagree: list[tuple[tuple[str, ...], tuple[str, ...]] | None] = [None] * len(jobs)
    for k in rows:
        disagree[k] = number_disagreement(*tokens[k])
    if rows:
        # Score the wording as if the figures agreed; the link lists the numbers.
        x, toks = neutral_numbers(feats[rows], [tokens[k] for k in rows])
        probs[rows] = model.probability(x, toks)
    for (pi, pj, i, j, _), prob, (r1, r2, r3), numbers in zip(
        jobs, probs, ratios, disagree, strict=True
    ):
        kind, overlap = classify_link(
            arts[pi].quoted[i], arts[pj].quoted[j], float(prob), opts, (r1, r2, r3)
        )
        if kind is not None:
            found[(pi, pj)].append(
                SentenceLink(
                    i,
                    j,
                    kind,
                    float(prob),
                    overlap,
                    arts[pi].sentences[i].text,
                    arts[pj].sentences[j].text,
                    *(numbers or ((), ())),
                )
            )
    out = []
    for pi, pj in pairs:
        a, b = arts[pi], arts[pj]
        out.append(
            PairAlignment(
                a=a.key,
                b=b.key,
                a_sentences=tuple(a.sentences),
                b_sentences=tuple(b.sentences),
                a_words=tuple(len(q.words) for q in a.quoted),
                b_words=tuple(len(q.words) for q in b.quoted),
                links=_select(found[(pi, pj)]),
            )
        )
    return out


def align_articles(
    a: Article, b: Article, ctx: Context, opts: AlignOptions | None = None
) -> PairAlignment:
    """Align every sentence of ``a`` with its best counterpart(s) in ``b``."""
    opts = opts or AlignOptions()
    index = prepare_articles([a, b], ctx, opts)
    return align_prepared(index, [(0, 1)], ctx, opts)[0]
