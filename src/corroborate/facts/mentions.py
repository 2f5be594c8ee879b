"""Quantity mentions with the words around them, and the features of a pair of mentions.

What tells two mentions from different articles apart as one fact or two: do the
kind (killed, injured ...), role and entity agree, how many words the two
sentences and the few words around each number share, whether the number sits
in the same place when the two sentences are aligned word by word, whether the
same people or places are named near it, whether qualifiers ("career", "another")
or dates differ, and how crowded each article is with numbers of that unit (a
box score is full of "points"). Pure functions; the weights that combine them
live in :mod:`corroborate.facts.same_fact`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from corroborate.facts.lexicon import MEASURE_WORDS, MODAL_HEDGES, MONTHS, wordset
from corroborate.facts.quantities import stem
from corroborate.facts.records import Quantity
from corroborate.text import STOPWORDS

__all__ = [
    "LINK_FEATURES",
    "MentionInfo",
    "compatible",
    "link_features",
    "measure_keys",
    "mention_info",
    "time_marks",
    "value_ratio",
    "window_words",
]

WINDOW = 6
_MONEY = frozenset({"$", "C$", "€", "£", "¥", "euro", "dollar", "pound"})
_NOISE = wordset("""said says say according told also would could year years""")
# Words that turn one measure into another ("career points", "another 20,000", "last season").
QUALIFIERS = wordset(
    """career total season average per extra additional another other more first last
    previous earlier former record overall combined remaining new initial final second
    third further alone each both"""
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_WORD = re.compile(r"[a-z]+")
_TOKEN = re.compile(r"\d[\d,.]*|[^\W\d_]+")

LINK_FEATURES: tuple[str, ...] = (
    "kind_same",
    "kind_diff",
    "role_same",
    "entity_same",
    "entity_overlap",
    "entity_missing",
    "context_overlap",
    "context_jaccard",
    "left_overlap",
    "right_overlap",
    "next_word_same",
    "hedged",
    "modal",
    "crowd",
    "crowd_min",
    "person_same",
    "person_clash",
    "name_same",
    "name_clash",
    "qualifier_clash",
    "time_clash",
    "sentence_similarity",
    "slot_aligned",
    "slot_elsewhere",
    "prev_same",
    "lead",
    "unit_age",
    "unit_score",
    "unit_money",
    "unit_share",
    "unit_people",
    "measure_same",
    "measure_clash",
)
MEASURE_WINDOW = 8


def compatible(a: Quantity, b: Quantity) -> bool:
    """True when the two hedged values can both be right (their intervals overlap)."""
    if a.bound == "vague" or b.bound == "vague":
        return True
    eps = 1e-9 * max(1.0, abs(a.value), abs(b.value))
    return a.lo <= b.hi + eps and b.lo <= a.hi + eps


def window_words(text: str) -> list[str]:
    """Stemmed content words of a text, in order (numbers and stopwords left out)."""
    out: list[str] = []
    for raw in text.lower().replace("’", "'").split():
        word = raw.strip(".,;:!?\"'“”‘()[]—–-").removesuffix("'s")
        if word.isalpha() and word not in STOPWORDS and word not in _NOISE:
            out.append(stem(word))
    return out


@dataclass(frozen=True, slots=True)
class MentionInfo:
    """A quantity with what the pair features need: its canonical entity, the words
    just before and after it in its sentence, the people named near it, qualifier
    words and time marks around it, and how many numbers of its unit its article
    gives (``crowd``); ``measures`` are the keys of :data:`MEASURE_WORDS` written near
    it and its kind (what it measures, whatever the wording)."""

    quantity: Quantity
    entity: str
    left: frozenset[str]
    right: frozenset[str]
    next_word: str
    crowd: int
    people: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    qualifiers: frozenset[str] = frozenset()
    times: frozenset[str] = frozenset()
    tokens: tuple[str, ...] = ()
    position: int = -1
    prev_word: str = ""
    measures: frozenset[str] = frozenset()


def time_marks(text: str) -> frozenset[str]:
    """Years, month names and "last year"/"years ago" written in a text."""
    low = text.lower()
    marks = set(_YEAR.findall(low))
    marks.update(w for w in _WORD.findall(low) if w in MONTHS and len(w) > 3)
    if "last year" in low or "years ago" in low:
        marks.add("past")
    return frozenset(marks)


def mention_info(
    q: Quantity,
    sentence: str,
    offset: int,
    entity: str,
    crowd: int,
    people: frozenset[str] = frozenset(),
    names: frozenset[str] = frozenset(),
) -> MentionInfo:
    """Build a :class:`MentionInfo`; ``sentence`` starts at body offset ``offset``,
    ``people`` and ``names`` are the keys of the people and of the places and groups
    named near the number."""
    start = max(0, q.evidence.start - offset)
    end = max(start, q.evidence.end - offset)
    left = window_words(sentence[:start])[-WINDOW:]
    right = window_words(sentence[end:])[:WINDOW]
    near = _WORD.findall(sentence[:start].lower())[-4:] + _WORD.findall(sentence[end:].lower())[:4]
    before = [_slot(t) for t in _TOKEN.findall(sentence[:start].lower())]
    tokens = tuple(before + [_slot(t) for t in _TOKEN.findall(sentence[start:].lower())])
    return MentionInfo(
        q,
        entity,
        frozenset(left),
        frozenset(right),
        right[0] if right else "",
        crowd,
        people,
        names,
        frozenset(w for w in near if w in QUALIFIERS),
        time_marks(sentence),
        tokens,
        len(before),
        before[-1] if before else "",
        measure_keys(sentence[:start], sentence[end:]) | ({q.kind} if q.kind else set()),
    )


def measure_keys(before: str, after: str) -> frozenset[str]:
    """Keys of :data:`MEASURE_WORDS` among the words just before and after a number:
    "died"/"death toll"/"killed" all give "killed", "marchers"/"protesters" "protest"."""
    near = (
        _WORD.findall(before.lower())[-MEASURE_WINDOW:]
        + _WORD.findall(after.lower())[:MEASURE_WINDOW]
    )
    return frozenset(MEASURE_WORDS[w] for w in near if w in MEASURE_WORDS)


def _slot(token: str) -> str:
    return "#" if token[:1].isdigit() else token


@lru_cache(maxsize=4096)
def _alignment(
    a: tuple[str, ...], b: tuple[str, ...]
) -> tuple[float, tuple[tuple[int, int, int], ...]]:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    blocks = tuple((m.a, m.b, m.size) for m in matcher.get_matching_blocks() if m.size)
    total = sum(size for _a, _b, size in blocks)
    return (2 * total / (len(a) + len(b)) if a or b else 0.0), blocks


def _slot_features(a: MentionInfo, b: MentionInfo) -> tuple[float, float, float]:
    """How alike the two sentences are, and whether the number of ``a`` sits in the
    place of ``b``'s number when the sentences are aligned word by word (numbers
    masked) or in the place of some other word or number."""
    if not a.tokens or not b.tokens or a.position < 0 or b.position < 0:
        return 0.0, 0.0, 0.0
    ratio, blocks = _alignment(a.tokens, b.tokens)
    for start_a, start_b, size in blocks:
        if start_a <= a.position < start_a + size:
            mapped = start_b + a.position - start_a
            return ratio, float(abs(mapped - b.position) <= 1), float(abs(mapped - b.position) > 1)
    return ratio, 0.0, 0.0


def _modal(q: Quantity) -> bool:
    return bool(q.hedge) and any(m in (q.hedge or "") for m in MODAL_HEDGES)


def _overlap(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _jaccard(a: set[str], b: set[str]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def value_ratio(a: float, b: float) -> float:
    """How many times larger the larger value is (inf when one is zero and not the other)."""
    lo, hi = sorted((abs(a), abs(b)))
    if lo == 0:
        return math.inf if hi else 1.0
    return hi / lo


def link_features(a: MentionInfo, b: MentionInfo) -> list[float]:
    """The :data:`LINK_FEATURES` of a pair of mentions (in that order); they say nothing
    about the values, so equal values do not make two different facts look alike."""
    qa, qb = a.quantity, b.quantity
    ta, tb = set(a.entity.split()), set(b.entity.split())
    ca, cb = set(qa.context), set(qb.context)
    unit = qa.unit
    return [
        float(bool(qa.kind) and qa.kind == qb.kind),
        float(bool(qa.kind) and bool(qb.kind) and qa.kind != qb.kind),
        float(qa.role == qb.role),
        float(bool(a.entity) and a.entity == b.entity),
        _jaccard(ta, tb),
        float(not a.entity or not b.entity),
        _overlap(ca, cb),
        _jaccard(ca, cb),
        _overlap(a.left, b.left),
        _overlap(a.right, b.right),
        float(bool(a.next_word) and a.next_word == b.next_word),
        float(bool(qa.hedge) or bool(qb.hedge)),
        float(_modal(qa) or _modal(qb)),
        math.log1p(max(a.crowd, b.crowd)),
        math.log1p(min(a.crowd, b.crowd)),
        float(bool(a.people & b.people)),
        float(bool(a.people) and bool(b.people) and not a.people & b.people),
        float(bool(a.names & b.names)),
        float(bool(a.names) and bool(b.names) and not a.names & b.names),
        float(a.qualifiers != b.qualifiers),
        float(a.times != b.times),
        *_slot_features(a, b),
        float(bool(a.prev_word) and a.prev_word == b.prev_word),
        float(qa.evidence.sentence <= 2 and qb.evidence.sentence <= 2),
        float(unit == "age"),
        float(unit == "score"),
        float(unit in _MONEY),
        float(unit in ("%", "percentage point")),
        float(unit == "people"),
        float(bool(a.measures & b.measures)),
        float(bool(a.measures) and bool(b.measures) and not a.measures & b.measures),
    ]
