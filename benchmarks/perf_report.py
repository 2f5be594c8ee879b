"""Markdown tables from the performance suite's JSON, for docs/scale.md.

    python benchmarks/perf_report.py [benchmarks/results/perf_suite.json]

Prints one table per section that is present (with its date and the load
average at its end), so the figures in the docs are copied, never retyped.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "perf_suite.json"


def _load(section: dict[str, Any]) -> str:
    load = section.get("load_average_after")
    when = section.get("measured_at", "?")
    if "code" in section:  # recorded since 7 December 2026
        when += f" at {section['code']}"
    if not load:
        return f"measured {when}"
    return f"measured {when}; load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"


def stage_table(section: dict[str, Any]) -> list[str]:
    """One row per stage: articles, per second (wall and CPU), ms of CPU per article."""
    out = [
        f"*{section['corpus']}* ({_load(section)})",
        "",
        "| stage | articles | runs | articles/s wall | articles/s CPU | CPU ms/article | note |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in section["stages"]:
        cpu_ms = 1000 * row["cpu_s"] / row["articles"] if row["articles"] else 0.0
        note = row["note"]
        if "main_cpu_ms_per_article" in row:  # the cli section: the ingest process alone
            note += f"; main process {row['main_cpu_ms_per_article']:.3f} ms CPU/article"
        if "host_probe_ms" in row:  # recorded since 8 December 2026: the host's speed then
            before, after = row["host_probe_ms"]
            note += f"; host probe {before:.0f}/{after:.0f} ms"
        if "assign_probe_ms" in row:  # since 8 December 2026, 01:00
            before, after = row["assign_probe_ms"]
            note += f"; assign probe {before:.2f}/{after:.2f} ms/article"
        walls = row.get("wall_s_runs", [])
        if len(walls) > 1:  # recorded since 7 December 2026
            n = row["articles"]
            note += f"; runs {n / max(walls):,.0f}–{n / min(walls):,.0f}/s wall"
        out.append(
            f"| {row['stage']} | {row['articles']:,} | {row['runs']} | "
            f"{row['articles_per_s_wall']:,.0f} | {row['articles_per_s_cpu']:,.0f} | "
            f"{cpu_ms:.3f} | {note} |"
        )
    return out


def neardup_table(section: dict[str, Any]) -> list[str]:
    out = [
        f"*Reuters bodies + 1,000 planted edited copies, {section['split']}; "
        f"{section['options']}* ({_load(section)})",
        "",
        "| method | texts/s CPU | texts/s wall | × datasketch (CPU) | × datasketch (wall) "
        "| recall | recall planted | recall identical | precision planted | precision Jaccard |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in section["rows"]:
        out.append(
            f"| {r['method']} | {r['texts_per_s_cpu']:,.0f} | {r['texts_per_s_wall']:,.0f} | "
            f"{r['speedup_vs_datasketch_cpu']:.1f} | {r['speedup_vs_datasketch_wall']:.1f} | "
            f"{r['recall']:.4f} | {r['recall_planted']:.3f} | {r['recall_exact']:.3f} | "
            f"{r['precision_planted']:.3f} | {r['precision_jaccard']:.3f} |"
        )
    return out


def assign_table(section: dict[str, Any]) -> list[str]:
    out = [
        f"*story assignment as the index grows* ({_load(section)})",
        "",
        "| articles indexed | ms/article wall | ms/article CPU | RSS MB "
        "| index KB/article | largest story | stories |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in section["checkpoints"]:
        if "archived" not in row:
            out.append(f"| stopped at {row['stopped_at']:,}: {row['reason']} | | | | | | |")
            continue
        out.append(
            f"| {row['archived']:,} | {row['ms_per_article_wall']} | {row['ms_per_article_cpu']} "
            f"| {row['rss_mb']} | {row.get('index_kb_per_article', '-')} "
            f"| {row.get('largest_story', '-')} | {row['stories']:,} |"
        )
    return out


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS
    results = json.loads(path.read_text())
    for name in ("reuters", "cli", "scale"):
        if name in results:
            print("\n".join(stage_table(results[name])), end="\n\n")
    if "neardup" in results:
        print("\n".join(neardup_table(results["neardup"])), end="\n\n")
    if "assign" in results:
        print("\n".join(assign_table(results["assign"])), end="\n\n")


if __name__ == "__main__":
    main()
