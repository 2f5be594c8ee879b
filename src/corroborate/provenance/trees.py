"""A fitted ensemble of regression trees applied with numpy (no pickle, no sklearn).

The paraphrase scorer blends its logistic model with gradient-boosted trees
fitted on MRPC train (``benchmarks/train_paraphrase.py`` exports scikit-learn's
``HistGradientBoostingClassifier`` into these flat arrays). Trees catch what a
linear model cannot, such as "high overlap *but* a different number"; applying
them here keeps the shipped model a small JSON file read without pickle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from corroborate.errors import CorroborateError

__all__ = ["TreeEnsemble"]


@dataclass(frozen=True, slots=True)
class TreeEnsemble:
    """Binary trees stored as flat node arrays; a sample goes left when ``x[feature] <= threshold``.

    ``roots[t]`` is the index of tree ``t``'s root in the node arrays; leaves
    have ``feature == -1``, carry ``value`` and point to themselves. The raw score of a sample is
    ``baseline`` plus the sum of the leaf values it reaches (a log-odds).
    """

    feature: np.ndarray  # int, -1 at leaves
    threshold: np.ndarray  # float
    left: np.ndarray  # int node index
    right: np.ndarray  # int node index
    value: np.ndarray  # float, leaf values
    roots: np.ndarray  # int, one per tree
    depth: int
    baseline: float

    def __post_init__(self) -> None:
        size = len(self.feature)
        if not (
            len(self.threshold) == len(self.left) == len(self.right) == len(self.value) == size
        ):
            raise CorroborateError("malformed tree ensemble: node arrays differ in length")
        links = np.concatenate([self.left, self.right, self.roots])
        if len(links) and (not size or links.min() < 0 or links.max() >= size):
            raise CorroborateError("malformed tree ensemble: a node points outside the arrays")
        leaves = np.flatnonzero(self.feature < 0)
        if (self.left[leaves] != leaves).any() or (self.right[leaves] != leaves).any():
            raise CorroborateError("malformed tree ensemble: a leaf does not point to itself")
        self.tree_depths()

    def tree_depths(self) -> np.ndarray:
        """Depth of each tree, level by level; deeper than ``depth`` (or a cycle) is an error."""
        depths = np.zeros(len(self.roots), dtype=np.int64)
        nodes, trees = self.roots.copy(), np.arange(len(self.roots))
        for level in range(self.depth + 1):
            inner = self.feature[nodes] >= 0
            nodes, trees = nodes[inner], trees[inner]
            if not len(nodes):
                return depths
            depths[trees] = level + 1
            nodes = np.concatenate([self.left[nodes], self.right[nodes]])
            trees = np.concatenate([trees, trees])
        raise CorroborateError("malformed tree ensemble: a tree is deeper than its stated depth")

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Log-odds for each row of ``x`` (all trees walked together, one step per level)."""
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2:
            raise CorroborateError("tree ensemble needs a 2-d feature matrix")
        if len(self.feature) and x.shape[1] <= int(self.feature.max()):
            raise CorroborateError(
                f"tree ensemble splits on feature {int(self.feature.max())}; got {x.shape[1]} columns"
            )
        n = x.shape[0]
        if n == 0 or not len(self.roots):
            return np.full(n, self.baseline, dtype=np.float64)
        # Leaves point to themselves, so every row can take ``depth`` steps; the
        # features are gathered from the flattened matrix (faster than 2-d indexing).
        node = np.tile(self.roots, (n, 1))
        row_offset = (np.arange(n) * x.shape[1])[:, None]
        flat = x.ravel()
        feature = np.maximum(self.feature, 0)
        for _ in range(self.depth):
            vals = flat[row_offset + feature[node]]
            node = np.where(vals <= self.threshold[node], self.left[node], self.right[node])
        return np.asarray(self.value[node].sum(axis=1) + self.baseline, dtype=np.float64)

    def probability(self, x: np.ndarray) -> np.ndarray:
        """Sigmoid of :meth:`raw`."""
        return np.asarray(1.0 / (1.0 + np.exp(-self.raw(x))), dtype=np.float64)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TreeEnsemble:
        try:
            ens = cls(
                feature=np.asarray(data["feature"], dtype=np.int64),
                threshold=np.asarray(data["threshold"], dtype=np.float64),
                left=np.asarray(data["left"], dtype=np.int64),
                right=np.asarray(data["right"], dtype=np.int64),
                value=np.asarray(data["value"], dtype=np.float64),
                roots=np.asarray(data["roots"], dtype=np.int64),
                depth=int(data["depth"]),
                baseline=float(data["baseline"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CorroborateError(
                f"malformed tree ensemble in the paraphrase model: {exc}"
            ) from exc
        return ens

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature": [int(v) for v in self.feature],
            "threshold": [float(v) for v in self.threshold],
            "left": [int(v) for v in self.left],
            "right": [int(v) for v in self.right],
            "value": [round(float(v), 7) for v in self.value],
            "roots": [int(v) for v in self.roots],
            "depth": self.depth,
            "baseline": self.baseline,
        }
