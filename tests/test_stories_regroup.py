"""Re-checking a growing story for two events (stories/regroup.py), on small fixtures."""

from __future__ import annotations

import numpy as np

from corroborate.stories import IndexOptions, RegroupOptions, StoryFeatures, StoryIndex
from corroborate.stories.mentions import Mention
from corroborate.stories.regroup import check_sizes, two_groups

_EVENTS = {
    "a": ("Alvarez", "chile", "y:2010", "8.8", 1),
    "b": ("Tanaka", "japan", "y:2011", "9.0", 2),
}


def _unit(seed: int) -> np.ndarray:
    vec = np.random.default_rng(seed).normal(size=256).astype(np.float32)
    return vec / np.linalg.norm(vec)


def _quake(article_id: str, event: str, seed: int) -> StoryFeatures:
    """A report of one of two earthquakes: same kind of words, other names, place, year."""
    who, where, year, magnitude, base = _EVENTS[event]
    emb = _unit(100) + _unit(base) + 0.2 * _unit(seed)
    return StoryFeatures(
        article_id=article_id,
        title=f"earthquake strikes {where}",
        terms={
            "earthquake": 3.0,
            "magnitude": 2.0,
            "rubble": 1.0,
            where: 3.0,
            who.lower(): 2.0,
            f"{where}word": 2.0,
        },
        embedding=(emb / np.linalg.norm(emb)).astype(np.float32),
        entities=[
            Mention(f"person:{who.lower()}", "person", who, 3, 1),
            Mention(f"place:{where}", "place", where.title(), 3, 1),
        ],
        numbers={magnitude: 2},
        dates={year: 1},
    )


def test_check_sizes_are_a_bounded_geometric_schedule() -> None:
    sizes = sorted(check_sizes(RegroupOptions(min_size=4, max_size=64, growth=1.5)))
    assert sizes == [4, 6, 9, 13, 20, 30, 45]  # not every size: the cost stays bounded
    assert sorted(check_sizes(RegroupOptions(min_size=2, max_size=5, growth=1.1))) == [2, 3, 4, 5]


def test_two_groups_separates_two_events() -> None:
    index = StoryIndex(IndexOptions(regroup=RegroupOptions(threshold=0.0)))
    feats = [_quake(f"{e}{i}", e, 10 * i + (e == "b")) for i in range(3) for e in "ab"]
    for f in feats:
        index.add(f)
    entries = [index.entries[f.article_id] for f in feats]
    left, right = two_groups(entries, index.stats)
    groups = {frozenset(feats[i].article_id[0] for i in g) for g in (left, right)}
    assert groups == {frozenset("a"), frozenset("b")}


def _forced(regroup: RegroupOptions, events: str) -> StoryIndex:
    """Every article joins the best story it is compared with (join threshold 0)."""
    index = StoryIndex(IndexOptions(join_threshold=0.0, bridge_threshold=2.0, regroup=regroup))
    for i, event in enumerate(events):
        index.add(_quake(f"{event}{i}", event, i))
    return index


def test_a_story_holding_two_events_is_split() -> None:
    index = _forced(RegroupOptions(threshold=0.5), "aabbab")
    a_stories = {index.story_of(f"a{i}") for i in (0, 1, 4)}
    b_stories = {index.story_of(f"b{i}") for i in (2, 3, 5)}
    assert a_stories.isdisjoint(b_stories)
    reasons = [r.kind for a in ("a0", "a1", "b2", "b3") for r in index.reasons[a]]
    assert "regrouped" in reasons


def test_one_event_is_not_split_and_regrouping_can_be_turned_off() -> None:
    index = _forced(RegroupOptions(threshold=0.5), "aaaaaa")
    assert len({index.story_of(f"a{i}") for i in range(6)}) == 1
    off = _forced(RegroupOptions(threshold=0.0), "aabbab")
    assert len(set(off.labels().values())) == 1


def test_a_story_with_a_persons_decision_is_not_split() -> None:
    index = _forced(RegroupOptions(threshold=0.5), "aab")
    story = index.story_of("a0")
    assert index.story_of("b2") == story  # forced in by join threshold 0
    index.split(story, ["a1"])  # a person's decision pins the rest of the story
    for i, event in enumerate("bbab", start=3):
        index.add(_quake(f"{event}{i}", event, i))
    assert index.story_of("b2") == story
    kinds = {r.kind for a in index.profiles[story].members for r in index.reasons[a]}
    assert "regrouped" not in kinds
