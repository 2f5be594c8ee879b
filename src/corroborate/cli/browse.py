"""``articles``, ``show`` and ``search``: looking at what the archive holds."""

from __future__ import annotations

import click

from corroborate.archive import Archive
from corroborate.cli.common import db_option, json_option
from corroborate.cli.output import fail, print_json, table
from corroborate.cli.render import render_article
from corroborate.errors import CorroborateError

__all__ = ["COMMANDS"]


@click.command(
    "articles",
    epilog="\b\nExamples:\n  corroborate articles\n  corroborate articles --limit 500 --json",
)
@db_option
@json_option
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
def articles_command(db: str, as_json: bool, limit: int, offset: int) -> None:
    """List archived articles, newest first."""
    try:
        with Archive(db, readonly=True) as archive:
            rows = archive.list_articles(limit, offset)
    except CorroborateError as exc:
        fail(exc, as_json)
    if as_json:
        print_json([r.to_dict() for r in rows])
        return
    table(
        [[r.id, (r.published_at or "")[:10], r.source or "", r.title] for r in rows],
        ["id", "published", "outlet", "title"],
    )


@click.command(
    "show", epilog="\b\nExamples:\n  corroborate show 3f2a9c1d\n  corroborate show 3f2a9c1d --json"
)
@click.argument("article_id")
@db_option
@json_option
@click.option("--versions", is_flag=True, help="Also list earlier versions of the article.")
def show_command(article_id: str, db: str, as_json: bool, versions: bool) -> None:
    """Show one article: metadata, clean text, and what cleaning removed (ID or a unique prefix)."""
    try:
        with Archive(db, readonly=True) as archive:
            article = archive.get(article_id)
            history = archive.versions(article.id) if versions else []
    except CorroborateError as exc:
        fail(exc, as_json)
    if as_json:
        data = article.to_dict()
        data["outlet"] = article.outlet
        if versions:
            data["versions"] = [v.to_dict() for v in history]
        print_json(data)
        return
    render_article(article)
    for old in history:
        click.echo(f"version {old.version}: {old.content_hash} {old.title}")


@click.command(
    "search",
    epilog="\b\nExamples:\n  corroborate search carney tariffs\n  corroborate search 'seat count' --json",
)
@click.argument("query", nargs=-1, required=True)
@db_option
@json_option
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
def search_command(query: tuple[str, ...], db: str, as_json: bool, limit: int) -> None:
    """Full-text search over titles and bodies (words, OR between alternatives)."""
    try:
        with Archive(db, readonly=True) as archive:
            hits = archive.search(" ".join(query), limit)
    except CorroborateError as exc:
        fail(exc, as_json)
    if as_json:
        print_json([h.to_dict() for h in hits])
        return
    table(
        [[h.article.id, h.article.source or "", h.article.title, h.snippet] for h in hits],
        ["id", "outlet", "title", "snippet"],
    )


COMMANDS = [articles_command, show_command, search_command]
