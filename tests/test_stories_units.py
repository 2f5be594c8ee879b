"""Unit tests of the stories engine on small hand-written fixtures (no models loaded)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from corroborate.errors import InputError, NotFoundError, UsageError
from corroborate.stories import (
    Decision,
    IndexOptions,
    Reason,
    StoryFeatures,
    StoryIndex,
    clean_headline,
    story_title,
)
from corroborate.stories.mentions import (
    Mention,
    extract_dates,
    extract_numbers,
    normalize_entities,
)


def _emb(seed: int) -> np.ndarray:
    vec = np.random.default_rng(seed).normal(size=256).astype(np.float32)
    return vec / np.linalg.norm(vec)


def _features(article_id: str, topic: str, who: str, seed: int) -> StoryFeatures:
    """A tiny synthetic article: topic words, one person, one place, an embedding."""
    words = {
        "quake": {"earthquake": 3.0, "magnitude": 2.0, "quake": 2.0, "rubble": 1.0},
        "vote": {"election": 3.0, "ballot": 2.0, "parliament": 2.0, "turnout": 1.0},
        "film": {"premiere": 3.0, "actress": 2.0, "festival": 2.0, "red": 1.0},
    }[topic]
    terms = dict(words)
    terms[who.lower()] = 2.0
    emb = _emb({"quake": 1, "vote": 2, "film": 3}[topic]) + 0.05 * _emb(seed)
    return StoryFeatures(
        article_id=article_id,
        title=f"{topic} news about {who}",
        outlet=f"outlet{seed}",
        terms=terms,
        embedding=(emb / np.linalg.norm(emb)).astype(np.float32),
        entities=[
            Mention(f"person:{who.lower()}", "person", who, 3, 1),
            Mention(f"place:{topic}land", "place", f"{topic}land", 1, 1),
        ],
        numbers={"12": 1},
        dates={"y:2024": 1},
    )


def _filled_index() -> StoryIndex:
    index = StoryIndex()
    for i in range(4):
        index.add(_features(f"q{i}", "quake", "Alvarez", i))
        index.add(_features(f"v{i}", "vote", "Brandt", 10 + i))
    return index


def test_entities_are_normalised() -> None:
    raw = [
        ("Mark Carney", "PERSON", True),
        ("Mr. Carney", "PERSON", False),
        ("Carney", "PERSON", False),
        ("U.S.", "GPE", True),
        ("the United States", "GPE", False),
        ("Trump", "ORG", False),
        ("Donald Trump", "PERSON", False),
        ("169", "CARDINAL", False),
    ]
    mentions = {m.key: m for m in normalize_entities(raw)}
    assert mentions["person:carney"].count == 3
    assert mentions["person:carney"].name == "Mark Carney"
    assert mentions["person:carney"].lead == 1
    assert mentions["place:united states"].count == 2
    assert mentions["person:trump"].count == 2  # the ORG tag is folded into the person
    assert not any(k.startswith("misc:") or "169" in k for k in mentions)


def test_numbers_and_dates() -> None:
    text = "On May 3, 2013, 1,000 people paid $1.5 million; 12 percent of seven towns."
    numbers = extract_numbers(text)
    assert {"1000", "$1.5m", "12%", "7"} <= set(numbers)
    assert "2013" not in numbers and "3" not in numbers
    dates = extract_dates(text + " Officials may 10 times")
    assert dates["md:05-03"] == 1 and dates["y:2013"] == 1
    assert "md:05-10" not in dates


def test_features_round_trip() -> None:
    feats = _features("a1", "quake", "Alvarez", 1)
    data = json.loads(json.dumps(feats.to_dict()))
    back = StoryFeatures.from_dict(data)
    assert back.to_dict() == feats.to_dict()
    assert np.array_equal(back.embedding, feats.embedding)
    with pytest.raises(InputError):
        StoryFeatures.from_dict({"article_id": "x"})


def test_related_articles_group_and_unrelated_do_not() -> None:
    index = _filled_index()
    labels = index.labels()
    assert len({labels[f"q{i}"] for i in range(4)}) == 1
    assert len({labels[f"v{i}"] for i in range(4)}) == 1
    assert labels["q0"] != labels["v0"]
    odd = index.add(_features("f0", "film", "Chen", 99))
    assert not odd.joined
    assert odd.reasons[0].kind == "new-story"


def test_reasons_are_given_for_every_member() -> None:
    index = _filled_index()
    view = index.story(index.story_of("q3"))
    assert set(view.reasons) == {f"q{i}" for i in range(4)}
    for article_id, reasons in view.reasons.items():
        assert reasons, article_id
        assert all(isinstance(r, Reason) and r.text for r in reasons)
    joined = view.reasons["q3"]
    kinds = {r.kind for r in joined}
    assert "shared-people" in kinds or "similar-wording" in kinds
    assert json.loads(json.dumps(view.to_dict()))["reasons"]["q3"][0]["text"]
    assert index.explain("q3")


def test_merge_split_move_survive_new_articles() -> None:
    index = _filled_index()
    quake, vote = index.story_of("q0"), index.story_of("v0")
    split = index.split(quake, ["q2", "q3"])
    apart = split.story_id
    assert index.story_of("q2") == apart and index.story_of("q0") == quake
    moved = index.move("v1", quake)
    assert moved.kind == "move" and index.story_of("v1") == quake
    for i in range(4, 10):
        index.add(_features(f"q{i}", "quake", "Alvarez", 20 + i))
        index.add(_features(f"v{i}", "vote", "Brandt", 30 + i))
    # Re-ingesting an article never moves it.
    again = index.add(_features("q2", "quake", "Alvarez", 2))
    assert again.story_id == apart and again.pinned
    assert index.story_of("q2") != index.story_of("q0")
    assert index.story_of("v1") == quake
    merged = index.merge(quake, apart)
    assert index.story_of("q2") == index.story_of("q0") == quake
    assert index.story(apart).id == quake  # the absorbed id points to the survivor
    assert [d.kind for d in index.decisions] == ["split", "move", "merge"]
    assert Decision.from_dict(merged.to_dict()) == merged
    assert vote in {index.story_of("v0")}


def test_decisions_replay_on_a_rebuilt_index() -> None:
    first = _filled_index()
    quake = first.story_of("q0")
    first.split(quake, ["q1"])
    first.move("v2", quake)
    records = [d.to_dict() for d in first.decisions]
    rebuilt = _filled_index()
    for record in records:
        rebuilt.apply(Decision.from_dict(record))
    assert rebuilt.story_of("q1") != rebuilt.story_of("q0")
    assert rebuilt.story_of("v2") == rebuilt.story_of("q0")
    assert rebuilt.story_of("v2") != rebuilt.story_of("v0")


def test_bad_decisions_raise() -> None:
    index = _filled_index()
    quake = index.story_of("q0")
    with pytest.raises(UsageError):
        index.merge(quake, quake)
    with pytest.raises(UsageError):
        index.split(quake, [f"q{i}" for i in range(4)])
    with pytest.raises(UsageError):
        index.split(quake, ["v0"])
    with pytest.raises(NotFoundError):
        index.story("nope")
    with pytest.raises(NotFoundError):
        index.move("missing", quake)


def test_state_round_trip_keeps_stories_and_decisions() -> None:
    index = _filled_index()
    index.split(index.story_of("q0"), ["q3"])
    state = json.loads(json.dumps(index.to_state()))
    back = StoryIndex.from_state(state)
    assert back.labels() == index.labels()
    assert [d.to_dict() for d in back.decisions] == [d.to_dict() for d in index.decisions]
    assert (
        back.add(_features("q9", "quake", "Alvarez", 77)).story_id
        == index.add(_features("q9", "quake", "Alvarez", 77)).story_id
    )


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Update: Trump congratulates Carney", "Trump congratulates Carney"),
        ("BREAKING: Live: Quake hits Iran - BBC News", "Quake hits Iran"),
        ("WATCH | Carney speaks to reporters", "Carney speaks to reporters"),
        ("[UPDATE 2] Oil prices fall on supply news | Reuters", "Oil prices fall on supply news"),
        ("Trump - Carney call", "Trump - Carney call"),
        ("Newsom: state will sue", "Newsom: state will sue"),
    ],
)
def test_clean_headline(title: str, expected: str) -> None:
    assert clean_headline(title) == expected


def test_story_title_picks_the_most_central() -> None:
    titles = ["Live: Quake in Iran - CNN", "Update: Strong quake hits southern Iran", "Photos"]
    assert story_title(titles, [0.2, 0.9, 0.1]) == "Strong quake hits southern Iran"
    assert story_title(titles) in {"Quake in Iran", "Strong quake hits southern Iran"}
    with pytest.raises(ValueError):
        story_title(titles, [1.0])


def test_bridging_merges_stories_but_never_undoes_a_split() -> None:
    eager = IndexOptions(join_threshold=0.0, bridge_threshold=0.0)
    index = StoryIndex(eager)
    index.add(_features("q0", "quake", "Alvarez", 0))
    index.add(_features("q1", "quake", "Alvarez", 1))
    assert index.story_of("q0") == index.story_of("q1")
    apart = index.split(index.story_of("q0"), ["q1"]).story_id
    for i in range(2, 8):
        index.add(_features(f"q{i}", "quake", "Alvarez", i))
    assert index.story_of("q1") == apart
    assert index.story_of("q0") != index.story_of("q1")

    free = StoryIndex(IndexOptions(join_threshold=1.01, bridge_threshold=2.0))
    free.add(_features("q0", "quake", "Alvarez", 0))
    free.add(_features("q1", "quake", "Alvarez", 1))
    assert free.story_of("q0") != free.story_of("q1")  # nothing joins at threshold > 1
    bridging = StoryIndex(IndexOptions(join_threshold=1.01, bridge_threshold=0.0))
    for i in range(2):
        bridging.add(_features(f"q{i}", "quake", "Alvarez", i))
    assert bridging.story_of("q0") != bridging.story_of("q1")  # bridging needs a join first


def test_extract_features_rejects_articles_without_id_or_text() -> None:
    from corroborate.config import Context
    from corroborate.model import Article
    from corroborate.stories import extract_features

    ctx = Context()
    assert extract_features([], ctx) == []
    with pytest.raises(InputError, match="no id"):
        extract_features([Article(title="A title", paragraphs=["text"])], ctx)
    with pytest.raises(InputError, match="neither title nor text"):
        extract_features([Article(title=" ", paragraphs=[], id="x")], ctx)


def test_an_article_matching_two_stories_bridges_them() -> None:
    index = StoryIndex(IndexOptions(join_threshold=1.01, bridge_threshold=0.5))
    index.add(_features("q0", "quake", "Alvarez", 0))
    index.add(_features("q1", "quake", "Alvarez", 1))
    first, second = index.story_of("q0"), index.story_of("q1")
    assert first != second
    index.threshold = 0.5  # from now on articles may join
    result = index.add(_features("q2", "quake", "Alvarez", 2))
    assert result.joined and len(result.absorbed) == 1
    assert index.story_of("q0") == index.story_of("q1") == result.story_id
    assert index.story(result.absorbed[0]).id == result.story_id
    assert any(
        r.kind == "bridged"
        for r in index.story(result.story_id).reasons["q1"]
        + index.story(result.story_id).reasons["q0"]
    )
