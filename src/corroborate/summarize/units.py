"""Sentences as summarisation units: where they are, what they show, what they mean.

A :class:`Unit` is one sentence of one article with its offsets into
``article.body``, the shorter text a summary would show (wire dateline and
leading connective removed) and its stemmed tokens and content bigrams (the
"concepts" whose coverage the selection maximises). Pure text processing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import snowballstemmer

from corroborate.model import Article
from corroborate.text import STOPWORDS, article_sentences, words

__all__ = ["Stemmer", "Unit", "build_units", "trim_sentence"]

Concept = tuple[str, str]


class Stemmer:
    """English Snowball stemmer with a per-run cache (one object per summary call)."""

    def __init__(self) -> None:
        self._stemmer = snowballstemmer.stemmer("english")
        self._cache: dict[str, str] = {}

    def stem(self, word: str) -> str:
        out = self._cache.get(word)
        if out is None:
            out = self._stemmer.stemWord(word)
            self._cache[word] = out
        return out


@dataclass(slots=True)
class Unit:
    """One sentence of one article, ready for scoring and selection.

    ``start``/``end`` are the whole sentence in ``article.body`` (what a citation
    points at); ``text`` is what a summary shows. ``stems`` holds every token's
    stem, ``content`` the stems of non-stopwords and ``concepts`` the stemmed
    bigrams that are not two stopwords.
    """

    article: int
    article_id: str
    index: int
    position: int
    start: int
    end: int
    text: str
    n_words: int
    stems: list[str]
    content: frozenset[str]
    concepts: frozenset[Concept]


# "PINE RIDGE, S.D. (AP) _ ", "MADRID, February 17 (Xinhua) -- ", "WASHINGTON -- ".
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Za-z.'\-]*(?:[ ,]+[A-Za-z0-9.'\-]+){0,5}\s*\([A-Za-z .&\-]{2,25}\)"
    r"|[A-Z][A-Z.'\-]+(?:[ ,]+[A-Z][A-Za-z.'\-]*){0,3})"
    r"\s*(?:--|_|\u2014|\u2013|-|:)\s+(?=\S)"
)
_CONNECTIVE = re.compile(
    r"^(?:But|And|Also|However|Meanwhile|Moreover|Furthermore|In addition|"
    r"Still|Yet|So|Besides|Indeed|Nevertheless|Nonetheless|Instead|Thus|Therefore)"
    r"(?:,\s*|\s+)(?=[A-Za-z0-9\"'\u201c])"
)


def trim_sentence(text: str, first_in_article: bool) -> tuple[int, str]:
    """Where the shown text starts in ``text``, and the shown text.

    Removes a wire dateline (only from an article's first sentence) and a
    leading connective; capitalises the new first letter.
    """
    cut = 0
    if first_in_article:
        match = _DATELINE.match(text)
        if match and len(text) - match.end() > 20:
            cut = match.end()
    match = _CONNECTIVE.match(text[cut:])
    if match and len(text) - cut - match.end() > 20:
        cut += match.end()
    shown = text[cut:]
    if cut and shown[:1].islower():
        shown = shown[0].upper() + shown[1:]
    return cut, shown


def _concepts(stems: Sequence[str], tokens: Sequence[str]) -> frozenset[Concept]:
    out: set[Concept] = set()
    for i in range(len(stems) - 1):
        if tokens[i] in STOPWORDS and tokens[i + 1] in STOPWORDS:
            continue
        out.add((stems[i], stems[i + 1]))
    return frozenset(out)


def build_units(articles: Sequence[Article], stemmer: Stemmer, trim: bool) -> list[Unit]:
    """Every sentence of every article as a unit, in article then sentence order."""
    units: list[Unit] = []
    for a_index, article in enumerate(articles):
        sentences = article_sentences(article.paragraphs)
        for position, sentence in enumerate(sentences):
            shown = sentence.text
            if trim:
                _, shown = trim_sentence(sentence.text, position == 0)
            tokens = words(shown)
            stems = [stemmer.stem(t) for t in tokens]
            content = frozenset(s for s, t in zip(stems, tokens, strict=True) if t not in STOPWORDS)
            units.append(
                Unit(
                    article=a_index,
                    article_id=article.id,
                    index=sentence.index,
                    position=position,
                    start=sentence.start,
                    end=sentence.end,
                    text=shown,
                    n_words=len(shown.split()),
                    stems=stems,
                    content=content,
                    concepts=_concepts(stems, tokens),
                )
            )
    return units
