"""``stories``, ``story``, ``merge``, ``split``, ``move`` and ``facts``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from corroborate.archive import Archive
from corroborate.cli.common import db_option, json_option, quiet_option
from corroborate.cli.output import fail, print_json, table
from corroborate.cli.render_story import render_story
from corroborate.config import Context
from corroborate.errors import CorroborateError, NotFoundError
from corroborate.stories import Decision
from corroborate.views import STORY_SECTIONS, stories_data, story_data
from corroborate.workspace import Workspace

__all__ = ["COMMANDS"]


@contextmanager
def _workspace(db: str, as_json: bool, llm_config: str | None = None) -> Iterator[Workspace]:
    """Open the archive as a workspace; ``llm_config`` names a TOML file for the optional LLM."""
    try:
        if not Path(db).exists():
            raise NotFoundError(f"no archive at {db} (ingest something first, or pass --db)")
        from corroborate.llm import load_llm_config

        llm = load_llm_config(os.environ, Path(llm_config) if llm_config else None)
        with Archive(db) as archive:
            yield Workspace(archive, Context(llm=llm))
    except CorroborateError as exc:
        fail(exc, as_json)


@click.command(
    "stories",
    epilog="\b\nExamples:\n  corroborate stories --db news.db\n  corroborate stories --json | jq '.[0]'",
)
@db_option
@json_option
@quiet_option
@click.option("--limit", type=click.IntRange(1), default=100, show_default=True)
def stories_command(db: str, as_json: bool, quiet: bool, limit: int) -> None:
    """List stories (articles grouped by event), largest first.

    Articles that have no story yet are assigned first, in publication order.
    """
    with _workspace(db, as_json) as ws:
        ws.assign_stories()
        rows = stories_data(ws, limit)
    if as_json:
        print_json(rows)
        return
    table(
        [
            [
                r["id"],
                str(r["size"]),
                (r["first_published"] or "")[:10],
                (r["last_published"] or "")[:10],
                ", ".join(r["outlets"])[:60],
                r["title"],
            ]
            for r in rows
        ],
        ["story", "size", "first", "last", "outlets", "title"],
    )


@click.command(
    "story",
    epilog="\b\nExamples:\n  corroborate story s1\n  corroborate story s1 --json --section facts",
)
@click.argument("story_id")
@db_option
@json_option
@click.option(
    "--section",
    "sections",
    multiple=True,
    type=click.Choice(STORY_SECTIONS),
    help="Only these analyses (repeatable; default: all).",
)
def story_command(story_id: str, db: str, as_json: bool, sections: tuple[str, ...]) -> None:
    """Show one story: its articles and why each is there, who copied whom, the facts
    compared across outlets (conflicts, quote fidelity, single-source claims) and a
    cited digest."""
    with _workspace(db, as_json) as ws:
        ws.assign_stories()
        data = story_data(ws, story_id, sections or STORY_SECTIONS)
    if as_json:
        print_json(data)
    else:
        render_story(data)


def _print_decision(decision: Decision, as_json: bool) -> None:
    if as_json:
        print_json({"ok": True, "decision": decision.to_dict()})
        return
    click.echo(
        f"{decision.kind}: {len(decision.article_ids)} article(s) now in story {decision.story_id}"
        f" (from {decision.from_story_id}); this decision is kept when new articles arrive"
    )


@click.command("merge", epilog="\b\nExamples:\n  corroborate merge s1 s4")
@click.argument("story_a")
@click.argument("story_b")
@db_option
@json_option
def merge_command(story_a: str, story_b: str, db: str, as_json: bool) -> None:
    """Merge story B into story A (a person's decision, never undone automatically)."""
    with _workspace(db, as_json) as ws:
        decision = ws.merge(story_a, story_b)
    _print_decision(decision, as_json)


@click.command("split", epilog="\b\nExamples:\n  corroborate split s1 3f2a9c1d 77ab01ee")
@click.argument("story_id")
@click.argument("article_ids", nargs=-1, required=True)
@db_option
@json_option
def split_command(story_id: str, article_ids: tuple[str, ...], db: str, as_json: bool) -> None:
    """Take ARTICLE_IDS out of STORY into a new story of their own."""
    with _workspace(db, as_json) as ws:
        decision = ws.split(story_id, list(article_ids))
    _print_decision(decision, as_json)


@click.command("move", epilog="\b\nExamples:\n  corroborate move 3f2a9c1d s4")
@click.argument("article_id")
@click.argument("story_id")
@db_option
@json_option
def move_command(article_id: str, story_id: str, db: str, as_json: bool) -> None:
    """Move one article into another story."""
    with _workspace(db, as_json) as ws:
        decision = ws.move(article_id, story_id)
    _print_decision(decision, as_json)


@click.command(
    "facts",
    epilog="\b\nExamples:\n  corroborate facts 3f2a9c1d\n  corroborate facts 3f2a9c1d --json",
)
@click.argument("article_id")
@db_option
@json_option
def facts_command(article_id: str, db: str, as_json: bool) -> None:
    """The facts one article states: quantities, quotations (with speakers), entities,
    dates and checkable claims, each with its sentence."""
    from corroborate.facts import extract_facts

    with _workspace(db, as_json) as ws:
        facts = extract_facts(ws.article(article_id), ws.ctx)
    data = facts.to_dict()
    if as_json:
        print_json(data)
        return
    from corroborate.cli.render_story import render_article_facts

    render_article_facts(data)


COMMANDS = [
    stories_command,
    story_command,
    merge_command,
    split_command,
    move_command,
    facts_command,
]
