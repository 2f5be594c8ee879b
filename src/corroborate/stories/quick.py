"""Named entities without a parser: capitalised phrases typed by a few rules.

The fast ingest path uses these instead of spaCy's NER (about 20 ms of CPU per
article): runs of capitalised words ("Mark Carney", "Bank of England",
"U.S."), split at titles ("U.S. President Donald Trump" -> "U.S." and the
person "Donald Trump"), labelled PERSON, GPE, ORG or NORP by a small gazetteer
of places, organisation words and honorifics. The output has spaCy's shape
(text, label, in title or lead), so :func:`~corroborate.stories.mentions.
normalize_entities` turns both into the same matching keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corroborate.text import STOPWORDS

__all__ = ["capitalised_entities"]


def _split(words: str) -> list[str]:
    return words.split()


# Letters beyond ASCII too ("Québécois", "Łódź", "Erdoğan"): Latin-1 and Latin Extended-A/B.
_LATIN = [chr(c) for c in range(0xC0, 0x250) if chr(c).isalpha()]
_UPPER = "A-Z" + "".join(c for c in _LATIN if c.isupper())
_LOWER = "a-z" + "".join(c for c in _LATIN if not c.isupper())
# A possessive ends the word ("Canada's Carney" is Canada, then Carney).
_CAP = (
    rf"(?:[{_UPPER}][{_LOWER}]+(?:['’-](?![sS]\b)[{_UPPER}{_LOWER}]+)*"
    rf"|[{_UPPER}]{{2,}}|[A-Z]\.(?:[A-Z]\.)+)"
)
# Words of one phrase are joined by spaces or tabs only: a line break ends it (a
# headline's last word and the body's first are two phrases, not one).
_GAP = r"[^\S\n]"
_PHRASE = re.compile(rf"{_CAP}(?:{_GAP}+(?:(?:of|de|the|and|for|al|van|von|la|le){_GAP}+)?{_CAP})*")
_SENTENCE_END = re.compile(r"[.!?\n]\s*$")
_HONORIFIC = re.compile(
    r"(?:Mr|Mrs|Ms|Dr|President|Minister|Premier|Senator|Governor|Chairman|Chief|"
    r"Secretary|Judge|Prime Minister|King|Queen|General|Sir)\.?\s+$"
)
_ORG_WORDS = frozenset(
    _split(
        "bank inc corp co ltd plc group ministry department association union party council "
        "agency committee company exchange reserve board university court commission fund "
        "corporation industries airlines police army navy parliament congress senate house "
        "organisation organization institute federation authority office bureau times post "
        "bloc alliance coalition league movement foundation network church hospital airport "
        "school club cross"
    )
)
_PLACES = frozenset(
    _split(
        "u.s. us usa uk britain england france germany japan china canada italy spain russia "
        "brazil mexico india iran iraq israel egypt australia argentina belgium netherlands "
        "switzerland sweden norway denmark austria poland turkey greece indonesia pakistan "
        "nigeria kenya ethiopia syria lebanon jordan korea taiwan vietnam thailand philippines "
        "malaysia singapore chile peru colombia venezuela cuba ireland scotland wales europe "
        "asia africa america london paris tokyo washington beijing moscow berlin new york "
        "ottawa toronto sydney chicago california texas florida hong kong brussels geneva "
        "frankfurt zurich bonn rome madrid kuwait saudi arabia opec gulf"
    )
)
# Places of several words, each of which could start a person's name ("United States").
_PLACE_PHRASES = frozenset(
    line.strip()
    for line in """united states
        united kingdom
        united arab emirates
        new york
        new jersey
        new mexico
        new zealand
        new delhi
        new orleans
        hong kong
        saudi arabia
        south africa
        south korea
        north korea
        sri lanka
        costa rica
        puerto rico
        el salvador
        los angeles
        las vegas
        san francisco
        san diego
        tel aviv
        abu dhabi
        buenos aires
        cape town
        kuala lumpur
        mexico city
        north carolina
        south carolina
        west virginia
        rhode island""".splitlines()
)


# The last word of a place's name ("Brennick Pass", "Mount Tarsa" does not end so).
_PLACE_WORDS = frozenset(
    _split(
        "pass river lake mountain mountains valley bay island islands street road avenue "
        "square bridge highway county province district region park coast sea ocean strait "
        "canyon peninsula desert"
    )
)
# A lone unknown name after these is a place ("villagers in Ostrel").
_PLACE_BEFORE = re.compile(r"\b(?:in|near|outside|across|village of|town of|city of)\s+$")
# Portfolios before a title name no one ("Transport Minister Ada Quill").
_PORTFOLIOS = frozenset(
    _split(
        "transport health education interior justice energy environment agriculture "
        "culture economy industry housing treasury"
    )
)
_TITLES = frozenset(
    _split(
        "mr mrs ms dr president minister prime premier senator governor chairman chief secretary "
        "judge king queen general sir vice deputy leader foreign finance trade defence defense "
        "spokesman spokeswoman ambassador mayor pope prince"
    )
)
_CALENDAR = frozenset(
    _split(
        "monday tuesday wednesday thursday friday saturday sunday january february march april "
        "may june july august september october november december"
    )
)


_CONNECTORS = frozenset(_split("of de the and for al van von la le"))
# Capitalised, these open a sentence even after an opening quote ("“And the voters…").
_CONJUNCTIONS = frozenset(_split("And But Or So Yet"))
# Organisation words that name something on their own ("Congress", "Police"); the others
# name nothing alone ("the Prime Minister's Office" leaves "Office" once its title is
# split off).
_NAMES_ALONE = frozenset(
    _split("police army navy parliament congress senate house reserve times post bloc cross")
)
_GENERIC_ORG_WORDS = _ORG_WORDS - _NAMES_ALONE


def _split_titles(phrase: str) -> list[tuple[str, bool]]:
    """Split "U.S. President Donald Trump" into ("U.S.", False), ("Donald Trump", True);
    a part does not end with a joining word ("Mr. Carney and Mr. Trump": "Carney")."""
    words = phrase.split()
    parts: list[tuple[str, bool]] = []
    current: list[str] = []
    titled = False

    def close() -> None:
        while current and current[-1] in _CONNECTORS:
            current.pop()
        if current:
            parts.append((" ".join(current), titled))
        current.clear()

    for word in words:
        lowered = word.lower().strip(".")
        if lowered in _CALENDAR:  # "Mary Simon Tuesday": the day ends the name
            close()
            titled = False
            continue
        if all(w in _TITLES for w in lowered.split("-")):  # "Governor-General"
            if current and current[-1].lower() in _PORTFOLIOS:
                current.pop()
            close()
            titled = True
            continue
        current.append(word)
    close()
    return parts


def _name_like(token: str) -> bool:
    """Capitalised, then lower case, in each hyphenated part ("Yves-Francois")."""
    return all(p[:1].isupper() and p[1:].islower() for p in token.split("-"))


def _label(phrase: str, before: str) -> str:
    tokens = phrase.split()
    lowered = [t.lower().strip(".") for t in tokens]
    if (
        phrase.lower() in _PLACES
        or " ".join(lowered) in _PLACE_PHRASES
        or all(t in _PLACES for t in lowered)
    ):
        return "GPE"
    if any(t in _ORG_WORDS for t in lowered) or phrase.isupper():
        return "ORG"
    if lowered[-1] in _PLACE_WORDS or (len(tokens) == 1 and _PLACE_BEFORE.search(before)):
        return "GPE"
    if _HONORIFIC.search(before):
        return "PERSON"
    if 2 <= len(tokens) <= 3 and all(_name_like(t) for t in tokens):
        return "PERSON"
    return "ORG" if len(tokens) > 1 else "NORP"


_TITLE_WORD = re.compile(rf"[{_UPPER}{_LOWER}]{{4,}}")


def _title_case(line: str) -> bool:
    """A headline in Title Case ("Trump Congratulates Carney As Canada Votes"): its
    capitals mark words, not names."""
    words = _TITLE_WORD.findall(line)
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _names_told_in(phrase: str, body: str) -> list[tuple[int, str]]:
    """The longest runs of a Title Case headline's phrase that the body also writes,
    with their offsets in the phrase ("Trump Congratulates Carney" -> "Trump", "Carney")."""
    spans = [(m.start(), m.group(0)) for m in re.finditer(r"\S+", phrase)]
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(spans):
        for j in range(len(spans), i, -1):
            run = " ".join(word for _at, word in spans[i:j])
            # the substring test first: most runs of a headline are not in the body
            if run in body and re.search(rf"(?<!\w){re.escape(run)}(?!\w)", body):
                out.append((spans[i][0], run))
                i = j
                break
        else:
            i += 1
    return out


@dataclass(frozen=True, slots=True)
class _Text:
    """One text and what is known of its capitalised words: ``inside``, the words
    capitalised inside a sentence somewhere; ``alone``, the phrases it writes on
    their own (of a "Quill and Tolle" run, whether "Quill" and "Tolle" are)."""

    text: str
    lead_end: int
    inside: frozenset[str]
    alone: frozenset[str]


def capitalised_entities(text: str, lead_end: int) -> list[tuple[str, str, bool]]:
    """(phrase, spaCy-style label, in title or lead) for each capitalised phrase.

    When the first line (the headline) is in Title Case, its phrases keep only the
    runs of words that the rest of the text also writes with capitals."""
    out: list[tuple[str, str, bool]] = []
    first_line, newline, rest = text.partition("\n")
    title_end = len(first_line) if newline and rest.strip() and _title_case(first_line) else -1
    body = rest if title_end > 0 else ""
    matches = [(m, _opens_sentence(text, m.start())) for m in _PHRASE.finditer(text)]
    # A lone capitalised word that opens a sentence ("Meanwhile", "Late") is a name
    # only if it is also capitalised inside a sentence somewhere.
    inside: set[str] = set()
    for m, opens in matches:
        if m.start() > title_end:
            inside.update(m.group(0).split()[1 if opens else 0 :])
    known = _Text(
        text,
        lead_end,
        frozenset(inside),
        frozenset(m.group(0) for m, _ in matches if m.start() > title_end),
    )
    for m, opens in matches:
        if m.start() > title_end:
            out.extend(_typed(m.group(0), m.start(), opens, known))
            continue
        for offset, run in _names_told_in(m.group(0), body):
            at = m.start() + offset
            out.extend(_typed(run, at, _opens_sentence(text, at), known))
    return out


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the phrase at ``start`` opens a sentence ("Mr. Trump" does not)."""
    if start == 0:
        return True
    before = text[max(0, start - 20) : start]
    return bool(_SENTENCE_END.search(before[-3:])) and not _HONORIFIC.search(before)


def _typed(
    phrase: str, start: int, sentence_start: bool, known: _Text
) -> list[tuple[str, str, bool]]:
    """The named parts of one capitalised phrase starting at ``start`` (opening a
    sentence or not), labelled."""
    out: list[tuple[str, str, bool]] = []
    words = phrase.split()
    if (sentence_start or words[0] in _CONJUNCTIONS) and words[0].lower() in STOPWORDS:
        words = words[1:]
        while words and words[0] in _CONNECTORS:
            words = words[1:]
        if not words:
            return out
        phrase = " ".join(words)
    if (
        sentence_start
        and len(words) == 1
        and words[0] not in known.inside
        and words[0].lower().strip(".") not in _PLACES
    ):
        return out
    parts = _split_places(_split_lists(_split_titles(phrase), known.alone))
    for part, titled in parts:
        tokens = part.split()
        lowered = tokens[0].lower().strip(".")
        if len(tokens) == 1 and (
            lowered in STOPWORDS
            or lowered in _CALENDAR
            or lowered in _GENERIC_ORG_WORDS
            or len(part) < 2
        ):
            continue
        label = "PERSON" if titled and part.lower() not in _PLACES else None
        label = label or _label(part, known.text[max(0, start - 20) : start])
        out.append((part, label, start < known.lead_end))
    return out


def _split_lists(parts: list[tuple[str, bool]], alone: frozenset[str]) -> list[tuple[str, bool]]:
    """Split "Quill and Tolle" into its two names when the text also writes each on its
    own, or either side is a full name or an acronym ("Ada Quill and NDP"); a name
    with "and" in it ("Globe and Mail") stays whole."""
    out: list[tuple[str, bool]] = []
    for part, titled in parts:
        left, sep, right = part.partition(" and ")
        if sep and (
            (left in alone and right in alone)
            or (_place(left) and _place(right))
            or _named(left)
            or _named(right)
        ):
            out.append((left, titled))
            out.extend(_split_lists([(right, titled)], alone))
        else:
            out.append((part, titled))
    return out


def _place(side: str) -> bool:
    """A place of the gazetteer, of one word or several ("Ottawa", "Hong Kong")."""
    lowered = side.lower()
    return lowered in _PLACES or lowered in _PLACE_PHRASES


def _named(side: str) -> bool:
    """A person's full name ("Ada Quill") or an acronym ("NDP") on one side of "and"."""
    tokens = side.split()
    if len(tokens) == 1:
        return tokens[0].isupper() and len(tokens[0]) >= 2
    return (
        len(tokens) <= 3
        and all(_name_like(t) for t in tokens)
        and not any(t.lower() in _ORG_WORDS or t.lower() in _PLACES for t in tokens)
    )


def _split_places(parts: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Split a run of separate places into its places ("Canada America's" is Canada,
    then America), unless the run is one place ("New York", "Hong Kong")."""
    out: list[tuple[str, bool]] = []
    for part, titled in parts:
        tokens = part.split()
        lowered = [t.lower().strip(".") for t in tokens]
        if (
            len(tokens) > 1
            and all(t in _PLACES or f"{t}." in _PLACES for t in lowered)
            and " ".join(lowered) not in _PLACE_PHRASES
            and part.lower() not in _PLACES
        ):
            out.extend((token, titled) for token in tokens)
        else:
            out.append((part, titled))
    return out
