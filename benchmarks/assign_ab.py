"""Story assignment alone on Reuters: CPU per article and a digest of every decision.

For comparing two versions of the story code (issue 8): run it at each commit
(the older one through ``PYTHONPATH=<git archive of it>/src``) on the same
cached features; equal digests mean the same stories, scores and reasons. CPU
time moves with this host's speed by 10-20% within minutes, so compare runs
made back to back, or count instructions instead: under ``valgrind
--tool=callgrind`` (``--runs 1``), minus a run with ``--articles 0`` for the
fixed start-up cost, the count per article does not depend on the host.

    python benchmarks/assign_ab.py --articles 6000 --runs 3 --cache /tmp/reuters_feats.pkl

The features (quick entities, as ``corroborate ingest`` makes them, in arrival
order) are computed once and kept in ``--cache``; delete it when the feature
code changes.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import statistics
import tempfile
import time
from pathlib import Path

from corroborate.config import Context
from corroborate.stories import StoryFeatures, StoryIndex
from perf_stages import BIG_LIMITS, features, read_clean
from perf_suite import reuters_files


def reuters_features(cache: Path | None) -> list[StoryFeatures]:
    """Quick story features of all of Reuters in arrival order, from ``cache`` when it exists."""
    if cache is not None and cache.exists():
        feats: list[StoryFeatures] = pickle.loads(cache.read_bytes())
        return feats
    ctx = Context(limits=BIG_LIMITS)
    with tempfile.TemporaryDirectory() as tmp:
        files, _ = reuters_files(Path(tmp))
        feats = features(read_clean(files, ctx), ctx, quick=True)
    if cache is not None:
        cache.write_bytes(pickle.dumps(feats))
    return feats


def run(feats: list[StoryFeatures]) -> tuple[float, str, int]:
    """Add every article to a new index: CPU seconds, digest of the decisions, stories."""
    index = StoryIndex()
    start = time.process_time()
    out = [index.add(f) for f in feats]
    cpu = time.process_time() - start
    decisions = [
        (
            a.article_id,
            a.story_id,
            a.score,
            a.absorbed,
            a.regrouped,
            [(r.kind, r.text, r.value, r.weight, r.details) for r in a.reasons],
        )
        for a in out
    ]
    return cpu, hashlib.sha1(repr(decisions).encode()).hexdigest()[:16], len(index.profiles)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=6000, help="first N in arrival order")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache", type=Path, help="pickle of the features (made if missing)")
    args = parser.parse_args()
    feats = reuters_features(args.cache)[: args.articles]
    results = [run(feats) for _ in range(args.runs)]
    digests = {digest for _, digest, _ in results}
    if len(digests) > 1:
        raise SystemExit(f"runs of the same code gave different decisions: {sorted(digests)}")
    cpu = statistics.median(c for c, _, _ in results)
    per = 1000 * cpu / len(feats) if feats else 0.0
    print(
        f"articles {len(feats)}  stories {results[0][2]}  CPU ms/article {per:.3f} "
        f"(median of {args.runs}: {', '.join(f'{c:.2f}' for c, _, _ in results)} s)  "
        f"digest {results[0][1]}"
    )


if __name__ == "__main__":
    main()
