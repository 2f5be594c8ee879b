"""Concept weights: how much covering each stemmed content bigram is worth.

Following Gillick & Favre (2009), a summary is good when it covers the bigrams
that many source articles use; a bigram's weight is the number of distinct
articles that use it. A focus query (a topic statement, a question) raises the
weight of bigrams sharing a stem with the query and of bigrams that occur in
sentences close to the query in embedding space.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from corroborate.summarize.units import Concept, Stemmer, Unit
from corroborate.text import STOPWORDS, words

__all__ = [
    "FOCUS_STOPWORDS",
    "ConceptStats",
    "concept_stats",
    "concept_weights",
    "focus_stems",
    "min_concept_df",
]

# Words that phrase a request rather than name what it is about.
FOCUS_STOPWORDS = frozenset(
    [
        "discuss",
        "describe",
        "description",
        "include",
        "including",
        "includes",
        "information",
        "identify",
        "explain",
        "specify",
        "regarding",
        "concerning",
        "provide",
        "give",
        "list",
        "etc",
        "also",
        "various",
        "kind",
        "kinds",
        "type",
        "types",
        "aspect",
        "aspects",
        "detail",
        "details",
        "example",
        "examples",
    ]
)


def focus_stems(focus: str | None, stemmer: Stemmer) -> frozenset[str]:
    """Stemmed content words of a focus query, without request words ("discuss")."""
    if not focus:
        return frozenset()
    return frozenset(
        stemmer.stem(w) for w in words(focus) if w not in STOPWORDS and w not in FOCUS_STOPWORDS
    )


def min_concept_df(n_articles: int, wanted: int) -> int:
    """The document frequency a bigram needs to count: ``wanted``, capped for small stories."""
    if n_articles <= 2:
        return 1
    return max(1, min(wanted, math.ceil(n_articles / 2)))


@dataclass(slots=True)
class ConceptStats:
    """Per concept: how many articles use it, and the sum over those articles of
    the relevance of their most relevant sentence using it."""

    articles: dict[Concept, int]
    relevance: dict[Concept, float]


def concept_stats(
    units: Sequence[Unit], relevance: NDArray[np.float32] | None = None
) -> ConceptStats:
    """Count each concept's articles (units must come grouped by article)."""
    articles: dict[Concept, int] = {}
    total: dict[Concept, float] = {}
    current = -1
    best: dict[Concept, float] = {}

    def flush() -> None:
        for concept, r in best.items():
            articles[concept] = articles.get(concept, 0) + 1
            total[concept] = total.get(concept, 0.0) + r

    for i, unit in enumerate(units):
        if unit.article != current:
            flush()
            best = {}
            current = unit.article
        r = 1.0 if relevance is None else float(relevance[i])
        for concept in unit.concepts:
            if r > best.get(concept, -1.0):
                best[concept] = r
    flush()
    return ConceptStats(articles, total)


def concept_weights(
    stats: ConceptStats, min_df: int, query: frozenset[str], focus_weight: float
) -> dict[Concept, float]:
    """Weight of every concept used by at least ``min_df`` articles.

    The base weight is the article frequency; with per-sentence relevance (in
    [0, 1], e.g. embedding similarity to a focus query) each article counts by
    its most relevant sentence using the concept; a concept whose stems meet
    the query's counts ``1 + focus_weight`` times.
    """
    weights: dict[Concept, float] = {}
    for concept, count in stats.articles.items():
        if count < min_df:
            continue
        weight = stats.relevance[concept]
        if query and (concept[0] in query or concept[1] in query):
            weight *= 1.0 + focus_weight
        weights[concept] = weight
    return weights
