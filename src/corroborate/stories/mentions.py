"""Pure normalisation of what an article mentions: named entities, numbers, dates.

Two articles about one event name the same people, places, figures and days in
different surface forms ("Mr. Carney", "Mark Carney", "Carney"; "U.S.",
"United States"). These functions map such forms to one matching key so the
story engine can count shared mentions. Nothing here loads a model or does I/O.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from corroborate.text import normalize_for_matching

__all__ = [
    "ENTITY_KINDS",
    "Mention",
    "entity_kind",
    "extract_dates",
    "extract_numbers",
    "fold",
    "normalize_entities",
]

ENTITY_KINDS = ("person", "place", "org", "misc")

# spaCy OntoNotes labels -> the kinds the engine compares.
_LABEL_KIND = {
    "PERSON": "person",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "ORG": "org",
    "EVENT": "misc",
    "PRODUCT": "misc",
    "WORK_OF_ART": "misc",
    "LAW": "misc",
    "NORP": "misc",
}

_HONORIFICS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "sir",
        "dame",
        "lady",
        "lord",
        "sen",
        "senator",
        "rep",
        "gov",
        "governor",
        "gen",
        "general",
        "col",
        "colonel",
        "lt",
        "sgt",
        "capt",
        "captain",
        "adm",
        "admiral",
        "president",
        "pres",
        "prime",
        "minister",
        "pm",
        "premier",
        "chancellor",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "saint",
        "st",
        "judge",
        "justice",
        "rev",
        "reverend",
        "father",
        "sheriff",
        "officer",
        "detective",
        "mayor",
        "secretary",
        "chairman",
        "ceo",
        "chief",
        "deputy",
        "former",
        "late",
        "rabbi",
        "imam",
        "sheikh",
        "ambassador",
    ]
)

# Common aliases of places and bodies; keys are already folded (no dots, lower case).
_ALIASES = {
    "us": "united states",
    "usa": "united states",
    "u s": "united states",
    "america": "united states",
    "united states of america": "united states",
    "the united states": "united states",
    "the us": "united states",
    "uk": "united kingdom",
    "britain": "united kingdom",
    "great britain": "united kingdom",
    "un": "united nations",
    "eu": "european union",
    "uae": "united arab emirates",
    "nyc": "new york city",
    "la": "los angeles",
    "dc": "washington dc",
    "washington d c": "washington dc",
    "ussr": "soviet union",
    "drc": "democratic republic of the congo",
}

_PUNCT = re.compile(r"[^\w\s&-]")
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case, accents and dots removed, possessive dropped, spaces squeezed."""
    text = normalize_for_matching(text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("'s ", " ")
    text = re.sub(r"'s$|'$", "", text)
    text = text.replace(".", "")
    text = _PUNCT.sub(" ", text).replace("-", " ")
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Mention:
    """One normalised entity of an article.

    ``key`` is what matching compares, ``name`` the form shown to
    people, ``count`` how often the article names it and ``lead`` how often in
    its title or lead (where the event's main actors are named).
    """

    key: str
    kind: str
    name: str
    count: int
    lead: int = 0

    def __reduce__(self) -> tuple[type[Mention], tuple[str, str, str, int, int]]:
        """Pickle as the constructor's arguments: a third of the generic slots path's
        cost (features go to and from the feature helper by the thousand)."""
        return (Mention, (self.key, self.kind, self.name, self.count, self.lead))


def entity_kind(label: str) -> str | None:
    """The engine's kind for a spaCy entity label, or None for labels it ignores."""
    return _LABEL_KIND.get(label)


def _strip_name(folded: str) -> str:
    tokens = folded.split()
    while tokens and tokens[0] in _HONORIFICS | {"the"}:
        tokens = tokens[1:]
    while tokens and tokens[-1] in {"jr", "sr", "ii", "iii"}:
        tokens = tokens[:-1]
    return " ".join(tokens)


def _place_key(folded: str) -> str:
    folded = _ALIASES.get(folded, folded)
    if folded.startswith("the "):
        folded = folded[4:]
    return _ALIASES.get(folded, folded)


def normalize_entities(raw: list[tuple[str, str, bool]]) -> list[Mention]:
    """Merge an article's raw (text, spaCy label, in title or lead) entities into mentions.

    People are keyed by surname so "Mr. Carney", "Mark Carney" and "Carney"
    (and "Mark" when "Mark Carney" is in the same article) count as one; the
    most frequent full form is the name shown. A single-word place or organisation
    that is a person's surname in the article is counted as that person
    (the model sometimes tags "Trump" as an organisation). Places use an alias
    table ("U.S." -> "united states").
    """
    people: list[tuple[str, bool]] = []
    others: list[tuple[str, str, str, bool]] = []  # (kind, folded, original, in lead)
    for text, label, in_lead in raw:
        kind = entity_kind(label)
        if kind is None:
            continue
        folded = fold(text)
        if kind == "person":
            name = _strip_name(folded)
            if name and not name.isdigit():
                people.append((name, in_lead))
        elif folded:
            others.append((kind, folded, text.strip(), in_lead))
    seen: dict[str, int] = {}
    for name, _ in people:
        if " " in name:
            seen[name] = seen.get(name, 0) + 1
    # The most frequent full form wins ("Mark Carney" over a stray "Trump Congratulates Carney").
    full_names = sorted(seen, key=lambda p: (-seen[p], -len(p.split()), p))
    by_last: dict[str, str] = {}
    by_first: dict[str, str] = {}
    for name in full_names:
        tokens = name.split()
        by_last.setdefault(tokens[-1], name)
        by_first.setdefault(tokens[0], name)
    counts: dict[str, _Tally] = {}

    def bump(key: str, kind: str, name: str, in_lead: bool) -> None:
        tally = counts.setdefault(key, _Tally(kind))
        tally.count += 1
        tally.lead += int(in_lead)
        tally.names[name] = tally.names.get(name, 0) + 1

    for person, in_lead in people:
        tokens = person.split()
        if len(tokens) == 1:
            full = by_last.get(tokens[0]) or by_first.get(tokens[0]) or person
        else:
            full = by_last.get(tokens[-1], person)
        bump("person:" + full.split()[-1], "person", full.title(), in_lead)
    for kind, folded, original, in_lead in others:
        if " " not in folded and folded in by_last:
            bump("person:" + folded, "person", by_last[folded].title(), in_lead)
            continue
        if kind == "place":
            key = _place_key(folded)
        else:
            key = _strip_name(folded) if kind == "org" else folded.removeprefix("the ")
            key = _ALIASES.get(key, key)
        if not key or key.isdigit():
            continue
        bump(f"{kind}:{key}", kind, _display(original), in_lead)
    return [Mention(key, t.kind, t.best_name(), t.count, t.lead) for key, t in counts.items()]


def _display(text: str) -> str:
    text = re.sub(r"^(?:the|The)\s+", "", text)
    return re.sub(r"['\u2019]s$", "", text)


@dataclass(slots=True)
class _Tally:
    kind: str
    count: int = 0
    lead: int = 0
    names: dict[str, int] = field(default_factory=dict)

    def best_name(self) -> str:
        """The form to show: the most frequent, then the longest (a full name over a surname)."""
        return max(sorted(self.names), key=lambda n: (self.names[n], len(n)))


_NUMBER = re.compile(
    r"(?<![\w.,])(\$|£|€)?\s?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s?(%|percent|per cent))?"
    r"(?:\s?(thousand|million|billion|trillion|bn|m)\b)?",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16",
    "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20",
    "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100", "dozens": "dozens",
}  # fmt: skip
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)
_SCALE = {"thousand": "k", "million": "m", "m": "m", "billion": "bn", "bn": "bn", "trillion": "tn"}


def _is_year(value: str) -> bool:
    return len(value) == 4 and value.isdigit() and 1900 <= int(value) <= 2099


def extract_numbers(text: str) -> dict[str, int]:
    """Figures an article mentions, normalised ("1,000" -> "1000", "$5 million" -> "$5m").

    Years and the days of calendar dates are left to :func:`extract_dates`;
    "one" is ignored (too common to tell events apart). Returns counts per figure.
    """
    text = normalize_for_matching(text)
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        text = pattern.sub(" ", text)
    out: dict[str, int] = {}
    for match in _NUMBER.finditer(text):
        currency, digits, percent, scale = match.groups()
        value = digits.replace(",", "")
        if _is_year(value) and not (currency or percent or scale):
            continue
        if "." in value:
            value = value.rstrip("0").rstrip(".")
        if "." not in value:
            value = value.lstrip("0") or "0"
        key = (currency or "") + value
        if scale:
            key += _SCALE[scale.lower()]
        if percent:
            key += "%"
        out[key] = out.get(key, 0) + 1
    for match in _NUMBER_WORD.finditer(text):
        key = _NUMBER_WORDS[match.group(1).lower()]
        out[key] = out.get(key, 0) + 1
    return out


_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8,
    "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
    "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
# Capitalised only: "may" and "march" in lower case are usually not months.
_MONTH_RE = "|".join(m.capitalize() for m in sorted(_MONTHS, key=len, reverse=True))
_MONTH_DAY = re.compile(
    rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+((?:19|20)\d\d)\b)?"
)
_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})\b\.?(?:,?\s+((?:19|20)\d\d)\b)?"
)
_MONTH_YEAR = re.compile(rf"\b({_MONTH_RE})\.?,?\s+((?:19|20)\d\d)\b")
_YEAR = re.compile(r"(?<![\d$£€.,])((?:19|20)\d\d)(?![\d%])")


def extract_dates(text: str) -> dict[str, int]:
    """Calendar dates an article mentions, as keys "y:2013", "ym:2013-05", "md:05-03".

    Only explicit calendar references count (weekdays and "yesterday" depend on
    the publication day, which the time-gap signal covers).
    """
    text = normalize_for_matching(text)
    out: dict[str, int] = {}

    def bump(key: str) -> None:
        out[key] = out.get(key, 0) + 1

    for month, day, year in _MONTH_DAY.findall(text):
        m, d = _MONTHS[month.lower()], int(day)
        if 1 <= d <= 31:
            bump(f"md:{m:02d}-{d:02d}")
            if year:
                bump(f"ym:{year}-{m:02d}")
    for day, month, year in _DAY_MONTH.findall(text):
        m, d = _MONTHS[month.lower()], int(day)
        if 1 <= d <= 31:
            bump(f"md:{m:02d}-{d:02d}")
            if year:
                bump(f"ym:{year}-{m:02d}")
    for month, year in _MONTH_YEAR.findall(text):
        bump(f"ym:{year}-{_MONTHS[month.lower()]:02d}")
    for year in _YEAR.findall(text):
        bump(f"y:{year}")
    return out
