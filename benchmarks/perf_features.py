"""Story features without the spaCy parse, and their quality against the spaCy ones.

:func:`quick_features` is :func:`corroborate.stories.extract_features` with
``FeatureOptions(entities="quick")`` (capitalised-phrase entities,
:mod:`corroborate.stories.quick`): the features ``corroborate ingest`` computes
by default. ``--ecb`` scores story quality on the ECB+ development topics with
spaCy features and with quick features.

    python benchmarks/perf_features.py --ecb      # ECB+ dev pairwise F1: spaCy vs quick
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from corroborate.config import Context
from corroborate.model import Article
from corroborate.stories import FeatureOptions, StoryFeatures, extract_features

sys.path.insert(0, str(Path(__file__).resolve().parent))


def quick_features(
    articles: Sequence[Article], ctx: Context, options: FeatureOptions | None = None
) -> list[StoryFeatures]:
    """extract_features with capitalised-phrase entities instead of spaCy NER."""
    return extract_features(articles, ctx, replace(options or FeatureOptions(), entities="quick"))


def ecb_quality(orders: int = 3) -> dict[str, float]:
    """Pairwise F1 on ECB+ development topics (1-35): spaCy features vs quick features."""
    from corroborate.stories import StoryIndex
    from ecbplus_data import DEV_TOPICS, load_ecbplus, pairwise_scores, run_index

    docs = load_ecbplus(topics=DEV_TOPICS)
    ctx = Context()
    articles = [d.article for d in docs]
    gold = [d.event for d in docs]
    result: dict[str, float] = {"docs": float(len(docs))}
    for name, make in (("spacy", extract_features), ("quick", quick_features)):
        started = time.process_time()
        feats = make(articles, ctx)
        result[f"{name}_features_ms_per_doc_cpu"] = (
            (time.process_time() - started) / len(docs) * 1000
        )
        f1s = []
        for seed in range(orders):
            order = list(range(len(feats)))
            np.random.default_rng(seed).shuffle(order)
            labels = run_index(feats, order, StoryIndex())
            f1s.append(pairwise_scores(gold, [labels[f.article_id] for f in feats])[2])
        result[f"{name}_pairwise_f1_dev"] = statistics.mean(f1s)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ecb", action="store_true", help="ECB+ dev quality, spaCy vs quick")
    parser.add_argument("--orders", type=int, default=3)
    args = parser.parse_args()
    if args.ecb:
        for key, value in ecb_quality(args.orders).items():
            print(f"{key}: {value:.4f}")


if __name__ == "__main__":
    main()
