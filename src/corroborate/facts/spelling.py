"""Fold the ways one word can be written, so quotes are compared by what they say.

British and American spellings ("realised"/"realized", "neighbour"/"neighbor",
"centre"/"center", "travelled"/"traveled"), contractions ("I'm"/"I am"),
numbers in digits or words ("eleventh"/"11th", "two"/"2") and "okay"/"OK" all
become one form. Pure functions over lower-cased words; hyphenated and closed
compounds ("pick-up"/"pickup") are handled where two word lists are compared
(see :func:`same_letters`).
"""

from __future__ import annotations

import re

from corroborate.facts.lexicon import wordset
from corroborate.facts.numbers import TENS, UNITS

__all__ = ["expand_contractions", "fold_word", "same_letters"]

_CONTRACTIONS: dict[str, tuple[str, ...]] = {
    "i'm": ("i", "am"),
    "you're": ("you", "are"),
    "we're": ("we", "are"),
    "they're": ("they", "are"),
    "it's": ("it", "is"),
    "that's": ("that", "is"),
    "there's": ("there", "is"),
    "here's": ("here", "is"),
    "what's": ("what", "is"),
    "who's": ("who", "is"),
    "he's": ("he", "is"),
    "she's": ("she", "is"),
    "let's": ("let", "us"),
    "i've": ("i", "have"),
    "you've": ("you", "have"),
    "we've": ("we", "have"),
    "they've": ("they", "have"),
    "i'll": ("i", "will"),
    "you'll": ("you", "will"),
    "we'll": ("we", "will"),
    "they'll": ("they", "will"),
    "he'll": ("he", "will"),
    "she'll": ("she", "will"),
    "it'll": ("it", "will"),
    "i'd": ("i", "would"),
    "you'd": ("you", "would"),
    "we'd": ("we", "would"),
    "they'd": ("they", "would"),
    "he'd": ("he", "would"),
    "she'd": ("she", "would"),
    "can't": ("can", "not"),
    "cannot": ("can", "not"),
    "won't": ("will", "not"),
    "shan't": ("shall", "not"),
    "ain't": ("is", "not"),
}
_NOT_SUFFIX = "n't"
_ORDINALS: dict[str, int] = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
}
_ORDINAL_DIGITS = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
_WHOLE: dict[str, str] = {
    "okay": "ok",
    "programme": "program",
    "programmes": "programs",
    "grey": "gray",
    "defence": "defense",
    "offence": "offense",
    "licence": "license",
    "pretence": "pretense",
    "practise": "practice",
    "jewellery": "jewelry",
    "tyre": "tire",
    "tyres": "tires",
    "aluminium": "aluminum",
    "cheque": "check",
    "kerb": "curb",
    "plough": "plow",
    "mum": "mom",
    "towards": "toward",
    "amongst": "among",
    "whilst": "while",
}
# "-our" words whose "-or" spelling is American ("colour", "neighbourhood", "favourite").
_OUR = re.compile(
    r"^(colo|neighbo|favo|hono|labo|behavio|harbo|humo|rumo|vigo|vapo|savo|armo|"
    r"endeavo|parlo|flavo|fervo|rigo|cando|splendo|clamo|ardo)ur"
)
_ISE = re.compile(r"^(\w{3,})is(e|ed|es|ing|ation|ations|er|ers)$")
_YSE = re.compile(r"^(anal|paral|catal)ys(e|ed|es|ing)$")
_TRE = re.compile(r"^(cent|theat|met|lit|fib|calib|somb|spect|lust|sab|mit)re(s|d)?$")
_DOUBLE_L = re.compile(r"^(\w+[aeiou])ll(ed|ing|er|ers)$")
_VOWEL_GROUPS = re.compile(r"[aeiou]+")
# "-ise" words that are never spelled "-ize" ("advise", "promise", "exercise" ...).
_KEEP_ISE = wordset(
    """advise advised advises advising apprise chastise comprise compromise demise
    despise devise disguise enterprise excise exercise expertise franchise improvise
    incise merchandise premise promise revise supervise surmise surprise televise
    treatise wise otherwise raise raised raises raising praise praised arise arisen
    rise rises rising noise poise precise concise paradise cruise bruise anise
    promised promises promising surprised surprising exercised devised revised
    supervised compromised"""
)


def expand_contractions(word: str) -> tuple[str, ...]:
    """ "I'm" → ("i", "am"); "didn't" → ("did", "not"); other words unchanged."""
    word = word.replace("’", "'")
    if word in _CONTRACTIONS:
        return _CONTRACTIONS[word]
    if word.endswith(_NOT_SUFFIX) and len(word) > 3:
        return (word[: -len(_NOT_SUFFIX)], "not")
    return (word,)


def fold_word(word: str) -> str:
    """One spelling for words written differently (see the module docstring)."""
    word = word.replace("’", "'")
    if word in _WHOLE:
        return _WHOLE[word]
    if word in UNITS:
        return str(UNITS[word])
    if word in TENS:
        return str(TENS[word])
    if word in _ORDINALS:
        return str(_ORDINALS[word])
    match = _ORDINAL_DIGITS.match(word)
    if match:
        return match[1]
    if _OUR.match(word):
        return word.replace("our", "or", 1)
    if word not in _KEEP_ISE:
        match = _ISE.match(word)
        if match and not match[1].endswith(("w", "u", "a", "o")):
            return f"{match[1]}iz{match[2]}"
    match = _YSE.match(word)
    if match:
        return f"{match[1]}yz{match[2]}"
    match = _TRE.match(word)
    if match:
        return f"{match[1]}er{match[2] or ''}"
    match = _DOUBLE_L.match(word)
    if match and len(_VOWEL_GROUPS.findall(match[1])) >= 2:  # "travelled", not "filled"
        return f"{match[1]}l{match[2]}"
    return word


def same_letters(a: list[str], b: list[str]) -> bool:
    """True when two word runs differ only in spacing or hyphens ("pick up"/"pickup")."""
    return bool(a) and bool(b) and "".join(a) == "".join(b)
