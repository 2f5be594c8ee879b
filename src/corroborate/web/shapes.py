"""Pure transformations from data-function output to what a page draws.

Nothing here touches the archive or the network: each function takes plain
JSON-ready data and returns plain data (a pivot table, a graph layout, word
diffs, sentence runs), so the page and its ``.json`` twin show the same thing
and each shape can be tested on small fixtures.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from corroborate.text import article_sentences

__all__ = [
    "article_runs",
    "facts_table",
    "graph_layout",
    "safe_link",
    "story_flags",
    "word_diff",
]

FLAG_KEYS = ("conflicts", "altered_quotes", "copies", "rewrites")


def story_flags(data: dict[str, Any]) -> dict[str, int]:
    """Counts of what a reader should look at: number conflicts, altered quotes, copies."""
    quantities = data.get("quantities") or []
    quotes = data.get("quotes") or []
    reuse = data.get("reuse") or []
    return {
        "conflicts": sum(1 for g in quantities if g.get("status") == "conflict"),
        "altered_quotes": sum(
            1 for g in quotes if g.get("fidelity") in ("altered", "paraphrase-in-quotes")
        ),
        "copies": sum(1 for e in reuse if e.get("kind") == "copy"),
        "rewrites": sum(1 for e in reuse if e.get("kind") == "rewrite"),
    }


def facts_table(
    quantities: list[dict[str, Any]], outlet_of: dict[str, str], outlets: list[str]
) -> dict[str, Any]:
    """Measures × outlets: what each outlet reports for each measure, conflicts first."""
    rows = []
    for group in quantities:
        cells: dict[str, list[dict[str, Any]]] = {o: [] for o in outlets}
        for value in group.get("values", []):
            for article_id in value.get("articles", []):
                outlet = outlet_of.get(article_id, article_id)
                cell = cells.setdefault(outlet, [])
                if all(v["text"] != value["text"] for v in cell):
                    evidence = next(
                        (e for e in value.get("evidence", []) if e.get("article") == article_id),
                        None,
                    )
                    cell.append(
                        {
                            "text": value["text"],
                            "hedge": value.get("hedge"),
                            "article": article_id,
                            "sentence": evidence.get("sentence") if evidence else None,
                        }
                    )
        rows.append(
            {
                "measure": group.get("measure", ""),
                "status": group.get("status", ""),
                "cells": [cells.get(o, []) for o in outlets],
            }
        )
    return {"outlets": list(outlets), "rows": rows}


def graph_layout(
    nodes: list[dict[str, Any]], edges: list[dict[str, Any]], width: int = 720
) -> dict[str, Any]:
    """Place articles in columns by publication order, one arrow per reuse edge.

    A node's column is its depth in the reuse graph (sources left, derivatives
    right), so arrows mostly point rightwards; rows follow publication time.
    """
    ids = [n["id"] for n in nodes]
    depth = {i: 0 for i in ids}
    drawn = [e for e in edges if e.get("from") in depth and e.get("to") in depth]
    for _ in range(len(ids)):
        changed = False
        for e in drawn:
            if e["from"] != e["to"] and depth[e["to"]] < depth[e["from"]] + 1 <= len(ids):
                depth[e["to"]] = depth[e["from"]] + 1
                changed = True
        if not changed:
            break
    columns = max(depth.values(), default=0) + 1
    per_column: dict[int, list[str]] = {}
    for i in ids:
        per_column.setdefault(depth[i], []).append(i)
    rows = max((len(v) for v in per_column.values()), default=1)
    node_w, node_h, gap_y = 180, 46, 22
    gap_x = max(40, (width - columns * node_w) // max(columns, 1))
    height = rows * (node_h + gap_y) + gap_y
    place: dict[str, tuple[float, float]] = {}
    out_nodes = []
    for column, members in per_column.items():
        for row, node_id in enumerate(members):
            x = gap_x / 2 + column * (node_w + gap_x)
            y = gap_y + row * (node_h + gap_y)
            place[node_id] = (x, y)
            node = next(n for n in nodes if n["id"] == node_id)
            out_nodes.append(
                {
                    "id": node_id,
                    "x": round(x, 1),
                    "y": round(y, 1),
                    "w": node_w,
                    "h": node_h,
                    "label": _clip(node.get("outlet") or node_id, 24),
                    "title": node.get("title") or "",
                    "original": bool(node.get("original")),
                }
            )
    out_edges = []
    for e in drawn:
        if e["from"] == e["to"]:
            continue
        (x1, y1), (x2, y2) = place[e["from"]], place[e["to"]]
        start, end = _border_points(x1, y1, x2, y2, node_w, node_h)
        out_edges.append(
            {
                "from": e["from"],
                "to": e["to"],
                "kind": e.get("kind", ""),
                "share": e.get("share", 0.0),
                "x1": start[0],
                "y1": start[1],
                "x2": end[0],
                "y2": end[1],
                "label": f"{e.get('kind', '')} {round(100 * float(e.get('share') or 0))}%",
            }
        )
    return {
        "width": int(max(width, columns * (node_w + gap_x))),
        "height": int(height),
        "nodes": out_nodes,
        "edges": out_edges,
    }


def _border_points(
    x1: float, y1: float, x2: float, y2: float, w: float, h: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Where the line between two box centres leaves the first box and enters the second."""
    c1 = (x1 + w / 2, y1 + h / 2)
    c2 = (x2 + w / 2, y2 + h / 2)
    dx, dy = c2[0] - c1[0], c2[1] - c1[1]
    if dx == 0 and dy == 0:
        return c1, c2
    scale = min(
        (w / 2) / abs(dx) if dx else math.inf,
        (h / 2) / abs(dy) if dy else math.inf,
    )
    ox, oy = dx * scale, dy * scale
    start = (round(c1[0] + ox, 1), round(c1[1] + oy, 1))
    end = (round(c2[0] - ox * 1.08, 1), round(c2[1] - oy * 1.08, 1))
    return start, end


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def word_diff(a: str, b: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Both texts as runs of words, each run marked ``same`` or ``diff`` (word-level)."""
    wa, wb = a.split(), b.split()
    left: list[dict[str, Any]] = []
    right: list[dict[str, Any]] = []
    matcher = difflib.SequenceMatcher(a=[w.lower() for w in wa], b=[w.lower() for w in wb])
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        same = op == "equal"
        if i2 > i1:
            left.append({"text": " ".join(wa[i1:i2]), "same": same})
        if j2 > j1:
            right.append({"text": " ".join(wb[j1:j2]), "same": same})
    return left, right


def article_runs(
    paragraphs: list[str], marks: Mapping[int, Iterable[str]] | None = None
) -> list[list[dict[str, Any]]]:
    """Paragraphs as runs of text, each sentence a run with its index (for anchors).

    ``marks`` maps a sentence index to labels (e.g. ``copied``) the page shows
    as highlight classes. Text between sentences is kept, so nothing is lost.
    """
    marks = marks or {}
    body_starts = []
    offset = 0
    for paragraph in paragraphs:
        body_starts.append(offset)
        offset += len(paragraph) + 2
    out: list[list[dict[str, Any]]] = [[] for _ in paragraphs]
    cursor = [0] * len(paragraphs)
    for s in article_sentences(paragraphs):
        p = s.paragraph
        if not 0 <= p < len(paragraphs):
            continue
        local_start, local_end = s.start - body_starts[p], s.end - body_starts[p]
        if local_start > cursor[p]:
            out[p].append({"text": paragraphs[p][cursor[p] : local_start], "sentence": None})
        out[p].append(
            {
                "text": paragraphs[p][local_start:local_end],
                "sentence": s.index,
                "marks": sorted(set(marks.get(s.index, ()))),
            }
        )
        cursor[p] = local_end
    for p, paragraph in enumerate(paragraphs):
        if cursor[p] < len(paragraph):
            out[p].append({"text": paragraph[cursor[p] :], "sentence": None})
    return out


def safe_link(url: str | None) -> str | None:
    """``url`` when it is a plain http(s) link, else None (no ``javascript:`` hrefs)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url.strip()
    return None
