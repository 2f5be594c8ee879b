"""Static-embedding features from wordllama: sentence cosine and soft word alignment.

Embeddings are computed in a few batched calls (all sentences at once, all
distinct words at once), so scoring thousands of pairs costs a few matrix
products rather than one model call per pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from corroborate.provenance.lexical import Tokens

__all__ = ["EMBED_FEATURES", "embed_features", "embed_sentences", "embed_words"]

EMBED_FEATURES: tuple[str, ...] = (
    "sent_cos",
    "content_cos",
    "soft_min",
    "soft_max",
    "unmatched_min",
    "unmatched_max",
)

# A content word counts as matched when some word of the other sentence is at
# least this close (wordllama cosine); fitted by eye on MRPC train only.
_MATCH = 0.55


def embed_sentences(model: Any, texts: Sequence[str]) -> np.ndarray:
    """Unit-length mean embeddings of texts, shape (len(texts), dim)."""
    if not texts:
        return np.zeros((0, int(model.embedding.shape[1])), dtype=np.float32)
    vecs = np.asarray(model.embed(list(texts), norm=False), dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vecs / norms


def embed_words(model: Any, vocab: Sequence[str]) -> dict[str, np.ndarray]:
    """Unit-length embeddings of single words (sub-word tokens averaged)."""
    vecs = embed_sentences(model, list(vocab))
    return {w: vecs[i] for i, w in enumerate(vocab)}


def _soft(ma: np.ndarray, mb: np.ndarray) -> tuple[float, float, int, int]:
    """Soft alignment of two content-word matrices: mean best cosine and unmatched counts."""
    sim = ma @ mb.T
    best_a = sim.max(axis=1)
    best_b = sim.max(axis=0)
    return (
        float(best_a.mean()),
        float(best_b.mean()),
        int((best_a < _MATCH).sum()),
        int((best_b < _MATCH).sum()),
    )


def embed_features(
    model: Any,
    pairs: Sequence[tuple[Tokens, Tokens]],
    sentence_cos: np.ndarray,
) -> np.ndarray:
    """The :data:`EMBED_FEATURES` for tokenised pairs, given their sentence cosines.

    Word matrices are built once per distinct ``Tokens`` object, so a sentence
    that appears in many candidate pairs costs one stack, not one per pair.
    """
    vocab = sorted({w for ta, tb in pairs for w in (*ta.content, *tb.content)})
    table = embed_words(model, vocab) if vocab else {}
    cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def words_of(tok: Tokens) -> tuple[np.ndarray, np.ndarray]:
        hit = cache.get(id(tok))
        if hit is None:
            m = np.stack([table[w] for w in sorted(tok.content)])
            mean = m.mean(axis=0)
            hit = cache[id(tok)] = (m, mean / (float(np.linalg.norm(mean)) or 1.0))
        return hit

    out = np.zeros((len(pairs), len(EMBED_FEATURES)), dtype=np.float64)
    out[:, 0] = sentence_cos
    for i, (ta, tb) in enumerate(pairs):
        if not ta.content or not tb.content:
            out[i, 4:] = sorted((len(ta.content), len(tb.content)))
            continue
        (ma, mean_a), (mb, mean_b) = words_of(ta), words_of(tb)
        sa, sb, ua, ub = _soft(ma, mb)
        out[i, 1] = float(mean_a @ mean_b)
        out[i, 2], out[i, 3] = min(sa, sb), max(sa, sb)
        out[i, 4], out[i, 5] = min(ua, ub), max(ua, ub)
    return out
