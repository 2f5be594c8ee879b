"""Where story assignment goes wrong on ECB+ development topics (error analysis).

Replays the development topics (1-35 only) through the shipped engine in one
random order and classifies every decision against the gold sub-event of the
story's majority at that moment: right join, right new story, wrong join (same topic, other
event / other topic), missed join (the gold story was retrieved but scored too
low / was not retrieved). Prints the mean signals per class, the worst merged
event pairs and the most split events, with the titles involved.

    python benchmarks/ecbplus_errors.py [--cache /tmp/ecbplus_features.jsonl] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corroborate.stories import StoryFeatures, StoryIndex
from corroborate.stories.signals import SIGNALS
from ecbplus_data import DEV_TOPICS, ENTITY_PATHS, cached_features, load_ecbplus, pairwise_scores


def majority(counts: Counter[str]) -> str:
    return counts.most_common(1)[0][0] if counts else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument(
        "--entities", choices=ENTITY_PATHS, default="quick", help="feature path (ingest: quick)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=int, default=12, help="examples to print per list")
    args = parser.parse_args()
    docs = load_ecbplus(topics=DEV_TOPICS)
    feats = [StoryFeatures.from_dict(d) for d in cached_features(docs, args.cache, args.entities)]
    event_of = {d.article.id: d.event for d in docs}
    title_of = {d.article.id: d.article.title for d in docs}
    order = list(range(len(feats)))
    random.Random(args.seed).shuffle(order)
    index = StoryIndex()
    story_events: dict[str, Counter[str]] = defaultdict(Counter)
    by_class: dict[str, list[np.ndarray]] = defaultdict(list)
    examples: dict[str, list[str]] = defaultdict(list)
    for i in order:
        f = feats[i]
        event = event_of[f.article_id]
        topic = event.split("_")[0] if "_" in event else event[:-1]
        cands = index.candidates(f)
        result = index.add(f)
        live = {c.story_id: c for c in cands}
        gold_stories = [s for s, ev in story_events.items() if majority(ev) == event]
        chosen = majority(story_events.get(result.story_id, Counter()))
        if result.joined:
            cand = live.get(result.story_id)
            row = np.array([cand.signals[s] for s in SIGNALS]) if cand else None
            if chosen == event:
                kind = "right join"
            else:
                same_topic = chosen.split("_")[0] == topic if "_" in chosen else False
                kind = "wrong join, same topic" if same_topic else "wrong join, other topic"
                pure = len(story_events.get(result.story_id, Counter())) == 1
                rival = max((live[s].probability for s in gold_stories if s in live), default=None)
                kind += ", pure story" if pure else ", mixed story"
                kind += ", own story exists" if gold_stories else ", own story not yet"
                if rival is not None:
                    kind += f" (own p={rival:.2f})" if False else ""
                examples[kind].append(
                    f"p={result.score:.2f} {title_of[f.article_id][:70]!r} -> story of "
                    f"{chosen} (article {event})"
                )
            if row is not None:
                by_class[kind].append(row)
        else:
            retrieved = [live[s] for s in gold_stories if s in live]
            if not gold_stories:
                kind = "right new"
            elif retrieved:
                kind = "missed join (retrieved)"
                best = max(retrieved, key=lambda c: c.probability)
                by_class[kind].append(np.array([best.signals[s] for s in SIGNALS]))
                examples[kind].append(
                    f"p={best.probability:.2f} {title_of[f.article_id][:70]!r} ({event})"
                )
            else:
                kind = "missed join (not retrieved)"
        by_class.setdefault(kind, [])
        # Stories as they are now (joins, bridges and splits), by gold event.
        story_events = defaultdict(Counter)
        for article_id, story in index.labels().items():
            story_events[story][event_of[article_id]] += 1
    labels = index.labels()
    gold = [event_of[f.article_id] for f in feats]
    pred = [labels[f.article_id] for f in feats]
    p, r, f1 = pairwise_scores(gold, pred)
    print(f"dev seed {args.seed}: P {p:.4f} R {r:.4f} F1 {f1:.4f}")
    print("\n== decisions by class (count; mean of the chosen / best gold candidate's signals)")
    header = "".join(f"{s[:9]:>10s}" for s in SIGNALS)
    print(f"{'class':28s} {'n':>4s}{header}")
    for kind, rows in sorted(by_class.items()):
        mean = np.mean(rows, axis=0) if rows else np.zeros(len(SIGNALS))
        print(f"{kind:28s} {len(rows):4d}" + "".join(f"{v:10.3f}" for v in mean))
    for kind, lines in examples.items():
        print(f"\n== {kind}: {len(lines)}")
        for line in lines[: args.show]:
            print("  " + line)
    # Pairwise view: false-merge pairs by (event, event), false-split pairs by event.
    merged: Counter[tuple[str, str]] = Counter()
    split: Counter[str] = Counter()
    ids = [f.article_id for f in feats]
    for a in range(len(ids)):
        for b in range(a + 1, len(ids)):
            same_gold = gold[a] == gold[b]
            same_pred = pred[a] == pred[b]
            if same_pred and not same_gold:
                merged[tuple(sorted((gold[a], gold[b])))] += 1  # type: ignore[arg-type]
            elif same_gold and not same_pred:
                split[gold[a]] += 1
    print("\n== false-merge pairs by event pair (top)")
    for (ea, eb), n in merged.most_common(args.show):
        print(f"  {ea} + {eb}: {n} pairs")
    print("\n== false-split pairs by event (top); pieces = predicted stories holding it")
    for event, n in split.most_common(args.show):
        pieces = Counter(p for g, p in zip(gold, pred, strict=True) if g == event)
        print(f"  {event}: {n} pairs, pieces {sorted(pieces.values(), reverse=True)}")


if __name__ == "__main__":
    main()
