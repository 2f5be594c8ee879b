"""Article-body extraction benchmark: our HTML reader against six saved extractors.

Data: the Zyte (Scrapinghub) article-extraction benchmark in
``../shared/data/article-extraction`` (181 pages, ``ground-truth.json``, and the
saved outputs of six open-source extractors in ``output/*.json``).

The metric replicates the upstream ``evaluate.py`` of
https://github.com/scrapinghub/article-extraction-benchmark (read at commit
7d95432dc2320c068b1e53072c64e8c13cf096cb): tokens are ``\\w+`` matches; each
text becomes a multiset of 4-token shingles (a text shorter than 4 tokens is one
shorter shingle); per page TP/FP/FN are the multiset overlaps, normalised to sum
to 1 so every page weighs the same; precision is the mean over pages with
TP+FP > 0, recall the mean over pages with TP+FN > 0, and F1 the harmonic mean
of those two means. ``±`` is the bootstrap standard deviation over pages
(1000 resamples, as upstream). The saved outputs reproduce the published
figures (trafilatura 0.958, newspaper4k 0.949, news-please 0.948,
readability-lxml 0.922, goose3 0.896, jusText 0.804), which checks the metric.

Our figure is for ``corroborate.readers.html.read_html`` with its default
options, paragraphs joined by ``"\\n"``; a page the reader rejects scores as an
empty prediction. Speed is pages per second over the whole set, median of
``--runs`` runs (parsing included, gzip decompression and scoring excluded),
measured in CPU time of the process (one core), which shared machines disturb
far less than wall-clock time.

    python benchmarks/extraction.py               # table
    python benchmarks/extraction.py --json        # the same figures as JSON
    python benchmarks/extraction.py --options     # also the trafilatura option sets tried
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from corroborate.config import Context
from corroborate.errors import InputError
from corroborate.readers.base import RawInput
from corroborate.readers.html import DEFAULT_OPTIONS, HtmlOptions, read_html

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "article-extraction"
SAVED = ("trafilatura", "newspaper", "news_please", "readability", "goose3", "justext")
PUBLISHED_F1 = {
    "trafilatura": 0.958,
    "newspaper": 0.949,
    "news_please": 0.948,
    "readability": 0.922,
    "goose3": 0.896,
    "justext": 0.804,
}
# The option sets tried while choosing DEFAULT_OPTIONS (trafilatura's own switches).
OPTION_SETS: dict[str, HtmlOptions] = {
    "trafilatura defaults (with fallbacks)": HtmlOptions(fast=False),
    "fast (no fallbacks) [chosen]": HtmlOptions(fast=True),
    "favor_precision": HtmlOptions(fast=False, favor_precision=True),
    "favor_recall": HtmlOptions(fast=False, favor_recall=True),
    "fast + favor_precision": HtmlOptions(fast=True, favor_precision=True),
    "fast + favor_recall": HtmlOptions(fast=True, favor_recall=True),
    "fast, no tables": HtmlOptions(fast=True, include_tables=False),
}

TpFpFn = tuple[float, float, float]

# --- the upstream metric ---------------------------------------------------------

_TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def tokenize(text: str | None) -> list[str]:
    return _TOKEN_RE.findall(text or "")


def shingles(text: str | None, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = tokenize(text)
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def shingle_matching(true: str | None, pred: str | None) -> TpFpFn:
    """Per-page TP/FP/FN over 4-shingles, normalised to sum to 1 (upstream's weighting)."""
    t, p = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for key in t.keys() | p.keys():
        tc, pc = t.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s > 0 else (tp, fp, fn)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def summarize(counts: list[TpFpFn]) -> dict[str, float]:
    """Macro precision and recall over pages, F1 of the two means (as upstream)."""
    precision = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0)
    return {
        "f1": 2 * precision * recall / (precision + recall),
        "precision": precision,
        "recall": recall,
    }


def bootstrap_std(counts: list[TpFpFn], n: int = 1000, seed: int = 0) -> dict[str, float]:
    rng = random.Random(seed)
    values: dict[str, list[float]] = {}
    for _ in range(n):
        sample = [counts[rng.randrange(len(counts))] for _ in counts]
        for key, value in summarize(sample).items():
            values.setdefault(key, []).append(value)
    return {f"{k}_std": statistics.stdev(v) for k, v in values.items()}


def score(truth: Mapping[str, str], predicted: Mapping[str, str | None]) -> dict[str, float]:
    counts = [shingle_matching(truth[k], predicted.get(k)) for k in sorted(truth)]
    return {**summarize(counts), **bootstrap_std(counts)}


# --- data --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    id: str
    html: bytes
    truth: str


def load_pages(data: Path, ids: list[str] | None = None) -> list[Page]:
    """Pages with their ground-truth body, sorted by id (optionally only ``ids``)."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    wanted = sorted(truth) if ids is None else ids
    return [
        Page(
            i,
            gzip.decompress((data / "html" / f"{i}.html.gz").read_bytes()),
            truth[i].get("articleBody") or "",
        )
        for i in wanted
    ]


def load_saved(data: Path, name: str) -> dict[str, str | None]:
    """A saved extractor's bodies; newer upstream files wrap them as {"output", "version"}."""
    raw = json.loads((data / "output" / f"{name}.json").read_text(encoding="utf-8"))
    if isinstance(raw, dict) and set(raw) == {"output", "version"}:
        raw = raw["output"]
    return {k: (v or {}).get("articleBody") for k, v in raw.items()}


# --- running our reader --------------------------------------------------------------


def extract_all(
    pages: list[Page], ctx: Context, options: HtmlOptions = DEFAULT_OPTIONS
) -> tuple[dict[str, str], list[str], float]:
    """Our body text per page, the ids the reader rejected, and the CPU seconds used.

    CPU time of this process rather than wall-clock time, because the machines
    this runs on are shared and wall-clock figures there swing by 2x.
    """
    out: dict[str, str] = {}
    failed: list[str] = []
    start = time.process_time()
    for page in pages:
        try:
            [article] = read_html(RawInput(f"{page.id}.html", page.html), ctx, options).articles
        except InputError:
            failed.append(page.id)
            out[page.id] = ""
            continue
        out[page.id] = "\n".join(article.paragraphs)
    return out, failed, time.process_time() - start


def evaluate_ours(
    pages: list[Page], runs: int = 3, options: HtmlOptions = DEFAULT_OPTIONS
) -> dict[str, Any]:
    ctx = Context()
    speeds: list[float] = []
    for _ in range(max(1, runs)):
        predicted, failed, seconds = extract_all(pages, ctx, options)
        speeds.append(len(pages) / seconds)
    truth = {p.id: p.truth for p in pages}
    return {
        **score(truth, predicted),
        "pages_per_s": statistics.median(speeds),
        "failed": failed,
    }


def run(data: Path, runs: int, with_options: bool) -> dict[str, Any]:
    pages = load_pages(data)
    truth = {p.id: p.truth for p in pages}
    results: dict[str, Any] = {
        "pages": len(pages),
        "ours": evaluate_ours(pages, runs),
        "ours_options": asdict(DEFAULT_OPTIONS),
        "saved": {name: score(truth, load_saved(data, name)) for name in SAVED},
    }
    if with_options:
        results["option_sets"] = {
            label: evaluate_ours(pages, 1, options) for label, options in OPTION_SETS.items()
        }
    return results


def _row(name: str, m: dict[str, Any], extra: str = "") -> str:
    return (
        f"{name:<48} F1={m['f1']:.3f} ± {m['f1_std']:.3f}  "
        f"precision={m['precision']:.3f}  recall={m['recall']:.3f}  {extra}"
    )


def print_table(results: dict[str, Any]) -> None:
    ours = results["ours"]
    print(f"article-extraction benchmark, {results['pages']} pages (token 4-shingle P/R/F1)")
    print(
        _row(
            "corroborate html reader",
            ours,
            f"{ours['pages_per_s']:.1f} pages/s (CPU, median of runs)",
        )
    )
    if ours["failed"]:
        print(f"  rejected pages (scored empty): {len(ours['failed'])}")
    for name, m in results["saved"].items():
        print(_row(f"saved: {name}", m, f"(published F1 {PUBLISHED_F1[name]:.3f})"))
    for label, m in results.get("option_sets", {}).items():
        print(_row(f"option set: {label}", m, f"{m['pages_per_s']:.1f} pages/s (CPU, 1 run)"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of our reader")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--options", action="store_true", help="also score the option sets tried")
    args = parser.parse_args(argv)
    if not (args.data / "ground-truth.json").exists():
        print(f"no benchmark data at {args.data.resolve()}", file=sys.stderr)
        return 2
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    results = run(args.data, args.runs, args.options)
    if args.json:
        print(json.dumps(results, indent=2, sort_keys=True))
    else:
        print_table(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
