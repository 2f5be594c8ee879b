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
    have ``feature == -1`` and carry ``value``. The raw score of a sample is
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

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Log-odds for each row of ``x`` (all trees walked together, one step per level)."""
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2:
            raise CorroborateError("tree ensemble needs a 2-d feature matrix")
        n = x.shape[0]
        if n == 0 or not len(self.roots):
            return np.full(n, self.baseline, dtype=np.float64)
        node = np.broadcast_to(self.roots, (n, len(self.roots))).copy()
        rows = np.arange(n)[:, None]
        for _ in range(self.depth):
            feat = self.feature[node]
            inner = feat >= 0
            if not inner.any():
                break
            vals = x[rows, np.where(inner, feat, 0)]
            go_left = vals <= self.threshold[node]
            nxt = np.where(go_left, self.left[node], self.right[node])
            node = np.where(inner, nxt, node)
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
        size = len(ens.feature)
        if not (len(ens.threshold) == len(ens.left) == len(ens.right) == len(ens.value) == size):
            raise CorroborateError("malformed tree ensemble: node arrays differ in length")
        links = np.concatenate([ens.left, ens.right, ens.roots])
        if size and (links.min() < 0 or links.max() >= size):
            raise CorroborateError("malformed tree ensemble: a node points outside the arrays")
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
