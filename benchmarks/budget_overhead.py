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
from dataclasses import dataclass, field
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


def cpu_seconds() -> float:
    """CPU time of this process and its reaped children (the reader worker)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def time_prepare(paths: list[Path], budget: float) -> tuple[float, float, int]:
    ctx = Context(limits=Limits(reader_time_budget_s=budget))
    registry = default_registry()
    options = IngestOptions()
    start, cpu = time.perf_counter(), cpu_seconds()
    articles = 0
    for path in paths:
        prepared = prepare(RawInput(str(path), path.read_bytes()), ctx, registry, options)
        articles += len(prepared.articles)
    registry.close()
    return time.perf_counter() - start, cpu_seconds() - cpu, articles


def time_ingest(folder: Path, db: Path, budget: float) -> tuple[float, float, int]:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    ctx = Context(limits=Limits(reader_time_budget_s=budget))
    with Archive(db) as archive:
        start, cpu = time.perf_counter(), cpu_seconds()
        report = ingest([str(folder)], archive, ctx)
        elapsed = time.perf_counter() - start
    return elapsed, cpu_seconds() - cpu, len(report.article_ids)


@dataclass
class Result:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    articles: int = 0


def medians(runs: int, job: Callable[[float], tuple[float, float, int]]) -> dict[str, Result]:
    results = {mode: Result() for mode in MODES}
    for _ in range(runs):
        for mode, budget in MODES.items():
            wall, cpu, count = job(budget)
            results[mode].wall.append(wall)
            results[mode].cpu.append(cpu)
            results[mode].articles = count
    return results


def report(title: str, inputs: int, results: dict[str, Result]) -> None:
    print(f"\n{title} ({inputs} inputs)")
    base = results["in-process (budget 0)"]
    base_wall, base_cpu = statistics.median(base.wall), statistics.median(base.cpu)
    for mode, result in results.items():
        wall, cpu = statistics.median(result.wall), statistics.median(result.cpu)
        runs = ", ".join(f"{t:.2f}" for t in result.wall)
        print(
            f"  {mode:24s} wall median {wall:6.2f} s ({result.articles / wall:6.1f} articles/s, "
            f"{(wall - base_wall) / inputs * 1000:+.2f} ms/input)  CPU median {cpu:6.2f} s "
            f"({(cpu - base_cpu) / inputs * 1000:+.2f} ms/input)  wall runs: {runs}"
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
