"""The flat tree ensemble the paraphrase scorer blends with its logistic model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from corroborate.errors import CorroborateError
from corroborate.provenance.paraphrase import FEATURE_NAMES, load_model
from corroborate.provenance.trees import TreeEnsemble


def _two_trees() -> TreeEnsemble:
    """Tree 0: x0 <= 0.5 ? (x1 <= 2 ? 1 : 2) : 3.  Tree 1: a lone leaf worth -0.5."""
    return TreeEnsemble(
        feature=np.array([0, 1, -1, -1, -1, -1]),
        threshold=np.array([0.5, 2.0, 0.0, 0.0, 0.0, 0.0]),
        left=np.array([1, 2, 2, 3, 4, 5]),
        right=np.array([4, 3, 2, 3, 4, 5]),
        value=np.array([0.0, 0.0, 1.0, 2.0, 3.0, -0.5]),
        roots=np.array([0, 5]),
        depth=2,
        baseline=0.25,
    )


def test_rows_follow_their_own_paths() -> None:
    x = np.array([[0.0, 1.0], [0.5, 2.5], [0.6, 0.0], [-3.0, 2.0]])
    raw = _two_trees().raw(x)
    assert raw == pytest.approx([0.25 + 1 - 0.5, 0.25 + 2 - 0.5, 0.25 + 3 - 0.5, 0.25 + 1 - 0.5])
    assert _two_trees().probability(x) == pytest.approx(1 / (1 + np.exp(-raw)))
    assert _two_trees().raw(np.zeros((0, 2))).shape == (0,)


def test_round_trip_and_malformed_input() -> None:
    ens = _two_trees()
    again = TreeEnsemble.from_dict(json.loads(json.dumps(ens.to_dict())))
    x = np.array([[0.1, 5.0], [0.9, 0.0]])
    assert again.raw(x) == pytest.approx(ens.raw(x))
    bad = ens.to_dict()
    bad["left"] = [1, 2, 2, 3, 4, 99]
    with pytest.raises(CorroborateError, match="outside"):
        TreeEnsemble.from_dict(bad)
    bad["left"] = [1, 2, 3, 3, 4, 5]
    with pytest.raises(CorroborateError, match="itself"):
        TreeEnsemble.from_dict(bad)
    bad["left"] = [1, 2, 2, 3, 4, 5]
    bad["depth"] = 1
    with pytest.raises(CorroborateError, match="deeper"):
        TreeEnsemble.from_dict(bad)
    assert list(ens.tree_depths()) == [2, 0]
    del bad["value"]
    with pytest.raises(CorroborateError, match="malformed"):
        TreeEnsemble.from_dict(bad)
    with pytest.raises(CorroborateError):
        ens.raw(np.zeros(3))
    with pytest.raises(CorroborateError, match="columns"):
        ens.raw(np.zeros((2, 1)))


def test_shipped_model_blends_trees_over_its_features() -> None:
    model = load_model()
    assert model.trees is not None and 0.0 < model.blend < 1.0
    assert int(model.trees.feature.max()) < len(FEATURE_NAMES)
    assert len(model.trees.roots) > 10
