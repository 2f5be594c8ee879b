"""Story-index fast paths give the straightforward results bit for bit (story decisions
depend on exact ties and sums): candidate lookup, profile sums, features pickling."""

from __future__ import annotations

import itertools
import pickle
import random
from dataclasses import fields
from datetime import UTC, datetime

import numpy as np

from corroborate.stories.features import StoryFeatures
from corroborate.stories.mentions import Mention
from corroborate.stories.profile import TOP_KEYS, StoryProfile, _rerank, _top_of
from corroborate.stories.retrieval import CandidateIndex, RetrievalOptions


def _ordered_scores(
    index: CandidateIndex, keys: list[tuple[str, float]], live: dict[str, str | None]
) -> list[str]:
    """The reference: one loop over every posting, adding into the live story's sum."""
    scores: dict[str, float] = {}
    for key, weight in keys:
        for story_id in index.postings.get(key, {}):
            target = live[story_id]
            if target is not None:
                scores[target] = scores.get(target, 0.0) + weight
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return [sid for sid, _ in ranked[: index.options.max_candidates]]


def test_candidates_match_one_ordered_loop_with_merged_and_gone_stories() -> None:
    rng = random.Random(7)
    for _ in range(200):
        index = CandidateIndex(RetrievalOptions(max_postings=8, max_candidates=5))
        stories = [f"s{i}" for i in range(12)]
        vocab = [f"k{i}" for i in range(10)]
        for _ in range(40):
            index.post(rng.choice(stories), [(k, 0.0) for k in rng.sample(vocab, 3)])
        # Some stories merged into others (several old ids may lead to one), some gone.
        live: dict[str, str | None] = {s: s for s in stories}
        for story_id in rng.sample(stories, 5):
            live[story_id] = rng.choice([None, *stories[:4]])
        keys = [(k, rng.choice([0.1, 0.7, 1.3, 2.9, 1 / 3])) for k in rng.sample(vocab, 6)]
        expected = _ordered_scores(index, keys, live)
        assert index.candidates(keys, live.__getitem__) == expected
        # The ids known to be their own live story skip ``resolve``: same answer.
        own = {s for s, target in live.items() if target == s}
        assert index.candidates(keys, live.__getitem__, own) == expected


def test_candidates_count_a_key_once_per_posted_id_of_a_merged_story() -> None:
    index = CandidateIndex()
    index.post("s1", [("person:ada", 0.0)])
    index.post("s2", [("person:ada", 0.0), ("place:oslo", 0.0)])
    index.post("s3", [("place:oslo", 0.0)])
    live = {"s1": "s1", "s2": "s1", "s3": "s3"}  # s2 was merged into s1
    keys = [("person:ada", 1.0), ("place:oslo", 0.5)]
    assert index.candidates(keys, live.__getitem__) == ["s1", "s3"]
    assert _ordered_scores(index, keys, live) == ["s1", "s3"]


def test_profile_term_sums_equal_a_sort_and_bincount() -> None:
    rng = np.random.default_rng(3)
    profile = StoryProfile("s1")
    ids_all: list[np.ndarray] = []
    tf_all: list[np.ndarray] = []
    for _ in range(30):
        ids = np.unique(rng.integers(0, 400, rng.integers(0, 60))).astype(np.int32)
        tf = rng.random(ids.size).astype(np.float32)
        profile._terms(ids, tf, 1.0)
        ids_all.append(ids)
        tf_all.append(tf)
        # Reference: the summed vector so far, added member by member in float64 and
        # rounded to float32 after each member (as the profile keeps it).
        ref_ids = np.zeros(0, np.int32)
        ref_sum = np.zeros(0, np.float32)
        for i, t in zip(ids_all, tf_all, strict=True):
            uniq, inverse = np.unique(np.concatenate([ref_ids, i]), return_inverse=True)
            sums = np.bincount(inverse, weights=np.concatenate([ref_sum, t]), minlength=uniq.size)
            ref_ids, ref_sum = uniq.astype(np.int32), sums.astype(np.float32)
        assert profile.term_ids.dtype == np.int32 and profile.term_sum.dtype == np.float32
        assert np.array_equal(profile.term_ids, ref_ids)
        assert np.array_equal(profile.term_sum, ref_sum)


def test_features_pickle_with_every_field() -> None:
    features = StoryFeatures(
        "a1",
        "Harbour board approves dredging",
        "Harbour Gazette",
        datetime(2026, 3, 4, 5, 6, tzinfo=UTC),
        {"harbour": 2.0, "dredging": 1.5},
        np.arange(256, dtype=np.float32) / 256,
        [Mention("org:harbour board", "org", "Harbour Board", 2, 1)],
        {"3": 1},
        {"y:2026": 1},
        version=7,
    )
    again = pickle.loads(pickle.dumps(features))
    assert type(again.entities[0]) is Mention
    assert again.to_dict() == features.to_dict()
    # Every field is in the pickled arguments (a new field must be added there too).
    assert len(features.__reduce__()[1]) == len(fields(StoryFeatures))
    mention = features.entities[0]
    assert len(mention.__reduce__()[1]) == len(fields(Mention))


def test_idf_paths_agree_with_the_formula_and_each_other() -> None:
    """Term idfs (kept log per term), key idfs one at a time and in arrays: all the
    smoothed idf log((N + 1) / (df + 1)) + 1, and the two key paths bit for bit."""
    from corroborate.stories.stats import CorpusStats

    rng = random.Random(3)
    stats = CorpusStats()
    vocab = [f"w{i}" for i in range(300)]
    keys = [f"person:p{i}" for i in range(40)]
    for _ in range(1500):  # past the first table size, so the log table grows
        terms = {w: float(rng.randint(1, 4)) for w in rng.sample(vocab, rng.randint(1, 30))}
        stats.add_document(stats.term_vector(terms, grow=True), rng.sample(keys, 3))
    n = stats.n_docs
    ids = np.arange(len(stats.vocab))
    dfs = np.array([stats._df[i] for i in ids])
    expected = np.log((n + 1.0) / (dfs + 1.0)) + 1.0
    assert np.allclose(stats.idf(ids), expected, rtol=0, atol=1e-12)
    assert dfs.max() > 0 and np.ptp(stats.idf(ids)) > 0.5  # a real spread of frequencies
    key_dfs = stats.key_dfs()[: len(stats.key_ids)]
    one_by_one = np.array([stats.key_idf(k) for k in stats.key_ids])
    assert np.array_equal(stats.df_idfs(key_dfs), one_by_one)
    assert np.allclose(one_by_one, np.log((n + 1.0) / (key_dfs + 1.0)) + 1.0, rtol=0, atol=1e-12)
    assert stats.key_idf("person:never-seen") == stats.df_idf(0)


def test_top_mentions_kept_up_to_date_equal_a_fresh_ranking() -> None:
    """A story's top keys, updated member by member, are those ranked afresh from all
    its weights: through growth, pruning (small limits) and removals."""
    from corroborate.stories.profile import TOP_KEYS, Entry, ProfileLimits
    from corroborate.stories.stats import TermVector

    rng = random.Random(11)
    names = [(kind, f"{kind}:k{i}") for i in range(40) for kind in ("person", "place", "misc")]
    empty = TermVector(np.zeros(0, np.int32), np.zeros(0, np.float32), np.zeros(0, np.float32))
    profile = StoryProfile("s1", ProfileLimits(terms=50, keys_per_group=12))
    added: list[Entry] = []
    for n in range(200):
        mentions = [
            Mention(key, kind, key, rng.randint(1, 3), rng.randint(0, 1))
            for kind, key in rng.sample(names, 8)
        ]
        numbers = {str(rng.randint(1, 30)): rng.randint(1, 2) for _ in range(3)}
        features = StoryFeatures(f"a{n}", "t", entities=mentions, numbers=numbers)
        entry = Entry(features, empty, "s1")
        if added and rng.random() < 0.1:
            gone = added.pop(rng.randrange(len(added)))
            profile.remove(gone.features.article_id, gone)
        profile.add(f"a{n}", entry)
        added.append(entry)
        kept = profile.top_mentions()
        profile._top = None
        assert kept == profile.top_mentions()
    assert max(len(v) for v in kept.values()) == TOP_KEYS


def _linkage_reference(similarity: np.ndarray) -> tuple[list[int], list[int]]:
    """Average linkage by the definition: each pair of groups' mean similarity over all
    their members' pairs; the best pair merges, ties to the lowest (first, second)
    group, a group known by its lowest member."""
    groups = {i: [i] for i in range(similarity.shape[0])}
    while len(groups) > 2:
        best: tuple[float, int, int] | None = None
        for x, y in itertools.combinations(sorted(groups), 2):
            total = sum(float(similarity[i, j]) for i in groups[x] for j in groups[y])
            mean = total / (len(groups[x]) * len(groups[y]))
            if best is None or mean > best[0]:
                best = (mean, x, y)
        assert best is not None
        groups[best[1]] += groups.pop(best[2])
    first, second = (sorted(groups[k]) for k in sorted(groups))
    return first, second


def test_average_linkage_kept_in_place_equals_the_definition() -> None:
    from corroborate.stories.regroup import average_linkage_pair

    rng = np.random.default_rng(5)
    for trial in range(120):
        n = int(rng.integers(2, 22))
        # Half the trials draw from a few values (sums exact), so ties decide merges too.
        raw = rng.integers(0, 4, (n, n)) / 4 if trial % 2 else rng.random((n, n))
        similarity = (raw + raw.T) / 2
        assert average_linkage_pair(similarity) == _linkage_reference(similarity)


def test_rerank_of_grown_keys_equals_ranking_them_all_again() -> None:
    rng = random.Random(11)
    kinds = ["person", "place", "org", "misc", "num", "date"]
    for _ in range(300):
        weights = {
            f"{rng.choice(kinds)}:k{i}": float(rng.choice([1, 2, 2.5, 3, rng.random() * 9]))
            for i in range(rng.randint(1, 80))
        }
        top = _top_of(weights.items())
        grown = rng.sample(sorted(weights), rng.randint(0, min(10, len(weights))))
        grown += [f"{rng.choice(kinds)}:new{i}" for i in range(rng.randint(0, 4))]
        for key in grown:  # only these weights change, and only upwards
            weights[key] = weights.get(key, 0.0) + rng.choice([1.0, 0.5, 2.0])
        kept = {key: weights[key] for items in top.values() for key, _ in items}
        kept.update((key, weights[key]) for key in grown)
        expected = _top_of(kept.items())
        got = _rerank(top, weights, grown)
        assert got == expected
        assert all(len(v) <= TOP_KEYS for v in got.values())
