"""Facts on the bundled demo (a fictional landslide): the evacuation count differs between
outlets (about 120 vs roughly 140) and must show as its own conflict, apart from the death toll."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from corroborate.analysis import demo_dir
from corroborate.archive import Archive
from corroborate.config import Context
from corroborate.facts import StoryFacts, compare_story
from corroborate.facts.compare_quantities import QuantityGroup
from corroborate.pipeline import ingest


@pytest.fixture(scope="module")
def landslide(tmp_path_factory: pytest.TempPathFactory, ctx: Context) -> Iterator[StoryFacts]:
    db = tmp_path_factory.mktemp("facts-demo") / "demo.db"
    with Archive(db) as archive:
        ingest([str(demo_dir())], archive, ctx)
        # The landslide's coverage picked by its words, so this test does not depend on
        # story grouping (tested with the stories).
        articles = [a for a in archive.iter_articles() if "Brennick" in a.title + a.body]
        assert len(articles) == 5
        yield compare_story(articles, ctx)


def _values(group: QuantityGroup) -> set[float]:
    return {v.value for v in group.values}


def test_evacuation_count_is_a_conflict_of_its_own(landslide: StoryFacts) -> None:
    evacuated = [g for g in landslide.quantities if {120.0, 140.0} <= _values(g)]
    assert len(evacuated) == 1
    group = evacuated[0]
    assert group.status == "conflict"
    assert group.kind == "displaced"
    assert 4.0 not in _values(group)  # not grouped with the death toll
    hedges = {v.value: v.hedge for v in group.values}
    assert hedges[140.0] == "roughly"


def test_death_toll_agrees_and_is_the_only_other_flag_free_count(landslide: StoryFacts) -> None:
    killed = [g for g in landslide.quantities if g.kind == "killed" and 4.0 in _values(g)]
    assert killed and all(g.status == "agree" for g in killed)
    assert all(120.0 not in _values(g) for g in killed)
    flagged = [g for g in landslide.quantities if g.status in ("conflict", "update")]
    assert len(flagged) == 1  # the evacuation count and nothing else


def test_misquote_of_the_minister_is_found(landslide: StoryFacts) -> None:
    changed = [q for q in landslide.quotes if q.fidelity in ("altered", "paraphrase-in-quotes")]
    assert changed
    assert any(len({a for v in q.variants for a in v.articles}) >= 3 for q in changed)
