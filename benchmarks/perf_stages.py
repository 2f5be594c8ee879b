"""Ingest stages of the performance suite, each timed on its own (CPU and wall time).

Every function takes what the previous stage produced and returns a
:class:`Timing` plus its output, so the suite can chain them on one corpus:
physical floor (read + hash the bytes), read+clean (``prepare``), fingerprint
(near-duplicate index), entities (spaCy NER, batched), story features (spaCy or
quick), story assignment, archive write; and a measured end-to-end run on two
processes.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corroborate.archive import Archive
from corroborate.archive.stories import save_assignments
from corroborate.config import Context, Limits
from corroborate.model import Article
from corroborate.neardup import NearDupIndex, article_text
from corroborate.pipeline import IngestOptions, prepare, store
from corroborate.readers import default_registry
from corroborate.readers.base import RawInput
from corroborate.stories import FeatureOptions, StoryFeatures, StoryIndex, extract_features
from corroborate.workspace import arrival_key
from perf_features import quick_features

BIG_LIMITS = Limits(
    max_input_bytes=1 << 31, max_decompressed_bytes=1 << 31, max_items_per_input=10**7
)


@dataclass
class Timing:
    """Articles processed and the seconds it took (median of runs when several)."""

    stage: str
    articles: int
    wall_s: float
    cpu_s: float
    runs: int = 1
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    wall_runs: tuple[float, ...] = ()  # each run's wall seconds, to show the spread

    @property
    def per_s_wall(self) -> float:
        return self.articles / self.wall_s if self.wall_s else float("inf")

    @property
    def per_s_cpu(self) -> float:
        return self.articles / self.cpu_s if self.cpu_s else float("inf")

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "articles": self.articles,
            "wall_s": round(self.wall_s, 4),
            "cpu_s": round(self.cpu_s, 4),
            "articles_per_s_wall": round(self.per_s_wall, 1),
            "articles_per_s_cpu": round(self.per_s_cpu, 1),
            "runs": self.runs,
            "wall_s_runs": [round(w, 4) for w in self.wall_runs],
            "note": self.note,
            **self.extra,
        }


def timed(
    stage: str, articles: int, work: Callable[[], Any], runs: int = 1, note: str = ""
) -> tuple[Timing, Any]:
    """Run ``work`` ``runs`` times; median wall and CPU (this process and its children)."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        before = os.times()
        start = time.perf_counter()
        result = work()
        walls.append(time.perf_counter() - start)
        after = os.times()
        cpus.append(
            (after.user - before.user)
            + (after.system - before.system)
            + (after.children_user - before.children_user)
            + (after.children_system - before.children_system)
        )
    timing = Timing(
        stage,
        articles,
        statistics.median(walls),
        statistics.median(cpus),
        runs,
        note,
        wall_runs=tuple(walls),
    )
    spread = f", runs {articles / max(walls):.1f}-{articles / min(walls):.1f}/s" if runs > 1 else ""
    print(
        f"  {stage}: {timing.per_s_wall:.1f}/s wall{spread}, {timing.per_s_cpu:.1f}/s cpu "
        f"({runs} runs; load {os.getloadavg()[0]:.1f}; {time.strftime('%H:%M:%S')})",
        flush=True,
    )
    return timing, result


def _median_cpu_ms(work: Callable[[], object], repeats: int) -> float:
    """Median CPU milliseconds of ``repeats`` calls of ``work``."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        work()
        times.append(1000 * (time.process_time() - start))
    return statistics.median(times)


def _pure_python_work() -> None:
    counts: dict[str, int] = {}
    for i in range(200_000):
        word = f"w{i % 997}"
        counts[word] = counts.get(word, 0) + 1
    text = json.dumps(counts)
    for _ in range(20):
        json.loads(text)
    sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def host_probe(repeats: int = 9) -> float:
    """CPU milliseconds of a fixed pure-Python workload (median of ``repeats``).

    This shared build machine's speed per CPU-second changes between nights
    (the same ingest code took 1.3-1.5x the CPU per article on a slow night), so
    a throughput figure is only comparable with another taken at a similar probe.
    """
    return _median_cpu_ms(_pure_python_work, repeats)


def assign_probe(feats: Sequence[StoryFeatures], repeats: int = 3) -> float:
    """CPU milliseconds per article of story assignment on ``feats`` into a new index
    (median of ``repeats``): a probe of the host's speed for the ingest's own kind
    of work, which :func:`host_probe` (small, in cache) does not always follow."""
    total = _median_cpu_ms(lambda: assign(feats), repeats)
    return total / max(1, len(feats))


def floor(files: Sequence[Path]) -> int:
    """Read every byte and hash it (blake2b): the least any ingest has to do."""
    total = 0
    for path in files:
        h = hashlib.blake2b()
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
                total += len(chunk)
    return total


def read_clean(files: Sequence[Path], ctx: Context) -> list[Article]:
    """``prepare`` on every file: the json reader, cleaning and language detection."""
    registry = default_registry()
    options = IngestOptions()
    out: list[Article] = []
    for path in files:
        prepared = prepare(RawInput(name=str(path), data=path.read_bytes()), ctx, registry, options)
        out.extend(prepared.articles)
    return out


def _read_clean_one(path: str) -> int:
    ctx = Context(limits=BIG_LIMITS)
    return len(read_clean([Path(path)], ctx))


def read_clean_parallel(files: Sequence[Path], processes: int) -> int:
    """``prepare`` on the files split over ``processes`` processes; articles read."""
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return sum(pool.map(_read_clean_one, [str(p) for p in files], chunksize=1))


def fingerprint(articles: Sequence[Article], batch: int = 2000) -> tuple[int, NearDupIndex]:
    """Near-duplicate index over the articles, in batches as an ingest would; pairs found."""
    index = NearDupIndex()
    found = 0
    for start in range(0, len(articles), batch):
        part = articles[start : start + batch]
        matches = index.add([a.id for a in part], [article_text(a) for a in part])
        found += sum(len(m) for m in matches)
    return found, index


def spacy_entities(articles: Sequence[Article], ctx: Context) -> int:
    """spaCy NER as extract_features runs it (NER only, batched, first 8000 characters)."""
    nlp = ctx.nlp.spacy()
    others = [p for p in nlp.pipe_names if p != "ner"]
    opts = FeatureOptions()
    texts = [f"{a.title}\n\n{a.body}"[: opts.ner_chars] for a in articles]
    return sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=opts.batch_size, disable=others))


def features(
    articles: Sequence[Article], ctx: Context, quick: bool, batch: int = 64
) -> list[StoryFeatures]:
    """Story features in arrival order, batches of 64 as the workspace makes them."""
    ordered = sorted(articles, key=arrival_key)
    make = quick_features if quick else extract_features
    out: list[StoryFeatures] = []
    for start in range(0, len(ordered), batch):
        out.extend(make(ordered[start : start + batch], ctx))
    return out


def assign(feats: Sequence[StoryFeatures], index: StoryIndex | None = None) -> StoryIndex:
    index = index or StoryIndex()
    for f in feats:
        index.add(f)
    return index


def archive_write(articles: Sequence[Article], path: Path, batch: int = 200) -> dict[str, int]:
    """``pipeline.store`` of every article, committed in batches as ``ingest`` does."""
    options = IngestOptions()
    counts: dict[str, int] = {}
    with Archive(path) as archive:
        for start in range(0, len(articles), batch):
            with archive.transaction():
                for article in articles[start : start + batch]:
                    status = store(article, archive, options).status
                    counts[status] = counts.get(status, 0) + 1
    return counts


def _worker(path: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Second process of the two-core run: read, clean and story features of one file."""
    ctx = Context(limits=BIG_LIMITS)
    articles = read_clean([Path(path)], ctx)
    feats = quick_features(articles, ctx)
    return [(a.to_dict(), f.to_dict()) for a, f in zip(articles, feats, strict=True)]


def end_to_end(files: Sequence[Path], db: Path, processes: int = 2) -> dict[str, int]:
    """Ingest on ``processes`` cores: workers read, clean and compute quick features per
    file; the main process stores each article, fingerprints it, assigns its story and
    saves the assignment (arrival order within each file; files in order)."""
    options = IngestOptions()
    index = StoryIndex()
    neardup = NearDupIndex()
    counts: dict[str, int] = {}
    ctx = multiprocessing.get_context("fork")
    with Archive(db) as archive, ctx.Pool(max(1, processes - 1)) as pool:
        for chunk in pool.imap(_worker, [str(p) for p in files]):
            articles = [Article.from_dict(a) for a, _ in chunk]
            feats = [StoryFeatures.from_dict(f) for _, f in chunk]
            stored = []
            with archive.transaction():
                for i, article in enumerate(articles):
                    status = store(article, archive, options).status
                    counts[status] = counts.get(status, 0) + 1
                    if status == "ingested":
                        stored.append(i)
            for start in range(0, len(stored), 2000):
                part = [articles[i] for i in stored[start : start + 2000]]
                neardup.add([a.id for a in part], [article_text(a) for a in part])
            order = sorted(stored, key=lambda i: arrival_key(articles[i]))
            for start in range(0, len(order), 64):
                batch = [feats[i] for i in order[start : start + 64]]
                save_assignments(archive, batch, [index.add(f) for f in batch])
    return counts


def chunks(seq: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]
