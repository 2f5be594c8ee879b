"""Named entities and the keys that make one entity look the same across articles.

"Mr. Carney", "Mark Carney" and "Carney" share the key ``carney``; "U.S." and
"United States" share ``united states``; "Liberals" and "the Liberal Party"
share ``liberal``. Keys are deliberately simple (a story is one event, so a
surname rarely names two people) and pure, so they can be tested on their own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from corroborate.facts.lexicon import wordset

__all__ = [
    "ENTITY_LABELS",
    "NamedSpan",
    "StoryEntityIndex",
    "acronym_of",
    "display_name",
    "entity_key",
    "first_name",
    "person_key",
    "strip_accents",
]

# Labels kept as entities of an article (numbers and dates have their own records).
ENTITY_LABELS = wordset("""PERSON ORG GPE NORP LOC FAC EVENT PRODUCT LAW WORK_OF_ART""")

_ALIASES: dict[str, str] = {
    "us": "united states",
    "u.s": "united states",
    "u.s.": "united states",
    "usa": "united states",
    "u.s.a": "united states",
    "u.s.a.": "united states",
    "united states of america": "united states",
    "america": "united states",
    "uk": "united kingdom",
    "u.k": "united kingdom",
    "u.k.": "united kingdom",
    "britain": "united kingdom",
    "great britain": "united kingdom",
    "eu": "european union",
    "e.u.": "european union",
    "un": "united nations",
    "u.n.": "united nations",
    "american": "united states",
    "americans": "united states",
    "british": "united kingdom",
}
_TITLES = wordset(
    """mr mr. mrs mrs. ms ms. dr dr. prof prof. sir dame president prime minister
    premier chancellor senator sen. sen rep. rep gov. gov governor mayor judge justice
    secretary spokesperson spokesman spokeswoman deputy press leader chief minister
    officer general gen. gen. pope king queen prince princess former late actor actress
    singer star director ceo chairman chair coach captain lt. sgt. detective inspector
    superintendent sheriff commissioner ambassador white house"""
)
_INSTITUTIONS = wordset("""office department ministry cabinet government administration team""")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_LEADING = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w.&\- ]+")
_GENERIC_TAIL = frozenset({"party", "parties", "inc", "inc.", "corp", "corp.", "ltd", "ltd."})


@dataclass(frozen=True, slots=True)
class NamedSpan:
    """A spaCy entity in body coordinates: ``start``/``end`` index ``Article.body``."""

    start: int
    end: int
    label: str
    text: str
    sentence: int


def strip_accents(text: str) -> str:
    """ "Québécois" → "Quebecois", so differently typed names get one key."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _clean(text: str) -> str:
    text = strip_accents(text).replace("’", "'").replace("\n", " ").strip()
    # "Carney's Liberal Party" is about the party: drop a leading possessor.
    _head, sep, tail = text.rpartition("'s ")
    if (
        sep
        and tail.strip()
        and tail.strip()[0].isupper()
        and tail.strip().split()[0].lower() not in _INSTITUTIONS
    ):
        text = tail
    text = _LEADING.sub("", text)
    text = _POSSESSIVE.sub("", text)
    text = _NON_WORD.sub(" ", text)
    return " ".join(text.lower().split())


def first_name(text: str | None) -> str:
    """A person's first name when the mention gives one ("Jose Luis Orozco" → "jose")."""
    tokens = [t for t in _clean(text or "").split() if t not in _TITLES and len(t.rstrip(".")) > 1]
    return tokens[0] if len(tokens) >= 2 else ""


def person_key(text: str) -> str:
    """A person's key: the surname after titles ("Mr. Justin Trudeau" → "trudeau")."""
    tokens = [t for t in _clean(text).split() if t not in _TITLES]
    while tokens and tokens[-1] in {"jr", "jr.", "sr", "sr.", "ii", "iii"}:
        tokens.pop()
    return tokens[-1] if tokens else _clean(text)


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def entity_key(text: str, label: str) -> str:
    """The cross-article key of an entity mention (see the module docstring)."""
    if label == "PERSON":
        return person_key(text)
    cleaned = _clean(text)
    if cleaned in _ALIASES:
        return _ALIASES[cleaned]
    tokens = cleaned.split()
    while len(tokens) > 1 and tokens[-1] in _GENERIC_TAIL:
        tokens.pop()
    if not tokens:
        return cleaned
    if label in ("NORP", "ORG"):
        tokens[-1] = _singular(tokens[-1])
    key = " ".join(tokens)
    return _ALIASES.get(key, key)


def display_name(text: str) -> str:
    """How to show an entity: "the Liberal Party’s" → "Liberal Party"."""
    shown = " ".join(text.split())
    head, sep, tail = shown.replace("’", "'").rpartition("'s ")
    if sep and tail[:1].isupper() and tail.split()[0].lower() not in _INSTITUTIONS:
        shown = shown[len(head) + len(sep) :]
    shown = _LEADING.sub("", shown)
    return _POSSESSIVE.sub("", shown)


def acronym_of(key: str) -> str:
    """Initials of a multi-word key ("new democratic" → "nd"; "european union" → "eu")."""
    parts = [p for p in key.split() if p not in {"of", "and", "the", "for"}]
    return "".join(p[0] for p in parts) if len(parts) > 1 else ""


@dataclass(slots=True)
class StoryEntityIndex:
    """Merges entity keys across the articles of a story.

    A surname key joins a full name only through the person keys, so this
    index adds what single mentions cannot know: acronyms ("NDP" for "New
    Democratic Party"), and the longest surface form to display for a key.
    """

    display: dict[str, str]
    alias: dict[str, str]

    @classmethod
    def build(cls, mentions: list[tuple[str, str, str]]) -> StoryEntityIndex:
        """``mentions`` are (text, label, key) triples from every article of the story."""
        display: dict[str, str] = {}
        for text, _label, key in mentions:
            shown = display_name(text)
            if len(shown) > len(display.get(key, "")):
                display[key] = shown
        alias: dict[str, str] = {}
        keys = list(display)
        for key in keys:
            compact = key.replace(".", "").replace(" ", "")
            if 2 <= len(compact) <= 5 and " " not in key:
                for other in keys:
                    if (
                        other != key and acronym_of(other + " party") in (compact, compact + "p")
                    ) or (other != key and acronym_of(other) == compact):
                        alias[key] = other
        return cls(display, alias)

    def canonical(self, key: str) -> str:
        return self.alias.get(key, key)

    def show(self, key: str) -> str:
        key = self.canonical(key)
        return self.display.get(key, key)
