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
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from corroborate.summarize.units import Unit

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["SimilarityIndex", "content_jaccard", "similarity_matrix"]


def _content_matrix(units: Sequence[Unit]) -> sparse.csr_matrix:
    """Units x stems, 1 where the unit uses the stem as a content word."""
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, unit in enumerate(units):
        for stem in unit.content:
            rows.append(i)
            cols.append(vocab.setdefault(stem, len(vocab)))
    from scipy import sparse  # loaded when first needed: a slow import

    return sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)),
        shape=(len(units), max(len(vocab), 1)),
    )


def _jaccard_rows(
    matrix: sparse.csr_matrix, sizes: NDArray[np.float32], rows: Sequence[int]
) -> NDArray[np.float32]:
    inter = (matrix[list(rows)] @ matrix.T).toarray()
    union = sizes[list(rows)][:, None] + sizes[None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        jac = np.where(union > 0, inter / union, 0.0)
    return jac.astype(np.float32)


def content_jaccard(units: Sequence[Unit]) -> NDArray[np.float32]:
    """Pairwise Jaccard overlap of the units' stemmed content-word sets."""
    if not units:
        return np.zeros((0, 0), dtype=np.float32)
    matrix = _content_matrix(units)
    sizes = np.asarray(matrix.sum(axis=1), dtype=np.float32).ravel()
    return _jaccard_rows(matrix, sizes, range(len(units)))


def similarity_matrix(
    units: Sequence[Unit], embeddings: NDArray[np.float32] | None
) -> NDArray[np.float32]:
    """Pairwise similarity in [0, 1]: mean of content Jaccard and embedding cosine.

    Without embeddings, Jaccard alone (a stricter measure: paraphrases in other
    words score lower).
    """
    return SimilarityIndex(units, embeddings, 0.0).rows(range(len(units)))


class SimilarityIndex:
    """Which units state the same fact: similarity rows computed on demand and cached.

    A digest needs the similarity of its few chosen sentences to all others,
    not every pair, so memory and time stay linear in the story's size.
    """

    def __init__(
        self, units: Sequence[Unit], embeddings: NDArray[np.float32] | None, threshold: float
    ) -> None:
        self.units = units
        self.threshold = threshold
        self._embeddings = embeddings
        self._matrix = _content_matrix(units)
        self._sizes = np.asarray(self._matrix.sum(axis=1), dtype=np.float32).ravel()
        self._cache: dict[int, NDArray[np.float32]] = {}

    def rows(self, rows: Sequence[int]) -> NDArray[np.float32]:
        """Similarity of the given units to every unit (one row each)."""
        if not self.units:
            return np.zeros((0, 0), dtype=np.float32)
        jac = _jaccard_rows(self._matrix, self._sizes, rows)
        if self._embeddings is None:
            return jac
        cos = np.clip(self._embeddings[list(rows)] @ self._embeddings.T, 0.0, 1.0)
        return (0.5 * jac + 0.5 * cos).astype(np.float32)

    def row(self, i: int) -> NDArray[np.float32]:
        if i not in self._cache:
            self._cache[i] = self.rows([i])[0]
        return self._cache[i]

    def same_fact(self, i: int, j: int) -> bool:
        """Whether units ``i`` and ``j`` state the same fact (``j``'s row is cached:
        pass the already chosen unit second)."""
        return bool(self.row(j)[i] >= self.threshold)

    def matches(self, i: int) -> list[int]:
        """The best-matching unit of every other article that says what unit ``i`` says."""
        row = self.row(i)
        best: dict[int, int] = {}
        for j in map(int, np.flatnonzero(row >= self.threshold)):
            article = self.units[j].article
            if article == self.units[i].article:
                continue
            if article not in best or row[j] > row[best[article]]:
                best[article] = j
        return [best[a] for a in sorted(best)]

    def support(self, i: int) -> int:
        """How many distinct articles say what unit ``i`` says (its own included)."""
        return 1 + len(self.matches(i))
