"""Two small logistic models that decide which quantity mentions report one fact.

* ``link``: from the words around two mentions (:data:`LINK_FEATURES`), how
  likely they report the same fact, saying nothing of their values.
* ``conflict``: for two mentions whose values disagree, how likely they are one
  fact reported differently rather than two facts; it reads the link
  probability, whether each mention is the other's best match in its article
  (and by how much), whether either article also gives the other's value, how
  far apart the values are and how crowded the articles are with such numbers.

Both are fitted on the hand-labelled ECB+ development topics 1-35 by
``benchmarks/train_facts_pairs.py`` and shipped as ``same_fact.json``; they are
applied here with numpy.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from corroborate.errors import CorroborateError
from corroborate.facts.mentions import LINK_FEATURES, compatible, value_ratio
from corroborate.facts.records import Quantity

__all__ = [
    "CONFLICT_FEATURES",
    "MODEL_PATH",
    "LinearModel",
    "SameFactModel",
    "conflict_features",
    "default_model",
    "model_options",
]

MODEL_PATH = Path(__file__).resolve().parent / "same_fact.json"

CONFLICT_FEATURES: tuple[str, ...] = (
    "link",
    "best_for_a",
    "best_for_b",
    "margin_a",
    "margin_b",
    "log_ratio",
    "crowd",
    "other_value_link",
    "other_value",
    *(f"pair_{name}" for name in LINK_FEATURES),
)


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Standardised logistic regression weights over named features."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    @classmethod
    def from_dict(cls, data: dict[str, object], expected: tuple[str, ...]) -> LinearModel:
        raw_names = data.get("features", ())
        names: tuple[str, ...] = (
            tuple(str(name) for name in raw_names) if isinstance(raw_names, (list, tuple)) else ()
        )
        if names != expected:
            raise CorroborateError(
                f"same-fact weights were fitted for features {names}, this code has "
                f"{expected}; rerun benchmarks/train_facts_pairs.py --write"
            )
        return cls(
            names,
            np.asarray(data["mean"], dtype=float),
            np.asarray(data["scale"], dtype=float),
            np.asarray(data["coef"], dtype=float),
            float(data["intercept"]),  # type: ignore[arg-type]
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "features": list(self.features),
            "mean": [round(float(x), 6) for x in self.mean],
            "scale": [round(float(x), 6) for x in self.scale],
            "coef": [round(float(x), 6) for x in self.coef],
            "intercept": round(self.intercept, 6),
        }

    def probability(self, rows: np.ndarray) -> np.ndarray:
        """P(same fact) for each row of features."""
        if rows.size == 0:
            return np.zeros(0)
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))


@dataclass(frozen=True, slots=True)
class SameFactModel:
    """The link and conflict models (see the module docstring)."""

    link: LinearModel
    conflict: LinearModel

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> SameFactModel:
        try:
            return cls(
                LinearModel.from_dict(data["link"], LINK_FEATURES),  # type: ignore[arg-type]
                LinearModel.from_dict(data["conflict"], CONFLICT_FEATURES),  # type: ignore[arg-type]
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CorroborateError(f"malformed same-fact weights: {exc}") from exc

    def to_dict(self) -> dict[str, object]:
        return {"link": self.link.to_dict(), "conflict": self.conflict.to_dict()}


def conflict_features(
    quantities: list[Quantity], link: np.ndarray, i: int, j: int, pair: list[float]
) -> list[float]:
    """The :data:`CONFLICT_FEATURES` of mentions ``i`` and ``j`` of one unit block;
    ``link`` is the block's square matrix of link probabilities (NaN within an article)
    and ``pair`` the pair's link features."""
    art_i, art_j = quantities[i].evidence.article, quantities[j].evidence.article
    in_i = [k for k, q in enumerate(quantities) if q.evidence.article == art_i]
    in_j = [k for k, q in enumerate(quantities) if q.evidence.article == art_j]
    p = float(link[i, j])
    for_a = sorted((float(link[i, k]) for k in in_j), reverse=True)
    for_b = sorted((float(link[k, j]) for k in in_i), reverse=True)
    also = [float(link[i, k]) for k in in_j if compatible(quantities[i], quantities[k])]
    also += [float(link[k, j]) for k in in_i if compatible(quantities[k], quantities[j])]
    return [
        p,
        float(p >= for_a[0]),
        float(p >= for_b[0]),
        p - (for_a[1] if len(for_a) > 1 else 0.0),
        p - (for_b[1] if len(for_b) > 1 else 0.0),
        min(3.0, math.log(value_ratio(quantities[i].value, quantities[j].value))),
        math.log1p(max(len(in_i), len(in_j))),
        max(also, default=0.0),
        float(bool(also)),
        *pair,
    ]


@lru_cache(maxsize=1)
def _shipped() -> dict[str, object]:
    try:
        data: dict[str, object] = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CorroborateError(f"cannot read the same-fact weights {MODEL_PATH}: {exc}") from exc
    return data


@lru_cache(maxsize=1)
def default_model() -> SameFactModel:
    """The shipped weights (read once; the file is part of the package)."""
    return SameFactModel.from_dict(_shipped())


def model_options() -> dict[str, object]:
    """The grouping thresholds cross-validated with the shipped weights."""
    options = _shipped().get("options")
    if not isinstance(options, dict):
        raise CorroborateError(f"the same-fact weights {MODEL_PATH} have no options")
    return dict(options)
