"""Align quantities that measure the same thing across a story and classify each group.

Quantities with the same unit or counted noun are candidates. The link model
(:mod:`corroborate.facts.same_fact`) scores every pair from different articles
by the words around the two numbers; pairs are joined strongest first into fact
groups, never putting two different values from one article together. Two
groups with disagreeing values join only when the conflict model says at least
one disagreeing pair is one fact reported differently (probability at least
``min_conflict``) and the values are at most ``max_ratio`` apart; figures of
different kinds (a part and a whole, different dates, "a 60-minute game" and "55
minutes": :mod:`corroborate.facts.figure_kinds`) never do; ages join only
when both name the same person ("the 39-year-old man" is the person its article
names most). A group is ``agree`` when its values are
compatible (their hedged intervals overlap), ``conflict`` when two articles give
incompatible values, ``update`` when each disagreement is an earlier smaller
and a later larger count of a cumulative kind (death tolls rise), and
``single-source`` when one article alone gives the measure.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import numpy as np

from corroborate.errors import CorroborateError
from corroborate.facts.entities import StoryEntityIndex, first_name
from corroborate.facts.figure_kinds import different_kinds
from corroborate.facts.lexicon import PEOPLE_UNITS, PERSON_NOUNS
from corroborate.facts.mentions import (
    LINK_FEATURES,
    MentionInfo,
    compatible,
    link_features,
    mention_info,
    time_marks,
    value_ratio,
)
from corroborate.facts.records import ArticleFacts, Evidence, Quantity
from corroborate.facts.same_fact import (
    SameFactModel,
    conflict_features,
    default_model,
    model_options,
)
from corroborate.text import Sentence

__all__ = [
    "QuantityGroup",
    "QuantityOptions",
    "QuantityValue",
    "ScoredBlock",
    "StoryText",
    "block_pairs",
    "compare_quantities",
    "compatible",
    "default_options",
    "group_blocks",
    "score_block",
    "unit_blocks",
]

CUMULATIVE_KINDS = frozenset({"killed", "injured", "arrested", "displaced", "affected", "rescued"})
_STATUS_ORDER = {"conflict": 0, "update": 1, "agree": 2, "single-source": 3}
_PERSON = frozenset({"PERSON"})
_PLACES_AND_GROUPS = frozenset({"ORG", "NORP", "GPE", "FAC", "LOC"})
# Clock times ("7 a. m." leaves the unit "m."), not measures.
_SKIP_UNITS = frozenset({"p.m.", "a.m.", "p.m", "a.m", "m.", "time", "o'clock", "percent"})


@dataclass(slots=True)
class QuantityValue:
    """One value of a measure as written, with the articles that give it."""

    value: float
    hedge: str | None
    text: str
    bound: str
    articles: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": int(self.value) if float(self.value).is_integer() else self.value,
            "hedge": self.hedge,
            "text": self.text,
            "bound": self.bound,
            "articles": list(self.articles),
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(slots=True)
class QuantityGroup:
    """A measure reported in the story, its values and whether the sources agree."""

    measure: str
    status: str
    unit: str
    entity: str
    role: str
    kind: str
    values: list[QuantityValue]
    relations: list[str] = field(default_factory=list)

    @property
    def articles(self) -> list[str]:
        return sorted({a for v in self.values for a in v.articles})

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "status": self.status,
            "unit": self.unit,
            "entity": self.entity,
            "role": self.role,
            "kind": self.kind,
            "relations": list(self.relations),
            "values": [v.to_dict() for v in self.values],
        }


@dataclass(frozen=True, slots=True)
class QuantityOptions:
    """When two quantities are taken to report the same fact.

    :func:`default_options` gives the setting chosen by cross-validation on ECB+
    topics 1-35 (the highest conflict recall with at most 0.5 false conflicts per
    10 stories; ``benchmarks/train_facts_pairs.py`` records it in ``same_fact.json``);
    the field defaults here are only a fallback for building options by hand.
    ``min_link``: probability for two mentions with compatible values to join one
    group; ``min_conflict``: probability for two mentions with incompatible
    values to be one fact reported differently; ``max_ratio``: values further
    apart than this factor are never taken for one fact; ``min_conflict_link``:
    the link probability a disagreeing pair with a conflict probability of at
    least ``min_conflict`` needs to join two groups itself (``None``: ``min_link``).
    """

    min_link: float = 0.95
    min_conflict: float = 0.995
    max_ratio: float = 1.5
    min_conflict_link: float | None = None

    @property
    def conflict_link(self) -> float:
        """Link probability a disagreeing pair needs to join two groups on its own
        (``min_conflict_link``, default ``min_link``)."""
        return self.min_link if self.min_conflict_link is None else self.min_conflict_link


@lru_cache(maxsize=1)
def default_options() -> QuantityOptions:
    """The thresholds cross-validated with the shipped weights (``options`` in
    ``same_fact.json``), so the two never drift apart."""
    raw = model_options()
    try:
        return QuantityOptions(**raw)  # type: ignore[arg-type]
    except TypeError as exc:
        raise CorroborateError(f"malformed options in the same-fact weights: {exc}") from exc


@dataclass(frozen=True, slots=True)
class StoryText:
    """The sentences of each article (keyed by article id), for the words around numbers,
    and the entities each article names (body offsets, label, key), for who or what a
    number is about."""

    sentences: dict[str, list[Sentence]]
    names: dict[str, list[tuple[int, int, str, str]]] = field(default_factory=dict)

    def sentence(self, article: str, index: int) -> Sentence | None:
        found = self.sentences.get(article, [])
        return found[index] if 0 <= index < len(found) else None

    def names_near(
        self, q: Quantity, labels: frozenset[str], before: int = 60, after: int = 30
    ) -> frozenset[str]:
        """Keys of the entities with one of ``labels`` named within ``before``/``after``
        characters of a number, in its sentence."""
        sentence = self.sentence(q.evidence.article, q.evidence.sentence)
        lo = max(q.evidence.start - before, sentence.start if sentence else 0)
        hi = min(q.evidence.end + after, sentence.end if sentence else q.evidence.end + after)
        return frozenset(
            key
            for start, end, label, key in self.names.get(q.evidence.article, [])
            if end > lo and start < hi and key and label in labels
        )


def _infos(block: list[Quantity], entities: list[str], text: StoryText | None) -> list[MentionInfo]:
    crowd = Counter(q.evidence.article for q in block)
    out: list[MentionInfo] = []
    for q, entity in zip(block, entities, strict=True):
        sentence = text.sentence(q.evidence.article, q.evidence.sentence) if text else None
        body, offset = (sentence.text, sentence.start) if sentence else ("", q.evidence.start)
        people = text.names_near(q, _PERSON) if text else frozenset()
        names = text.names_near(q, _PLACES_AND_GROUPS) if text else frozenset()
        out.append(mention_info(q, body, offset, entity, crowd[q.evidence.article], people, names))
    return out


@dataclass(slots=True)
class ScoredBlock:
    """Mentions of one unit and their pairwise probabilities: ``link`` for every pair from
    different articles, ``conflict`` for those whose values disagree (NaN elsewhere)."""

    quantities: list[Quantity]
    entities: list[str]
    link: np.ndarray
    conflict: np.ndarray


def block_pairs(
    block: list[Quantity], entities: list[str], text: StoryText | None
) -> tuple[list[tuple[int, int]], list[list[float]]]:
    """Index pairs of mentions from different articles in one unit block, and their features."""
    infos = _infos(block, entities, text)
    index: list[tuple[int, int]] = []
    rows: list[list[float]] = []
    for i in range(len(block)):
        for j in range(i + 1, len(block)):
            if block[i].evidence.article != block[j].evidence.article:
                index.append((i, j))
                rows.append(link_features(infos[i], infos[j]))
    return index, rows


def unit_blocks(
    facts: list[ArticleFacts], index: StoryEntityIndex
) -> list[tuple[list[Quantity], list[str]]]:
    """The story's comparable quantities by unit and role (a level, a change, a threshold),
    each with its canonical entity keys."""
    blocks: dict[tuple[str, str], list[Quantity]] = {}
    for f in facts:
        for q in f.quantities:
            if q.unit and q.unit not in _SKIP_UNITS:
                blocks.setdefault((q.unit, q.role), []).append(q)
    return [(qs, [index.canonical(q.entity_key) for q in qs]) for qs in blocks.values()]


_TIME_CLASH = LINK_FEATURES.index("time_clash")
MAX_AGE_GAP = 3.0
AGE_LINK = 0.99
"""Link probability given to two ages of one named person at most MAX_AGE_GAP apart:
a person's age is one fact whatever the words around it (chosen on ECB+ dev)."""


def _age_time_clash(a: Quantity, b: Quantity, text: StoryText | None, fallback: bool) -> bool:
    """Two ages were given at different times: both sentences date them ("in 2005, at
    the age of 91" / "92, told CNN in 2006") and the dates differ. A date written in
    one sentence only ("arrested a 60-year-old ... in the 1967 killings") is no clash."""
    if text is None:
        return fallback
    marks = []
    for q in (a, b):
        sentence = text.sentence(q.evidence.article, q.evidence.sentence)
        marks.append(time_marks(sentence.text) if sentence else frozenset())
    return bool(marks[0]) and bool(marks[1]) and marks[0] != marks[1]


# Counted nouns that name a part of the people an event touched: "two women" among "three
# people" killed is a detail, not a disagreement about the toll.
SUBGROUP_NOUNS = frozenset(
    {"man", "men", "woman", "women", "child", "children", "kid", "kids", "boy", "boys", "girl"}
    | {"girls", "adult", "adults", "teenager", "teenagers", "baby", "babies", "infant", "infants"}
)
_LAST_WORD = re.compile(r"([^\W\d_]+)\W*$")


def counted_noun(q: Quantity) -> str:
    """The word a quantity's text ends with, lower-cased ("two women" → "women")."""
    match = _LAST_WORD.search(q.text)
    return match[1].lower() if match else ""


# Nouns that count everyone an event touched; any other people noun names a part of them.
_ALL_PEOPLE = frozenset({"people", "person", "persons", "victim", "victims"})


def _subgroup_pair(a: Quantity, b: Quantity) -> bool:
    """Two counts of people where one counts a subgroup the other does not: women or
    children, officers among people ("two officers" / "three people" injured); those
    besides someone ("two other victims") are :func:`~corroborate.facts.figure_kinds.is_part`."""
    if a.unit not in PEOPLE_UNITS:  # "people" is one of them
        return False
    na, nb = counted_noun(a), counted_noun(b)
    if na == nb:
        return False
    if na in SUBGROUP_NOUNS or nb in SUBGROUP_NOUNS:
        return True
    return (
        na in PEOPLE_UNITS and nb in PEOPLE_UNITS and not (na in _ALL_PEOPLE and nb in _ALL_PEOPLE)
    )


def _dates(q: Quantity, text: StoryText | None) -> frozenset[str]:
    """Time marks of the sentence a figure is written in (none without the text)."""
    sentence = text.sentence(q.evidence.article, q.evidence.sentence) if text else None
    return time_marks(sentence.text) if sentence else frozenset()


def _named_age_pair(a: Quantity, b: Quantity) -> bool:
    return same_person(a, b) and abs(a.value - b.value) <= MAX_AGE_GAP


_DEFINITE = re.compile(r"\b(?:the|The)\s*$")
_WORD = re.compile(r"[^\W\d_]+")


def main_person(article: str, text: StoryText) -> str:
    """The person an article names most often, when one leads (named at least twice and
    more often than anyone else), else ""."""
    counts = Counter(key for _s, _e, label, key in text.names.get(article, []) if label == "PERSON")
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return ""
    return ranked[0][0]


def age_person(q: Quantity, text: StoryText | None) -> Quantity:
    """An age with the person it is about: "the 39-year-old Troy man", a definite
    description (a person noun within three words, no name), refers back to the
    article's main person (the one it names most); other ages are returned as they are."""
    if q.unit != "age" or q.entity_key or text is None:
        return q
    sentence = text.sentence(q.evidence.article, q.evidence.sentence)
    if sentence is None or not _DEFINITE.search(sentence.text[: q.evidence.start - sentence.start]):
        return q
    after = _WORD.findall(sentence.text[q.evidence.end - sentence.start :])[:3]
    if not any(w.lower() in PERSON_NOUNS for w in after):
        return q  # "the 32-year-old Klitschko": a name spaCy missed, not a description
    person = main_person(q.evidence.article, text)
    return replace(q, entity_key=person) if person else q


def same_person(a: Quantity, b: Quantity) -> bool:
    """Two ages name the same person: same surname key and no different first names."""
    if not a.entity_key or a.entity_key != b.entity_key:
        return False
    first_a, first_b = first_name(a.entity), first_name(b.entity)
    return not (first_a and first_b and first_a != first_b)


def age_disagreement(a: Quantity, b: Quantity, time_clash: bool) -> bool:
    """Two ages are one fact reported differently when both name the same person, no
    different date is written beside them, and they are at most :data:`MAX_AGE_GAP`
    years apart."""
    if time_clash or not same_person(a, b):
        return False
    return abs(a.value - b.value) <= MAX_AGE_GAP


def score_block(
    block: list[Quantity],
    entities: list[str],
    text: StoryText | None,
    model: SameFactModel,
    pairs: tuple[list[tuple[int, int]], list[list[float]]] | None = None,
) -> ScoredBlock:
    """Link and conflict probabilities of one unit block (``pairs`` if already computed)."""
    n = len(block)
    link = np.full((n, n), np.nan)
    conflict = np.full((n, n), np.nan)
    index, rows = pairs if pairs is not None else block_pairs(block, entities, text)
    if not rows:
        return ScoredBlock(block, entities, link, conflict)
    people = [age_person(q, text) for q in block]
    for (i, j), value in zip(index, model.link.probability(np.asarray(rows)), strict=True):
        if block[i].unit == "age" and _named_age_pair(people[i], people[j]):
            value = max(value, AGE_LINK)
        link[i, j] = link[j, i] = value
    disagreeing = [
        (i, j, row)
        for (i, j), row in zip(index, rows, strict=True)
        if not compatible(block[i], block[j])
    ]
    if disagreeing:
        features = np.asarray(
            [conflict_features(block, link, i, j, row) for i, j, row in disagreeing]
        )
        for (i, j, row), value in zip(
            disagreeing, model.conflict.probability(features), strict=True
        ):
            if _subgroup_pair(block[i], block[j]) or different_kinds(
                block[i], block[j], _dates(block[i], text), _dates(block[j], text)
            ):
                value = 0.0
            if block[i].unit == "age":
                clash = _age_time_clash(block[i], block[j], text, bool(row[_TIME_CLASH]))
                value = float(age_disagreement(people[i], people[j], clash))
            conflict[i, j] = conflict[j, i] = value
    return ScoredBlock(block, entities, link, conflict)


def _can_join(
    block: ScoredBlock, left: list[int], right: list[int], options: QuantityOptions
) -> bool:
    """Two groups may join when no article would give two incompatible values, no values
    are too far apart, and some disagreeing pair looks like one fact told differently."""
    qs = block.quantities
    best = -1.0
    for i in left:
        for j in right:
            a, b = qs[i], qs[j]
            if compatible(a, b):
                continue
            if a.evidence.article == b.evidence.article:
                return False
            if value_ratio(a.value, b.value) > options.max_ratio:
                return False
            best = max(best, float(block.conflict[i, j]))
    return best < 0 or best >= options.min_conflict


def _groups(block: ScoredBlock, options: QuantityOptions) -> list[list[int]]:
    n = len(block.quantities)
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    owner = list(range(n))
    edges = [
        (float(block.link[i, j]), i, j)
        for i in range(n)
        for j in range(i + 1, n)
        if block.link[i, j] >= options.min_link
        or (
            block.link[i, j] >= options.conflict_link
            and block.conflict[i, j] >= options.min_conflict
        )
    ]
    edges.sort(key=lambda e: -e[0])
    for _p, i, j in edges:
        gi, gj = owner[i], owner[j]
        if gi == gj or not _can_join(block, members[gi], members[gj], options):
            continue
        if len(members[gi]) < len(members[gj]):
            gi, gj = gj, gi
        for k in members[gj]:
            owner[k] = gi
        members[gi].extend(members.pop(gj))
    return list(members.values())


def _disagreeing(members: list[Quantity]) -> list[tuple[str, str]]:
    """Article pairs of a group that give incompatible values."""
    out: set[tuple[str, str]] = set()
    for x, a in enumerate(members):
        for b in members[x + 1 :]:
            if a.evidence.article != b.evidence.article and not compatible(a, b):
                pair = sorted((a.evidence.article, b.evidence.article))
                out.add((pair[0], pair[1]))
    return sorted(out)


def _status(
    by_article: dict[str, list[Quantity]],
    disagreeing: list[tuple[str, str]],
    kind: str,
    published: dict[str, datetime | None],
) -> str:
    if len(by_article) == 1:
        return "single-source"
    if not disagreeing:
        return "agree"
    if kind in CUMULATIVE_KINDS and _rising(by_article, disagreeing, published):
        return "update"
    return "conflict"


def _utc(moment: datetime | None) -> datetime | None:
    """Publication times made comparable: a time without a zone is taken as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _rising(
    by_article: dict[str, list[Quantity]],
    pairs: list[tuple[str, str]],
    published: dict[str, datetime | None],
) -> bool:
    """True when each disagreeing pair is an earlier smaller and a later larger count."""
    for a, b in pairs:
        ta, tb = _utc(published.get(a)), _utc(published.get(b))
        if ta is None or tb is None or ta == tb:
            return False
        early, late = (a, b) if ta < tb else (b, a)
        if max(q.value for q in by_article[late]) <= max(q.value for q in by_article[early]):
            return False
    return True


def _measure_name(entity: str, q: Quantity) -> str:
    unit = {"%": "percent", "$": "dollars"}.get(q.unit, q.unit)
    parts = [entity] if entity else []
    if q.kind:
        parts.append(f"people {q.kind}" if q.unit == "people" else f"{unit} ({q.kind})")
    else:
        parts.append(unit)
    if q.role != "level":
        parts.append(f"[{q.role}]")
    return " ".join(p for p in parts if p)


def _most_common(items: list[str]) -> str:
    counts = Counter(x for x in items if x)
    return counts.most_common(1)[0][0] if counts else ""


def _group(
    block: ScoredBlock,
    group: list[int],
    index: StoryEntityIndex,
    published: dict[str, datetime | None],
) -> QuantityGroup:
    members = [block.quantities[i] for i in group]
    by_article: dict[str, list[Quantity]] = {}
    for q in members:
        by_article.setdefault(q.evidence.article, []).append(q)
    values: dict[tuple[float, str | None, str], QuantityValue] = {}
    for q in sorted(members, key=lambda q: (q.evidence.article, q.evidence.start)):
        slot = values.setdefault(
            (q.value, q.hedge, q.bound), QuantityValue(q.value, q.hedge, q.text, q.bound)
        )
        if q.evidence.article not in slot.articles:
            slot.articles.append(q.evidence.article)
        slot.evidence.append(q.evidence)
    entity = _most_common([block.entities[i] for i in group])
    shown = index.show(entity) if entity else ""
    kind = _most_common([q.kind for q in members])
    role = _most_common([q.role for q in members]) or "level"
    first = next((q for q in members if q.kind == kind and q.role == role), members[0])
    disagreeing = _disagreeing(members)
    return QuantityGroup(
        measure=_measure_name(shown, first),
        status=_status(by_article, disagreeing, kind, published),
        unit=first.unit,
        entity=shown,
        role=role,
        kind=kind,
        values=sorted(values.values(), key=lambda v: (v.value, v.hedge or "")),
        relations=sorted({q.relation for q in members if q.relation}),
    )


def compare_quantities(
    facts: list[ArticleFacts],
    index: StoryEntityIndex,
    published: dict[str, datetime | None],
    options: QuantityOptions | None = None,
    text: StoryText | None = None,
    model: SameFactModel | None = None,
) -> list[QuantityGroup]:
    """Group the story's quantities by fact and classify each group.

    ``text`` gives the sentences the words around each number are read from
    (without it only whole-sentence context is used); ``model`` defaults to
    the shipped same-fact weights.
    """
    options = options or default_options()
    model = model or default_model()
    scored = [score_block(qs, entities, text, model) for qs, entities in unit_blocks(facts, index)]
    return group_blocks(scored, index, published, options)


def group_blocks(
    blocks: list[ScoredBlock],
    index: StoryEntityIndex,
    published: dict[str, datetime | None],
    options: QuantityOptions,
) -> list[QuantityGroup]:
    """Fact groups of scored unit blocks, conflicts first."""
    out: list[QuantityGroup] = []
    for block in blocks:
        for group in _groups(block, options):
            out.append(_group(block, group, index, published))
    out.sort(key=lambda g: (_STATUS_ORDER[g.status], -len(g.articles), g.measure))
    return out
