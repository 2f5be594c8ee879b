"""The 1M-article part of the performance suite: corpus, cheap stages, assignment curve.

- :func:`write_corpus`: the replicated-and-perturbed corpus as JSON Lines files;
- :func:`replica_features`: story features for the replicated corpus derived
  from the base articles' features (new id, publication time + 60 days per
  replica, 3 % of terms dropped), so a million-article story index can be built
  in the time budget — the assignment cost per article does not depend on how
  the features were made;
- :func:`assignment_curve`: per-article story assignment cost and process RSS
  when the index holds 10k, 100k and 1M articles.
"""

from __future__ import annotations

import gc
import random
import resource
import statistics
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from corroborate.stories import StoryFeatures, StoryIndex
from perf_data import Doc, replicated_corpus, write_jsonl


def write_corpus(docs: list[Doc], total: int, folder: Path, per_file: int = 20_000) -> list[Path]:
    """``total`` replicated records as JSON Lines files of ``per_file`` records each."""
    folder.mkdir(parents=True, exist_ok=True)
    records = replicated_corpus(docs, total)
    files = []
    for n in range(0, total, per_file):
        path = folder / f"part-{n // per_file:05d}.jsonl"

        def take(count: int = min(per_file, total - n)) -> Iterator[dict[str, Any]]:
            for _ in range(count):
                yield next(records)

        write_jsonl(take(), path)
        files.append(path)
    return files


def replica_features(
    base: Sequence[StoryFeatures], total: int, seed: int = 11
) -> Iterator[StoryFeatures]:
    """``total`` features: the base ones, then replicas shifted by 60 days each."""
    rng = random.Random(seed)
    replica = 0
    count = 0
    while True:
        for f in base:
            if count >= total:
                return
            if replica == 0:
                yield f
            else:
                terms = {t: w for t, w in f.terms.items() if rng.random() >= 0.03}
                when = f.published_at + timedelta(days=60 * replica) if f.published_at else None
                yield replace(
                    f, article_id=f"{f.article_id}-r{replica}", published_at=when, terms=terms
                )
            count += 1
        replica += 1


def rss_mb() -> float:
    """Current resident set size of this process, in MB (from /proc)."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 1e6


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def assignment_curve(
    feats: Iterator[StoryFeatures],
    checkpoints: Sequence[int],
    probe: int = 2000,
    budget_s: float = 4 * 3600,
) -> list[dict[str, Any]]:
    """Add features one by one; at each checkpoint time the next ``probe`` adds.

    Reports the median cost per article over batches of 250 (CPU and wall),
    the RSS, the index's own memory per article (RSS growth since the index was
    created, after a garbage collection), the number of stories and the largest
    one (the templated-notice stories that used to slow assignment down), and
    how long filling took. Stops early
    (and says so) when ``budget_s`` runs out.
    """
    gc.collect()
    rss_start = rss_mb()
    index = StoryIndex()
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    added = 0
    pending = sorted(checkpoints)
    for target in pending:
        while added < target:
            f = next(feats, None)
            if f is None:
                return rows
            index.add(f)
            added += 1
            if added % 10_000 == 0 and time.perf_counter() - started > budget_s:
                rows.append({"stopped_at": added, "reason": f"time budget {budget_s:.0f}s used"})
                return rows
        walls, cpus = [], []
        for _ in range(probe // 250):
            c0, w0 = time.process_time(), time.perf_counter()
            for _ in range(250):
                f = next(feats, None)
                if f is None:
                    break
                index.add(f)
                added += 1
            walls.append((time.perf_counter() - w0) / 250 * 1000)
            cpus.append((time.process_time() - c0) / 250 * 1000)
        gc.collect()
        rss = rss_mb()
        rows.append(
            {
                "archived": target,
                "ms_per_article_wall": round(statistics.median(walls), 3),
                "ms_per_article_cpu": round(statistics.median(cpus), 3),
                "rss_mb": round(rss, 1),
                # what the index itself holds: RSS growth since it was created, per article
                "index_kb_per_article": round((rss - rss_start) * 1000 / added, 2),
                "index_gb_per_million": round((rss - rss_start) / added * 1000, 2),
                "largest_story": max(p.size for p in index.profiles.values()),
                "stories": len(index.profiles),
                "elapsed_s": round(time.perf_counter() - started, 1),
            }
        )
        print(rows[-1], flush=True)
    return rows
