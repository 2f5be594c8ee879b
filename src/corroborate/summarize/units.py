"""Sentences as summarisation units: where they are, what they show, what they mean.

A :class:`Unit` is one sentence of one article with its offsets into
``article.body``, the shorter text a summary would show (wire dateline and
leading connective removed) and its stemmed tokens and content bigrams (the
"concepts" whose coverage the selection maximises). Pure text processing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import Stemmer as pystemmer

from corroborate.model import Article
from corroborate.summarize.trim import TrimOptions, render, trim_spans
from corroborate.text import STOPWORDS, article_sentences, words

__all__ = ["Stemmer", "Unit", "build_units"]

Concept = tuple[str, str]


class Stemmer:
    """English Snowball stemmer (PyStemmer, C) with a per-run cache (one per summary call)."""

    def __init__(self) -> None:
        self._stemmer = pystemmer.Stemmer("english")
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
    points at); ``text`` is what a summary shows, made of the body pieces
    ``spans`` (absolute offsets) after trimming. ``stems`` holds every token's
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
    spans: list[tuple[int, int]]
    n_words: int
    stems: list[str]
    content: frozenset[str]
    concepts: frozenset[Concept]


def _concepts(stems: Sequence[str], tokens: Sequence[str]) -> frozenset[Concept]:
    out: set[Concept] = set()
    for i in range(len(stems) - 1):
        if tokens[i] in STOPWORDS and tokens[i + 1] in STOPWORDS:
            continue
        out.add((stems[i], stems[i + 1]))
    return frozenset(out)


def build_units(articles: Sequence[Article], stemmer: Stemmer, trim: TrimOptions) -> list[Unit]:
    """Every sentence of every article as a unit, in article then sentence order."""
    units: list[Unit] = []
    for a_index, article in enumerate(articles):
        sentences = article_sentences(article.paragraphs)
        for position, sentence in enumerate(sentences):
            kept = trim_spans(sentence.text, position == 0, trim)
            shown = render(sentence.text, kept)
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
                    spans=[(sentence.start + s, sentence.start + e) for s, e in kept],
                    n_words=len(shown.split()),
                    stems=stems,
                    content=content,
                    concepts=_concepts(stems, tokens),
                )
            )
    return units
