"""The dev-topic sweep behind ``DigestOptions``' defaults (DUC 2006, first 20 topics only).

Each row changes one option from the defaults and prints ROUGE-2 / SU4 recall
on the 20 development topics, under the same DUC rules as
``benchmarks/duc2006.py`` (focus = topic statement, 250 words, truncated). The
held-out 30 topics are never read here. The defaults are the best row of
this sweep; differences below about 0.002 are within topic-to-topic noise.

    python benchmarks/duc2006_tune.py            # about 20 s per row
"""

from __future__ import annotations

import logging
import statistics
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corroborate.config import Context
from corroborate.summarize import DigestOptions, digest_story
from duc2006_data import load_topics, split_dev_test
from duc2006_rouge import make_tokenizer, score_summary, truncate_words

SWEEP: list[dict[str, Any]] = [
    {},
    {"focus_weight": 0.0},
    {"focus_weight": 0.5},
    {"focus_weight": 2.0},
    {"min_concept_articles": 2},
    {"min_concept_articles": 4},
    {"min_sentence_words": 8},
    {"min_sentence_words": 12},
    {"min_sentence_words": 20},
    {"length_power": 0.7},
    {"length_power": 0.9},
    {"length_power": 1.0},
    {"skip_quotes": False},
    {"duplicate_threshold": 0.5},
    {"duplicate_threshold": 0.7},
    {"compress": True},
    {"use_embeddings": False},
]


def main() -> None:
    logging.getLogger("absl").setLevel(logging.WARNING)
    dev, _ = split_dev_test(load_topics())
    tokenize = make_tokenizer()
    ctx = Context()
    base = DigestOptions(max_words=250, overflow=True)
    print(f"{'change from the defaults':<40}{'ROUGE-2':>9}{'SU4':>9}")
    for change in SWEEP:
        options = replace(base, **change)
        r2: list[float] = []
        su4: list[float] = []
        for topic in dev:
            digest = digest_story(ctx, topic.articles, focus=topic.focus, options=options)
            scores = score_summary(
                truncate_words(digest.text, 250), list(topic.references.values()), tokenize
            )
            r2.append(scores.rouge2)
            su4.append(scores.su4)
        label = ", ".join(f"{k}={v}" for k, v in change.items()) or "(defaults)"
        print(f"{label:<40}{statistics.fmean(r2):>9.4f}{statistics.fmean(su4):>9.4f}", flush=True)


if __name__ == "__main__":
    main()
