"""What the reader time budget costs: ingest with readers in a worker process vs in-process.

Writes the first ``--articles`` Reuters-21578 items as one plain-text file each
(the worst case for per-input overhead: many small inputs), then times
``prepare`` over every file and a full ``ingest`` of the folder into a fresh
archive, with ``reader_time_budget_s=30`` (worker process, the default) and
``reader_time_budget_s=0`` (in-process, the behaviour before the budget),
alternating, and prints medians over ``--runs`` runs with the load average.

    python benchmarks/budget_overhead.py --articles 2000 --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from corroborate.archive import Archive
from corroborate.config import Context, Limits
from corroborate.pipeline import IngestOptions, ingest, prepare
from corroborate.readers import RawInput, default_registry
from perf_data import read_reuters

MODES = {"worker (budget 30 s)": 30.0, "in-process (budget 0)": 0.0}


def write_corpus(folder: Path, count: int) -> list[Path]:
    """One plain-text file per Reuters item: the headline, a blank line, the body."""
    paths = []
    for n, doc in enumerate(read_reuters()[:count]):
        path = folder / f"{n:05d}.txt"
        title = doc.title or doc.body.strip().split("\n")[0][:60]
        path.write_text(f"{title}\n\n{doc.body.strip()}\n", encoding="utf-8")
        paths.append(path)
    return paths


def time_prepare(paths: list[Path], budget: float) -> tuple[float, int]:
    ctx = Context(limits=Limits(reader_time_budget_s=budget))
    registry = default_registry()
    options = IngestOptions()
    start = time.perf_counter()
    articles = 0
    for path in paths:
        prepared = prepare(RawInput(str(path), path.read_bytes()), ctx, registry, options)
        articles += len(prepared.articles)
    registry.close()
    return time.perf_counter() - start, articles


def time_ingest(folder: Path, db: Path, budget: float) -> tuple[float, int]:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    ctx = Context(limits=Limits(reader_time_budget_s=budget))
    with Archive(db) as archive:
        start = time.perf_counter()
        report = ingest([str(folder)], archive, ctx)
        elapsed = time.perf_counter() - start
    return elapsed, len(report.article_ids)


def medians(
    runs: int, job: Callable[[float], tuple[float, int]]
) -> dict[str, tuple[float, int, list[float]]]:
    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    counts: dict[str, int] = {}
    for _ in range(runs):
        for mode, budget in MODES.items():
            seconds, count = job(budget)
            times[mode].append(seconds)
            counts[mode] = count
    return {m: (statistics.median(t), counts[m], t) for m, t in times.items()}


def report(title: str, inputs: int, results: dict[str, tuple[float, int, list[float]]]) -> None:
    print(f"\n{title} ({inputs} inputs)")
    base = results["in-process (budget 0)"][0]
    for mode, (median, count, all_runs) in results.items():
        extra = (median - base) / inputs * 1000
        runs = ", ".join(f"{t:.2f}" for t in all_runs)
        print(
            f"  {mode:24s} median {median:6.2f} s  {count / median:7.1f} articles/s  "
            f"{extra:+.3f} ms/input vs in-process  (runs: {runs})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        paths = write_corpus(folder, args.articles)
        prepare(
            RawInput("warm.txt", b"Warm up\n\nLoad the language model once."),
            Context(),
            default_registry(),
            IngestOptions(),
        )
        print(f"cores {os.cpu_count()}, load average before: {os.getloadavg()}")
        report(
            "prepare (read + clean)",
            len(paths),
            medians(args.runs, lambda b: time_prepare(paths, b)),
        )
        db = Path(tmp) / "archive.db"
        report(
            "ingest into a fresh archive",
            len(paths),
            medians(args.runs, lambda b: time_ingest(folder, db, b)),
        )
        print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
