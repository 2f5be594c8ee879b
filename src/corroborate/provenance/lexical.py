"""Pure lexical features of a sentence pair: overlap, order, numbers, names, length.

No model and no I/O: every function takes text (or tokens) and returns numbers,
so the paraphrase scorer, the aligner and the tests share one definition.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from corroborate.text import STOPWORDS, normalize_for_matching, words

__all__ = [
    "LEXICAL_FEATURES",
    "NUMBER_AGREEMENT",
    "Tokens",
    "char_ngrams",
    "lcs_length",
    "lexical_features",
    "ngrams",
    "number_disagreement",
    "tokens_of",
]

_NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
    "eleven": "11", "twelve": "12", "twenty": "20", "thirty": "30", "forty": "40",
    "fifty": "50", "hundred": "100", "thousand": "1000", "million": "1000000",
    "billion": "1000000000", "half": "0.5", "dozen": "12",
}  # fmt: skip
_NEGATIONS = frozenset({"not", "no", "never", "n't", "none", "nor", "nothing", "without"})
_CAPITAL = re.compile(r"\b[A-Z][A-Za-z'\-]*[A-Za-z]|\b[A-Z]\b")


@dataclass(frozen=True, slots=True)
class Tokens:
    """What the features need from one sentence, computed once."""

    words: tuple[str, ...]
    word_set: frozenset[str]
    content: frozenset[str]
    numbers: frozenset[str]
    quantities: frozenset[tuple[str, str]]  # (number, unit: the word after it, or "")
    names: frozenset[str]
    negations: int
    chars: str
    stems: tuple[str, ...]
    content_stems: frozenset[str]
    gram_sets: tuple[frozenset[tuple[str, ...]], ...]
    char3: frozenset[str]
    char4: frozenset[str]


def _number_key(token: str) -> str:
    token = token.rstrip("%").replace(",", "")
    try:
        value = float(token)
    except ValueError:
        return token
    return f"{value:g}"


_SUFFIXES = ("ing", "ed", "es", "s", "ly")
_PERCENT = frozenset({"percent", "pct", "per", "percentage"})


def _is_number(token: str) -> bool:
    return token[0].isdigit() or token in _NUMBER_WORDS


def _quantities(toks: Sequence[str]) -> frozenset[tuple[str, str]]:
    """Each number with its unit: "%"/"percent" -> "percent", else the next word's stem.

    The unit is "" when the next word is a stopword, a number or absent, so
    "5 percent" and "5%" are one quantity and "7 percent" is another of its kind.
    """
    out = set()
    for k, t in enumerate(toks):
        if not _is_number(t):
            continue
        key = _number_key(t) if t[0].isdigit() else _NUMBER_WORDS[t]
        nxt = toks[k + 1] if k + 1 < len(toks) else ""
        if t.endswith("%") or nxt in _PERCENT:
            unit = "percent"
        elif not nxt or nxt in STOPWORDS or _is_number(nxt):
            unit = ""
        else:
            unit = light_stem(nxt)
        out.add((key, unit))
    return frozenset(out)


def number_disagreement(ta: Tokens, tb: Tokens) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The numbers each sentence has and the other lacks, when the figures disagree; else None.

    They disagree when both give numbers and none is shared ("won 169 seats" /
    "won 168 seats"), or when a quantity of one unit differs and neither value
    occurs anywhere in the other sentence ("fell 5 percent to 120" / "fell 5
    percent to 125"). Added detail ("won 169 of 343 seats") is not a
    disagreement.
    """
    na, nb = ta.numbers, tb.numbers
    if not na or not nb:
        return None
    clash = not (na & nb)
    if not clash:
        units_a: dict[str, set[str]] = {}
        for value, unit in ta.quantities:
            if value not in nb:
                units_a.setdefault(unit, set()).add(value)
        clash = any(unit in units_a for value, unit in tb.quantities if value not in na)
    if not clash:
        return None
    return tuple(sorted(na - nb)), tuple(sorted(nb - na))


@lru_cache(maxsize=1 << 16)
def light_stem(word: str) -> str:
    """Strip one common English suffix ("voted" -> "vot", "talks" -> "talk").

    Crude on purpose: it only has to make inflections of one word meet, and
    it is an order of magnitude faster than a full stemmer.
    """
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def tokens_of(text: str) -> Tokens:
    """Tokenise one sentence for matching (quotes and dashes folded, lower-cased)."""
    norm = normalize_for_matching(text)
    toks = tuple(words(norm))
    content = frozenset(t for t in toks if t not in STOPWORDS)
    quantities = _quantities(toks)
    numbers = frozenset(value for value, _ in quantities)
    # Capitalised words not at the very start: a cheap proper-name detector that
    # needs no parser (sentence-initial words are ambiguous and skipped).
    names = frozenset(
        m.group(0).lower()
        for m in _CAPITAL.finditer(norm)
        if m.start() > 0 and m.group(0).lower() not in STOPWORDS
    )
    negations = sum(1 for t in toks if t in _NEGATIONS or t.endswith("n't"))
    chars = " ".join(toks)
    grams = (frozenset(zip(*(toks[k:] for k in range(n)), strict=False)) for n in (1, 2, 3, 4))
    stems = tuple(light_stem(t) for t in toks)
    return Tokens(
        words=toks,
        word_set=frozenset(toks),
        content=content,
        numbers=numbers,
        quantities=quantities,
        names=names,
        negations=negations,
        chars=chars,
        stems=stems,
        content_stems=frozenset(light_stem(t) for t in content),
        gram_sets=tuple(grams),
        char3=frozenset(char_ngrams(chars, 3)),
        char4=frozenset(char_ngrams(chars, 4)),
    )


def ngrams(toks: Sequence[str], n: int) -> set[tuple[str, ...]]:
    """The set of word n-grams of a token sequence."""
    return {tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)}


def char_ngrams(text: str, n: int) -> set[str]:
    """The set of character n-grams of a string."""
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of two token sequences.

    Bit-parallel (Allison-Dix / Hyyro): one big-integer step per token of ``b``,
    about 20x faster in CPython than the dynamic-programming table.
    """
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, x in enumerate(a):
        masks[x] = masks.get(x, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for y in b:
        u = v & masks.get(y, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - v.bit_count()


def _overlaps(sa: AbstractSet[Any], sb: AbstractSet[Any]) -> tuple[float, float, float]:
    """(min containment, max containment, Jaccard) of two sets; zeros when empty."""
    if not sa or not sb:
        return 0.0, 0.0, 0.0
    inter = len(sa & sb)
    ca, cb = inter / len(sa), inter / len(sb)
    return min(ca, cb), max(ca, cb), inter / len(sa | sb)


def _bleu(shared: Sequence[int], sizes: Sequence[int]) -> float:
    """Smoothed BLEU-like score over distinct 1-4 grams, no brevity penalty.

    ``shared[n]`` distinct n-grams in common, ``sizes[n]`` distinct n-grams of
    the side being scored (set counts keep it one intersection per n).
    """
    prod = 1.0
    for hit, size in zip(shared, sizes, strict=True):
        prod *= (hit + 1) / (size + 1)
    return float(prod**0.25)


def _set_overlaps(inter: int, na: int, nb: int) -> tuple[float, float, float]:
    """(min containment, max containment, Jaccard) from set sizes; zeros when empty."""
    if not na or not nb:
        return 0.0, 0.0, 0.0
    ca, cb = inter / na, inter / nb
    return min(ca, cb), max(ca, cb), inter / (na + nb - inter)


LEXICAL_FEATURES: tuple[str, ...] = (
    "word_min", "word_max", "word_jac",
    "content_min", "content_max", "content_jac",
    "bi_min", "bi_max", "tri_min", "tri_max",
    "char4_jac", "char4_min", "char3_jac",
    "lcs_min", "lcs_max", "bleu_min", "bleu_max",
    "num_any", "num_diff", "num_same",
    "name_diff", "name_any",
    "neg_diff", "len_ratio", "len_log",
    "stem_jac", "run_min", "run_max", "len_diff", "content_symdiff",
    "num_miss_min", "num_miss_max", "num_clash",
)  # fmt: skip
# The number features whose values say "the figures agree" (see neutral_numbers).
NUMBER_AGREEMENT: dict[str, float] = {
    "num_diff": 0.0, "num_same": 1.0, "num_miss_min": 0.0, "num_miss_max": 0.0, "num_clash": 0.0,
}  # fmt: skip


def _unmatched_run(a: Tokens, b: Tokens) -> int:
    """Longest run of words of ``a`` whose word and stem are both absent from ``b``."""
    words_b, stems_b = b.word_set, set(b.stems)
    best = cur = 0
    for w, st in zip(a.words, a.stems, strict=True):
        if w in words_b or st in stems_b:
            cur = 0
        else:
            cur += 1
            best = max(best, cur)
    return best


def lexical_features(ta: Tokens, tb: Tokens) -> list[float]:
    """The :data:`LEXICAL_FEATURES` of a pair, symmetric in ``a`` and ``b``."""
    wa, wb = ta.words, tb.words
    shared = [len(x & y) for x, y in zip(ta.gram_sets, tb.gram_sets, strict=True)]
    size_a = [len(x) for x in ta.gram_sets]
    size_b = [len(x) for x in tb.gram_sets]
    w = _set_overlaps(shared[0], size_a[0], size_b[0])
    c = _overlaps(ta.content, tb.content)
    bi = _set_overlaps(shared[1], size_a[1], size_b[1])
    tri = _set_overlaps(shared[2], size_a[2], size_b[2])
    c4 = _overlaps(ta.char4, tb.char4)
    c3 = _overlaps(ta.char3, tb.char3)
    lcs = lcs_length(wa, wb)
    la, lb = max(len(wa), 1), max(len(wb), 1)
    b1, b2 = _bleu(shared, size_a), _bleu(shared, size_b)
    nums = ta.numbers | tb.numbers
    num_diff = len(ta.numbers ^ tb.numbers)
    names_diff = len(ta.names ^ tb.names)
    run_a, run_b = _unmatched_run(ta, tb), _unmatched_run(tb, ta)
    stem_jac = _overlaps(ta.content_stems, tb.content_stems)[2]
    content_union = len(ta.content | tb.content)
    miss_a = len(ta.numbers - tb.numbers) / len(ta.numbers) if ta.numbers else 0.0
    miss_b = len(tb.numbers - ta.numbers) / len(tb.numbers) if tb.numbers else 0.0
    return [
        w[0], w[1], w[2],
        c[0], c[1], c[2],
        bi[0], bi[1], tri[0], tri[1],
        c4[2], c4[0], c3[2],
        min(lcs / la, lcs / lb), max(lcs / la, lcs / lb),
        min(b1, b2), max(b1, b2),
        1.0 if nums else 0.0,
        float(min(num_diff, 4)),
        1.0 if nums and num_diff == 0 else 0.0,
        float(min(names_diff, 6)),
        1.0 if ta.names or tb.names else 0.0,
        1.0 if (ta.negations > 0) != (tb.negations > 0) else 0.0,
        min(la, lb) / max(la, lb),
        math.log(max(la, lb) / min(la, lb)),
        stem_jac,
        float(min(run_a, run_b)),
        float(max(run_a, run_b)),
        float(min(abs(len(wa) - len(wb)), 30)),
        len(ta.content ^ tb.content) / content_union if content_union else 0.0,
        min(miss_a, miss_b),
        max(miss_a, miss_b),
        0.0 if number_disagreement(ta, tb) is None else 1.0,
    ]  # fmt: skip
