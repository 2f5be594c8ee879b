"""Quality gate for the facts comparison on ECB+ development topics 1-10.

The full benchmark (all 66 development sub-events, or the test topics) is
``benchmarks/facts_ecbplus.py``; this test extracts and compares the facts of
the 20 sub-events of topics 1-10 (231 documents, 12 labelled numeric conflicts,
dev labels: the split every rule was written on) and fails when a figure falls
below what was measured when the gate was written, so a regression in
extraction, alignment or quote fidelity shows up in CI.
"""

from __future__ import annotations

import pytest

from conftest import benchmark_module, shared_path
from corroborate.config import Context
from corroborate.facts import extract_facts_batch
from corroborate.facts.compare import compare_facts

# Measured at 2eb2b42: conflicts 5 of 12 found (recall 0.417), precision 0.714,
# 1.0 false conflict per 10 stories; altered quotes recall 1.0, precision 0.75.
FLOORS = {"conflict_recall": 0.41, "conflict_precision": 0.7, "altered_recall": 1.0}
CEILINGS = {"false_conflicts_per_10_stories": 1.0}


@pytest.mark.shared
def test_conflicts_and_altered_quotes_on_dev_topics_1_to_10(ctx: Context) -> None:
    shared_path("data", "ecbplus", "ecbplus_docs.jsonl.gz")
    scoring = benchmark_module("facts_scoring")
    stories = benchmark_module("ecbplus_articles").load_stories(range(1, 11))
    assert sum(len(a) for a in stories.values()) == 231
    results = {
        sid: compare_facts(articles, extract_facts_batch(articles, ctx))
        for sid, articles in sorted(stories.items())
    }
    figures = scoring.score(results, scoring.load_labels(scoring.DEV_LABELS)).to_dict()
    for name, floor in FLOORS.items():
        assert figures[name] >= floor, figures
    for name, ceiling in CEILINGS.items():
        assert figures[name] <= ceiling, figures
