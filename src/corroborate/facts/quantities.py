"""Quantities in a sentence: value, unit or counted noun, hedge, entity, role and kind.

Works on one spaCy ``Doc`` per sentence (tokens, fine-grained tags, entities)
and is otherwise pure: the caller passes the sentence's place in the body so
every quantity carries character offsets into ``Article.body``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corroborate.facts.entities import entity_key
from corroborate.facts.lexicon import (
    CHANGE_WORDS,
    EVENT_LEVEL_UNITS,
    KIND_WORDS,
    MODAL_HEDGES,
    MONTHS,
    PEOPLE_UNITS,
    SPEECH_VERBS,
    THRESHOLD_WORDS,
)
from corroborate.facts.numbers import SCALES, TENS, UNITS, ParsedNumber, granularity, parse_number
from corroborate.facts.patterns import age_match, score_end
from corroborate.facts.records import Evidence, Quantity
from corroborate.text import STOPWORDS

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span, Token

__all__ = ["SentenceRef", "hedge_interval", "quantities_in_sentence", "unit_key"]

INF = float("inf")

# (phrase, bound) checked longest first against the words before the number.
_HEDGES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        [
            *(
                (p, "approx")
                for p in (
                    "roughly",
                    "about",
                    "around",
                    "approximately",
                    "some",
                    "an estimated",
                    "estimated",
                    "circa",
                    "approx.",
                    "or so",
                    "an approximate",
                )
            ),
            *((p, "near") for p in ("nearly", "almost", "close to", "just under")),
            *(
                (p, "min")
                for p in (
                    "at least",
                    "no fewer than",
                    "no less than",
                    "a minimum of",
                )
            ),
            *(
                (p, "above")
                for p in (
                    "more than",
                    "over",
                    "upwards of",
                    "in excess of",
                    "above",
                    "exceeding",
                    "just over",
                    "greater than",
                )
            ),
            *(
                (p, "max")
                for p in (
                    "up to",
                    "at most",
                    "no more than",
                    "as many as",
                    "a maximum of",
                )
            ),
            *((p, "below") for p in ("fewer than", "less than", "under", "below")),
        ],
        key=lambda item: -len(item[0]),
    )
)
_SKIP_ENT = frozenset({"ORG", "PRODUCT", "FAC", "WORK_OF_ART", "LAW", "EVENT", "PERSON", "GPE"})
_ABOUT_LABELS = frozenset({"ORG", "NORP", "PERSON", "GPE", "FAC", "LOC", "EVENT"})
_CURRENCY = {"$": "$", "us$": "$", "c$": "C$", "€": "€", "£": "£", "¥": "¥", "usd": "$"}
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")
_NOUN_TAGS = frozenset({"NN", "NNS"})
_MOD_TAGS = frozenset({"JJ", "JJR", "JJS", "VBN", "RBR"})
_PARENTS = frozenset({"mother", "father", "mom", "dad", "parent", "parents", "grandmother"})
# "a town of 71,000": the number counts its people
_SETTLEMENTS = frozenset(
    {"town", "city", "village", "country", "nation", "province", "state", "island", "community"}
    | {"county", "district", "region", "suburb", "township", "borough", "metropolis"}
)
_LEVEL_PREPS = frozenset({"of", "at", "to", "was", "is", "reached", "hit", "stood", "stands", ":"})


@dataclass(frozen=True, slots=True)
class SentenceRef:
    """Where a sentence sits: article id, sentence index and its start in the body."""

    article: str
    index: int
    start: int


# Units of measurement and their abbreviations, folded to one key ("ft" = "feet" = "foot").
_MEASURES: dict[str, str] = {
    **dict.fromkeys(("m", "metre", "metres", "meter", "meters"), "metre"),
    **dict.fromkeys(("km", "kms", "kilometre", "kilometres", "kilometer", "kilometers"), "km"),
    **dict.fromkeys(("ft", "foot", "feet"), "foot"),
    **dict.fromkeys(("mi", "mile", "miles"), "mile"),
    **dict.fromkeys(("kg", "kgs", "kilogram", "kilograms", "kilo", "kilos"), "kg"),
    **dict.fromkeys(("lb", "lbs", "pound", "pounds"), "pound"),
    **dict.fromkeys(("mph",), "mph"),
    **dict.fromkeys(("sq",), "square"),
}
_ABBREVIATED_UNITS = frozenset({"m", "km", "kms", "ft", "mi", "kg", "kgs", "lb", "lbs", "mph"})


def unit_key(word: str) -> str:
    """Fold a counted noun to a comparable key ("seats" → "seat", "persons" → "people")."""
    word = word.lower().strip()
    if word in _MEASURES:
        return _MEASURES[word]
    if word in ("persons", "person", "individuals", "individual"):
        return "people"
    if word in ("percent", "per cent", "pct", "percentage"):
        return "%"
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3 and word != "people":
        return word[:-1]
    return word


def hedge_interval(value: float, text: str, bound: str) -> tuple[float, float]:
    """The values a hedged number allows (see :class:`Quantity`)."""
    step = granularity(text, value)
    if bound == "approx":
        return value - step / 2, value + step / 2
    if bound == "near":
        return value - step, value
    if bound in ("min", "vague"):
        return value, INF
    if bound == "above":
        return value, INF
    if bound in ("max", "below"):
        return 0.0, value
    return value, value


def _hedge_before(lower: list[str], i: int) -> tuple[str | None, str]:
    before = " ".join(lower[max(0, i - 4) : i])
    for phrase, bound in _HEDGES:
        if before == phrase or before.endswith(" " + phrase):
            return phrase, bound
    return None, "exact"


def _modal_before(lower: list[str], i: int) -> str | None:
    window = lower[max(0, i - 7) : i]
    joined = " ".join(window)
    for phrase in MODAL_HEDGES:
        if " " in phrase and phrase in joined:
            return phrase
        if phrase in window:
            return phrase
    return None


def _is_calendar(doc: Doc, lower: list[str], i: int, value: float, length: int) -> bool:
    tok = doc[i]
    if not tok.text[:1].isdigit():
        return False
    prev = lower[i - 1] if i > 0 else ""
    nxt = lower[i + length] if i + length < len(lower) else ""
    if prev.rstrip(".") in MONTHS or nxt.rstrip(".") in MONTHS:
        return True
    is_year = len(tok.text) == 4 and tok.text.isdigit() and 1800 <= value <= 2100
    return is_year and (tok.ent_type_ in ("DATE", "") and nxt not in PEOPLE_UNITS)


def _unit_after(doc: Doc, lower: list[str], j: int) -> tuple[str, int]:
    """The counted noun after token ``j``: ("%", ...), ("seat", ...) or ("", j)."""
    n = len(doc)
    if j < n and lower[j] in ("%", "percent", "pct"):
        if j + 2 < n and lower[j + 1] == "percentage" and lower[j + 2].startswith("point"):
            return "percentage point", j + 3
        return "%", j + 1
    if j + 1 < n and lower[j] == "per" and lower[j + 1] == "cent":
        return "%", j + 2
    if j < n and lower[j].rstrip(".") in _ABBREVIATED_UNITS:
        return unit_key(lower[j].rstrip(".")), j + 1
    if j + 1 < n and lower[j] == "percentage" and lower[j + 1].startswith("point"):
        return "percentage point", j + 2
    if j + 1 < n and lower[j] == "-" and doc[j + 1].tag_ in _NOUN_TAGS | {"JJ"}:
        word = lower[j + 1]
        return (
            "year-old" if word == "year" and j + 3 < n and lower[j + 3] == "old" else unit_key(word)
        ), j + 2
    k = j
    skipped = 0
    while k < n and doc[k].tag_ in _MOD_TAGS and lower[k] not in KIND_WORDS and skipped < 2:
        k += 1
        skipped += 1
    head = ""
    end = k
    while k < n and doc[k].tag_ in _NOUN_TAGS and lower[k] not in MONTHS:
        head = lower[k]
        k += 1
        end = k
    if head:
        return unit_key(head), end
    if j < n and lower[j] in KIND_WORDS and (j + 1 >= n or doc[j + 1].tag_ not in _NOUN_TAGS):
        return "people", j + 1
    return "", j


def _unit_before(doc: Doc, lower: list[str], i: int) -> str:
    """A measure named before the number: "death toll rose to 7", "magnitude 6.1"."""
    if i >= 1 and lower[i - 1] == "magnitude":
        return "magnitude"
    if i >= 2 and lower[i - 1] == "of" and lower[i - 2] in _PARENTS:
        return "children"  # "a mother of 12"
    if i >= 2 and lower[i - 1] == "of" and lower[i - 2] in _SETTLEMENTS:
        return "people"  # "a town of 71,000"
    k = i - 1
    steps = 0
    while k >= 0 and steps < 3 and (lower[k] in _LEVEL_PREPS or doc[k].tag_.startswith("VB")):
        k -= 1
        steps += 1
    if steps and k >= 0 and doc[k].tag_ in _NOUN_TAGS:
        return unit_key(lower[k])
    return ""


_CLAUSE_BREAKS = frozenset({"and", ",", ";", "but"})


def _kind_near(lower: list[str], i: int, end: int) -> str:
    """The event kind word nearest the number. A word before it that a clause break
    separates from the number is another clause's ("claiming four lives and causing
    140 residents to be evacuated"; "12 firefighters were hurt and 40 families lost
    their homes": the families were not hurt), so it does not count."""
    best = ""
    best_distance = 99
    for k in range(max(0, i - 6), min(len(lower), end + 8)):
        kind = KIND_WORDS.get(lower[k])
        if kind:
            if k < i:
                distance = i - k
                if any(w in _CLAUSE_BREAKS for w in lower[k + 1 : i]):
                    continue
            else:
                distance = k - end + 1
            if distance < best_distance:
                best, best_distance = kind, distance
    return best


def _entity_about(doc: Doc, i: int, end: int, compound: bool = False) -> tuple[str | None, str]:
    """The named entity the number is about: nearest before it, else just after it.

    A hyphen compound ("343-member House") is about what follows it.
    """
    after = [
        e
        for e in doc.ents
        if e.start >= end
        and e.start - end <= (2 if compound else 6)
        and e.label_ in _ABOUT_LABELS
        and not _speaker(doc, e)
    ]
    if compound and after:
        ent = after[0]
        return ent.text, entity_key(ent.text, ent.label_)
    before = [
        e for e in doc.ents if e.end <= i and e.label_ in _ABOUT_LABELS and not _speaker(doc, e)
    ]
    proper = _proper_run(doc, i)
    if proper is not None and (not before or proper[0] > before[-1].end):
        text = doc[proper[0] : proper[1]].text
        return text, entity_key(text, "ORG")
    if before:
        ent = before[-1]
        return ent.text, entity_key(ent.text, ent.label_)
    if after:
        ent = after[0]
        return ent.text, entity_key(ent.text, ent.label_)
    nouns: list[str] = []
    # The number's own clause: not another clause's subject, nor who says it
    # ("Rescuers said 40 families ...").
    clause = max((t.i + 1 for t in doc[:i] if _clause_edge(t)), default=0)
    for tok in doc[clause:i]:
        if tok.tag_ in _NOUN_TAGS:
            nouns.append(tok.text)
        elif nouns:
            break
    if nouns:
        text = " ".join(nouns)
        return text, " ".join(unit_key(w) for w in text.lower().split())
    return None, ""


def _clause_edge(tok: Token) -> bool:
    """A clause break, a speech verb or a "that" opening a clause: what follows it is
    what was said ("Rescuers said 40 ...", "... told reporters that 40 ...")."""
    if tok.lower_ in _CLAUSE_BREAKS:
        return True
    if tok.lower_ == "that":
        return tok.tag_ == "IN"
    return tok.lower_ in SPEECH_VERBS and tok.tag_.startswith("VB")


def _speaker(doc: Doc, ent: Span) -> bool:
    """Whether ``ent`` is who says the sentence ("…, fire chief Bram Tolle told
    reporters", "said Ann Lee"): the figures are not about the speaker."""
    near = [t.lower_ for t in doc[max(0, ent.start - 2) : ent.start]]
    near += [t.lower_ for t in doc[ent.end : ent.end + 2]]
    return any(w in SPEECH_VERBS for w in near)


def _proper_run(doc: Doc, i: int) -> tuple[int, int] | None:
    """The last run of proper nouns before token ``i`` that no entity covers."""
    k = i - 1
    while k >= 0:
        if doc[k].tag_ in ("NNP", "NNPS") and not doc[k].ent_type_ and doc[k].text[:1].isupper():
            end = k + 1
            while k - 1 >= 0 and doc[k - 1].tag_ in ("NNP", "NNPS") and not doc[k - 1].ent_type_:
                k -= 1
            return k, end
        k -= 1
    return None


_OF_FILLERS = frozenset({"the", "his", "her", "their", "its", "our", "a", "an"})
_POSSESSIVES = frozenset({"'s", "’s", "'", "’"})


def _out_of(lower: list[str], i: int) -> bool:
    """True for the whole in "28 of 41 passes", "10 of the Saints' 16 games": the number
    a part is counted out of, another measure than the part or a plain count."""
    k = i - 1
    while k >= 0 and i - k <= 4 and lower[k] != "of":
        possessor = lower[k].isalpha() and k + 1 < i and lower[k + 1] in _POSSESSIVES
        if lower[k] not in _OF_FILLERS and lower[k] not in _POSSESSIVES and not possessor:
            return False
        k -= 1
    if k < 1 or lower[k] != "of":
        return False
    part = lower[k - 1]
    if part in ("one", "1"):
        return False  # "one of 99 members seized": the 99 is the count itself
    return part[:1].isdigit() or part in UNITS or part in TENS


def _role(lower: list[str], i: int, unit_end: int, hedge: str | None) -> str:
    skip = len(hedge.split()) if hedge else 0
    window = lower[max(0, i - skip - 3) : max(0, i - skip)]
    if unit_end < len(lower) and lower[unit_end] in THRESHOLD_WORDS:
        return "threshold"
    if not skip and _out_of(lower, i):
        return "total"
    if "majority" in lower[unit_end : unit_end + 3] and "for" in lower[unit_end : unit_end + 2]:
        return "threshold"
    if window and window[-1] == "by":
        return "change"
    if any(w in CHANGE_WORDS for w in window) and (not window or window[-1] != "to"):
        return "change"
    if unit_end < len(lower) and lower[unit_end] in ("more", "fewer", "additional"):
        return "change"
    return "level"


def stem(word: str) -> str:
    """A crude stem for context overlap ("winning" ~ "wins", "killed" ~ "kills")."""
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def sentence_context(lower: list[str]) -> tuple[str, ...]:
    """Stemmed content words of a sentence without numbers: what its quantities are about."""
    words = {
        stem(w.replace("’", "'").removesuffix("'s"))
        for w in lower
        if w.isalpha()
        and w not in STOPWORDS
        and w not in SCALES
        and w not in UNITS
        and w not in TENS
    }
    return tuple(sorted(words))


@dataclass(frozen=True, slots=True)
class _Reading:
    """What a number counts: its unit, the token after its unit words, and (for ages and
    scores) whom it is about when the pattern says it."""

    unit: str
    end: int
    about: tuple[str | None, str] | None = None


def _reading(
    doc: Doc, lower: list[str], i: int, end: int, value: float, units_seen: list[str]
) -> _Reading:
    currency = _CURRENCY.get(lower[i - 1], "") if i > 0 else ""
    if currency:
        return _Reading(currency, end)
    age = age_match(doc, lower, i, end, value)
    if age is not None:
        return _Reading("age", age.end, (age.entity, age.key))
    score = score_end(doc, lower, end)
    if score is not None:
        return _Reading("score", score)
    unit, unit_end = _unit_after(doc, lower, end)
    if unit == "year-old":
        return _Reading("age", unit_end)
    if not unit:
        unit = _unit_before(doc, lower, i)
    if not unit and units_seen:
        unit = units_seen[-1]
    return _Reading(unit, unit_end)


def _share_of(lower: list[str], end: int, parsed: ParsedNumber) -> bool:
    """A written fraction of something ("a quarter of its dealerships", "half of the
    voters"), not of a measure ("a third of a mile", "half an hour")."""
    return (
        parsed.words
        and 0 < parsed.value < 1
        and end + 1 < len(lower)
        and lower[end] == "of"
        and lower[end + 1] not in ("a", "an")
    )


_RANGE_WORDS = frozenset({"to", "or", "and"})


def _range_upper(
    doc: Doc, lower: list[str], i: int, end: int, parsed: ParsedNumber
) -> tuple[int, float] | None:
    """(end, upper value) when the number at ``i`` opens a range of one counted thing:
    "20 to 25 hours", "5 or 6 people", "between 300 and 400 people". Not a change ("from
    20 to 25"), not a score or a vote ("lost 1 to 3": no noun follows), and "and" only
    after "between"."""
    if end + 1 >= len(doc) or lower[end] not in _RANGE_WORDS or parsed.vague:
        return None
    if lower[end] == "and" and (i == 0 or lower[i - 1] != "between"):
        return None
    if i > 0 and lower[i - 1] == "from":
        return None
    second = parse_number(lower, end + 1)
    if second is None or second.vague or second.value <= parsed.value:
        return None
    stop = end + 1 + second.length
    unit, _unit_end = _unit_after(doc, lower, stop)
    if not unit or unit == "year-old":
        return None
    return stop, second.value


def _conversion(lower: list[str], i: int, last_end: int) -> bool:
    """True for a number in parentheses right after another quantity (a conversion)."""
    k = i - 1
    if k >= 0 and lower[k] in _CURRENCY:
        k -= 1
    return k >= 0 and lower[k] == "(" and last_end >= 0 and k - last_end <= 1


def quantities_in_sentence(doc: Doc, ref: SentenceRef) -> list[Quantity]:
    """Every quantity in one sentence (a spaCy ``Doc`` of the sentence text)."""
    lower = [t.text.lower() for t in doc]
    context = sentence_context(lower)
    out: list[Quantity] = []
    units_seen: list[str] = []
    last_end = -1
    i = 0
    relation: str | None = None
    while i < len(doc):
        tok = doc[i]
        parsed = parse_number(lower, i)
        if (
            parsed is None
            or _ORDINAL.match(lower[i])
            or (tok.ent_type_ in _SKIP_ENT and not parsed.words)
            or tok.ent_type_ == "ORDINAL"
            or (parsed.words and parsed.value == 1 and parsed.length == 1)
            or (i > 0 and lower[i - 1] in ("-", "/", ":", "#") and not parsed.words)
            or (i + 1 < len(doc) and lower[i + 1] in (":", "/") and not parsed.words)
        ):
            i += 1
            continue
        end = i + parsed.length
        if _is_calendar(doc, lower, i, parsed.value, parsed.length):
            i = end
            continue
        # "three short of the 172": the gap becomes a relation of the next number.
        if end + 1 < len(doc) and lower[end] == "short" and lower[end + 1] == "of":
            relation = f"{doc[i:end].text} short of"
            i = end + 2
            continue
        if _conversion(lower, i, last_end):
            i = end  # "85 million euros ($108 million)", "58km (36 miles)": the same figure again
            continue
        value = parsed.value
        upper = _range_upper(doc, lower, i, end, parsed)
        if upper is not None:
            end, top = upper
        reading = _reading(doc, lower, i, end, value, units_seen)
        if _share_of(lower, end, parsed):
            # "three-quarters of Canada's exports" is a share: 75 %
            value = parsed.value * 100
            reading = _Reading("%", end)
        unit, unit_end = reading.unit, reading.end
        phrase, bound = _hedge_before(lower, i)
        if parsed.vague:
            bound = "vague"
        modal = _modal_before(lower, i)
        hedge = " ".join(p for p in (modal, phrase) if p) or (lower[i] if parsed.vague else None)
        number_text = doc[i:end].text
        lo, hi = hedge_interval(value, number_text, bound)
        if upper is not None:
            # "20 to 25 hours", "between 300 and 400 people": one figure, any value between
            if i > 0 and lower[i - 1] == "between" and not phrase:
                phrase, hedge = "between", " ".join(p for p in (modal, "between") if p)
            lo, hi, value, bound = parsed.value, top, (parsed.value + top) / 2, "range"
        kind = ""
        # "a mother of 12 was shot": her children, not the people shot
        parent_of = i >= 2 and lower[i - 1] == "of" and lower[i - 2] in _PARENTS
        if not parent_of and (unit in PEOPLE_UNITS or unit in ("people", "") or unit == "toll"):
            kind = _kind_near(lower, i, unit_end)
            if kind and unit in ("", "toll"):
                unit = "people"
        if unit in PEOPLE_UNITS and kind and not parent_of:
            unit = "people"
        role = _role(lower, i, unit_end, phrase) if unit not in ("age", "score") else "level"
        if reading.about is not None:
            entity, key = reading.about
        elif unit in EVENT_LEVEL_UNITS and (kind or unit == "magnitude"):
            entity, key = None, ""
        else:
            # "343-member House" is about what follows; the hyphen of a score ("53-3")
            # makes no such compound.
            compound = unit != "score" and end < len(doc) and lower[end] == "-"
            entity, key = _entity_about(doc, i, unit_end, compound)
        span_start = doc[max(0, i - (len(phrase.split()) if phrase else 0))].idx
        span_end_tok = doc[max(unit_end, end) - 1]
        span_end = span_end_tok.idx + len(span_end_tok.text)
        text = doc.text[span_start:span_end]
        evidence = Evidence(
            ref.article, ref.index, ref.start + span_start, ref.start + span_end, text
        )
        out.append(
            Quantity(
                value,
                text,
                unit,
                hedge,
                bound,
                lo,
                hi,
                entity,
                key,
                role,
                kind,
                relation,
                evidence,
                context,
            )
        )
        relation = None
        # An age or a score is never converted: "the 32-year-old Klitschko (52-3, 46 KOs)"
        # gives his record in parentheses, not the age again.
        last_end = max(unit_end, end) if unit not in ("age", "score") else -1
        if unit and unit not in ("age", "score"):
            units_seen.append(unit)
        i = end
    return out
