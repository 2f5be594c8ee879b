"""Actions: the registry, and every built-in action on the demo and the seeds, with real citations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SHARED
from corroborate.actions import (
    ActionRegistry,
    ActionResult,
    ActionSet,
    ActionTarget,
    TextBlock,
    default_registry,
    resolve_target,
    run_action,
)
from corroborate.archive import Archive
from corroborate.cli import cli
from corroborate.config import Context
from corroborate.errors import UsageError
from corroborate.pipeline import ingest
from corroborate.text import article_sentences
from corroborate.workspace import Workspace

BUILTIN_NAMES = [
    "compare",
    "entities",
    "find-original",
    "key-facts",
    "quotes",
    "summarize",
    "timeline",
]


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory: pytest.TempPathFactory, ctx: Context) -> Iterator[Workspace]:
    from corroborate.analysis import demo_dir

    db = tmp_path_factory.mktemp("demo") / "demo.db"
    with Archive(db) as archive:
        ingest([str(demo_dir())], archive, ctx)
        ws = Workspace(archive, ctx)
        ws.assign_stories()
        yield ws


def _landslide(ws: Workspace) -> str:
    return next(s.id for s in ws.stories() if "Brennick" in s.title)


def _check_citations(ws: Workspace, result: ActionResult) -> int:
    count = 0
    for citation in result.citations():
        article = ws.article(citation.article_id)
        sentence = article_sentences(article.paragraphs)[citation.sentence_index]
        assert article.body[citation.start : citation.end] == sentence.text
        count += 1
    return count


def test_registry_lists_builtins_and_fails_helpfully() -> None:
    registry = default_registry(entry_points=False)
    assert registry.names() == BUILTIN_NAMES
    with pytest.raises(UsageError, match="known actions: compare, entities"):
        registry.get("summarise")


def test_new_actions_register_like_builtins() -> None:
    extra = ActionSet()

    @dataclass(frozen=True)
    class Options:
        shout: bool = False

    @extra.action("headline", "The article's headline", ["article"], Options)
    def headline(ws: Workspace, target: ActionTarget, options: Options) -> ActionResult:
        title = ws.article(target.id).title
        return ActionResult(
            "headline", target, "Headline", [TextBlock(title.upper() if options.shout else title)]
        )

    registry = ActionRegistry()
    registry.add_set(extra)
    assert registry.get("headline").option_fields()[0]["name"] == "shout"
    with pytest.raises(UsageError, match="already registered"):
        registry.add_set(extra)


def test_every_builtin_runs_on_the_demo_with_real_citations(demo_ws: Workspace) -> None:
    story = _landslide(demo_ws)
    # The Northern Ledger adds, omits and misquotes; the wire story is dated (for the timeline).
    articles = [
        next(a.id for a in demo_ws.story_articles(story) if a.format == "text"),
        "meridian-landslide-1",
    ]
    registry = default_registry(entry_points=False)
    for name in BUILTIN_NAMES:
        spec = registry.get(name)
        targets = [ActionTarget("story", story)] if "story" in spec.applies_to else []
        if "article" in spec.applies_to:
            targets += [ActionTarget("article", a) for a in articles]
        cited = {}
        for target in targets:
            result = run_action(demo_ws, name, target, registry=registry)
            data = result.to_dict()
            json.dumps(data)
            assert data["action"] == name and data["blocks"], (name, target)
            cited[target.kind] = max(cited.get(target.kind, 0), _check_citations(demo_ws, result))
        assert all(n > 0 for n in cited.values()), (name, cited)


def test_demo_findings(demo_ws: Workspace) -> None:
    story = _landslide(demo_ws)
    wire = "meridian-landslide-1"
    original = run_action(demo_ws, "find-original", ActionTarget("story", story)).to_dict()
    originals = [
        b
        for b in original["blocks"]
        if b["type"] == "list" and "Original reporting" in (b["title"] or "")
    ]
    assert any("Meridian Wire Service" in item["text"] for item in originals[0]["items"])
    courier = next(a.id for a in demo_ws.story_articles(story) if a.source == "The Valley Courier")
    chain = run_action(demo_ws, "find-original", ActionTarget("article", courier)).to_dict()
    assert "copy of Meridian Wire Service" in json.dumps(chain)
    graph = demo_ws.provenance(story).to_dict()
    farm = next(a.id for a in demo_ws.story_articles(story) if a.format == "markdown")
    assert any(
        e["from"] == wire and e["to"] == courier and e["kind"] == "copy" for e in graph["reuse"]
    )
    assert any(
        e["from"] == wire and e["to"] == farm and e["kind"] == "rewrite" for e in graph["reuse"]
    )


def test_unknown_target_kind_and_options(demo_ws: Workspace) -> None:
    story = _landslide(demo_ws)
    with pytest.raises(UsageError, match="applies to article"):
        run_action(demo_ws, "compare", ActionTarget("story", story))
    with pytest.raises(UsageError, match="valid options: focus, words"):
        run_action(demo_ws, "summarize", ActionTarget("story", story), {"length": "5"})
    assert resolve_target(demo_ws, story).kind == "story"
    assert resolve_target(demo_ws, "story:" + story).id == story


def test_run_command_text_and_json(demo_ws: Workspace) -> None:
    db = str(demo_ws.archive.path)
    story = _landslide(demo_ws)
    runner = CliRunner()
    result = runner.invoke(cli, ["run", "summarize", story, "--db", db, "--opt", "words=60"])
    assert result.exit_code == 0, result.output
    assert "cites:" in result.output
    result = runner.invoke(cli, ["run", "key-facts", story, "--db", db, "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["action"] == "key-facts"
    result = runner.invoke(cli, ["run", "nosuch", story, "--db", db])
    assert result.exit_code == 2 and "known actions" in result.stderr
    result = runner.invoke(cli, ["actions", "--json"])
    assert [a["name"] for a in json.loads(result.stdout)] == BUILTIN_NAMES


@pytest.mark.shared
def test_every_builtin_runs_on_the_seeds(tmp_path: Path, ctx: Context) -> None:
    seeds = SHARED / "seeds"
    if not seeds.exists():
        pytest.skip(f"{seeds} is absent: needs the shared seeds beside the repo")
    with Archive(tmp_path / "s.db") as archive:
        report = ingest(sorted(str(p) for p in seeds.iterdir()), archive, ctx)
        ws = Workspace(archive, ctx)
        ws.assign_stories()
        [story] = {ws.index.story_of(a) for a in report.article_ids}
        for name in BUILTIN_NAMES:
            spec = default_registry(entry_points=False).get(name)
            kind = "story" if "story" in spec.applies_to else "article"
            target = ActionTarget(kind, story if kind == "story" else report.article_ids[1])
            result = run_action(ws, name, target)
            assert result.blocks, name
            _check_citations(ws, result)


def test_summarize_uses_a_configured_model_and_falls_back(demo_ws: Workspace) -> None:
    """With an LLM configured, summarize asks it, verifies it, and falls back on errors."""
    from corroborate.llm import LlmConfig
    from llm_server import LlmTestServer, Reply, chat_reply

    story = _landslide(demo_ws)
    saved = demo_ws.ctx.llm
    try:
        with LlmTestServer() as server:
            demo_ws.ctx.llm = LlmConfig(url=server.url, model="test-model", timeout=2.0)
            server.queue(
                chat_reply(
                    "A landslide on the Brennick Pass highway killed four people [1].\n"
                    "It also destroyed the old lighthouse of Carrow [2]."
                )
            )
            result = run_action(demo_ws, "summarize", ActionTarget("story", story), {"words": "60"})
            assert result.engine == "llm:test-model"
            flags = [b.flag for b in result.blocks if isinstance(b, TextBlock)]
            assert flags == [None, "unsupported"]
            assert _check_citations(demo_ws, result) > 0

            server.queue(Reply("not json at all", content_type="text/plain"))
            fallback = run_action(
                demo_ws, "summarize", ActionTarget("story", story), {"words": "60"}
            )
            assert fallback.engine == "extractive"
            assert any("language model not used" in n for n in fallback.notes)
            assert fallback.blocks
    finally:
        demo_ws.ctx.llm = saved
