"""Align quantities that measure the same thing across a story and classify each group.

Two quantities measure the same thing when they share the entity key (after
story-level aliases such as NDP = New Democratic Party), the unit or counted
noun, the role (level, change, threshold) and the event kind (killed,
injured ...). A group is ``agree`` when every pair of articles has compatible
values (their hedged intervals overlap), ``conflict`` when two articles have no
compatible values, ``update`` when the later article of each disagreeing pair
reports the larger count of a cumulative kind (death tolls rise), and
``single-source`` when one article alone gives the measure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from corroborate.facts.entities import StoryEntityIndex
from corroborate.facts.records import ArticleFacts, Evidence, Quantity

__all__ = [
    "QuantityGroup",
    "QuantityOptions",
    "QuantityValue",
    "compare_quantities",
    "compatible",
]

CUMULATIVE_KINDS = frozenset({"killed", "injured", "arrested", "displaced", "affected", "rescued"})
_STATUS_ORDER = {"conflict": 0, "update": 1, "agree": 2, "single-source": 3}


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


def compatible(a: Quantity, b: Quantity) -> bool:
    """True when the two hedged values can both be right (their intervals overlap)."""
    if a.bound == "vague" or b.bound == "vague":
        return True
    eps = 1e-9 * max(1.0, abs(a.value), abs(b.value))
    return a.lo <= b.hi + eps and b.lo <= a.hi + eps


def _entity_tokens(key: str) -> frozenset[str]:
    return frozenset(key.split())


def _merge_keys(keys: list[str]) -> dict[str, str]:
    """Join entity keys where one's words contain the other's ("voter turnout" ⊇ "turnout")."""
    ordered = sorted(set(keys), key=lambda k: (len(k.split()), k))
    parent: dict[str, str] = {}
    for key in ordered:
        parent[key] = key
        if not key:
            continue
        tokens = _entity_tokens(key)
        for other in ordered:
            if other == key or not other or other not in parent or parent[other] != other:
                continue
            if _entity_tokens(other) < tokens:
                parent[key] = other
                break
    return parent


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


@dataclass(frozen=True, slots=True)
class QuantityOptions:
    """When two quantities are taken to report the same fact (tuned on ECB+ topics 1-35).

    ``min_context``: share of the shorter sentence's content words the other
    sentence shares; ``max_ratio``: values further apart than this factor are
    taken to be different facts, not one fact reported differently.
    """

    min_context: float = 0.35
    max_ratio: float = 1.5


_SKIP_UNITS = frozenset({"p.m.", "a.m.", "p.m", "a.m", "time", "o'clock", "percent"})


def _context_overlap(a: Quantity, b: Quantity) -> float:
    sa, sb = set(a.context), set(b.context)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def _ratio(a: Quantity, b: Quantity) -> float:
    lo, hi = sorted((abs(a.value), abs(b.value)))
    if lo == 0:
        return float("inf") if hi else 1.0
    return hi / lo


def _self_consistent(quantities: list[Quantity]) -> bool:
    """An article that gives one measure two incompatible values is not used to judge it."""
    return all(compatible(p, q) for x, p in enumerate(quantities) for q in quantities[x + 1 :])


def _status(
    by_article: dict[str, list[Quantity]],
    kind: str,
    published: dict[str, datetime | None],
    options: QuantityOptions,
) -> str:
    ids = list(by_article)
    if len(ids) == 1:
        return "single-source"
    usable = [a for a in ids if _self_consistent(by_article[a])]
    disagreeing: list[tuple[str, str]] = []
    for x, a in enumerate(usable):
        for b in usable[x + 1 :]:
            pairs = [(p, q) for p in by_article[a] for q in by_article[b]]
            if any(compatible(p, q) for p, q in pairs):
                continue
            if any(_ratio(p, q) <= options.max_ratio for p, q in pairs):
                disagreeing.append((a, b))
    if not disagreeing:
        return "agree"
    if kind in CUMULATIVE_KINDS and _rising(by_article, disagreeing, published):
        return "update"
    return "conflict"


def _rising(
    by_article: dict[str, list[Quantity]],
    pairs: list[tuple[str, str]],
    published: dict[str, datetime | None],
) -> bool:
    """True when each disagreeing pair is an earlier smaller and a later larger count."""
    for a, b in pairs:
        ta, tb = published.get(a), published.get(b)
        if ta is None or tb is None or ta == tb:
            return False
        early, late = (a, b) if ta < tb else (b, a)
        if max(q.value for q in by_article[late]) <= max(q.value for q in by_article[early]):
            return False
    return True


def _clusters(members: list[Quantity], options: QuantityOptions) -> list[list[Quantity]]:
    """Split quantities sharing a measure key into facts: linked across articles when
    their sentences share enough context, within an article when the value repeats."""
    parent = list(range(len(members)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(members):
        for j in range(i + 1, len(members)):
            b = members[j]
            same_article = a.evidence.article == b.evidence.article
            if (same_article and a.value == b.value) or (
                not same_article and _context_overlap(a, b) >= options.min_context
            ):
                parent[find(i)] = find(j)
    out: dict[int, list[Quantity]] = {}
    for i, q in enumerate(members):
        out.setdefault(find(i), []).append(q)
    return list(out.values())


def _group(
    members: list[Quantity],
    shown: str,
    published: dict[str, datetime | None],
    options: QuantityOptions,
) -> QuantityGroup:
    by_article: dict[str, list[Quantity]] = {}
    for q in members:
        by_article.setdefault(q.evidence.article, []).append(q)
    values: dict[tuple[float, str | None, str], QuantityValue] = {}
    for q in members:
        slot = values.setdefault(
            (q.value, q.hedge, q.bound), QuantityValue(q.value, q.hedge, q.text, q.bound)
        )
        if q.evidence.article not in slot.articles:
            slot.articles.append(q.evidence.article)
        slot.evidence.append(q.evidence)
    first = members[0]
    return QuantityGroup(
        measure=_measure_name(shown, first),
        status=_status(by_article, first.kind, published, options),
        unit=first.unit,
        entity=shown,
        role=first.role,
        kind=first.kind,
        values=sorted(values.values(), key=lambda v: (v.value, v.hedge or "")),
        relations=sorted({q.relation for q in members if q.relation}),
    )


def compare_quantities(
    facts: list[ArticleFacts],
    index: StoryEntityIndex,
    published: dict[str, datetime | None],
    options: QuantityOptions | None = None,
) -> list[QuantityGroup]:
    """Group the story's quantities by measure and fact, and classify each group."""
    options = options or QuantityOptions()
    quantities = [q for f in facts for q in f.quantities if q.unit and q.unit not in _SKIP_UNITS]
    parent = _merge_keys([index.canonical(q.entity_key) for q in quantities])
    groups: dict[tuple[str, str, str, str], list[Quantity]] = {}
    for q in quantities:
        entity = parent.get(index.canonical(q.entity_key), index.canonical(q.entity_key))
        groups.setdefault((entity, q.unit, q.role, q.kind), []).append(q)
    out: list[QuantityGroup] = []
    for (entity, _unit, _role, _kind), members in groups.items():
        shown = index.show(entity) if entity else ""
        for cluster in _clusters(members, options):
            out.append(_group(cluster, shown, published, options))
    out.sort(key=lambda g: (_STATUS_ORDER[g.status], -len(g.articles), g.measure))
    return out
