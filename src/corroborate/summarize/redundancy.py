"""Which sentences of different articles say the same thing (copies and paraphrases).

Similarity is the mean of two measures that each catch what the other misses:
Jaccard overlap of stemmed content words (copies, light rewording) and the
cosine of wordllama sentence embeddings (paraphrases with other words). On the
MRPC training pairs (news sentences from different outlets), a threshold of
0.6 on this mean gives precision 0.80 and recall 0.74 for "is a paraphrase"
(test pairs: 0.79 / 0.74; ``benchmarks/summarize_redundancy.py`` prints them).
The threshold favours precision over MRPC's best-accuracy point (0.5-0.55):
wrongly merging two different facts would credit an outlet with a claim it
did not make, while a missed paraphrase only costs a citation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from corroborate.summarize.units import Unit

__all__ = ["SimilarityIndex", "content_jaccard", "similarity_matrix"]


def content_jaccard(units: Sequence[Unit]) -> NDArray[np.float32]:
    """Pairwise Jaccard overlap of the units' stemmed content-word sets."""
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, unit in enumerate(units):
        for stem in unit.content:
            rows.append(i)
            cols.append(vocab.setdefault(stem, len(vocab)))
    n = len(units)
    if n == 0:
        return np.zeros((0, 0), dtype=np.float32)
    matrix = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, max(len(vocab), 1))
    )
    inter = (matrix @ matrix.T).toarray()
    sizes = np.asarray(matrix.sum(axis=1)).ravel()
    union = sizes[:, None] + sizes[None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        jac = np.where(union > 0, inter / union, 0.0)
    return jac.astype(np.float32)


def similarity_matrix(
    units: Sequence[Unit], embeddings: NDArray[np.float32] | None
) -> NDArray[np.float32]:
    """Pairwise similarity in [0, 1]: mean of content Jaccard and embedding cosine.

    Without embeddings, Jaccard alone (a stricter measure: paraphrases in other
    words score lower).
    """
    jac = content_jaccard(units)
    if embeddings is None:
        return jac
    cos = np.clip(embeddings @ embeddings.T, 0.0, 1.0).astype(np.float32)
    return (0.5 * jac + 0.5 * cos).astype(np.float32)


@dataclass(slots=True)
class SimilarityIndex:
    """Units' pairwise similarity with the threshold that makes two of them one fact."""

    units: Sequence[Unit]
    matrix: NDArray[np.float32]
    threshold: float

    def same_fact(self, i: int, j: int) -> bool:
        return bool(self.matrix[i, j] >= self.threshold)

    def matches(self, i: int) -> list[int]:
        """The best-matching unit of every other article that says what unit ``i`` says."""
        row = self.matrix[i]
        best: dict[int, int] = {}
        for j in map(int, np.flatnonzero(row >= self.threshold)):
            article = self.units[j].article
            if article == self.units[i].article:
                continue
            if article not in best or row[j] > row[best[article]]:
                best[article] = j
        return [best[a] for a in sorted(best)]

    def support(self) -> NDArray[np.int64]:
        """For every unit, how many distinct articles say it (its own included)."""
        n = len(self.units)
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        articles = np.array([u.article for u in self.units])
        hit = self.matrix >= self.threshold
        np.fill_diagonal(hit, True)
        counts = np.zeros(n, dtype=np.int64)
        for a in np.unique(articles):
            counts += hit[:, articles == a].any(axis=1)
        return counts
