"""Numeric conflicts and altered quotes on DUC 2006 stories, against blind hand labels.

Usage: python benchmarks/duc2006_facts.py --split dev|held [--cache FILE] [--errors]

The stories are the hand-grouped DUC 2006 stories of
benchmarks/data/stories/duc2006_events.json that hold two or more documents
(145 stories, 381 documents: mostly an Associated Press and a New York Times
or Xinhua report of one happening, with real publication dates). Each is
compared with ``corroborate.facts.compare_facts`` and scored by
``facts_scoring.score`` against benchmarks/data/facts/duc2006_labels.json,
made with the ECB+ labelling protocol by annotator sessions that never saw
this tool's output (see its ``about``). ``dev`` is the stories of the first 20
topics, the topics the story model's DUC fit uses; ``held`` the other 30,
never used to fit or choose anything. ``--errors`` lists misses and false
findings (use it on dev only).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corroborate.facts.compare import compare_facts
from corroborate.model import Article
from duc2006_data import default_data_dir, load_topics, split_dev_test
from duc2006_stories import labelled_stories
from facts_ecbplus import extract_all, print_errors
from facts_scoring import DATA, load_labels, score

DUC_LABELS = DATA / "duc2006_labels.json"
SPLITS = ("dev", "held")


def multi_doc_stories(split: str, data_dir: Path | None = None) -> dict[str, list[Article]]:
    """Story id (``D0603C.2``: topic, then rank among the topic's stories of two or
    more documents, ordered by their sorted document ids) → its documents, oldest
    first, for the ``dev`` (first 20 topics) or ``held`` split."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; valid: {', '.join(SPLITS)}")
    dev, held = split_dev_test(load_topics(data_dir))
    docs, gold = labelled_stories(dev if split == "dev" else held, set())
    by_story: dict[str, list[Article]] = defaultdict(list)
    for article, story in zip(docs, gold, strict=True):
        by_story[story].append(article)
    by_topic: dict[str, list[list[Article]]] = defaultdict(list)
    for story, members in by_story.items():
        if len(members) >= 2:
            by_topic[story.split("/", 1)[0]].append(members)
    stories: dict[str, list[Article]] = {}
    for topic, groups in sorted(by_topic.items()):
        groups.sort(key=lambda members: sorted(a.id for a in members))
        for rank, members in enumerate(groups, 1):
            members.sort(key=lambda a: (a.published_at is None, a.published_at, a.id))
            stories[f"{topic}.{rank}"] = members
    return stories


def split_labels(labels: dict[str, Any], stories: set[str]) -> dict[str, Any]:
    """The labels of ``stories`` only (the file holds both splits)."""
    out: dict[str, Any] = {"about": labels["about"], "stories": sorted(stories)}
    for key in ("numeric_conflicts", "consistent_figures", "ambiguous", "altered_quotes"):
        out[key] = [lab for lab in labels[key] if lab["story"] in stories]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=SPLITS, required=True)
    parser.add_argument("--cache", type=Path, help="pickle of the extracted facts")
    parser.add_argument("--errors", action="store_true", help="list misses and false findings")
    args = parser.parse_args()
    if not default_data_dir().exists():
        sys.exit(f"DUC 2006 data not found at {default_data_dir()}")
    stories = multi_doc_stories(args.split)
    labels = split_labels(load_labels(DUC_LABELS), set(stories))
    facts = extract_all(stories, args.cache)
    results = {sid: compare_facts(arts, facts[sid]) for sid, arts in sorted(stories.items())}
    print(json.dumps({"split": args.split, **score(results, labels).to_dict()}, indent=2))
    if args.errors:
        print_errors(results, labels)


if __name__ == "__main__":
    main()
