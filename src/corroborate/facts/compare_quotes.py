"""Align quotations across a story and judge how faithfully each outlet quotes.

Quotes are aligned by speaker and wording: two quotes from different articles
join when most words of the shorter one appear in order in the longer one, or
(same speaker only) when they share enough rare words of the story to be the
same statement told differently. Each variant is then ``verbatim`` (same words,
or a partial quote that is a sub-span), ``trimmed`` (a full quote cut short or
with an ellipsis), ``altered`` (mostly the same words, some changed) or
``paraphrase-in-quotes`` (different wording inside quotation marks), with a
word-level diff against the closest other version.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from corroborate.facts.records import ArticleFacts, Evidence, Quotation
from corroborate.facts.spelling import expand_contractions, fold_word, same_letters
from corroborate.text import STOPWORDS, normalize_for_matching

__all__ = ["QuoteGroup", "QuoteOptions", "QuoteVariant", "compare_quotes", "quote_words", "relate"]

_SEVERITY = {"verbatim": 0, "trimmed": 1, "altered": 2, "paraphrase-in-quotes": 3}
# "population's" and "populations'" are one word for comparing quotes.
_POSSESSIVE = re.compile(r"(\w)(?:'s|s')(?=\W|$)")
_TITLE_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_ON_THE_HOUR = re.compile(r"(\d):00\b")  # "6:00 p.m." = "6 p.m."
_BRACKETED = re.compile(r"\[[^\]]*\]|\([^)]*\)")
_TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+(?:'[^\W\d_]+)*|\.\.\.")


@dataclass(frozen=True, slots=True)
class QuoteOptions:
    """Thresholds for aligning quotes (tuned on the ECB+ development topics 1-35).

    ``min_cover``: share of the shorter quote's words found in order in the
    other for a wording match; ``altered_cover``: above this a non-identical
    match is ``altered``, below it a paraphrase; ``min_rare_overlap``: IDF-weighted
    share of rare words two same-speaker quotes need to count as one statement;
    ``min_words``: shorter quotes (titles, scare quotes) join only identical ones;
    ``max_length_ratio``: two quotes this many times longer than each other are
    never taken for a paraphrase of one statement; ``min_content_cover``: share
    of the shorter quote's content words (stopwords left out) found in order in
    the other, also needed for a wording match, so shared function words ("we
    are ... that") do not make two statements one. Chosen on ECB+ dev topics
    1-35 with ``benchmarks/tune_quotes.py``.
    """

    min_cover: float = 0.5
    altered_cover: float = 0.6
    min_rare_overlap: float = 0.45
    min_words: int = 3
    max_length_ratio: float = 3.0
    min_content_cover: float = 0.55


@dataclass(slots=True)
class QuoteVariant:
    """One wording of a quote, the articles that print it and its fidelity."""

    text: str
    fidelity: str
    articles: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    partial: bool = False
    compared_with: str | None = None
    diff: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "fidelity": self.fidelity,
            "articles": list(self.articles),
            "partial": self.partial,
            "compared_with": self.compared_with,
            "diff": list(self.diff),
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(slots=True)
class QuoteGroup:
    """The versions of one statement across the story; ``fidelity`` is the worst variant's."""

    speaker: str | None
    fidelity: str
    variants: list[QuoteVariant]

    @property
    def articles(self) -> list[str]:
        return sorted({a for v in self.variants for a in v.articles})

    def to_dict(self) -> dict[str, Any]:
        return {
            "speaker": self.speaker,
            "fidelity": self.fidelity,
            "variants": [v.to_dict() for v in self.variants],
        }


def quote_words(text: str) -> list[str]:
    """Lower-cased words of a quote, typography, spelling variants and contractions folded
    ("realised" = "realized", "I'm" = "I am"); bracketed editorial insertions
    ("[the police]", "(its direction)") left out; "..." kept as an ellipsis marker."""
    return list(_quote_words(text))


@lru_cache(maxsize=8192)
def _quote_words(text: str) -> tuple[str, ...]:
    """:func:`quote_words`, cached: a story's quotes are compared pair by pair."""
    folded = normalize_for_matching(text).lower().replace("’", "'")
    folded = _POSSESSIVE.sub(r"\1", _BRACKETED.sub(" ", folded))
    folded = _ON_THE_HOUR.sub(r"\1", folded)
    return tuple(
        fold_word(part) for token in _TOKEN.findall(folded) for part in expand_contractions(token)
    )


def _contiguous(short: list[str], long: list[str]) -> bool:
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))


def _cover(short: list[str], long: list[str]) -> float:
    if not short:
        return 0.0
    matcher = SequenceMatcher(None, short, long, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(short)


def _content_cover(short: list[str], long: list[str]) -> float:
    """In-order cover of the shorter quote's content words (1.0 when it has none)."""
    content = [w for w in short if w not in STOPWORDS and w != "..."]
    if not content:
        return 1.0
    return _cover(content, [w for w in long if w not in STOPWORDS])


def _substantive(words: list[str]) -> bool:
    return any(w not in STOPWORDS and w != "..." for w in words)


# Where a quote's sentences end: ". ", "? ", "! " or an ellipsis before a capital.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’]?\s+(?=[\"'“‘]?[A-Z])")
# Function words that still change what a quote says.
_NEGATIONS = frozenset({"not", "no", "never", "nor", "none", "nothing", "nobody", "cannot"})


def relate(a: Quotation, b: Quotation) -> str:
    """Fidelity of quote ``a`` judged against quote ``b`` (another outlet's version).

    Quotes of several sentences are also judged sentence by sentence: two outlets
    that print different selections of one statement's sentences (a quotes s1 and
    s2, b quotes s1 and s3) trimmed it; they did not alter it.
    """
    wa = [w for w in quote_words(a.text) if w != "..."]
    wb = [w for w in quote_words(b.text) if w != "..."]
    relation = _relate_words(wa, wb, a.partial)
    if relation == "altered":
        by_sentence = _relate_sentences(a, b)
        if by_sentence is not None:
            return by_sentence
    return relation


def _quote_sentences(text: str) -> list[list[str]]:
    out = []
    for part in _SENTENCE_END.split(text):
        words = [w for w in quote_words(part) if w != "..."]
        if words:
            out.append(words)
    return out


def _relate_sentences(a: Quotation, b: Quotation) -> str | None:
    """``trimmed`` when every sentence of ``a`` that shares content words with ``b``
    is a faithful version of one sentence of ``b`` (others are sentences ``b`` left out);
    None when the quotes are single sentences or some sentence was altered."""
    sa, sb = _quote_sentences(a.text), _quote_sentences(b.text)
    if len(sa) < 2 and len(sb) < 2:
        return None
    sb_content = [{w for w in t if w not in STOPWORDS} for t in sb]
    matched = 0
    for words in sa:
        content = {w for w in words if w not in STOPWORDS}
        partners = [t for t, c in zip(sb, sb_content, strict=True) if content & c]
        if not partners:
            continue
        best = min((_relate_words(words, t, True) for t in partners), key=lambda r: _SEVERITY[r])
        if best == "altered":
            return None
        matched += 1
    return "trimmed" if matched else None


def _acronym(short: list[str], long: list[str]) -> bool:
    """One word that is the initials of the other side's words ("ie" / "internet explorer")."""
    if len(short) != 1 and len(long) == 1:
        short, long = long, short
    return (
        len(short) == 1
        and len(long) >= 2
        and short[0].isalpha()
        and short[0] == "".join(w[:1] for w in long)
    )


def _relate_words(wa: list[str], wb: list[str], partial: bool) -> str:
    if wa == wb:
        return "verbatim"
    if _contiguous(wa, wb):
        return "verbatim" if partial else "trimmed"
    if _contiguous(wb, wa) or _keeps_all_of(wa, wb):
        return "verbatim"  # a is the fuller version: b was cut from it
    matcher = SequenceMatcher(None, wa, wb, autojunk=False)
    changed: list[str] = []
    replaced: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "replace" and (
            same_letters(wa[i1:i2], wb[j1:j2]) or _acronym(wa[i1:i2], wb[j1:j2])
        ):
            continue  # "pick-up" / "pickup", "IE" / "Internet Explorer"
        if op == "replace" and i1 == 0 and j2 - j1 >= 2 and _lead_in(wa[i1:i2]):
            continue  # "It's a dream" quoted from "... is a dream": the quote's first word
        if op == "delete" and (i1 == 0 or i2 == len(wa)):
            continue  # a goes on where b stops: b was cut from it
        if op in ("replace", "delete"):
            changed.extend(wa[i1:i2])
        if op == "replace":
            replaced.extend(wb[j1:j2])
    if not changed:
        # Every word of a is in b, in order, with gaps: an ellipsis or a cut.
        return "verbatim" if not replaced and wa != wb and _compound_only(wa, wb) else "trimmed"
    if not _substantive(changed) and not _substantive(replaced) and not _swapped(changed, replaced):
        return "verbatim" if partial else "trimmed"
    return "altered"


# Small words whose swap changes the statement's time or person ("this is" / "it was").
_TENSE = frozenset(
    {"is", "was", "are", "were", "will", "would", "has", "had", "have", "do", "does", "did"}
)


def _swapped(changed: list[str], replaced: list[str]) -> bool:
    """Function words replaced by other tense or negation words ("is" → "was")."""
    a, b = set(changed), set(replaced)
    return bool((a & _TENSE) and (b & _TENSE) and a != b) or bool((a ^ b) & _NEGATIONS)


def _lead_in(words: list[str]) -> bool:
    """A quote's opening pronoun or article fitted to the sentence (no content, no negation)."""
    return len(words) == 1 and words[0] in STOPWORDS and words[0] not in _NEGATIONS


def _keeps_all_of(wa: list[str], wb: list[str]) -> bool:
    """True when every word of ``wb`` but function words appears in ``wa`` in order."""
    matcher = SequenceMatcher(None, wb, wa, autojunk=False)
    for op, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if op in ("replace", "delete") and _substantive(wb[i1:i2]):
            return False
    return len(wb) < len(wa)


@lru_cache(maxsize=8192)
def _title_like(text: str) -> bool:
    """A short quote in title case ("The Hunger Games", "Most Likely to Succeed")."""
    tokens = _TITLE_WORD.findall(text)
    content = [t for t in tokens if t.lower() not in STOPWORDS]
    return 0 < len(tokens) <= 6 and bool(content) and all(t[:1].isupper() for t in content)


def _compound_only(wa: list[str], wb: list[str]) -> bool:
    return "".join(wa) == "".join(wb)


def _diff(a: str, b: str) -> list[dict[str, str]]:
    wa, wb = quote_words(a), quote_words(b)
    out: list[dict[str, str]] = []
    matcher = SequenceMatcher(None, wb, wa, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        out.append({"op": op, "from": " ".join(wb[i1:i2]), "to": " ".join(wa[j1:j2])})
    return out


def _speakers_compatible(a: str, b: str) -> bool:
    if not a or not b:
        return True
    ta, tb = set(a.split()), set(b.split())
    return ta <= tb or tb <= ta


def _rare_overlap(a: list[str], b: list[str], idf: dict[str, float]) -> float:
    sa = {w for w in a if w not in STOPWORDS}
    sb = {w for w in b if w not in STOPWORDS}
    if not sa or not sb:
        return 0.0
    shared = sum(idf.get(w, 1.0) for w in sa & sb)
    smaller = min(sum(idf.get(w, 1.0) for w in sa), sum(idf.get(w, 1.0) for w in sb))
    return shared / smaller if smaller else 0.0


def _story_idf(facts: list[ArticleFacts], sentences: list[str]) -> dict[str, float]:
    df: Counter[str] = Counter()
    for text in sentences:
        df.update(set(quote_words(text)))
    n = max(1, len(sentences))
    return {w: math.log((n + 1) / (c + 1)) + 0.1 for w, c in df.items()}


@dataclass(slots=True)
class _Link:
    score: float
    kind: str


def compare_quotes(
    facts: list[ArticleFacts], sentences: list[str], options: QuoteOptions | None = None
) -> list[QuoteGroup]:
    """Group the story's quotes and classify each version's fidelity.

    ``sentences`` are the story's sentence texts, used for word rarity.
    """
    options = options or QuoteOptions()
    quotes = [q for f in facts for q in f.quotes]
    words = [[w for w in quote_words(q.text) if w != "..."] for q in quotes]
    idf = _story_idf(facts, sentences)
    parent = list(range(len(quotes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    best_of: list[dict[str, tuple[float, int, str]]] = []
    for i, qa in enumerate(quotes):
        best: dict[str, tuple[float, int, str]] = {}
        for j, qb in enumerate(quotes):
            art = qb.evidence.article
            if art == qa.evidence.article or not words[i] or not words[j]:
                continue
            score, kind = _link_score(qa, qb, words[i], words[j], idf, options)
            if kind and score > best.get(art, (0.0, -1, ""))[0]:
                best[art] = (score, j, kind)
        best_of.append(best)
    links: dict[tuple[int, int], _Link] = {}
    for i, best in enumerate(best_of):
        for score, j, kind in best.values():
            back = best_of[j].get(quotes[i].evidence.article)
            # Mutual best matches only (one version per article and statement), except
            # that a quote which is part of a longer one joins it even when another
            # outlet split the statement into several quotes.
            part_of = kind == "wording" and len(words[i]) < len(words[j])
            if not part_of and (back is None or back[1] != i):
                continue
            links[(min(i, j), max(i, j))] = _Link(score, kind)
            parent[find(i)] = find(j)
    members: dict[int, list[int]] = {}
    for i in range(len(quotes)):
        members.setdefault(find(i), []).append(i)
    groups = [_group(quotes, idxs, links, options) for idxs in members.values()]
    groups.sort(key=lambda g: (-len(g.articles), -_SEVERITY.get(g.fidelity, -1)))
    return groups


def _link_score(
    qa: Quotation,
    qb: Quotation,
    wa: list[str],
    wb: list[str],
    idf: dict[str, float],
    options: QuoteOptions,
) -> tuple[float, str]:
    """How strongly two quotes look like versions of one statement, and why."""
    same_speaker = _speakers_compatible(qa.speaker_key, qb.speaker_key)
    short, long = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if len(short) < options.min_words and short != long:
        return 0.0, ""
    if short != long and (_title_like(qa.text) or _title_like(qb.text)):
        return 0.0, ""  # a title or a name joins only the same title
    long_set = set(long)
    # Cheap upper bound of the in-order cover: skips the diff for unrelated quotes.
    bound = sum(1 for w in short if w in long_set) / len(short)
    if bound < options.min_cover and not (same_speaker and qa.speaker_key and qb.speaker_key):
        return 0.0, ""
    cover = _cover(short, long) if bound >= options.min_cover else 0.0
    if (
        cover >= options.min_cover
        and (same_speaker or cover >= 0.8)
        and (len(short) >= options.min_words or cover == 1.0)
        and _substantive([w for w in short if w in long_set])
        and _content_cover(short, long) >= options.min_content_cover
    ):
        return 1.0 + cover, "wording"
    if (
        same_speaker
        and qa.speaker_key
        and qb.speaker_key
        and min(len(wa), len(wb)) >= 5
        and len(long) <= options.max_length_ratio * len(short)
    ):
        overlap = _rare_overlap(wa, wb, idf)
        if overlap >= options.min_rare_overlap:
            return overlap, "paraphrase"
    return 0.0, ""


def _best_partner(
    quotes: list[Quotation],
    i: int,
    idxs: list[int],
    links: dict[tuple[int, int], _Link],
    options: QuoteOptions,
) -> tuple[str, int | None]:
    """Fidelity of quote ``i`` against the aligned version it is most faithful to."""
    best: tuple[int, int | None, str] = (99, None, "single-source")
    for j in idxs:
        link = links.get((min(i, j), max(i, j)))
        if link is None:
            continue  # judged only against the versions it was aligned with
        relation = _relation(quotes[i], quotes[j], link, options)
        rank = _SEVERITY[relation]
        if rank < best[0]:
            best = (rank, j, relation)
    return best[2], best[1]


def _relation(a: Quotation, b: Quotation, link: _Link | None, options: QuoteOptions) -> str:
    relation = relate(a, b)
    if relation == "altered":
        short, long = quote_words(a.text), quote_words(b.text)
        if len(short) > len(long):
            short, long = long, short
        if _cover(short, long) < options.altered_cover or (link and link.kind == "paraphrase"):
            relation = "paraphrase-in-quotes"
    return relation


def _fidelities(
    quotes: list[Quotation],
    idxs: list[int],
    links: dict[tuple[int, int], _Link],
    options: QuoteOptions,
) -> dict[int, tuple[str, int | None]]:
    """Fidelity of each quote of a group, and the quote it was judged against.

    A quote's support is the number of articles whose aligned version says the
    same words (itself included). Each quote is judged against the aligned
    versions that are at least as well supported and takes the worst of those
    relations, so when two camps of outlets quote a statement differently both
    show, while a faithful version is never marked down because of a lone
    misquote of it.
    """
    agree = {"verbatim", "trimmed"}
    relation: dict[tuple[int, int], str] = {}
    support = {i: {quotes[i].evidence.article} for i in idxs}
    for (i, j), link in links.items():
        if i not in support or j not in support:
            continue
        relation[(i, j)] = _relation(quotes[i], quotes[j], link, options)
        relation[(j, i)] = _relation(quotes[j], quotes[i], link, options)
        if relation[(i, j)] in agree or relation[(j, i)] in agree:
            support[i].add(quotes[j].evidence.article)
            support[j].add(quotes[i].evidence.article)
    out: dict[int, tuple[str, int | None]] = {}
    for i in idxs:
        judged = [
            (_SEVERITY[relation[(i, j)]], j)
            for j in idxs
            if (i, j) in relation and len(support[j]) >= len(support[i])
        ]
        if judged:
            _rank, j = max(judged)
            out[i] = (relation[(i, j)], j)
        else:
            out[i] = _best_partner(quotes, i, idxs, links, options)
    return out


def _group(
    quotes: list[Quotation],
    idxs: list[int],
    links: dict[tuple[int, int], _Link],
    options: QuoteOptions,
) -> QuoteGroup:
    variants: dict[str, QuoteVariant] = {}
    judged = _fidelities(quotes, idxs, links, options)
    for i in idxs:
        q = quotes[i]
        fidelity, other = judged[i]
        key = " ".join(quote_words(q.text))
        variant = variants.get(key)
        if variant is None:
            variant = QuoteVariant(q.text, fidelity, partial=q.partial)
            if other is not None:
                variant.compared_with = quotes[other].evidence.article
                variant.diff = _diff(q.text, quotes[other].text) if fidelity != "verbatim" else []
            variants[key] = variant
        elif _SEVERITY.get(fidelity, 9) < _SEVERITY.get(variant.fidelity, 9):
            variant.fidelity = fidelity
        if q.evidence.article not in variant.articles:
            variant.articles.append(q.evidence.article)
        variant.evidence.append(q.evidence)
    ordered = sorted(variants.values(), key=lambda v: (_SEVERITY.get(v.fidelity, 9), -len(v.text)))
    worst = max(ordered, key=lambda v: _SEVERITY.get(v.fidelity, -1))
    speakers = Counter(quotes[i].speaker for i in idxs if quotes[i].speaker)
    speaker = max(speakers, key=lambda s: (speakers[s], len(s or ""))) if speakers else None
    return QuoteGroup(speaker=speaker, fidelity=worst.fidelity, variants=ordered)
