"""Sentence-level paraphrase scorer: lexical, order, embedding and agreement features.

The features (see :mod:`corroborate.provenance.lexical` and
:mod:`corroborate.provenance.embed`) are combined by a small logistic model
fitted on the MRPC train split only (``benchmarks/train_paraphrase.py``); its
parameters ship as JSON beside this module and are applied with numpy, so
scoring needs no pickle and no download.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from corroborate.config import Context
from corroborate.errors import CorroborateError, UsageError
from corroborate.provenance.cross_encoder import load_cross_encoder
from corroborate.provenance.embed import EMBED_FEATURES, embed_features, embed_sentences
from corroborate.provenance.lexical import (
    LEXICAL_FEATURES,
    NUMBER_AGREEMENT,
    Tokens,
    lexical_features,
    tokens_of,
)
from corroborate.provenance.trees import TreeEnsemble

if TYPE_CHECKING:
    from scipy import sparse

__all__ = [
    "FEATURE_NAMES",
    "SCORERS",
    "PairScore",
    "ScorerModel",
    "feature_matrix",
    "load_model",
    "neutral_numbers",
    "score_pair",
    "score_pairs",
    "word_bags",
]

FEATURE_NAMES: tuple[str, ...] = LEXICAL_FEATURES + EMBED_FEATURES
MODEL_FILE = "paraphrase_model.json"
# "lexical": the shipped logistic model and trees (fast, the default); "cross-encoder":
# that blended with all-MiniLM-L6-v2 and our adapter (see provenance.cross_encoder).
SCORERS = ("lexical", "cross-encoder")


@dataclass(frozen=True, slots=True)
class PairScore:
    """A paraphrase probability, its label at the model's threshold, and the features."""

    score: float
    label: str
    features: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "label": self.label,
            "features": {k: round(v, 4) for k, v in self.features.items()},
        }


@dataclass(frozen=True, slots=True)
class ScorerModel:
    """A fitted logistic model (standardised dense features plus word bags), blended with trees.

    The word bags say, for each of ``vocab`` (frequent MRPC-train words),
    whether one sentence has it and the other lacks it, or both have it: the
    model learns that a missing "said" is harmless and a missing "not" is not.
    When ``trees`` is set, the probability is ``blend`` times the logistic one
    plus ``1 - blend`` times that of the boosted trees over the dense features
    (cross-validation on MRPC train found the average better than either).
    """

    feature_names: tuple[str, ...]
    expansion: tuple[str, ...]
    low: np.ndarray
    high: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    vocab: tuple[str, ...]
    bag_coef: np.ndarray  # len 2 * len(vocab): "one lacks it" weights, then "both have it"
    intercept: float
    threshold: float
    meta: dict[str, Any]
    trees: TreeEnsemble | None = None
    blend: float = 1.0
    vocab_index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.vocab_index:
            self.vocab_index.update({w: i for i, w in enumerate(self.vocab)})

    def probability(
        self, features: np.ndarray, tokens: Sequence[tuple[Tokens, Tokens]]
    ) -> np.ndarray:
        """Paraphrase probability for each pair (its dense features and its tokens).

        Features are clipped to the range seen in training first, so a pair
        unlike any training pair cannot be pushed to a confident score by a
        linear term extrapolated past its data.
        """
        clipped = np.clip(features, self.low, self.high)
        x = (expand(clipped, self.expansion) - self.mean) / self.scale
        z = x @ self.coef + self.intercept
        if len(self.vocab):
            z = z + word_bags(tokens, self.vocab_index) @ self.bag_coef
        prob = np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)
        if self.trees is None:
            return prob
        return self.blend * prob + (1.0 - self.blend) * self.trees.probability(features)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScorerModel:
        names = tuple(data["feature_names"])
        if names != FEATURE_NAMES:
            raise CorroborateError(
                "paraphrase model was fitted on other features; "
                "rerun benchmarks/train_paraphrase.py"
            )
        trees = data.get("trees")
        return cls(
            trees=TreeEnsemble.from_dict(trees) if trees is not None else None,
            blend=float(data.get("blend", 1.0)),
            feature_names=names,
            expansion=tuple(data.get("expansion", ())),
            low=np.asarray(data["low"], dtype=np.float64),
            high=np.asarray(data["high"], dtype=np.float64),
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            coef=np.asarray(data["coef"], dtype=np.float64),
            vocab=tuple(data.get("vocab", ())),
            bag_coef=np.asarray(data.get("bag_coef", ()), dtype=np.float64),
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            meta=dict(data.get("meta", {})),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature_names": list(self.feature_names),
            "expansion": list(self.expansion),
            "low": [float(v) for v in self.low],
            "high": [float(v) for v in self.high],
            "mean": [float(v) for v in self.mean],
            "scale": [float(v) for v in self.scale],
            "coef": [float(v) for v in self.coef],
            "intercept": self.intercept,
            "threshold": self.threshold,
            "meta": self.meta,
            "vocab": list(self.vocab),
            "bag_coef": [round(float(v), 6) for v in self.bag_coef],
            "blend": self.blend,
            "trees": self.trees.to_dict() if self.trees is not None else None,
        }


def word_bags(tokens: Sequence[tuple[Tokens, Tokens]], vocab: dict[str, int]) -> sparse.csr_matrix:
    """Sparse (pairs, 2 * len(vocab)) indicators: vocab words in one sentence only, then in both."""
    size = len(vocab)
    rows: list[int] = []
    cols: list[int] = []
    for r, (ta, tb) in enumerate(tokens):
        wa, wb = ta.word_set, tb.word_set
        for w in wa ^ wb:
            k = vocab.get(w)
            if k is not None:
                rows.append(r)
                cols.append(k)
        for w in wa & wb:
            k = vocab.get(w)
            if k is not None:
                rows.append(r)
                cols.append(size + k)
    data = np.ones(len(rows), dtype=np.float64)
    from scipy import sparse  # loaded when first needed: a slow import

    return sparse.csr_matrix((data, (rows, cols)), shape=(len(tokens), 2 * size))


def neutral_numbers(
    features: np.ndarray, tokens: Sequence[tuple[Tokens, Tokens]]
) -> tuple[np.ndarray, list[tuple[Tokens, Tokens]]]:
    """Features and tokens of pairs as if their numbers agreed: the score as to wording.

    The aligner scores a pair whose figures disagree this way, so a rewrite
    that changed a number stays aligned (and says which numbers differ) rather
    than vanishing because the model rightly calls it "not the same statement".
    """
    out = features.copy()
    for name, value in NUMBER_AGREEMENT.items():
        out[:, FEATURE_NAMES.index(name)] = value
    toks = []
    for ta, tb in tokens:
        numeric = {w for w in ta.word_set | tb.word_set if w[0].isdigit()}
        toks.append(
            (
                replace(ta, word_set=ta.word_set - numeric),
                replace(tb, word_set=tb.word_set - numeric),
            )
        )
    return out, toks


def expand(features: np.ndarray, expansion: Sequence[str]) -> np.ndarray:
    """Append products ``"f1*f2"`` named in ``expansion`` to the base features."""
    if not expansion:
        return features
    index = {n: i for i, n in enumerate(FEATURE_NAMES)}
    extra = []
    for term in expansion:
        left, right = term.split("*")
        extra.append(features[:, index[left]] * features[:, index[right]])
    return np.column_stack([features, *extra])


@lru_cache(maxsize=1)
def load_model() -> ScorerModel:
    """The shipped model (read once per process; it is immutable)."""
    try:
        text = resources.files("corroborate.provenance").joinpath(MODEL_FILE).read_text("utf-8")
    except FileNotFoundError as exc:
        raise CorroborateError(
            f"{MODEL_FILE} is missing from the installed package; "
            "reinstall corroborate or rerun benchmarks/train_paraphrase.py"
        ) from exc
    return ScorerModel.from_dict(json.loads(text))


def feature_matrix(
    pairs: Sequence[tuple[str, str]],
    ctx: Context,
    tokens: Sequence[tuple[Tokens, Tokens]] | None = None,
    sentence_cos: np.ndarray | None = None,
) -> np.ndarray:
    """Features of each pair, shape (len(pairs), len(FEATURE_NAMES)).

    Callers that already tokenised or embedded the sentences (the aligner) pass
    ``tokens`` and ``sentence_cos`` to avoid doing it twice.
    """
    for a, b in pairs:
        if not isinstance(a, str) or not isinstance(b, str):
            raise UsageError("paraphrase pairs must be (str, str)")
    if not pairs:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float64)
    toks = list(tokens) if tokens is not None else [(tokens_of(a), tokens_of(b)) for a, b in pairs]
    model = ctx.nlp.wordllama()
    if sentence_cos is None:
        va = embed_sentences(model, [a for a, _ in pairs])
        vb = embed_sentences(model, [b for _, b in pairs])
        sentence_cos = np.einsum("ij,ij->i", va, vb)
    lex = np.array([lexical_features(ta, tb) for ta, tb in toks], dtype=np.float64)
    emb = embed_features(model, toks, sentence_cos)
    return np.column_stack([lex, emb])


def score_pairs(
    pairs: Sequence[tuple[str, str]],
    ctx: Context,
    model: ScorerModel | None = None,
    scorer: str = "lexical",
) -> list[PairScore]:
    """Score many sentence pairs at once (embeddings are batched).

    ``scorer`` is one of :data:`SCORERS`. The cross-encoder reads each pair as
    one input (about twenty pairs a second on two cores, against about a thousand
    for the lexical scorer) and is blended with the lexical scorer's probability; it needs
    the all-MiniLM-L6-v2 package and fails with its install command without it.
    """
    if scorer not in SCORERS:
        raise UsageError(
            f"unknown paraphrase scorer {scorer!r}; choose one of: {', '.join(SCORERS)}"
        )
    model = model or load_model()
    if not pairs:
        return []
    for a, b in pairs:
        if not isinstance(a, str) or not isinstance(b, str):
            raise UsageError("paraphrase pairs must be (str, str)")
    toks = [(tokens_of(a), tokens_of(b)) for a, b in pairs]
    x = feature_matrix(pairs, ctx, toks)
    probs = model.probability(x, toks)
    features = [dict(zip(FEATURE_NAMES, (float(v) for v in row), strict=True)) for row in x]
    threshold = model.threshold
    if scorer == "cross-encoder":
        encoder = load_cross_encoder()
        cross = encoder.probability(pairs)
        for named, lexical, crossed in zip(features, probs, cross, strict=True):
            named["lexical"], named["cross_encoder"] = float(lexical), float(crossed)
        probs = encoder.blend * cross + (1.0 - encoder.blend) * probs
        threshold = encoder.threshold
    return [
        PairScore(
            score=float(p),
            label="paraphrase" if p >= threshold else "different",
            features=named,
        )
        for p, named in zip(probs, features, strict=True)
    ]


def score_pair(
    a: str, b: str, ctx: Context, model: ScorerModel | None = None, scorer: str = "lexical"
) -> PairScore:
    """Paraphrase score of one sentence pair; see :func:`score_pairs`."""
    return score_pairs([(a, b)], ctx, model, scorer)[0]
