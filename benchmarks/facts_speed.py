"""Time facts and quotes for a 20-article story (median of several runs, model already loaded).

Stories: (a) the largest ECB+ sub-event cut to 20 articles (real multi-outlet coverage,
short articles); (b) the three seed articles cycled to 20 (longer articles, about
700 words each; ids made unique). Also reports the one-off model load time.
Usage: python benchmarks/facts_speed.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from corroborate.config import Context
from corroborate.facts import compare_story
from corroborate.model import Article
from ecbplus_articles import DEV_TOPICS, load_stories
from facts_seeds import load_seed_articles


def _seed_story() -> list[Article]:
    seeds = load_seed_articles()
    return [replace(seeds[k % 3], id=f"seed{k}") for k in range(20)]


def _ecb_story() -> list[Article]:
    stories = load_stories(DEV_TOPICS)
    biggest = max(stories.values(), key=len)
    return biggest[:20]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    ctx = Context()
    start = time.perf_counter()
    ctx.nlp.spacy()
    print(f"spaCy model load: {time.perf_counter() - start:.2f} s (once per process)")
    for name, story in (("ECB+ largest sub-event", _ecb_story()), ("seeds x20", _seed_story())):
        words = sum(len(a.body.split()) for a in story)
        compare_story(story, ctx)  # warm-up
        times, cpu = [], []
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            compare_story(story, ctx)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        print(
            f"{name}: {len(story)} articles, {words} words: median {statistics.median(times):.2f} s "
            f"wall (min {min(times):.2f}, max {max(times):.2f}), median "
            f"{statistics.median(cpu):.2f} s CPU, {args.runs} runs"
        )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
