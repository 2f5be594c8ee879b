"""One calibrated same-event probability from the pair signals.

The weights are a logistic regression fit on ECB+ development topics
(``benchmarks/train_story_model.py`` regenerates ``story_model.json``); applying
them needs only numpy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from corroborate.errors import CorroborateError
from corroborate.stories.signals import SIGNALS

__all__ = ["MODEL_FILE", "ScoreModel"]

MODEL_FILE = "story_model.json"


@dataclass(frozen=True)
class ScoreModel:
    """Standardise, weight, squash: P(same event | signals) and each signal's part in it."""

    signals: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    meta: dict[str, Any]

    def logits(self, rows: np.ndarray) -> np.ndarray:
        return ((rows - self.mean) / self.scale) @ self.coef + self.intercept

    def probability(self, rows: np.ndarray) -> np.ndarray:
        """Probability that the article belongs to each candidate story (one per row)."""
        return 1.0 / (1.0 + np.exp(-self.logits(rows)))

    def contributions(self, row: np.ndarray) -> np.ndarray:
        """Each signal's additive part of the logit, relative to an average pair."""
        return ((row - self.mean) / self.scale) * self.coef

    def to_dict(self) -> dict[str, Any]:
        return {
            "signals": list(self.signals),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "threshold": self.threshold,
            "meta": self.meta,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScoreModel:
        """Build from the JSON form; refuses weights made for other signals."""
        try:
            names = tuple(str(s) for s in data["signals"])
            model = cls(
                signals=names,
                mean=np.asarray(data["mean"], dtype=np.float64),
                scale=np.asarray(data["scale"], dtype=np.float64),
                coef=np.asarray(data["coef"], dtype=np.float64),
                intercept=float(data["intercept"]),
                threshold=float(data["threshold"]),
                meta=dict(data.get("meta", {})),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CorroborateError(f"story model weights are malformed: {exc}") from exc
        if names != SIGNALS:
            raise CorroborateError(
                "story model weights were fit for other signals "
                f"({', '.join(names)}); regenerate them with benchmarks/train_story_model.py"
            )
        if not (model.mean.shape == model.scale.shape == model.coef.shape == (len(SIGNALS),)):
            raise CorroborateError("story model weights have the wrong number of values")
        return model

    @classmethod
    def load(cls, path: Path | None = None) -> ScoreModel:
        """The shipped weights, or those in ``path``."""
        if path is None:
            text = resources.files("corroborate.stories").joinpath(MODEL_FILE).read_text("utf-8")
        else:
            text = path.read_text("utf-8")
        return cls.from_dict(json.loads(text))
