"""Check each generated sentence against the source sentences it cites.

Entailment is approximated by lexical alignment, a rule simple enough to
explain to a reader:

1. **Content recall**: of the generated sentence's content words (stopwords
   and numbers left out, Snowball-stemmed), the share found in the
   supporting source sentences must be at least ``min_recall``.
2. **Numbers**: every number in the sentence (digits with separators and
   ``%`` folded, number words two–ninety) must appear in a supporting source
   that also holds at least ``anchor_share`` of the sentence's content words
   (so a number cannot be borrowed from an unrelated sentence).
3. **Names**: every name-like token — capitalised inside the sentence, or an
   acronym/mixed-case token anywhere, and not a stopword or title — must
   appear in such an anchored supporting source (same stem, or the same first
   letters as in Canada/Canadian).
4. **Negation**: a negated sentence (not, never, no, n't, ...) needs a
   negated supporting source that holds at least half of its content words
   (a "not" elsewhere in a fused source does not count).

The supporting sources are the ones the model cited; when they fail (or
there is no citation, or a number is out of range) the sentence is aligned
again: first the cited sentences plus up to ``max_extra`` best-covering
others, then the ``max_sources`` best-covering sentences from scratch
(greedy cover of the sentence's words and numbers), and sources it passes
without are removed. A sentence that passes with a different set is
*recited* (its citations are replaced); one
that never passes is unsupported, with the reasons of the cited attempt (or
the closest one). Pure functions; the defaults were chosen on the DUC 2006
development topics (``benchmarks/llm_verify.py``: human summary sentences
should pass, corrupted ones should not).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corroborate.errors import UsageError
from corroborate.summarize.units import Stemmer
from corroborate.text import STOPWORDS

__all__ = [
    "SourceFeatures",
    "Verdict",
    "VerifyOptions",
    "features",
    "verify_sentence",
]

_NUMBER_WORDS = {
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "thirteen": "13",
    "fourteen": "14",
    "fifteen": "15",
    "sixteen": "16",
    "seventeen": "17",
    "eighteen": "18",
    "nineteen": "19",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "sixty": "60",
    "seventy": "70",
    "eighty": "80",
    "ninety": "90",
}
_NEGATIONS = frozenset(
    {"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot"}
)
# Titles and company suffixes: capitalised, but not names to look for.
_NOT_NAMES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sen",
        "rep",
        "gov",
        "gen",
        "st",
        "jr",
        "sr",
        "corp",
        "inc",
        "co",
        "ltd",
    }
)
_TOKEN = re.compile(r"[0-9]+(?:[.,][0-9]+)*%?|[^\W\d_]+(?:['\u2019][^\W\d_]+)*", re.UNICODE)
_DIGITS = re.compile(r"[0-9]")


@dataclass(frozen=True, slots=True)
class VerifyOptions:
    """The verification rule's settings (see the module docstring).

    ``ignore_words`` are left out of recall and of the name check (e.g. the
    meta words of a comparison: "article", "reports", "mentions").
    """

    min_recall: float = 0.70
    anchor_share: float = 0.34
    max_sources: int = 3
    max_extra: int = 2
    check_numbers: bool = True
    check_names: bool = True
    check_negation: bool = True
    ignore_words: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not 0.0 < self.min_recall <= 1.0:
            raise UsageError(f"min_recall must be in (0, 1], got {self.min_recall}")
        if not 0.0 <= self.anchor_share <= 1.0:
            raise UsageError(f"anchor_share must be in [0, 1], got {self.anchor_share}")
        if self.max_sources < 1 or self.max_extra < 0:
            raise UsageError("max_sources must be at least 1 and max_extra not negative")


@dataclass(frozen=True, slots=True)
class SourceFeatures:
    """What verification compares: stems of content words, of all words, numbers, names.

    ``content`` is a subset of ``vocabulary`` (every word's stem).
    ``names`` maps each name-like token's stem to its form in the text (for messages).
    """

    content: frozenset[str]
    vocabulary: frozenset[str]
    numbers: frozenset[str]
    names: tuple[tuple[str, str], ...]
    negated: bool


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a sentence is supported, by which sources (0-based indices), and why not.

    ``recall`` is the content recall against ``support``; ``reasons`` is
    empty when ``supported``; ``recited`` is true when ``support`` differs
    from the valid citations the model gave.
    """

    supported: bool
    support: tuple[int, ...]
    recall: float
    reasons: tuple[str, ...]
    recited: bool


def _number(token: str) -> str:
    token = token.rstrip("%").replace(",", "")
    if "." in token:
        token = token.rstrip("0").rstrip(".")
    return token.lstrip("0") or "0"


def features(text: str, stemmer: Stemmer, ignore: Iterable[str] = ()) -> SourceFeatures:
    """The features of one sentence (generated or source) for :func:`verify_sentence`."""
    skip = {w.lower() for w in ignore}
    content: set[str] = set()
    vocabulary: set[str] = set()
    numbers: set[str] = set()
    names: dict[str, str] = {}
    negated = False
    for position, match in enumerate(_TOKEN.finditer(text)):
        raw = match.group(0).replace("\u2019", "'")
        low = raw.lower()
        if _DIGITS.match(raw):
            numbers.add(_number(raw))
            continue
        if low in _NUMBER_WORDS:
            numbers.add(_NUMBER_WORDS[low])
        if low in _NEGATIONS or low.endswith("n't"):
            negated = True
        base = low[:-2] if low.endswith("'s") else low
        stem = stemmer.stem(base)
        vocabulary.add(stem)
        if base in skip or low in STOPWORDS or base in STOPWORDS or low in _NUMBER_WORDS:
            continue
        content.add(stem)
        if _name_like(raw, position) and len(base) > 1 and base not in _NOT_NAMES:
            names.setdefault(stem, raw)
    return SourceFeatures(
        frozenset(content),
        frozenset(vocabulary),
        frozenset(numbers),
        tuple(sorted(names.items())),
        negated,
    )


def _name_like(token: str, position: int) -> bool:
    """Capitalised inside the sentence, or an acronym / mixed-case token anywhere."""
    if not token[:1].isupper():
        return False
    if position > 0:
        return True
    rest = token[1:]
    return any(ch.isupper() for ch in rest)


def _name_found(name: str, vocabulary: frozenset[str]) -> bool:
    if name in vocabulary:
        return True
    if len(name) < 5:
        return False
    for word in vocabulary:
        shorter = min(len(word), len(name))
        if shorter >= 5 and _common_prefix(word, name) >= shorter - 1:
            return True
    return False


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


@dataclass(frozen=True, slots=True)
class _Attempt:
    support: tuple[int, ...]
    recall: float
    reasons: tuple[str, ...]


def _check(
    draft: SourceFeatures,
    sources: Sequence[SourceFeatures],
    chosen: Sequence[int],
    options: VerifyOptions,
) -> _Attempt:
    vocabulary: set[str] = set()
    numbers: set[str] = set()
    anchored: set[str] = set()
    need = options.anchor_share * len(draft.content)
    for i in chosen:
        vocabulary |= sources[i].vocabulary
        if len(draft.content & sources[i].vocabulary) >= need:
            numbers |= sources[i].numbers
            anchored |= sources[i].vocabulary
    found = draft.content & vocabulary
    recall = len(found) / len(draft.content) if draft.content else 0.0
    reasons: list[str] = []
    if not chosen:
        reasons.append("no source sentence supports it")
    if not draft.content:
        reasons.append("no content words to check")
    elif recall < options.min_recall:
        reasons.append(f"only {recall:.0%} of its content words are in the sources")
    if options.check_numbers:
        missing = sorted(draft.numbers - numbers)
        if missing:
            reasons.append("number(s) not in the sources: " + ", ".join(missing))
    if options.check_names:
        known = frozenset(anchored)
        absent = [form for stem, form in draft.names if not _name_found(stem, known)]
        if absent:
            reasons.append("name(s) not in the sources: " + ", ".join(absent))
    if options.check_negation and draft.negated and not _negation_anchored(draft, sources, chosen):
        reasons.append("it is negated but its main sources are not")
    useful = tuple(i for i in chosen if _gain(draft, sources[i], set()) > 0)
    return _Attempt(useful or tuple(chosen), recall, tuple(reasons))


def _negation_anchored(
    draft: SourceFeatures, sources: Sequence[SourceFeatures], chosen: Sequence[int]
) -> bool:
    """A negated source among ``chosen`` holds at least half of the draft's content words."""
    need = len(draft.content) / 2
    return any(
        sources[i].negated and len(draft.content & sources[i].vocabulary) >= need for i in chosen
    )


def _gain(draft: SourceFeatures, source: SourceFeatures, covered: set[str]) -> int:
    """How many of the draft's still-uncovered words, numbers and names a source adds."""
    items = (draft.content & source.vocabulary) | {"#" + n for n in draft.numbers & source.numbers}
    return len(items - covered)


def _cover(
    draft: SourceFeatures,
    sources: Sequence[SourceFeatures],
    seed: Sequence[int],
    limit: int,
    allowed: Sequence[int],
) -> list[int]:
    """Greedy cover: add the allowed source that covers most new items, ``limit`` times."""
    chosen = list(seed)
    covered: set[str] = set()
    for i in chosen:
        covered |= (draft.content & sources[i].vocabulary) | {
            "#" + n for n in draft.numbers & sources[i].numbers
        }
    for _ in range(limit):
        best, best_gain = -1, 0
        for i in allowed:
            if i in chosen:
                continue
            gain = _gain(draft, sources[i], covered)
            if gain > best_gain:
                best, best_gain = i, gain
        if best < 0:
            break
        chosen.append(best)
        covered |= (draft.content & sources[best].vocabulary) | {
            "#" + n for n in draft.numbers & sources[best].numbers
        }
    return chosen


def _prune(
    draft: SourceFeatures,
    sources: Sequence[SourceFeatures],
    support: Sequence[int],
    options: VerifyOptions,
) -> tuple[int, ...]:
    """A re-aligned support without the sources it passes without (least useful first)."""
    kept = list(support)
    for i in sorted(support, key=lambda j: _gain(draft, sources[j], set())):
        rest = [j for j in kept if j != i]
        if rest and not _check(draft, sources, rest, options).reasons:
            kept = rest
    return tuple(kept)


def verify_sentence(
    draft: SourceFeatures,
    cited: Sequence[int],
    sources: Sequence[SourceFeatures],
    options: VerifyOptions,
    allowed: Sequence[int] | None = None,
) -> Verdict:
    """Whether ``draft`` is supported by its ``cited`` sources (0-based), else by others.

    ``allowed`` limits which sources may support it when it is aligned again
    (all when None); cited sources outside it or out of range are ignored.
    """
    pool = list(range(len(sources))) if allowed is None else list(allowed)
    pool_set = set(pool)
    valid = [i for i in dict.fromkeys(cited) if i in pool_set]
    attempts: list[_Attempt] = []
    if valid:
        attempts.append(_check(draft, sources, valid, options))
        seed = [i for i in valid if _gain(draft, sources[i], set()) > 0]
        if seed:
            extended = _cover(draft, sources, seed, options.max_extra, pool)
            attempts.append(_check(draft, sources, extended, options))
    fresh = _cover(draft, sources, [], options.max_sources, pool)
    attempts.append(_check(draft, sources, fresh, options))
    for n, attempt in enumerate(attempts):
        if not attempt.reasons:
            support = attempt.support
            if n > 0 or not valid:
                support = _prune(draft, sources, support, options)
            support = tuple(sorted(support))
            return Verdict(True, support, attempt.recall, (), set(support) != set(valid))
    worst = attempts[0] if valid else max(attempts, key=lambda a: a.recall)
    reasons = worst.reasons
    if len(valid) < len(cited):
        reasons = (*reasons, "it cites sentence numbers that are not among the sources")
    return Verdict(False, tuple(sorted(worst.support)), worst.recall, reasons, False)
