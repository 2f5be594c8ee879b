"""Numbers written in digits or words, read from a token sequence.

Pure functions over lower-cased token texts (spaCy splits "three-quarters" into
"three", "-", "quarters" and "$2.5" into "$", "2.5"), so the caller knows exactly
which tokens a number used and can cite its character offsets. We parse words
ourselves rather than with text2num/word2number: those rewrite the text (losing
offsets) and do not read fractions such as "three-quarters".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SCALES", "UNITS", "ParsedNumber", "granularity", "parse_number"]

UNITS: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES: dict[str, float] = {
    "hundred": 1e2,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "mln": 1e6,
    "bn": 1e9,
    "m": 1e6,
    "k": 1e3,
}
_FRACTIONS: dict[str, float] = {
    "half": 0.5,
    "halves": 0.5,
    "third": 1 / 3,
    "thirds": 1 / 3,
    "quarter": 0.25,
    "quarters": 0.25,
    "fifth": 0.2,
    "fifths": 0.2,
    "tenth": 0.1,
    "tenths": 0.1,
}
# Vague amounts: read as a lower bound, never compared for conflicts.
VAGUE: dict[str, float] = {
    "dozen": 12,
    "dozens": 24,
    "scores": 40,
    "hundreds": 200,
    "thousands": 2000,
    "millions": 2e6,
    "billions": 2e9,
}
# "m" and "k" are millions and thousands only after a currency ("$80m"); "80m" alone is metres.
_MONEY_ONLY = frozenset({"m", "k"})
_CURRENCY_TOKENS = frozenset({"$", "us$", "c$", "a$", "£", "€", "¥", "usd", "eur", "gbp"})
_HALVES = frozenset({"half", "quarter"})
_SLASH_FRACTION = re.compile(r"^([1-9])/([2-8])$")
_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$|^\.\d+$")
# Numbers with more integer digits than this are not quantities a news story reports
# (identifiers, digit runs, garbage); reading them would overflow to inf past 308 digits.
MAX_INTEGER_DIGITS = 18


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    """A number read from ``length`` tokens; ``vague`` for "dozens", "hundreds"."""

    value: float
    length: int
    vague: bool = False
    words: bool = False


def _digit_value(token: str) -> float | None:
    """The value of a token written in digits; None past ``MAX_INTEGER_DIGITS`` digits."""
    whole = token.split(".", 1)[0]
    if len(whole) > MAX_INTEGER_DIGITS * 4 // 3 + 1:  # cheap check before the regex
        return None
    if _DIGITS.match(token) and len(whole.replace(",", "")) <= MAX_INTEGER_DIGITS:
        return float(token.replace(",", ""))
    return None


def _after_money(tokens: list[str], i: int) -> bool:
    return i > 0 and tokens[i - 1] in _CURRENCY_TOKENS


def _digit_fraction(tokens: list[str], j: int) -> tuple[float, int]:
    """A fraction right after a whole number: "2 1/2", "2-1/2", "4½" → (0.5, tokens used)."""
    skip = 1 if j < len(tokens) and tokens[j] == "-" else 0
    k = j + skip
    if k < len(tokens):
        if tokens[k] in ("½", "¼", "¾"):
            return {"½": 0.5, "¼": 0.25, "¾": 0.75}[tokens[k]], skip + 1
        match = _SLASH_FRACTION.match(tokens[k])
        if match and int(match[1]) < int(match[2]):
            return int(match[1]) / int(match[2]), skip + 1
    return 0.0, 0


def _word_integer(tokens: list[str], i: int) -> tuple[int, int] | None:
    """An integer written in words ("twenty - five", "three hundred"), from ``i``."""
    total = 0
    current = 0
    j = i
    seen = False
    while j < len(tokens):
        tok = tokens[j]
        if tok in UNITS:
            current += UNITS[tok]
        elif tok in TENS:
            current += TENS[tok]
            if j + 2 < len(tokens) and tokens[j + 1] == "-" and tokens[j + 2] in UNITS:
                current += UNITS[tokens[j + 2]]
                j += 2
        elif tok == "hundred" and seen:
            current = max(current, 1) * 100
        elif tok in ("thousand", "million", "billion") and seen:
            total += max(current, 1) * int(SCALES[tok])
            current = 0
        elif (
            tok == "and"
            and seen
            and j + 1 < len(tokens)
            and (tokens[j + 1] in UNITS or tokens[j + 1] in TENS)
        ):
            pass
        else:
            break
        seen = True
        j += 1
    if not seen:
        return None
    return total + current, j - i


def parse_number(tokens: list[str], i: int) -> ParsedNumber | None:
    """Read the number starting at token ``i`` of lower-cased ``tokens``, if any.

    Digits may carry a scale ("2.5 billion"); words may be fractions
    ("three - quarters" → 0.75, "a third"), integers ("twenty - five") or vague
    plurals ("hundreds").
    """
    if i >= len(tokens):
        return None
    tok = tokens[i]
    value = _digit_value(tok)
    if value is not None:
        length = 1
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if nxt.endswith(".") and nxt[:-1] in SCALES:  # "$80m." at the end of a sentence
            nxt = nxt[:-1]
        if (
            nxt in SCALES
            and nxt != "hundred"
            and (nxt not in _MONEY_ONLY or _after_money(tokens, i))
        ):
            value *= SCALES[nxt]
            length = 2
        elif "." not in tok:
            extra, used = _digit_fraction(tokens, i + 1)
            value, length = value + extra, length + used
        return ParsedNumber(value, length)
    if tok in VAGUE:
        return ParsedNumber(VAGUE[tok], 1, vague=True, words=True)
    if tok in ("a", "one") and i + 1 < len(tokens) and tokens[i + 1] in _FRACTIONS:
        # "a third of voters" is a fraction; "a third person" an ordinal.
        followed_by_of = i + 2 < len(tokens) and tokens[i + 2] == "of"
        if tokens[i + 1] in ("half", "third", "quarter", "fifth", "tenth") and followed_by_of:
            return ParsedNumber(_FRACTIONS[tokens[i + 1]], 2, words=True)
        return None
    if tok == "half":
        return ParsedNumber(0.5, 1, words=True)
    parsed = _word_integer(tokens, i)
    if parsed is None:
        return None
    integer, length = parsed
    j = i + length
    # "four and a half months"
    if tokens[j : j + 2] == ["and", "a"] and j + 2 < len(tokens) and tokens[j + 2] in _HALVES:
        return ParsedNumber(integer + _FRACTIONS[tokens[j + 2]], length + 3, words=True)
    # "three - quarters", "two thirds"
    if j < len(tokens) and tokens[j] in _FRACTIONS and integer < 10:
        return ParsedNumber(integer * _FRACTIONS[tokens[j]], length + 1, words=True)
    if j + 1 < len(tokens) and tokens[j] == "-" and tokens[j + 1] in _FRACTIONS and integer < 10:
        return ParsedNumber(integer * _FRACTIONS[tokens[j + 1]], length + 2, words=True)
    if j < len(tokens) and tokens[j] in ("million", "billion", "trillion"):
        return ParsedNumber(integer * SCALES[tokens[j]], length + 1, words=True)
    return ParsedNumber(float(integer), length, words=True)


def granularity(text: str, value: float) -> float:
    """The rounding step a written number implies: "170" → 10, "168" → 1, "2.5" → 0.1.

    A hedge such as "about" allows half this step either side, so "about 170"
    agrees with 169 while "roughly 168" does not.
    """
    first = text.split()[0] if text.split() else text
    run = re.search(r"\d[\d,]*(?:\.\d+)?", first)
    digits = run.group().replace(",", "") if run else ""
    if not digits:
        return 1.0 if value >= 1 else 0.05
    if not float(value).is_integer() and "." not in digits:
        return 0.25  # a written fraction ("2 1/2", "four and a half")
    if "." in digits:
        decimals = len(digits.split(".", 1)[1])
        step = 10.0 ** (-decimals)
    else:
        stripped = digits.rstrip("0")
        step = 10.0 ** (len(digits) - len(stripped)) if stripped else 1.0
    scale = value / float(digits) if float(digits) else 1.0
    return step * scale
