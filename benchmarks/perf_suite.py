"""The performance suite: one command, every figure of issue 8 side by side.

    python benchmarks/perf_suite.py                       # everything (hours on 2 cores)
    python benchmarks/perf_suite.py --sections reuters,neardup --runs 3
    python benchmarks/perf_suite.py --sections scale,assign --total 1000000

Sections (results merged into benchmarks/results/perf_suite.json, a table printed):

- ``reuters``: Reuters-21578 (19,043 bodies, written to JSON Lines files in a temp
  folder) through each ingest stage on its own: physical floor (read + hash the
  bytes), read+clean (``prepare``), fingerprint (near-duplicate index), entities
  (spaCy NER, batched; on a ``--sample``), story features with spaCy (sample) and
  quick (no spaCy; all), story assignment, archive write; then a measured
  end-to-end run of the fast path on two processes (read, clean, quick
  features in a worker; store, fingerprint, assign, save in the main process)
  — ``corroborate ingest`` computes the same features but in one process and
  without the fingerprint: the ``cli`` section times it. Medians of ``--runs``
  (``--heavy-runs`` for features, assignment and end-to-end).
- ``cli``: the real ``corroborate ingest`` in a child process (start-up and model
  loads included): ``--no-stories`` and the default (stories with quick
  entities) on all of Reuters, ``--spacy-entities`` on the first
  ``--cli-sample`` articles.
- ``neardup``: corroborate.neardup vs datasketch vs rensa at equal recall
  (benchmarks/perf_neardup.py, test split).
- ``scale``: the replicated-and-perturbed corpus of ``--total`` articles: floor,
  read+clean on two processes, fingerprint, archive write (and archive size).
- ``assign``: story assignment cost per article and RSS with 10k, 100k and
  ``--total`` articles in the index (features of replicas derived from the base
  features, see perf_scale.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corroborate.config import Context
from corroborate.neardup import NearDupOptions
from perf_data import plant_near_duplicates, read_reuters, write_jsonl
from perf_neardup import compare as neardup_compare
from perf_scale import assignment_curve, peak_rss_mb, replica_features, rss_mb, write_corpus
from perf_stages import (
    BIG_LIMITS,
    Timing,
    archive_write,
    assign,
    assign_probe,
    end_to_end,
    features,
    fingerprint,
    floor,
    host_probe,
    read_clean,
    read_clean_parallel,
    spacy_entities,
    timed,
)

RESULTS = Path(__file__).resolve().parent / "results" / "perf_suite.json"


def reuters_files(
    folder: Path, per_file: int = 5000, limit: int | None = None
) -> tuple[list[Path], int]:
    """Reuters items (the first ``limit`` when given) as JSON Lines files of ``per_file``."""
    docs = read_reuters()[:limit]
    from perf_data import article_record

    records = [article_record(d, d.id, d.published, d.body) for d in docs]
    files = []
    for n in range(0, len(records), per_file):
        path = folder / f"reuters-{n // per_file:02d}.jsonl"
        write_jsonl(iter(records[n : n + per_file]), path)
        files.append(path)
    return files, len(records)


def section_reuters(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    files, n = reuters_files(tmp)
    ctx = Context(limits=BIG_LIMITS)
    size = sum(p.stat().st_size for p in files)
    rows: list[Timing] = []
    t, _ = timed("floor: read + hash bytes", n, lambda: floor(files), args.runs)
    t.extra["mb"] = round(size / 1e6, 2)
    rows.append(t)
    t, articles = timed("read+clean (prepare)", n, lambda: read_clean(files, ctx), args.runs)
    rows.append(t)
    t, (pairs, _) = timed(
        "fingerprint (near-dup index)", n, lambda: fingerprint(articles), args.runs
    )
    t.extra["near_duplicate_matches"] = pairs
    rows.append(t)
    sample = articles[: args.sample]
    ctx.nlp.spacy()
    ctx.nlp.wordllama()
    t, _ = timed(
        "entities (spaCy NER)",
        len(sample),
        lambda: spacy_entities(sample, ctx),
        args.heavy_runs,
        note=f"first {len(sample)} articles",
    )
    rows.append(t)
    t, _ = timed(
        "story features, spaCy",
        len(sample),
        lambda: features(sample, ctx, quick=False),
        args.heavy_runs,
        note=f"first {len(sample)} articles",
    )
    rows.append(t)
    t, feats = timed(
        "story features, quick (no spaCy)",
        n,
        lambda: features(articles, ctx, quick=True),
        args.heavy_runs,
    )
    rows.append(t)
    t, index = timed(
        "story assignment", n, lambda: assign(feats), args.heavy_runs, note="quick features"
    )
    t.extra["stories"] = len(index.profiles)
    rows.append(t)
    db = tmp / "archive-write.db"

    def write() -> dict[str, int]:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        return archive_write(articles, db)

    t, counts = timed("archive write (store)", n, write, args.runs)
    t.extra["outcomes"] = counts
    t.extra["archive_mb"] = round(db.stat().st_size / 1e6, 1)
    rows.append(t)
    e2e_db = tmp / "e2e.db"

    def run_e2e() -> dict[str, int]:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{e2e_db}{suffix}").unlink(missing_ok=True)
        return end_to_end(files, e2e_db, processes=2)

    t, counts = timed(
        "END-TO-END fast path (quick features), 2 processes",
        n,
        run_e2e,
        args.heavy_runs,
        note="read, clean, store, fingerprint, quick features, assign, save",
    )
    t.extra["outcomes"] = counts
    rows.append(t)
    return {
        "corpus": "reuters21578",
        "articles": n,
        "bytes": size,
        "stages": [r.to_dict() for r in rows],
    }


# Runs the CLI, then reports its own CPU time (not its helper processes') on stderr.
_CLI_MAIN = """
import resource, sys
from corroborate.cli import main
try:
    main()
finally:
    r = resource.getrusage(resource.RUSAGE_SELF)
    print(f"main_cpu_s={r.ru_utime + r.ru_stime:.3f}", file=sys.stderr)
"""


def _cli_ingest(files: list[Path], db: Path, mode: str) -> dict[str, Any]:
    """The real ``corroborate ingest`` in a child process on a fresh archive.

    ``mode``: "store" (--no-stories), "quick" (the default: stories, quick
    entities) or "spacy" (--spacy-entities). Returns the summary line and the
    CPU seconds of the ingest process itself (``main_cpu_s``; the reader
    worker and the feature helper are its children, counted in the total).
    """
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    command = [sys.executable, "-c", _CLI_MAIN, "ingest"]
    command += [str(f) for f in files] + ["--db", str(db), "--quiet", "--max-mb", "200"]
    command += {"store": ["--no-stories"], "quick": [], "spacy": ["--spacy-entities"]}[mode]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"corroborate ingest failed ({done.returncode}): {done.stderr[-2000:]}")
    lines = done.stderr.strip().splitlines()
    main_cpu = float(lines[-1].removeprefix("main_cpu_s="))
    return {"summary_line": lines[-2], "main_cpu_s": main_cpu}


def section_cli(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """What ``corroborate ingest`` itself achieves, process start-up and model loads included."""
    files, n = reuters_files(tmp)
    docs = read_reuters()[: args.cli_sample]
    from perf_data import article_record

    sample = tmp / "cli-sample.jsonl"
    write_jsonl(iter([article_record(d, d.id, d.published, d.body) for d in docs]), sample)
    single = tmp / "reuters-all.jsonl"  # the same items as one file: read in parts
    single.write_bytes(b"".join(f.read_bytes() for f in files))
    db = tmp / "cli.db"
    # The probes' articles: the sample's quick features, made once.
    ctx = Context(limits=BIG_LIMITS)
    probe_feats = features(read_clean([sample], ctx), ctx, quick=True)
    runs: list[tuple[str, list[Path], int, str, int, str]] = [
        ("corroborate ingest --no-stories", files, n, "store", args.runs,
         "store only: read, clean, archive"),
        ("corroborate ingest --no-stories, one file", [single], n, "store", args.runs,
         "the same, one 19 MB JSON Lines file"),
        ("corroborate ingest (stories, quick entities)", files, n, "quick", args.heavy_runs,
         "the default; + story features (quick entities, wordllama), assignment"),
        ("corroborate ingest --spacy-entities", [sample], len(docs), "spacy", args.heavy_runs,
         f"first {len(docs)} articles; + story features (spaCy NER, wordllama), assignment"),
    ]  # fmt: skip
    rows: list[Timing] = []
    for label, inputs, count, mode, repeats, note in runs:
        host_before, assign_before = host_probe(), assign_probe(probe_feats)
        t, out = timed(
            label,
            count,
            lambda inputs=inputs, mode=mode: _cli_ingest(inputs, db, mode),
            repeats,
            note=note,
        )
        t.extra.update(out)
        t.extra["main_cpu_ms_per_article"] = round(1000 * out["main_cpu_s"] / count, 3)
        t.extra["host_probe_ms"] = [round(host_before, 1), round(host_probe(), 1)]
        t.extra["assign_probe_ms"] = [round(assign_before, 3), round(assign_probe(probe_feats), 3)]
        print(
            f"    main process: {t.extra['main_cpu_ms_per_article']} ms CPU/article; "
            f"host probe before/after {t.extra['host_probe_ms']} ms; "
            f"assign probe {t.extra['assign_probe_ms']} ms/article",
            flush=True,
        )
        rows.append(t)
    return {
        "corpus": "reuters21578 via the CLI",
        "articles": n,
        "stages": [r.to_dict() for r in rows],
    }


def section_neardup(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    data = plant_near_duplicates(read_reuters(), seed=2)
    rows = neardup_compare(
        data,
        NearDupOptions(),
        args.runs,
        [
            "corroborate (rensa kernel)",
            "corroborate (numpy k-perm)",
            "corroborate (numpy OPH)",
            "datasketch",
            "rensa",
        ],
    )
    return {
        "split": "test (seed 2)",
        "options": "3-word shingles, 128 perm, 64x2 bands, 0.4",
        "rows": rows,
    }


def section_scale(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    started = time.perf_counter()
    if args.corpus is not None:  # a corpus written by an earlier run (same --total)
        # write_corpus puts 20,000 records in each file: take as many as --total needs
        files = sorted(args.corpus.glob("part-*.jsonl"))[: -(-args.total // 20_000)]
        if not files:
            sys.exit(f"no part-*.jsonl files in {args.corpus}")
    else:
        files = write_corpus(read_reuters(), args.total, tmp / "scale")
    generate_s = time.perf_counter() - started
    size = sum(p.stat().st_size for p in files)
    print(
        f"scale: {len(files)} files, {size / 1e6:.0f} MB written in {generate_s:.0f}s", flush=True
    )
    rows: list[Timing] = []
    t, _ = timed("floor: read + hash bytes", args.total, lambda: floor(files))
    t.extra["mb"] = round(size / 1e6, 1)
    rows.append(t)
    if args.parallel_read:
        t, count = timed(
            "read+clean, 2 processes", args.total, lambda: read_clean_parallel(files, 2)
        )
        t.extra["articles_read"] = count
        rows.append(t)
    ctx = Context(limits=BIG_LIMITS)
    db = tmp / "scale.db"
    store_limit = args.total if args.scale_store is None else args.scale_store
    write_s = write_cpu = fp_s = fp_cpu = read_s = read_cpu = 0.0
    matches = stored = 0
    curve: list[dict[str, float]] = []
    from corroborate.neardup import NearDupIndex

    near = NearDupIndex()
    stopped = None
    for path in files:
        if args.scale_budget and time.perf_counter() - started > args.scale_budget:
            stopped = f"time budget {args.scale_budget:.0f}s used at {len(near)} articles"
            print(f"scale: {stopped}", flush=True)
            break
        # Fingerprint every record (title and text as written), in batches of 2000.
        records = [json.loads(line) for line in path.open(encoding="utf-8")]
        c0, w0 = time.process_time(), time.perf_counter()
        for start in range(0, len(records), 2000):
            part = records[start : start + 2000]
            texts = [f"{r['title']}\n\n{r['text']}" for r in part]
            matches += sum(len(m) for m in near.add([r["id"] for r in part], texts))
        fp_s += time.perf_counter() - w0
        fp_cpu += time.process_time() - c0
        curve.append({"indexed": len(near), "cpu_s": round(fp_cpu, 2), "rss_mb": round(rss_mb())})
        if stored < store_limit:  # read+clean and archive write on the first files
            c0, w0 = time.process_time(), time.perf_counter()
            articles = read_clean([path], ctx)
            read_s += time.perf_counter() - w0
            read_cpu += time.process_time() - c0
            c0, w0 = time.process_time(), time.perf_counter()
            archive_write(articles, db)
            write_s += time.perf_counter() - w0
            write_cpu += time.process_time() - c0
            stored += len(articles)
        print(
            f"scale: {path.name} done; {len(near)} fingerprinted, {fp_cpu:.0f}s cpu; "
            f"{stored} stored; rss {rss_mb():.0f} MB; load {os.getloadavg()[0]:.1f}; "
            f"{time.strftime('%H:%M:%S')}",
            flush=True,
        )
    note = f"first {stored} articles"
    if stored:
        rows.append(Timing("read+clean, 1 process", stored, read_s, read_cpu, note=note))
    rows.append(
        Timing(
            "fingerprint (near-dup index)",
            len(near),
            fp_s,
            fp_cpu,
            note="raw title+text of every record",
            extra={"near_duplicate_matches": matches},
        )
    )
    archive_bytes = sum(
        Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists()
    )
    if stored:
        rows.append(
            Timing(
                "archive write (store)",
                stored,
                write_s,
                write_cpu,
                note=note,
                extra={"archive_mb": round(archive_bytes / 1e6, 1)},
            )
        )
    return {
        "corpus": f"replicated Reuters, {args.total} articles",
        "neardup_index_mb": round(near.nbytes / 1e6, 1),
        "neardup_curve": curve,
        "stopped": stopped,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "generate_s": round(generate_s, 1),
        "corpus_reused_from": str(args.corpus) if args.corpus else None,
        "bytes": size,
        "stages": [r.to_dict() for r in rows],
        "archived_articles": stored,
        "archive_bytes_per_article": round(archive_bytes / max(1, stored), 1),
        "archive_gb_per_million": round(archive_bytes / max(1, stored) * 1e6 / 1e9, 2),
    }


def section_assign(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    docs = read_reuters()
    ctx = Context(limits=BIG_LIMITS)
    from corroborate.model import Article

    base_articles = [
        Article(
            title=d.title or d.body[:60],
            paragraphs=[p for p in d.body.split("\n") if p.strip()] or ["-"],
            id=d.id,
            published_at=d.published,
            source="Reuters",
        )
        for d in docs
    ]
    base = features(base_articles, ctx, quick=True)
    checkpoints = sorted(
        {c for c in (10_000, 30_000, 100_000, 300_000, args.total) if c <= args.total}
    )
    rss_before = peak_rss_mb()
    curve = assignment_curve(
        replica_features(base, args.total + 5000), checkpoints, budget_s=args.assign_budget
    )
    return {
        "checkpoints": curve,
        "rss_before_index_mb": round(rss_before, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


SECTIONS = {
    "reuters": section_reuters,
    "cli": section_cli,
    "neardup": section_neardup,
    "scale": section_scale,
    "assign": section_assign,
}


def print_tables(results: dict[str, Any]) -> None:
    for name in ("reuters", "cli", "scale"):
        if name not in results:
            continue
        print(f"\n== {name}: {results[name]['corpus']}")
        print(f"{'stage':42} {'articles':>9} {'art/s wall':>11} {'art/s cpu':>10}  note")
        for row in results[name]["stages"]:
            extra = {
                k: v
                for k, v in row.items()
                if k
                not in {
                    "stage",
                    "articles",
                    "wall_s",
                    "cpu_s",
                    "articles_per_s_wall",
                    "articles_per_s_cpu",
                    "runs",
                    "note",
                }
            }
            print(
                f"{row['stage']:42} {row['articles']:9d} {row['articles_per_s_wall']:11.1f} "
                f"{row['articles_per_s_cpu']:10.1f}  {row['note']} {extra if extra else ''}"
            )
    if "neardup" in results:
        print("\n== near duplicates (test split, equal settings):")
        print(
            f"{'method':30} {'texts/s cpu':>11} {'x datasketch':>12} {'recall':>7} {'r.planted':>9} "
            f"{'p.planted':>9} {'p.jaccard':>9}"
        )
        for r in results["neardup"]["rows"]:
            print(
                f"{r['method']:30} {r['texts_per_s_cpu']:11.0f} "
                f"{r.get('speedup_vs_datasketch_cpu', 0):12.1f} {r['recall']:7.4f} "
                f"{r['recall_planted']:9.4f} {r['precision_planted']:9.4f} {r['precision_jaccard']:9.4f}"
            )
    if "assign" in results:
        print("\n== story assignment as the index grows:")
        for row in results["assign"]["checkpoints"]:
            print("  ", row)
        print(f"   peak RSS {results['assign']['peak_rss_mb']} MB")


def code_version() -> str:
    """The commit of the corroborate package being measured (the imported one, wherever
    it lives), with "+ uncommitted changes" when its files differ from that commit."""
    import corroborate

    package = Path(corroborate.__file__).resolve().parent
    git = ["git", "-C", str(package)]
    try:
        head = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            [*git, "status", "--porcelain", "--", "."], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as exc:
        return f"unknown: {package} is not in a git checkout ({exc})"
    return f"{head} + uncommitted changes" if changed else head


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sections", default="reuters,cli,neardup,scale,assign")
    parser.add_argument("--runs", type=int, default=3, help="runs per Reuters stage (median)")
    parser.add_argument(
        "--heavy-runs",
        type=int,
        default=None,
        help="runs of the slow Reuters stages (features, assignment, end-to-end); default --runs",
    )
    parser.add_argument("--sample", type=int, default=2000, help="articles for the spaCy stages")
    parser.add_argument(
        "--cli-sample",
        type=int,
        default=2000,
        help="articles for `corroborate ingest` with stories",
    )
    parser.add_argument("--total", type=int, default=1_000_000, help="size of the scaled corpus")
    parser.add_argument("--assign-budget", type=float, default=4 * 3600.0)
    parser.add_argument(
        "--corpus", type=Path, default=None, help="scale: reuse part-*.jsonl files from this folder"
    )
    parser.add_argument(
        "--scale-store",
        type=int,
        default=None,
        help="scale: read+clean and archive-write only the first files up to N articles",
    )
    parser.add_argument(
        "--scale-budget", type=float, default=None, help="scale: stop adding files after N s"
    )
    parser.add_argument(
        "--parallel-read",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="scale: also time read+clean on two processes (one more pass over the corpus)",
    )
    parser.add_argument("--json", type=Path, default=RESULTS)
    parser.add_argument("--tmp", type=Path, default=None, help="scratch folder (default: temp)")
    args = parser.parse_args()
    args.heavy_runs = args.heavy_runs or args.runs
    wanted = [s for s in args.sections.split(",") if s]
    unknown = [s for s in wanted if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown sections {unknown}; known: {', '.join(SECTIONS)}")
    results: dict[str, Any] = json.loads(args.json.read_text()) if args.json.exists() else {}
    with tempfile.TemporaryDirectory(dir=args.tmp) as scratch:
        for name in wanted:
            print(f"== running {name}", flush=True)
            started = time.perf_counter()
            code = code_version()
            results[name] = SECTIONS[name](args, Path(scratch))
            results[name]["code"] = code
            results[name]["section_wall_s"] = round(time.perf_counter() - started, 1)
            results[name]["measured_at"] = time.strftime("%Y-%m-%d %H:%M:%S")
            results[name]["load_average_after"] = os.getloadavg()
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(results, indent=2))
    results["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    args.json.write_text(json.dumps(results, indent=2))
    print_tables(results)


if __name__ == "__main__":
    main()
