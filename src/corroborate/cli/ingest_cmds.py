"""``ingest``, ``analyze`` and ``demo``: getting coverage in and reporting on it."""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from corroborate.analysis import analyze, demo_dir
from corroborate.archive import Archive
from corroborate.cli.common import db_option, json_option, quiet_option
from corroborate.cli.output import fail, print_json, print_jsonl, progress, table
from corroborate.cli.render import render_report
from corroborate.config import Context, Limits
from corroborate.errors import CorroborateError
from corroborate.pipeline import IngestOptions, IngestOutcome, IngestReport, ingest
from corroborate.report import load_report_models
from corroborate.stories import FeatureOptions
from corroborate.stories.features import INGEST_FEATURES, load_feature_models
from corroborate.workspace import Workspace

__all__ = ["COMMANDS"]

_MB = 1024 * 1024


def _limit_options(f):  # type: ignore[no-untyped-def]
    """``--max-mb``, ``--allow-private-urls`` and ``--reader-budget``, handed to the
    command as one ``ctx`` (a :class:`Context` with those :class:`Limits`)."""

    @functools.wraps(f)
    def with_context(
        *args: Any, max_mb: float, allow_private_urls: bool, reader_budget: float, **kwargs: Any
    ) -> Any:
        limits = Limits(
            max_input_bytes=int(max_mb * _MB),
            allow_private_urls=allow_private_urls,
            reader_time_budget_s=reader_budget,
        )
        return f(*args, ctx=Context(limits=limits), **kwargs)

    with_context = click.option(
        "--max-mb",
        type=click.FloatRange(0.001),
        default=20.0,
        show_default=True,
        help="Largest input accepted, in MB.",
    )(with_context)
    with_context = click.option(
        "--allow-private-urls",
        is_flag=True,
        help="Allow fetching URLs on private, loopback or link-local addresses.",
    )(with_context)
    return click.option(
        "--reader-budget",
        type=click.FloatRange(1.0),
        default=Limits().reader_time_budget_s,
        show_default=True,
        metavar="SECONDS",
        help="Time one input may take to read, and each part of 250 articles of a long "
        "one to clean (a very large feed on a slow machine may need more); an input "
        "over it is an error, the others go on.",
    )(with_context)


def _print_outcome(outcome: IngestOutcome) -> None:
    if outcome.status == "error":
        click.echo(f"error       {outcome.input}: {outcome.reason}")
        return
    if outcome.status == "link":
        click.echo(f"link        {outcome.input}: {outcome.reason}")
        return
    click.echo(f"{outcome.status:<11} {outcome.article_id}  {outcome.title}  ({outcome.input})")
    for warning in outcome.warnings:
        click.echo(f"            warning: {warning}")


def _summary(report: IngestReport) -> str:
    counts = report.counts()
    parts = [
        f"{counts.get(k, 0)} {k}" for k in ("ingested", "new-version", "duplicate", "link", "error")
    ]
    return ", ".join(parts)


@click.command(
    "ingest",
    epilog="""\b
Examples:
  corroborate ingest ../shared/seeds/*
  corroborate ingest feeds/ https://example.com/news/story.html --db news.db
  cat article.txt | corroborate ingest - --json
""",
)
@click.argument("sources", nargs=-1, required=True)
@db_option
@json_option
@quiet_option
@_limit_options
@click.option(
    "--no-stories", is_flag=True, help="Only store; assign stories later (`corroborate stories`)."
)
@click.option(
    "--spacy-entities",
    is_flag=True,
    help="Story features with spaCy's NER (the full path: about 10x slower, "
    "story quality measured in docs/scale.md) instead of the quick capitalised-phrase entities.",
)
@click.option(
    "--reader", help="Force a reader (markdown, html, feed, json, text) instead of sniffing."
)
def ingest_command(
    sources: tuple[str, ...],
    db: str,
    as_json: bool,
    quiet: bool,
    ctx: Context,
    no_stories: bool,
    spacy_entities: bool,
    reader: str | None,
) -> None:
    """Read PATH, directory, URL or - (stdin) into the archive.

    Prints one line per input (JSON Lines with --json): ingested, new-version,
    duplicate, link (a feed entry to fetch) or error with its reason. Re-running
    on the same inputs adds nothing. Exits 1 when any input failed. New articles
    are then given stories, with story features that skip the spaCy parse
    (--spacy-entities for the full path, --no-stories to only store).
    """
    try:
        with Archive(db) as archive, progress("ingesting", quiet or as_json) as bar:

            def on_outcome(outcome: IngestOutcome) -> None:
                bar.advance(outcome.input[-40:])
                print_jsonl(outcome.to_dict()) if as_json else _print_outcome(outcome)

            features = FeatureOptions(entities="spacy") if spacy_entities else INGEST_FEATURES
            # The story models load while the reader worker starts on the first input.
            warm_up = None if no_stories else functools.partial(load_feature_models, ctx, features)
            options = IngestOptions(reader=reader, warm_up=warm_up)
            report = ingest(list(sources), archive, ctx, options, on_outcome)
        with Archive(db) as archive:
            ws = Workspace(archive, ctx, features, workers=min(2, os.cpu_count() or 1))
            assigned = [] if no_stories else ws.assign_stories(report.article_ids)
    except CorroborateError as exc:
        fail(exc, as_json)
    summary = _summary(report)
    if assigned:
        joined = sum(1 for a in assigned if a.joined)
        summary += (
            f"; stories: {joined} joined an existing story, {len(assigned) - joined} started one"
        )
    click.echo(summary, err=True)
    sys.exit(report.exit_code)


def _run_analyze(
    sources: list[str], db: str | None, as_json: bool, quiet: bool, ctx: Context
) -> None:
    try:
        with tempfile.TemporaryDirectory(prefix="corroborate-") as tmp:
            path = Path(db) if db else Path(tmp) / "analyze.db"
            with Archive(path) as archive, progress("analyzing", quiet or as_json) as bar:
                # The report's models load while the reader worker starts on the first input.
                options = IngestOptions(warm_up=functools.partial(load_report_models, ctx))
                report, ingest_report = analyze(
                    sources, archive, ctx, options, lambda o: bar.advance(o.input[-40:])
                )
    except CorroborateError as exc:
        fail(exc, as_json)
    if as_json:
        print_json(report.to_dict())
    else:
        render_report(report)
    if ingest_report.errors:
        click.echo(_summary(ingest_report), err=True)
    sys.exit(ingest_report.exit_code)


@click.command(
    "analyze",
    epilog="""\b
Examples:
  corroborate analyze ../shared/seeds/*
  corroborate analyze coverage/ --json > report.json
  corroborate analyze https://example.com/a.html feed.xml --db news.db
""",
)
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    default=None,
    help="Keep the archive in this file (default: a temporary one).",
)
@json_option
@quiet_option
@_limit_options
def analyze_command(
    sources: tuple[str, ...],
    db: str | None,
    as_json: bool,
    quiet: bool,
    ctx: Context,
) -> None:
    """Ingest SOURCES and report everything: articles, stories, who copied whom, facts.

    The JSON output follows schemas/analyze.schema.json in the package.
    """
    _run_analyze(list(sources), db, as_json, quiet, ctx)


@click.command(
    "demo",
    epilog="""\b
Examples:
  corroborate demo
  corroborate demo --json | python -m json.tool
""",
)
@json_option
@quiet_option
@click.option("--list", "list_files", is_flag=True, help="Only list the bundled demo files.")
def demo_command(as_json: bool, quiet: bool, list_files: bool) -> None:
    """Analyze the bundled example coverage of a fictional event (no network, no setup)."""
    folder = demo_dir()
    if list_files:
        table(
            [[p.name, f"{p.stat().st_size:,}"] for p in sorted(folder.iterdir()) if p.is_file()],
            ["file", "bytes"],
        )
        return
    _run_analyze([str(folder)], None, as_json, quiet, Context())


COMMANDS = [ingest_command, analyze_command, demo_command]
