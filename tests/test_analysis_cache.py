"""Story analyses kept in the archive: read back by a later workspace while the story,
its articles and the code are unchanged, and made again when any of them changes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from corroborate.analysis import demo_dir
from corroborate.archive import Archive, analyses
from corroborate.config import Context
from corroborate.pipeline import ingest
from corroborate.views import story_data
from corroborate.workspace import Workspace


@pytest.fixture
def demo_db(tmp_path: Path, ctx: Context) -> Path:
    db = tmp_path / "demo.db"
    with Archive(db) as archive:
        ingest([str(demo_dir())], archive, ctx)
        Workspace(archive, ctx).assign_stories()
    return db


@pytest.fixture
def demo(demo_db: Path) -> Iterator[Archive]:
    with Archive(demo_db) as archive:
        yield archive


def _landslide(ws: Workspace) -> str:
    return next(s.id for s in ws.stories() if "Brennick" in s.title)


class _Maker:
    """A stand-in analysis that counts how often it is made."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> dict[str, Any]:
        self.calls += 1
        return {"made": self.calls, "values": (1, 2.5, "x")}


def _rows(archive: Archive, kind: str | None = None) -> list[tuple[str, str]]:
    sql = "SELECT kind, data FROM analysis_cache"
    args: tuple[str, ...] = ()
    if kind is not None:
        sql, args = sql + " WHERE kind=?", (kind,)
    return [(r["kind"], r["data"]) for r in archive.conn.execute(sql, args)]


def test_a_later_workspace_reads_the_kept_analyses(
    demo: Archive, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = Workspace(demo, ctx)
    story = _landslide(first)
    made = story_data(first, story)
    assert {kind for kind, _ in _rows(demo)} == {"provenance", "facts", "digest"}

    def never(*_args: object, **_kw: object) -> None:
        raise AssertionError("analysed again although the story did not change")

    for name in ("provenance", "facts", "digest"):
        monkeypatch.setattr(Workspace, name, never)
    again = story_data(Workspace(demo, ctx), story)
    assert json.dumps(again) == json.dumps(made)
    assert made["quotes"], "the demo story has quotations to compare"


def test_each_call_gives_a_new_object(demo: Archive, ctx: Context) -> None:
    ws = Workspace(demo, ctx)
    story = _landslide(ws)
    maker = _Maker()
    first = ws.analysis_data("facts", story, "", maker)
    first["values"].append("changed by a caller")
    second = ws.analysis_data("facts", story, "", maker)
    assert second == {"made": 1, "values": [1, 2.5, "x"]}
    assert maker.calls == 1


def test_a_changed_story_is_analysed_again(demo: Archive, ctx: Context) -> None:
    ws = Workspace(demo, ctx)
    story = _landslide(ws)
    maker = _Maker()
    assert ws.analysis_data("facts", story, "", maker)["made"] == 1
    ws.split(story, [ws.story(story).article_ids[-1]])
    assert ws.analysis_data("facts", story, "", maker)["made"] == 2
    # another kind, or other options of the same kind, are kept apart
    assert ws.analysis_data("digest", story, "", maker)["made"] == 3
    assert ws.analysis_data("digest", story, "60:None", maker)["made"] == 4
    assert Workspace(demo, ctx).analysis_data("digest", story, "", maker)["made"] == 3


def test_a_new_version_of_an_article_is_analysed_again(demo: Archive, ctx: Context) -> None:
    ws = Workspace(demo, ctx)
    story = _landslide(ws)
    maker = _Maker()
    ws.analysis_data("facts", story, "", maker)
    member = demo.get(ws.story(story).article_ids[0])
    changed = replace(member, paragraphs=[*member.paragraphs, "A correction was added later."])
    assert demo.add(changed).status == "new-version"
    assert ws.story_of(member.id).id == story
    assert Workspace(demo, ctx).analysis_data("facts", story, "", maker)["made"] == 2


def test_other_code_or_limits_analyse_again(
    demo: Archive, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = _landslide(Workspace(demo, ctx))
    maker = _Maker()
    Workspace(demo, ctx).analysis_data("facts", story, "", maker)
    stricter = replace(ctx, limits=replace(ctx.limits, max_items_per_input=7))
    assert analyses.analysis_fingerprint(stricter) != analyses.analysis_fingerprint(ctx)
    assert Workspace(demo, stricter).analysis_data("facts", story, "", maker)["made"] == 2
    monkeypatch.setattr(
        "corroborate.workspace.analysis_fingerprint", lambda _ctx: "an upgraded corroborate"
    )
    assert Workspace(demo, ctx).analysis_data("facts", story, "", maker)["made"] == 3


def test_an_unreadable_row_is_made_again_and_replaced(demo: Archive, ctx: Context) -> None:
    story = _landslide(Workspace(demo, ctx))
    maker = _Maker()
    Workspace(demo, ctx).analysis_data("facts", story, "", maker)
    for bad in ('{"made": ', "[1, 2]"):
        with demo.transaction() as conn:
            conn.execute("UPDATE analysis_cache SET data=?", (bad,))
        again = Workspace(demo, ctx).analysis_data("facts", story, "", maker)
        assert again["made"] == maker.calls
        assert json.loads(_rows(demo, "facts")[0][1]) == again
    assert maker.calls == 3


def test_a_read_only_archive_keeps_nothing(demo_db: Path, ctx: Context) -> None:
    with Archive(demo_db, readonly=True) as archive:
        ws = Workspace(archive, ctx)
        maker = _Maker()
        assert ws.analysis_data("facts", _landslide(ws), "", maker)["made"] == 1
        assert _rows(archive) == []


def test_only_the_newest_rows_of_a_kind_are_kept(
    demo: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(analyses, "KEPT_PER_KIND", 3)
    analyses.save_analysis(demo, "other", "digest", "{}")
    for n in range(5):
        assert analyses.save_analysis(demo, f"k{n}", "facts", json.dumps({"n": n}))
    analyses.save_analysis(demo, "k1", "facts", json.dumps({"n": 1}))  # replaced: newest now
    kept = {
        r["key"] for r in demo.conn.execute("SELECT key FROM analysis_cache WHERE kind='facts'")
    }
    assert kept == {"k3", "k4", "k1"}
    assert analyses.load_analysis(demo, "other") == "{}"
    assert analyses.load_analysis(demo, "k0") is None


def test_the_fingerprint_follows_the_installed_spacy_model(
    ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    analyses._code_fingerprint.cache_clear()
    before = analyses.analysis_fingerprint(ctx)
    (tmp_path / "en_core_web_sm_other-9.9.0.dist-info").mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    analyses._code_fingerprint.cache_clear()
    try:
        assert analyses.analysis_fingerprint(ctx) != before
    finally:
        monkeypatch.undo()
        analyses._code_fingerprint.cache_clear()
    assert analyses.analysis_fingerprint(ctx) == before
