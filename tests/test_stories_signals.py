"""Main-key signals (person, place, year) and the reasons that show them."""

from __future__ import annotations

import numpy as np

from corroborate.stories import StoryFeatures
from corroborate.stories.mentions import Mention
from corroborate.stories.profile import Entry, StoryProfile, slim_features
from corroborate.stories.reasons import _main_reasons
from corroborate.stories.signals import SIGNALS, ArticleQuery, main_match
from corroborate.stories.stats import CorpusStats


def _feature(article_id: str, place: str, year: str) -> StoryFeatures:
    return StoryFeatures(
        article_id=article_id,
        title=f"Earthquake in {place}",
        terms={"earthquake": 3.0, "magnitude": 1.0},
        embedding=np.ones(256, np.float32) / 16.0,
        entities=[
            Mention(f"place:{place.lower()}", "place", place, 3, 1),
            Mention("place:asia", "place", "Asia", 1, 0),
        ],
        dates={f"y:{year}": 2, "y:1990": 1},
    )


def _setup(story: list[StoryFeatures], article: StoryFeatures) -> tuple[ArticleQuery, StoryProfile]:
    stats = CorpusStats()
    profile = StoryProfile("s1")
    for f in [*story, article]:
        entry = Entry(slim_features(f), stats.term_vector(f.terms, grow=True), "")
        stats.add_document(entry.vector, list(entry.mentions))
        if f is not article:
            profile.add(f.article_id, entry)
    return ArticleQuery.build(entry, stats), profile


def test_main_place_and_year_agree_or_conflict() -> None:
    story = [_feature("a", "Qeshm", "2005"), _feature("b", "Qeshm", "2005")]
    query, profile = _setup(story, _feature("c", "Qeshm", "2005"))
    top = profile.top_mentions()
    assert main_match(query, top["place"], "place", "place:")[0] == 1.0
    assert main_match(query, top["date"], "date", "date:y:")[0] == 1.0

    query, profile = _setup(story, _feature("d", "Bam", "2003"))
    top = profile.top_mentions()
    assert main_match(query, top["place"], "place", "place:") == (-1.0, "place:bam", "place:qeshm")
    assert main_match(query, top["date"], "date", "date:y:")[0] == -1.0
    assert main_match(query, top.get("person", []), "person", "person:")[0] == 0.0


def test_reasons_name_the_conflicting_main_place_and_year() -> None:
    story = [_feature("a", "Qeshm", "2005")]
    query, profile = _setup(story, _feature("d", "Bam", "2003"))
    row = np.zeros(len(SIGNALS))
    row[SIGNALS.index("place_top")] = -1.0
    row[SIGNALS.index("year_top")] = -1.0
    parts = np.full(len(SIGNALS), -0.5)
    reasons = {r.kind: r for r in _main_reasons(query, profile, row, parts)}
    assert set(reasons) == {"main-place", "main-year"}
    assert reasons["main-place"].details == ["Bam", "qeshm"]
    assert "Bam in the article" in reasons["main-place"].text
    assert reasons["main-year"].details == ["2003", "2005"]
    assert reasons["main-year"].weight == -0.5
