"""Figures of different kinds: two numbers of one unit that disagree without contradicting.

A disagreement is only a conflict when both numbers are the same kind of figure.
Three kinds are told apart here, from the words of each figure and its sentence:

* a part or an addition against a whole: "two extra life sentences" / "three life
  sentences", "another 20,000" / "50,000", "two more victims" / "three victims";
* figures given for different dates: both sentences are dated ("in 2005" / "in
  2008", "in March" / "in June") and the dates differ;
* a description against an amount: "a 60-minute game", "a three-year contract"
  (the number-noun compound describes a thing) / "55 minutes", "two years".

These hold whatever the story is about, so they are rules rather than learnt
weights: the pair models are fitted on a few dozen topics and cannot learn them
for units they rarely saw.
"""

from __future__ import annotations

import re

from corroborate.facts.numbers import parse_number
from corroborate.facts.records import Quantity

__all__ = ["attributive", "different_kinds", "is_part"]

_PART = re.compile(
    r"\b(?:other|others|additional|another|extra|further|new)\b|\bmore\b(?!\s+than)",
    re.IGNORECASE,
)
_COMPOUND = re.compile(r"([^\s-]+)-([^\W\d_]+)$")


def is_part(q: Quantity) -> bool:
    """The figure counts a part or an addition ("two other victims", "another 20,000");
    "more than" is a hedge, not an addition."""
    return bool(_PART.search(q.text))


def attributive(q: Quantity) -> bool:
    """The figure is a number-noun compound describing a thing ("a 60-minute game",
    "three-year contract", "100-RBI season"); ages ("39-year-old") are left out, they
    are read as ages."""
    if q.unit == "age":
        return False
    match = _COMPOUND.search(q.text)
    return match is not None and parse_number([match[1].lower()], 0) is not None


def _amount(q: Quantity) -> bool:
    """The figure is a number followed by its noun ("55 minutes", "two years")."""
    words = q.text.split()
    return len(words) > 1 and not attributive(q) and words[-1][:1].isalpha()


def different_kinds(
    a: Quantity, b: Quantity, dates_a: frozenset[str], dates_b: frozenset[str]
) -> bool:
    """True when ``a`` and ``b`` are figures of different kinds (see the module
    docstring), so their disagreeing values are no conflict; ``dates_*`` are the time
    marks of each figure's sentence (empty when unknown)."""
    if is_part(a) != is_part(b):
        return True
    if dates_a and dates_b and dates_a != dates_b:
        return True
    return (attributive(a) and _amount(b)) or (attributive(b) and _amount(a))
