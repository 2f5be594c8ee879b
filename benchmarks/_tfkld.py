"""TF-KLD latent sentence vectors (after Ji & Eisenstein 2013): the issue #4 experiment's features.

Each term is weighted by how differently it behaves in paraphrase and
non-paraphrase pairs of MRPC train: the KL divergence between the chances
that it occurs in one sentence only, given that it occurs in the pair. Words
whose absence is harmless ("said") get little weight, words whose absence
changes the meaning get much. The weighted term counts of a sentence are
projected onto a few latent dimensions fitted on train sentences only
(``benchmarks/tfkld_tune.py``); the pair features are the element-wise
product (or sum) and absolute difference of the two sentences' unit vectors.

Applying the space is numpy only (a sparse product for a truncated SVD, a
fixed number of multiplicative updates against fixed factors for an NMF), so
it could ship beside the scorer's JSON; it stays here because no way of using
it beat the shipped scorer in cross-validation (see ``tfkld_tune.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from corroborate.errors import CorroborateError
from corroborate.provenance.lexical import Tokens

__all__ = ["LatentSpace", "kld_weights", "sentence_terms", "term_matrix"]

_NMF_STEPS = 60
_EPS = 1e-9


def sentence_terms(tok: Tokens, bigrams: bool) -> list[str]:
    """The terms of a sentence: its words, then (optionally) its word bigrams."""
    terms = list(tok.words)
    if bigrams:
        terms.extend(f"{a} {b}" for a, b in zip(tok.words, tok.words[1:], strict=False))
    return terms


def term_matrix(
    toks: Sequence[Tokens], index: dict[str, int], bigrams: bool, weights: np.ndarray | None = None
) -> sparse.csr_matrix:
    """Sparse (sentences, terms) counts of the terms in ``index``, times ``weights`` if given."""
    rows: list[int] = []
    cols: list[int] = []
    for r, tok in enumerate(toks):
        for term in sentence_terms(tok, bigrams):
            k = index.get(term)
            if k is not None:
                rows.append(r)
                cols.append(k)
    data = np.ones(len(rows), dtype=np.float64)
    out = sparse.csr_matrix((data, (rows, cols)), shape=(len(toks), len(index)))
    out.sum_duplicates()
    if weights is not None:
        out = sparse.csr_matrix(out.multiply(weights[None, :]))
    return out


def kld_weights(
    pairs: Sequence[tuple[Tokens, Tokens]],
    labels: Sequence[int] | np.ndarray,
    index: dict[str, int],
    bigrams: bool,
    alpha: float,
    pooled: bool = True,
) -> np.ndarray:
    """KL(p || q) per term: p, q = P(in one sentence only | in the pair) for paraphrases, others.

    Both rates are smoothed with ``alpha`` pseudo-pairs at the term's rate over
    all pairs (``pooled``; else at 1/2), so a rare term gets a weight near zero
    rather than a confident one from a handful of pairs.
    """
    size = len(index)
    n_any = np.zeros((2, size))
    n_one = np.zeros((2, size))
    for (ta, tb), y in zip(pairs, labels, strict=True):
        sa = {index[t] for t in sentence_terms(ta, bigrams) if t in index}
        sb = {index[t] for t in sentence_terms(tb, bigrams) if t in index}
        n_any[int(y), list(sa | sb)] += 1
        n_one[int(y), list(sa ^ sb)] += 1
    prior = (n_one.sum(axis=0) + 1) / (n_any.sum(axis=0) + 2) if pooled else np.full(size, 0.5)
    share = (n_one + alpha * prior) / (n_any + alpha)
    p, q = share[1], share[0]
    return np.asarray(p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q)), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class LatentSpace:
    """Weighted terms and the latent factors sentences are projected onto.

    ``components`` is (dims, terms): right singular vectors for ``method ==
    "svd"``, the non-negative term factors for ``"nmf"``.
    """

    vocab: tuple[str, ...]
    weights: np.ndarray
    components: np.ndarray
    method: str
    bigrams: bool
    pair: str = "product"  # "product" or "sum": the first half of the pair features
    index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.method not in ("svd", "nmf") or self.pair not in ("product", "sum"):
            raise CorroborateError(f"unknown latent method {self.method!r} / pair {self.pair!r}")
        if self.components.shape[1] != len(self.vocab) or len(self.weights) != len(self.vocab):
            raise CorroborateError("malformed latent space: factor and vocabulary sizes differ")
        if not self.index:
            self.index.update({w: i for i, w in enumerate(self.vocab)})

    @property
    def dims(self) -> int:
        return int(self.components.shape[0])

    def vectors(self, toks: Sequence[Tokens]) -> np.ndarray:
        """Unit-length latent vector of each sentence (zeros for one with no known term)."""
        x = term_matrix(toks, self.index, self.bigrams, self.weights)
        if self.method == "svd":
            z = np.asarray(x @ self.components.T, dtype=np.float64)
        else:
            z = nmf_project(x, self.components)
        norms = np.linalg.norm(z, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return z / norms

    def pair_vectors(self, pairs: Sequence[tuple[Tokens, Tokens]]) -> tuple[np.ndarray, np.ndarray]:
        """The unit latent vectors of each pair's two sentences.

        Each distinct ``Tokens`` object is projected once (the aligner passes
        one sentence in many candidate pairs).
        """
        slot: dict[int, int] = {}
        unique: list[Tokens] = []
        for pair in pairs:
            for tok in pair:
                if id(tok) not in slot:
                    slot[id(tok)] = len(unique)
                    unique.append(tok)
        vecs = self.vectors(unique) if unique else np.zeros((0, self.dims))
        ia = np.array([slot[id(a)] for a, _ in pairs], dtype=np.int64)
        ib = np.array([slot[id(b)] for _, b in pairs], dtype=np.int64)
        return vecs[ia], vecs[ib]

    def pair_features(self, pairs: Sequence[tuple[Tokens, Tokens]]) -> np.ndarray:
        """(pairs, 2 * dims): element-wise product (or sum), then absolute difference."""
        va, vb = self.pair_vectors(pairs)
        first = va * vb if self.pair == "product" else va + vb
        return np.hstack([first, np.abs(va - vb)])

    def pair_cosines(self, pairs: Sequence[tuple[Tokens, Tokens]]) -> np.ndarray:
        """(pairs, 2): cosine of the latent vectors, and of the weighted term vectors."""
        va, vb = self.pair_vectors(pairs)
        xa = _unit_rows(term_matrix([a for a, _ in pairs], self.index, self.bigrams, self.weights))
        xb = _unit_rows(term_matrix([b for _, b in pairs], self.index, self.bigrams, self.weights))
        direct = np.asarray(xa.multiply(xb).sum(axis=1)).ravel()
        return np.column_stack([np.einsum("ij,ij->i", va, vb), direct])

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LatentSpace:
        try:
            return cls(
                vocab=tuple(data["vocab"]),
                weights=np.asarray(data["weights"], dtype=np.float64),
                components=np.asarray(data["components"], dtype=np.float64),
                method=str(data["method"]),
                bigrams=bool(data["bigrams"]),
                pair=str(data.get("pair", "product")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CorroborateError(
                f"malformed latent space in the paraphrase model: {exc}"
            ) from exc

    def to_dict(self, digits: int = 5) -> dict[str, Any]:
        return {
            "vocab": list(self.vocab),
            "weights": [round(float(v), 6) for v in self.weights],
            "components": [[round(float(v), digits) for v in row] for row in self.components],
            "method": self.method,
            "bigrams": self.bigrams,
            "pair": self.pair,
        }


def _unit_rows(x: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ x)


def nmf_project(x: sparse.csr_matrix, h: np.ndarray, steps: int = _NMF_STEPS) -> np.ndarray:
    """Non-negative W minimising ||x - W h|| for fixed ``h``, by multiplicative updates.

    A fixed number of steps from a fixed start, so a sentence gets the same
    vector at training and at scoring time.
    """
    n = x.shape[0]
    if n == 0:
        return np.zeros((0, h.shape[0]))
    xh = np.asarray(x @ h.T, dtype=np.float64)
    hh = h @ h.T
    w = np.full((n, h.shape[0]), 1.0 / h.shape[0])
    for _ in range(steps):
        w *= xh / (w @ hh + _EPS)
    return w
