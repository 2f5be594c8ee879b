"""Stories persist in the archive: same stories after reopening, and a person's decisions
survive re-ingestion and new articles."""

from __future__ import annotations

from pathlib import Path

from conftest import SHARED
from corroborate.analysis import demo_dir
from corroborate.archive import Archive
from corroborate.config import Context
from corroborate.pipeline import ingest
from corroborate.workspace import Workspace


def _labels(ws: Workspace) -> dict[str, str]:
    return {a: s.id for s in ws.stories() for a in s.article_ids}


def test_stories_and_decisions_survive_reopening_and_new_articles(
    tmp_path: Path, ctx: Context
) -> None:
    db = tmp_path / "w.db"
    with Archive(db) as archive:
        ingest([str(demo_dir())], archive, ctx)
        ws = Workspace(archive, ctx)
        ws.assign_stories()
        before = _labels(ws)
        landslide = next(s for s in ws.stories() if "Brennick" in s.title)
        assert landslide.size == 5
        rates = ws.story(before["meridian-rates-1"])
        assert rates.size == 1
        decision = ws.merge(landslide.id, rates.id)
        ws.split(landslide.id, ["meridian-rates-1"])
        ws.move("meridian-rates-1", landslide.id)
        assert decision.kind == "merge"
        decided = _labels(ws)
        assert decided["meridian-rates-1"] == decided["meridian-landslide-1"]

    with Archive(db) as archive:
        ws = Workspace(archive, ctx)
        assert _labels(ws) == decided
        # re-ingesting the same files, and new unrelated articles, change nothing decided
        ingest([str(demo_dir())], archive, ctx)
        seeds = SHARED / "seeds"
        if seeds.exists():
            ingest([str(p) for p in sorted(seeds.iterdir())], archive, ctx)
        ws.assign_stories()
        after = _labels(ws)
        for article_id, story_id in decided.items():
            assert after[article_id] == ws.story(story_id).id
        assert ws.story(after["meridian-rates-1"]).decided

    with Archive(db) as archive:
        assert _labels(Workspace(archive, ctx)) == after
