"""Number patterns that need their own reading: ages and sports scores or records.

"Reid, 33, was ...", "the 33-year-old actress", "She was 85.", "died at 91",
"aged 85" are all one measure, a person's age, which news reports often get
wrong by a year; "(52-3, 46 KOs)" and "a 31-24 win" are a record or a score,
two numbers that belong together. Pure functions over a spaCy ``Doc`` of one
sentence and its lower-cased token texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corroborate.facts.entities import entity_key
from corroborate.facts.lexicon import MONTHS, PERSON_NOUNS, WEEKDAYS

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

__all__ = ["AgeMatch", "age_match", "score_end"]

_NOT_A_NAME = frozenset(
    {"GPE", "LOC", "FAC", "DATE", "TIME", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "MONEY"}
)
_AFTER_APPOSITION = frozenset({",", ".", ";", ")", "", "and", "--", ":", "—", "–"})
_DEATH_WORDS = frozenset({"died", "dies", "dead", "death", "die"})
_TURN_WORDS = frozenset({"turned"})  # "turns 29 in April" is a future age, left out
_SCORE_NUMBER = re.compile(r"^\d{1,3}$")


@dataclass(frozen=True, slots=True)
class AgeMatch:
    """A number read as a person's age: where its words end and whose age it is."""

    end: int
    entity: str | None
    key: str


def _person_before(doc: Doc, i: int) -> tuple[str | None, str]:
    people = [e for e in doc.ents if e.end <= i and e.label_ == "PERSON"]
    if people:
        return people[-1].text, entity_key(people[-1].text, "PERSON")
    return None, ""


def _name_ending_at(doc: Doc, k: int) -> tuple[str | None, str] | None:
    """The name (or person noun) whose last token is ``k``, if it can have an age."""
    tok = doc[k]
    if tok.ent_type_ in _NOT_A_NAME or tok.text.lower().rstrip(".") in MONTHS:
        return None
    if tok.text.lower() in WEEKDAYS:
        return None
    for ent in doc.ents:
        if ent.end == k + 1 and ent.label_ not in _NOT_A_NAME:
            return ent.text, entity_key(ent.text, "PERSON")
    if tok.tag_ in ("NNP", "NNPS") and tok.text[:1].isupper():
        start = k
        while (
            start > 0
            and doc[start - 1].tag_ in ("NNP", "NNPS")
            and doc[start - 1].text[:1].isupper()
        ):
            start -= 1
        text = doc[start : k + 1].text
        return text, entity_key(text, "PERSON")
    if tok.text.lower() in PERSON_NOUNS:
        return tok.text, ""
    return None


def _year_old_end(lower: list[str], end: int) -> int | None:
    """Token index after "-year-old", "years old", "-years-old" that follows a number."""
    n = len(lower)
    k = end
    if k < n and lower[k] in ("-", "–"):
        k += 1
    if k >= n or lower[k] not in ("year", "years"):
        return None
    k += 1
    if k < n and lower[k] in ("-", "–"):
        k += 1
    if k < n and lower[k] == "old":
        return k + 1
    return None


def age_match(doc: Doc, lower: list[str], i: int, end: int, value: float) -> AgeMatch | None:
    """Read the number at tokens ``[i, end)`` as an age when the words around it say so."""
    if not (1 <= value <= 120 and float(value).is_integer()):
        return None
    n = len(lower)
    prev = lower[i - 1] if i > 0 else ""
    nxt = lower[end] if end < n else ""
    year_old = _year_old_end(lower, end)
    if year_old is not None:
        after = [
            e for e in doc.ents if year_old <= e.start <= year_old + 1 and e.label_ == "PERSON"
        ]
        if after:
            return AgeMatch(year_old, after[0].text, entity_key(after[0].text, "PERSON"))
        before = _name_ending_at(doc, i - 2) if i >= 2 and prev == "," else None
        if before:
            return AgeMatch(year_old, before[0], before[1])
        return AgeMatch(year_old, None, "")  # "the 35-year-old deputy": whose age is not said
    # "68 and 48-years-old": the first number of the pair is an age too.
    if nxt == "and" and end + 1 < n and _year_old_end(lower, end + 2) is not None:
        return AgeMatch(end, None, "")
    if prev in ("aged", "age") or (prev == "of" and i >= 2 and lower[i - 2] == "age"):
        return AgeMatch(end, *_person_before(doc, i))
    if prev == "at" and _DEATH_WORDS & set(lower[max(0, i - 4) : i - 1]):
        return AgeMatch(end, *_person_before(doc, i))
    if prev in _TURN_WORDS:
        return AgeMatch(end, *_person_before(doc, i))
    if (
        prev in ("was", "is")
        and nxt in ("", ".", ",", ";", "when")
        and i >= 2
        and doc[i - 2].tag_ in ("PRP", "NNP", "NNPS")
    ):
        return AgeMatch(end, *_person_before(doc, i))
    if prev == "," and nxt in _AFTER_APPOSITION and i >= 2:
        name = _name_ending_at(doc, i - 2)
        if name is not None:
            return AgeMatch(end, name[0], name[1])
    return None


def score_end(doc: Doc, lower: list[str], end: int) -> int | None:
    """Token index after the rest of a score or record ("52-3", "45-7-2") that starts
    with the number just read, or None. "10-20 years" is a range, not a score."""
    n = len(lower)
    k = end
    seen = 0
    while k + 1 < n and lower[k] in ("-", "–") and _SCORE_NUMBER.match(lower[k + 1]):
        k += 2
        seen += 1
    if not seen:
        return None
    if k < n and (doc[k].tag_ in ("NN", "NNS") or lower[k] in ("%", "percent", "per")):
        return None
    return k
