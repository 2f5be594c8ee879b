"""Hand-built quantities for the fact-comparison tests (no parser involved)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from corroborate.facts.quantities import hedge_interval
from corroborate.facts.records import ArticleFacts, Evidence, Quantity

CONTEXT = ("fire", "bank", "kill", "athens")


def quantity(
    article: str,
    value: float,
    text: str,
    unit: str = "people",
    *,
    hedge: str | None = None,
    bound: str = "exact",
    context: tuple[str, ...] = CONTEXT,
    **fields: Any,
) -> Quantity:
    """A count of people killed, said as ``text`` in ``article``; ``fields`` override."""
    lo, hi = hedge_interval(value, text, bound)
    evidence = Evidence(article, 0, 0, len(text), text)
    base = Quantity(
        value,
        text,
        unit,
        hedge,
        bound,
        lo,
        hi,
        None,
        "",
        "level",
        "killed",
        None,
        evidence,
        context,
    )
    return replace(base, **fields)


def facts_of(*quantities: Quantity) -> list[ArticleFacts]:
    """The quantities grouped into one ArticleFacts per article, in first-seen order."""
    out: dict[str, ArticleFacts] = {}
    for q in quantities:
        out.setdefault(q.evidence.article, ArticleFacts(q.evidence.article, "x"))
        out[q.evidence.article].quantities.append(q)
    return list(out.values())
