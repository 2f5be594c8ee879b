"""Story clustering quality on ECB+: pairwise F1 and ARI, dev and test topics.

All documents of a split go into ONE StoryIndex in a random order (the engine
does not know topics); the gold story is the ECB+ sub-event. Parameters are
the shipped ones (fit and tuned on the development topics 1-35 by
benchmarks/train_story_model.py); the test topics 36-45 are only evaluated.
Each split is run in several random orders to show order sensitivity.

    python benchmarks/ecbplus_stories.py [--orders 5] [--entities quick|spacy] [--cache /tmp/ecbplus.jsonl]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corroborate.stories import StoryFeatures
from ecbplus_data import (
    DEV_TOPICS,
    ECBPLUS,
    ENTITY_PATHS,
    TEST_TOPICS,
    cached_features,
    load_ecbplus,
    replay,
)


def evaluate(split: str, topics: range, orders: int, cache: Path | None, entities: str) -> None:
    docs = load_ecbplus(topics=topics)
    started = time.perf_counter()
    feats = [StoryFeatures.from_dict(d) for d in cached_features(docs, cache, entities)]
    feature_s = time.perf_counter() - started
    gold = [d.event for d in docs]
    rows = []
    for seed in range(orders):
        order = list(range(len(feats)))
        random.Random(seed).shuffle(order)
        run = replay(feats, order, gold)
        p, r, f1, ari, elapsed = run.precision, run.recall, run.f1, run.ari, run.seconds
        predicted = run.predicted
        rows.append((p, r, f1, ari, len(set(predicted)), elapsed))
        print(
            f"{split} order {seed}: P {p:.4f} R {r:.4f} F1 {f1:.4f} ARI {ari:.4f} "
            f"stories {len(set(predicted))} (gold {len(set(gold))}) assign {elapsed:.1f}s"
        )
    f1s = [row[2] for row in rows]
    aris = [row[3] for row in rows]
    print(
        f"== {split} ({entities} entities) topics {topics.start}-{topics.stop - 1}: {len(docs)} docs, "
        f"{len(set(gold))} events; pairwise F1 mean {statistics.mean(f1s):.4f} "
        f"(min {min(f1s):.4f}, max {max(f1s):.4f}, spread {max(f1s) - min(f1s):.4f}); "
        f"ARI mean {statistics.mean(aris):.4f}; P mean {statistics.mean(r[0] for r in rows):.4f} "
        f"R mean {statistics.mean(r[1] for r in rows):.4f}; features {feature_s:.1f}s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=None, help="JSONL cache of features")
    parser.add_argument(
        "--entities", choices=ENTITY_PATHS, default="quick", help="feature path (ingest: quick)"
    )
    parser.add_argument("--split", choices=["dev", "test", "both"], default="both")
    args = parser.parse_args()
    if not ECBPLUS.exists():
        sys.exit(f"ECB+ data not found at {ECBPLUS}")
    if args.split in ("dev", "both"):
        evaluate("dev", DEV_TOPICS, args.orders, args.cache, args.entities)
    if args.split in ("test", "both"):
        evaluate("test", TEST_TOPICS, args.orders, args.cache, args.entities)


if __name__ == "__main__":
    main()
