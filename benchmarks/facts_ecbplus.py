"""Numeric conflicts and altered quotes on ECB+ sub-events, against hand labels.

Usage: python benchmarks/facts_ecbplus.py [--split test|dev]
The test split (topics 36-45) is scored against benchmarks/data/facts/ecbplus_test_labels.json;
the dev split (topics 1-35, used for tuning) prints counts of flagged findings only.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corroborate.config import Context
from corroborate.facts import StoryFacts, compare_story
from ecbplus_articles import DEV_TOPICS, ECBPLUS, TEST_TOPICS, load_stories

LABELS = Path(__file__).resolve().parent / "data" / "facts" / "ecbplus_test_labels.json"


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def _conflict_matches(group_values: list[float], label_values: list[float]) -> bool:
    hits = {lv for lv in label_values if any(_same(lv, gv) for gv in group_values)}
    return len(hits) >= 2


def score(results: dict[str, StoryFacts], labels: dict) -> dict[str, float]:  # type: ignore[type-arg]
    """Precision/recall of numeric conflicts and altered quotes; false conflicts per 10 stories."""
    flagged = [
        (sid, [v.value for v in g.values])
        for sid, sf in results.items()
        for g in sf.quantities
        if g.status in ("conflict", "update")
    ]
    gold = labels["numeric_conflicts"]
    found = sum(
        any(sid == lab["story"] and _conflict_matches(vals, lab["values"]) for sid, vals in flagged)
        for lab in gold
    )
    correct = sum(
        any(sid == lab["story"] and _conflict_matches(vals, lab["values"]) for lab in gold)
        for sid, vals in flagged
    )
    altered_groups = [
        (sid, {a for v in g.variants for a in v.articles})
        for sid, sf in results.items()
        for g in sf.quotes
        if g.fidelity in ("altered", "paraphrase-in-quotes")
    ]
    qgold = labels["altered_quotes"]
    qfound = sum(
        any(sid == lab["story"] and set(lab["docs"]) <= arts for sid, arts in altered_groups)
        for lab in qgold
    )
    qcorrect = sum(
        any(sid == lab["story"] and set(lab["docs"]) <= arts for lab in qgold)
        for sid, arts in altered_groups
    )
    n = len(results)
    return {
        "stories": n,
        "conflicts_flagged": len(flagged),
        "conflict_recall": found / len(gold) if gold else 0.0,
        "conflict_precision": correct / len(flagged) if flagged else 0.0,
        "false_conflicts_per_10_stories": 10 * (len(flagged) - correct) / n,
        "altered_flagged": len(altered_groups),
        "altered_recall": qfound / len(qgold) if qgold else 0.0,
        "altered_precision": qcorrect / len(altered_groups) if altered_groups else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=["test", "dev"], default="test")
    args = parser.parse_args()
    if not ECBPLUS.exists():
        sys.exit(f"ECB+ data not found at {ECBPLUS}")
    stories = load_stories(TEST_TOPICS if args.split == "test" else DEV_TOPICS)
    ctx = Context()
    results = {sid: compare_story(arts, ctx) for sid, arts in sorted(stories.items())}
    if args.split == "dev":
        flagged = sum(
            g.status in ("conflict", "update") for sf in results.values() for g in sf.quantities
        )
        print(json.dumps({"stories": len(results), "conflicts_flagged": flagged}, indent=2))
        return
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    print(json.dumps(score(results, labels), indent=2))


if __name__ == "__main__":
    main()
