"""DUC 2006 benchmark of the story digest: ROUGE-2 / ROUGE-SU4 recall and speed.

For each of the 50 topics the digest runs on the topic's 25 documents with the
topic statement (title + narrative) as focus at 250 words (one sentence may
cross the budget, ``overflow=True``, and the text is then truncated to exactly
250 words, as DUC truncated every summary). Scores are recall against the 4
human summaries, jackknifed as NIST did, averaged over topics and reported for
all 50 topics, the 20 development topics (first 20 topic ids, the only ones
used to choose settings) and the 30 held-out topics. The NIST lead baseline
(the leading sentences of the most recent document) is scored the same way as
a check of the scoring against NIST's published table.

    python benchmarks/duc2006.py                # full run, prints the tables
    python benchmarks/duc2006.py --split dev    # development topics only
    python benchmarks/duc2006.py --set focus_weight=2 --set compress=true
    python benchmarks/duc2006.py --no-focus-run  # also without the topic statement
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corroborate.config import Context
from corroborate.summarize import DigestOptions, digest_story
from corroborate.text import article_sentences
from duc2006_data import DucTopic, default_data_dir, load_topics, split_dev_test
from duc2006_rouge import (
    RougeScores,
    Tokenizer,
    check_rouge2_against_rouge_score,
    make_tokenizer,
    score_summary,
    truncate_words,
)

WORDS = 250
# NIST's published jackknifed averages (NISTeval/rouge2.jk.m.avg, rougeSU4.jk.m.avg).
NIST = {
    "NIST lead baseline (id 1)": (0.04947, 0.09788),
    "best participant (id 24)": (0.09505, 0.15464),
    "humans (A-J), lowest": (0.10361, 0.16043),
    "humans (A-J), highest": (0.13260, 0.18385),
}


def lead_baseline(topic: DucTopic) -> str:
    """NIST's baseline: the leading sentences of the most recent document."""
    latest = max(topic.articles, key=lambda a: (a.published_at is not None, a.published_at, a.id))
    return " ".join(s.text for s in article_sentences(latest.paragraphs))


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    """``key=value`` strings to typed DigestOptions fields."""
    types = {f.name: f.type for f in fields(DigestOptions)}
    out: dict[str, Any] = {}
    for pair in pairs:
        key, _, raw = pair.partition("=")
        if key not in types:
            raise SystemExit(f"unknown option {key!r}; known: {', '.join(sorted(types))}")
        kind = str(types[key])
        value: Any = raw
        if kind == "bool":
            value = raw.lower() in {"1", "true", "yes"}
        elif kind == "int":
            value = int(raw)
        elif kind == "float":
            value = float(raw)
        out[key] = value
    return out


def mean_scores(scores: list[RougeScores]) -> tuple[float, float]:
    return (
        statistics.fmean(s.rouge2 for s in scores),
        statistics.fmean(s.su4 for s in scores),
    )


@dataclass(slots=True)
class RunResult:
    """Scores by topic id and the wall-clock / CPU seconds of each digest."""

    scores: dict[str, RougeScores] = field(default_factory=dict)
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    worst_check: float = 0.0


def run(
    ctx: Context,
    topics: list[DucTopic],
    options: DigestOptions,
    tokenize: Tokenizer,
    use_focus: bool = True,
) -> RunResult:
    """Digest every topic (focus = topic statement unless told not), truncate, score."""
    result = RunResult()
    for topic in topics:
        refs = list(topic.references.values())
        focus = topic.focus if use_focus else None
        wall, cpu = time.perf_counter(), time.process_time()
        digest = digest_story(ctx, topic.articles, focus=focus, options=options)
        result.wall.append(time.perf_counter() - wall)
        result.cpu.append(time.process_time() - cpu)
        summary = truncate_words(digest.text, WORDS)
        result.scores[topic.topic_id] = score_summary(summary, refs, tokenize)
        result.worst_check = max(
            result.worst_check, check_rouge2_against_rouge_score(summary, refs, tokenize)
        )
    return result


def run_lead(topics: list[DucTopic], tokenize: Tokenizer) -> RunResult:
    result = RunResult()
    for topic in topics:
        summary = truncate_words(lead_baseline(topic), WORDS)
        result.scores[topic.topic_id] = score_summary(
            summary, list(topic.references.values()), tokenize
        )
    return result


def human_scores(topics: list[DucTopic], tokenize: Tokenizer) -> dict[str, RougeScores]:
    """Each human summariser's mean recall, every summary scored against the other three."""
    by_id: dict[str, list[RougeScores]] = {}
    for topic in topics:
        for author, text in topic.references.items():
            others = [t for a, t in topic.references.items() if a != author]
            by_id.setdefault(author, []).append(
                score_summary(truncate_words(text, WORDS), others, tokenize)
            )
    return {author: RougeScores(*mean_scores(scores)) for author, scores in sorted(by_id.items())}


def read_nist_table(path: Path) -> dict[str, float]:
    """NIST's ``*.jk.m.avg`` table: summariser id -> jackknifed average recall."""
    out: dict[str, float] = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            out[parts[0]] = float(parts[1])
    return out


def time_story(
    ctx: Context, topic: DucTopic, options: DigestOptions, repeats: int
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of repeated digests of one 25-article topic."""
    wall_runs, cpu_runs = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        digest_story(ctx, topic.articles, focus=topic.focus, options=options)
        wall_runs.append(time.perf_counter() - wall)
        cpu_runs.append(time.process_time() - cpu)
    return wall_runs, cpu_runs


def print_table(rows: list[tuple[str, RunResult]], topics: list[DucTopic]) -> None:
    dev, test = split_dev_test(topics)
    groups = [("all 50", topics), ("dev 20", dev), ("held-out 30", test)]
    header = "".join(f"{name:>22}" for name, _ in groups)
    print(f"{'ROUGE-2 / SU4 recall':<44}{header}")
    for label, result in rows:
        cells = []
        for _, group in groups:
            ids = [t.topic_id for t in group]
            if any(i not in result.scores for i in ids):
                cells.append(f"{'-':>22}")
                continue
            r2, su4 = mean_scores([result.scores[i] for i in ids])
            cells.append(f"{r2:>13.4f} / {su4:.4f}")
        print(f"{label:<44}{''.join(cells)}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", choices=["all", "dev", "test"], default="all")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--repeats", type=int, default=7, help="timing runs per story")
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument(
        "--no-focus-run", action="store_true", help="also score digests made without the topic"
    )
    args = parser.parse_args()
    logging.getLogger("absl").setLevel(logging.WARNING)
    if not args.data.is_dir():
        raise SystemExit(f"DUC 2006 data not found at {args.data}")
    overrides = parse_overrides(args.set)
    duc = replace(DigestOptions(max_words=WORDS, overflow=True), **overrides)
    whole = replace(duc, overflow=False)
    topics = load_topics(args.data)
    dev, test = split_dev_test(topics)
    chosen = {"all": topics, "dev": dev, "test": test}[args.split]
    tokenize = make_tokenizer()
    ctx = Context()
    ctx.nlp.wordllama()  # load once, outside the timings
    ours = run(ctx, chosen, duc, tokenize)
    exact = run(ctx, chosen, whole, tokenize)
    lead = run_lead(chosen, tokenize)
    rows = [
        ("digest, one sentence past 250 then truncated", ours),
        ("digest, whole sentences within 250 words", exact),
    ]
    if args.no_focus_run:
        rows.append(("digest without the topic statement", run(ctx, chosen, duc, tokenize, False)))
    rows.append(("NIST lead baseline, rescored here", lead))

    print(f"options: {duc}")
    print("ROUGE: rouge-score tokenizer with Porter stemming, stopwords kept; summaries truncated")
    print(f"to {WORDS} words; recall jackknifed over the 4 references (-f A), mean over topics.")
    print(
        f"ROUGE-2 check against rouge_score, largest per-reference difference: {ours.worst_check:.2e}\n"
    )
    print_table(rows, topics)
    if args.split == "all":
        nist2 = read_nist_table(args.data / "NISTeval" / "rouge2.jk.m.avg")
        nistsu4 = read_nist_table(args.data / "NISTeval" / "rougeSU4.jk.m.avg")
        print("\nscoring check on the human summaries (each against the other three):")
        print(f"  {'id':<4}{'R-2 here':>10}{'NIST':>9}{'SU4 here':>10}{'NIST':>9}")
        for author, sc in human_scores(topics, tokenize).items():
            print(
                f"  {author:<4}{sc.rouge2:>10.4f}{nist2.get(author, float('nan')):>9.4f}"
                f"{sc.su4:>10.4f}{nistsu4.get(author, float('nan')):>9.4f}"
            )
    print("\nNIST published (all 50 topics, ROUGE-1.5.5):")
    for name, (r2, su4) in NIST.items():
        print(f"  {name:<28}ROUGE-2 {r2:.4f}  SU4 {su4:.4f}")
    print(
        f"\ndigest time per topic (25 articles), over {len(chosen)} topics: median wall "
        f"{statistics.median(ours.wall):.3f} s (max {max(ours.wall):.3f}), median CPU "
        f"{statistics.median(ours.cpu):.3f} s (max {max(ours.cpu):.3f})"
    )
    if args.repeats > 0:
        topic = max(chosen, key=lambda t: sum(len(a.body) for a in t.articles))
        wall, cpu = time_story(ctx, topic, duc, args.repeats)
        print(
            f"largest topic {topic.topic_id} ({sum(len(a.body.split()) for a in topic.articles)} words), "
            f"{args.repeats} runs: median wall {statistics.median(wall):.3f} s "
            f"(min {min(wall):.3f}), median CPU {statistics.median(cpu):.3f} s"
        )
    print(f"load average (1, 5, 15 min) at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
