"""Are two archives the same ingest? For A/B checks of speed work on ``corroborate ingest``.

    python benchmarks/compare_archives.py before.db after.db            # identical?
    python benchmarks/compare_archives.py before.db after.db --tol 1e-9 # scores within 1e-9

Compares, row by row in a fixed order: articles (every column but the
ingest time, which also is dropped from the stored record), article versions,
story members (article, story, pinned, order, score, reasons), story
features, story redirects, story decisions (without their time), per-source
line counts and pending links. Story members must name the same story for
the same article (story ids are given in arrival order, so any changed
decision shows). With ``--tol``, numbers in scores and reasons may differ by
that much (relative or absolute); everything else must be equal. Exits 1 on
any difference, printing the first few.
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import sys
from collections.abc import Iterator
from typing import Any

QUERIES = {
    "articles": "SELECT id, content_hash, url, source, title, body, published_at, version, record"
    " FROM articles ORDER BY id",
    "versions": "SELECT content_hash, article_id, version, record FROM article_versions"
    " ORDER BY content_hash",
    "members": "SELECT article_id, story_id, pinned, seq, score, reasons FROM story_members"
    " ORDER BY article_id",
    "features": "SELECT article_id, data FROM story_features ORDER BY article_id",
    "redirects": "SELECT old_id, new_id FROM story_redirects ORDER BY old_id",
    "decisions": "SELECT seq, data FROM story_decisions ORDER BY seq",
    "lines": "SELECT source, line_hash, articles FROM source_lines ORDER BY source, line_hash",
    "links": "SELECT url, found_in, title FROM pending_links ORDER BY url",
}
# Columns holding JSON whose numbers may move in the last bits (vectorised sums).
LOOSE = {("members", 4), ("members", 5)}


def rows(path: str, table: str) -> Iterator[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for row in conn.execute(QUERIES[table]):
            out = list(row)
            if table in ("articles", "versions"):
                record = json.loads(out[-1])
                record.pop("ingested_at", None)
                out[-1] = record
            yield tuple(out)
    finally:
        conn.close()


def close(a: Any, b: Any, tol: float) -> bool:
    """Equal, numbers within ``tol`` (relative or absolute), recursing into JSON."""
    if isinstance(a, str) and isinstance(b, str) and a[:1] in "[{" and b[:1] in "[{":
        try:
            return close(json.loads(a), json.loads(b), tol)
        except ValueError:
            return a == b
    if isinstance(a, float | int) and isinstance(b, float | int):
        return math.isclose(a, b, rel_tol=tol, abs_tol=tol)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y, tol) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k], tol) for k in a)
    return bool(a == b)


def compare(before: str, after: str, tol: float = 0.0, show: int = 5) -> dict[str, Any]:
    """Per table: rows on each side, rows that differ, and the first differences."""
    report: dict[str, Any] = {}
    for table in QUERIES:
        a, b = list(rows(before, table)), list(rows(after, table))
        diffs = []
        for i in range(max(len(a), len(b))):
            x = a[i] if i < len(a) else None
            y = b[i] if i < len(b) else None
            if x is None or y is None or len(x) != len(y):
                diffs.append((x, y))
                continue
            same = all(
                close(u, v, tol) if tol and (table, c) in LOOSE else u == v
                for c, (u, v) in enumerate(zip(x, y, strict=True))
            )
            if not same:
                diffs.append((x, y))
        report[table] = {"before": len(a), "after": len(b), "differ": len(diffs)}
        report[table]["first"] = [(repr(x)[:300], repr(y)[:300]) for x, y in diffs[:show]]
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--tol", type=float, default=0.0, help="tolerance on scores and reasons")
    args = parser.parse_args()
    report = compare(args.before, args.after, args.tol)
    bad = 0
    for table, r in report.items():
        verdict = "SAME" if r["differ"] == 0 else f"{r['differ']} DIFFER"
        print(f"{table:10s} {r['before']:6d} {r['after']:6d}  {verdict}")
        for x, y in r["first"]:
            print(f"   before: {x}\n   after:  {y}")
        bad += r["differ"]
    print("identical" if bad == 0 else "DIFFERENT" + (f" (tol {args.tol:g})" if args.tol else ""))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
