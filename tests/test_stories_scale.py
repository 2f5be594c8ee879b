"""The story index stays bounded: per-story aggregates, per-article storage, merges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from corroborate.stories import IndexOptions, StoryFeatures, StoryIndex
from corroborate.stories.mentions import Mention
from corroborate.stories.profile import ProfileLimits, StoryProfile

START = datetime(2024, 5, 1, tzinfo=UTC)


def _feature(i: int, shared: int = 8) -> StoryFeatures:
    """A templated notice: the same shared words, plus words and names of its own."""
    terms = {f"notice{k}": 2.0 for k in range(shared)}
    terms.update({f"own{i}x{k}": 1.0 for k in range(6)})
    emb = np.ones(256, np.float32) + 0.01 * np.random.default_rng(i).normal(size=256)
    return StoryFeatures(
        article_id=f"a{i}",
        title=f"Dividend notice {i}",
        published_at=START + timedelta(minutes=i),
        terms=terms,
        embedding=(emb / np.linalg.norm(emb)).astype(np.float32),
        entities=[
            Mention("org:acme", "org", "Acme", 2, 1),
            Mention(f"person:p{i}", "person", f"P{i}", 1, 0),
        ],
        numbers={str(i): 1},
        dates={"y:2024": 1},
    )


def test_story_aggregates_stay_bounded_however_large_the_story() -> None:
    limits = ProfileLimits(terms=20, keys_per_group=5)
    index = StoryIndex(IndexOptions(join_threshold=0.0, bridge_threshold=2.0, profile=limits))
    for i in range(300):
        index.add(_feature(i))
    (profile,) = index.profiles.values()
    assert profile.size == 300
    assert profile.term_ids.size <= 2 * limits.terms
    assert len(profile.key_weights) <= 2 * limits.keys_per_group * 5
    # the shared words outweigh every article's own words, so they survive pruning
    kept = {index.stats.words[t] for t in profile.term_ids.tolist()}
    assert {f"notice{k}" for k in range(8)} <= kept
    assert "org:acme" in profile.key_weights
    span = profile.time_span()
    assert span is not None and span[1] - span[0] == 299 * 60.0


def test_removing_members_keeps_the_time_span_and_sums_right() -> None:
    index = StoryIndex(IndexOptions(join_threshold=0.0, bridge_threshold=2.0))
    for i in range(5):
        index.add(_feature(i))
    story = index.story_of("a0")
    new = index.split(story, ["a4", "a0"]).story_id
    span = index.profiles[story].time_span()
    assert span == (index.entries["a1"].time, index.entries["a3"].time)
    assert index.profiles[new].time_span() == (index.entries["a0"].time, index.entries["a4"].time)
    fresh = StoryProfile(story)
    for member in index.profiles[story].members:
        fresh.add(member, index.entries[member])
    assert np.array_equal(fresh.term_ids, index.profiles[story].term_ids)
    assert np.allclose(fresh.term_sum, index.profiles[story].term_sum, atol=1e-5)
    assert np.allclose(fresh.emb_sum, index.profiles[story].emb_sum)


def test_index_keeps_slim_entries_and_gives_the_features_back() -> None:
    index = StoryIndex()
    original = _feature(1)
    index.add(original)
    entry = index.entries["a1"]
    assert entry.features.terms == {}
    assert entry.features.embedding.dtype == np.float16
    assert entry.vector.ids.dtype == np.int32 and entry.vector.tf.dtype == np.float32
    back = index.features_of("a1")
    assert back.terms == original.terms
    assert np.allclose(back.embedding, original.embedding, atol=1e-3)
    assert back.entities == original.entities and back.numbers == original.numbers


def test_a_rebuilt_index_assigns_as_the_original() -> None:
    index = StoryIndex(IndexOptions(join_threshold=0.5))
    for i in range(12):
        index.add(_feature(i, shared=8 if i % 2 else 2))
    rebuilt = StoryIndex.from_state(index.to_state(), options=IndexOptions(join_threshold=0.5))
    assert rebuilt.labels() == index.labels()
    probe = _feature(99)
    assert [c.probability for c in rebuilt.candidates(probe)] == [
        c.probability for c in index.candidates(probe)
    ]


def test_bridging_moves_the_smaller_story_into_the_larger() -> None:
    index = StoryIndex(IndexOptions(join_threshold=1.01, bridge_threshold=2.0))
    for i in range(4):
        index.add(_feature(i))
    ids = [index.story_of(f"a{i}") for i in range(4)]
    assert len(set(ids)) == 4
    big = index.merge(ids[0], ids[1]).story_id
    index.merge(big, ids[2])
    survivor, gone = index._join_stories(ids[3], big, "a3", 0.9)
    assert (survivor, gone) == (big, ids[3])
    assert index.story_of("a3") == big and index.profiles[big].size == 4
    assert index.story(ids[3]).id == big
