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
    python benchmarks/duc2006.py --set focus_weight=2 --set selection=ilp
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from dataclasses import fields, replace
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


def run(
    topics: list[DucTopic], options: DigestOptions, tokenize: Tokenizer
) -> tuple[dict[str, RougeScores], dict[str, RougeScores], list[float], float]:
    """Score the digest and the lead baseline on each topic; time each digest."""
    ctx = Context()
    ctx.nlp.wordllama()  # load once, outside the timings
    ours: dict[str, RougeScores] = {}
    lead: dict[str, RougeScores] = {}
    seconds: list[float] = []
    worst = 0.0
    for topic in topics:
        refs = list(topic.references.values())
        start = time.perf_counter()
        digest = digest_story(ctx, topic.articles, focus=topic.focus, options=options)
        seconds.append(time.perf_counter() - start)
        summary = truncate_words(digest.text, WORDS)
        ours[topic.topic_id] = score_summary(summary, refs, tokenize)
        baseline = truncate_words(lead_baseline(topic), WORDS)
        lead[topic.topic_id] = score_summary(baseline, refs, tokenize)
        worst = max(worst, check_rouge2_against_rouge_score(summary, refs, tokenize))
    return ours, lead, seconds, worst


def time_story(topic: DucTopic, options: DigestOptions, repeats: int) -> list[float]:
    """Wall-clock seconds of repeated digests of one 25-article topic (models loaded)."""
    ctx = Context()
    ctx.nlp.wordllama()
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        digest_story(ctx, topic.articles, focus=topic.focus, options=options)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", choices=["all", "dev", "test"], default="all")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--repeats", type=int, default=7, help="timing runs per story")
    parser.add_argument("--data", type=Path, default=default_data_dir())
    args = parser.parse_args()
    logging.getLogger("absl").setLevel(logging.WARNING)
    if not args.data.is_dir():
        raise SystemExit(f"DUC 2006 data not found at {args.data}")
    options = replace(DigestOptions(max_words=WORDS, overflow=True), **parse_overrides(args.set))
    topics = load_topics(args.data)
    dev, test = split_dev_test(topics)
    chosen = {"all": topics, "dev": dev, "test": test}[args.split]
    tokenize = make_tokenizer()
    ours, lead, seconds, worst = run(chosen, options, tokenize)

    print(f"options: {options}")
    print("ROUGE settings: rouge-score tokenizer, Porter stemming on, stopwords kept, summaries")
    print(
        f"truncated to {WORDS} words, recall jackknifed over the 4 references (-f A), mean of topics"
    )
    print(f"ROUGE-2 check: largest |ours - rouge_score| per reference = {worst:.2e}\n")
    print(f"{'split':<22}{'topics':>7}{'ROUGE-2':>10}{'SU4':>10}{'lead R-2':>10}{'lead SU4':>10}")
    groups = [("all 50", topics), ("dev (first 20)", dev), ("held-out (last 30)", test)]
    for name, group in groups:
        ids = [t.topic_id for t in group]
        if any(i not in ours for i in ids):
            continue
        r2, su4 = mean_scores([ours[i] for i in ids])
        l2, lsu4 = mean_scores([lead[i] for i in ids])
        print(f"{name:<22}{len(ids):>7}{r2:>10.4f}{su4:>10.4f}{l2:>10.4f}{lsu4:>10.4f}")
    print("\nNIST published (all 50 topics, ROUGE-1.5.5):")
    for name, (r2, su4) in NIST.items():
        print(f"  {name:<28}ROUGE-2 {r2:.4f}  SU4 {su4:.4f}")
    print(
        f"\ndigest time per topic (25 articles, first run of each): median "
        f"{statistics.median(seconds):.3f} s, max {max(seconds):.3f} s"
    )
    if args.repeats > 0:
        runs = time_story(chosen[0], options, args.repeats)
        print(
            f"digest time on {chosen[0].topic_id}, {args.repeats} runs: median "
            f"{statistics.median(runs):.3f} s (min {min(runs):.3f}, max {max(runs):.3f})"
        )


if __name__ == "__main__":
    main()
