"""Typed records for the facts of one article: quantities, quotations, entities, dates, claims.

Every record carries its evidence (article id, sentence index, character offsets
into ``Article.body``) so a finding can always be shown in its source text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

__all__ = [
    "ArticleFacts",
    "Claim",
    "DateMention",
    "EntityMention",
    "Evidence",
    "Quantity",
    "Quotation",
]


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a fact was read: the article, its sentence and character offsets in the body."""

    article: str
    sentence: int
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with what it counts, its hedge and the entity it is about.

    ``lo``/``hi`` is the interval the words allow ("at least 6" → [6, inf),
    "about 170" → [165, 175], "20 to 25 hours" → [20, 25]); ``bound`` names the
    kind (exact, approx, min, max, vague, range; a range's ``value`` is its middle). ``role`` tells a level ("169 seats") from a change ("lost 12
    seats") or a threshold ("172 needed"); ``kind`` is an event class such as
    ``killed`` or ``injured`` when the context gives one.
    """

    value: float
    text: str
    unit: str
    hedge: str | None
    bound: str
    lo: float
    hi: float
    entity: str | None
    entity_key: str
    role: str
    kind: str
    relation: str | None
    evidence: Evidence
    context: tuple[str, ...] = ()

    @property
    def measure_key(self) -> tuple[str, str, str, str]:
        return (self.entity_key, self.unit, self.role, self.kind)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["evidence"] = self.evidence.to_dict()
        data["context"] = list(self.context)
        for key in ("lo", "hi"):
            if data[key] in (float("inf"), float("-inf")):
                data[key] = None
        return data


@dataclass(frozen=True, slots=True)
class Quotation:
    """Words inside quotation marks, with their speaker and whether the quote is partial.

    ``partial`` is true for a fragment embedded in the author's sentence
    (``said the election "does not affect ..."``); ``speaker_key`` is the
    normalised speaker used to align quotes across articles.
    """

    text: str
    speaker: str | None
    speaker_key: str
    partial: bool
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["evidence"] = self.evidence.to_dict()
        return data


@dataclass(frozen=True, slots=True)
class EntityMention:
    """A named entity (person, organisation, place ...) and its cross-article key."""

    text: str
    label: str
    key: str
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["evidence"] = self.evidence.to_dict()
        return data


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression and the calendar date it resolves to, when it can."""

    text: str
    resolved: date | None
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "resolved": self.resolved.isoformat() if self.resolved else None,
            "evidence": self.evidence.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Claim:
    """A sentence that states a checkable fact, with why it counts as one.

    ``kinds`` lists what makes it checkable (quantity, date, actors) and
    ``keys`` the normalised terms used to find the same claim elsewhere.
    """

    kinds: tuple[str, ...]
    keys: tuple[str, ...]
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        return {
            "kinds": list(self.kinds),
            "keys": list(self.keys),
            "evidence": self.evidence.to_dict(),
        }


@dataclass(slots=True)
class ArticleFacts:
    """Everything extracted from one article."""

    article: str
    outlet: str
    quantities: list[Quantity] = field(default_factory=list)
    quotes: list[Quotation] = field(default_factory=list)
    entities: list[EntityMention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "outlet": self.outlet,
            "quantities": [q.to_dict() for q in self.quantities],
            "quotes": [q.to_dict() for q in self.quotes],
            "entities": [e.to_dict() for e in self.entities],
            "dates": [d.to_dict() for d in self.dates],
            "claims": [c.to_dict() for c in self.claims],
        }
