"""Spark local mode on Reuters-21578: time per job, and how far windowed stories agree.

Writes the 19,043 Reuters items as JSON Lines files (5,000 per file), runs
``ingest``, ``neardup``, ``stories`` (exact, then windowed on the same
features) and ``provenance`` (stories up to ``--max-story-size`` articles) in
one Spark session, and reports seconds per job and the pairwise precision,
recall and F1 of the windowed stories against the exact ones.

    python benchmarks/perf_spark.py [--master 'local[2]'] [--window-span-days 30] [--articles N]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corroborate.spark import (
    SparkProvenanceOptions,
    SparkSettings,
    SparkStoryOptions,
    ingest_job,
    neardup_job,
    provenance_job,
    read_output,
    spark_session,
    stories_job,
)
from ecbplus_data import pairwise_scores
from perf_suite import reuters_files

RESULTS = Path(__file__).resolve().parent / "results" / "perf_spark.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--window-span-days", type=float, default=30.0)
    parser.add_argument("--max-story-size", type=int, default=40)
    parser.add_argument("--json", type=Path, default=RESULTS)
    parser.add_argument(
        "--articles", type=int, default=None, help="only the first N Reuters items (default: all)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "in").mkdir()
        _, n = reuters_files(folder / "in", limit=args.articles)
        out = str(folder / "out")
        times: dict[str, float] = {}
        started = time.perf_counter()
        spark = spark_session(SparkSettings(master=args.master, app_name="corroborate-perf"))
        times["session start"] = time.perf_counter() - started
        jobs = [
            ("ingest", lambda: ingest_job(spark, [str(folder / "in")], out).to_dict()),
            ("neardup", lambda: neardup_job(spark, out)),
            ("stories exact (features + assignment)", lambda: stories_job(spark, out).to_dict()),
        ]
        results = {}
        for name, job in jobs:
            started = time.perf_counter()
            results[name] = job()
            times[name] = time.perf_counter() - started
            print(f"{name}: {times[name]:.1f}s {results[name]}", flush=True)
        exact = {r["article_id"]: r["story_id"] for r in read_output(out, "stories")}
        started = time.perf_counter()
        options = SparkProvenanceOptions(max_story_size=args.max_story_size)
        results["provenance"] = provenance_job(spark, out, options)
        times[f"provenance (stories <= {args.max_story_size})"] = time.perf_counter() - started
        windowed_options = SparkStoryOptions(
            mode="windowed", window_span_days=args.window_span_days
        )
        started = time.perf_counter()
        results["stories windowed"] = stories_job(spark, out, windowed_options).to_dict()
        times["stories windowed (features reused)"] = time.perf_counter() - started
        windowed = {r["article_id"]: r["story_id"] for r in read_output(out, "stories")}
        ids = sorted(exact)
        p, r, f1 = pairwise_scores([exact[i] for i in ids], [windowed[i] for i in ids])
        report = {
            "articles": n,
            "master": args.master,
            "seconds": {k: round(v, 1) for k, v in times.items()},
            "results": results,
            "windowed_vs_exact": {
                "precision": p,
                "recall": r,
                "f1": f1,
                "window_span_days": args.window_span_days,
            },
        }
    print(json.dumps(report, indent=2))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
