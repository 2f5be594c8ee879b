"""Human-readable rendering of reports and articles for the terminal."""

from __future__ import annotations

import click

from corroborate.model import Article
from corroborate.report import Report

__all__ = ["render_article", "render_report"]


def _date(value: object) -> str:
    return str(value)[:16].replace("T", " ") if value else "date unknown"


def render_article(article: Article, full: bool = True) -> None:
    click.secho(article.title, bold=True)
    if article.dek:
        click.echo(article.dek)
    byline = ", ".join(article.authors) if article.authors else "no byline"
    click.echo(
        f"{article.outlet} · {byline} · {_date(article.published_at)} · {article.language or '?'}"
    )
    click.echo(
        f"id {article.id} · {article.format} · {article.input}"
        + (f" · {article.url}" if article.url else "")
    )
    if article.wire:
        click.echo("wire: " + ", ".join(article.wire))
    if full:
        click.echo()
        for paragraph in article.paragraphs:
            click.echo(click.wrap_text(paragraph, 88) + "\n")
    if article.removed:
        click.secho(f"cleaning removed {len(article.removed)}:", dim=True)
        for removal in article.removed:
            text = removal.text if len(removal.text) < 90 else removal.text[:87] + "…"
            click.secho(f"  - [{removal.rule}] {text}  ({removal.reason})", dim=True)
    for warning in article.warnings:
        click.secho(f"warning: {warning}", fg="yellow")


def render_report(report: Report) -> None:
    from corroborate.cli.render_story import render_story

    errors = [i for i in report.inputs if i["status"] == "error"]
    links = [i for i in report.inputs if i["status"] == "link"]
    click.secho(
        f"{len(report.articles)} articles from {len(report.inputs)} inputs, "
        f"{len(report.stories)} stories",
        bold=True,
    )
    for item in errors:
        click.secho(f"  error {item['input']}: {item['reason']}", fg="red")
    for item in links:
        click.secho(f"  {item['input']}: {item['reason']}", dim=True)
    click.echo()
    for data in report.articles:
        render_article(Article.from_dict(data), full=False)
        click.echo()
    for story in report.stories:
        click.echo("─" * 88)
        render_story(story)
        click.echo()
