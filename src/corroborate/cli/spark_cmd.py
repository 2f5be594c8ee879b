"""``corroborate spark``: corpus-scale runs on Apache Spark (needs ``corroborate[spark]``, Java).

The subcommands call the same functions as ``python -m corroborate.spark``
(:mod:`corroborate.spark.commands`); ``load`` brings the Parquet outputs into an
archive without Spark.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

import click

from corroborate.cli.common import db_option
from corroborate.cli.output import fail, print_json
from corroborate.errors import CorroborateError, UsageError
from corroborate.spark.commands import (
    RunOptions,
    run_all,
    run_ingest,
    run_load,
    run_neardup,
    run_provenance,
    run_stories,
)
from corroborate.spark.session import SparkSettings

__all__ = ["COMMANDS", "spark_group"]

F = TypeVar("F", bound=Callable[..., Any])

EPILOG = """\b
Examples:
  corroborate spark run corpus/ --out out/ --master 'local[*]'
  corroborate spark stories --out out/ --mode windowed
  corroborate spark load out/ --db news.db
See docs/scale.md for spark-submit on YARN, Kubernetes or a standalone cluster."""


def _spark_options(f: F) -> F:
    f = click.option("--out", required=True, help="Output folder (local path or URI).")(f)
    f = click.option("--master", help="Spark master URL, e.g. local[*], yarn, spark://host:7077.")(
        f
    )
    return click.option(
        "--conf", "conf", multiple=True, metavar="KEY=VALUE", help="A Spark setting (repeatable)."
    )(f)


def _story_options(f: F) -> F:
    f = click.option(
        "--mode",
        type=click.Choice(["exact", "windowed"]),
        default="exact",
        show_default=True,
        help="exact: the single-machine stories; windowed: parallel per time window.",
    )(f)
    return click.option(
        "--window-span-days",
        type=float,
        default=30.0,
        show_default=True,
        help="Time window of the windowed mode.",
    )(f)


def _provenance_option(f: F) -> F:
    return click.option(
        "--max-story-size",
        type=click.IntRange(2),
        help="Skip stories with more articles (every pair of a story is aligned).",
    )(f)


def _ingest_options(f: F) -> F:
    f = click.argument("inputs", nargs=-1, required=True)(f)
    f = click.option("--parquet", is_flag=True, help="Inputs are Parquet tables.")(f)
    return click.option("--reader", help="Force one reader (default: sniff each file).")(f)


def _options(master: str | None = None, conf: tuple[str, ...] = (), **extra: Any) -> RunOptions:
    """RunOptions from the command-line values (only those the command has)."""
    settings: dict[str, str] = {}
    for item in conf:
        key, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--conf {item!r}: expected KEY=VALUE")
        settings[key] = value
    options = RunOptions(settings=SparkSettings(master=master, conf=settings))
    if "parquet" in extra:
        ingest = replace(options.ingest, parquet=extra["parquet"], reader=extra["reader"])
        options = replace(options, ingest=ingest)
    if extra.get("max_story_size") is not None:
        provenance = replace(options.provenance, max_story_size=extra["max_story_size"])
        options = replace(options, provenance=provenance)
    if "mode" in extra:
        stories = replace(
            options.stories, mode=extra["mode"], window_span_days=extra["window_span_days"]
        )
        options = replace(options, stories=stories)
    return options


def _run(work: Callable[[], dict[str, Any]]) -> None:
    try:
        result = work()
    except CorroborateError as exc:
        fail(exc, as_json=False)
        return
    print_json(result)


@click.group("spark", epilog=EPILOG)
def spark_group() -> None:
    """Run ingest, near duplicates, stories and provenance as Spark jobs over Parquet."""


@spark_group.command("run")
@_ingest_options
@_story_options
@_provenance_option
@_spark_options
def run_command(inputs: tuple[str, ...], out: str, **opts: Any) -> None:
    """Ingest INPUTS, then near duplicates, stories and provenance, into OUT."""
    _run(lambda: run_all(list(inputs), out, _options(**opts)))


@spark_group.command("ingest")
@_ingest_options
@_spark_options
def ingest_command(inputs: tuple[str, ...], out: str, **opts: Any) -> None:
    """Read and clean INPUTS (files, folders, URIs) into OUT/articles."""
    _run(lambda: run_ingest(list(inputs), out, _options(**opts)))


@spark_group.command("neardup")
@_spark_options
def neardup_command(out: str, **opts: Any) -> None:
    """Near-duplicate pairs of OUT/articles into OUT/neardup."""
    _run(lambda: run_neardup(out, _options(**opts)))


@spark_group.command("stories")
@_story_options
@_spark_options
def stories_command(out: str, **opts: Any) -> None:
    """Assign OUT/articles to stories into OUT/stories and OUT/story_list."""
    _run(lambda: run_stories(out, _options(**opts)))


@spark_group.command("provenance")
@_provenance_option
@_spark_options
def provenance_command(out: str, **opts: Any) -> None:
    """Reuse links within each story of OUT/stories into OUT/reuse."""
    _run(lambda: run_provenance(out, _options(**opts)))


@spark_group.command("load")
@click.argument("out")
@db_option
@click.option("--no-stories", is_flag=True, help="Load the articles only.")
def load_command(out: str, db: str, no_stories: bool) -> None:
    """Load the Parquet outputs in OUT into an archive (no Spark needed)."""
    _run(lambda: run_load(out, db, stories=not no_stories))


COMMANDS = [spark_group]
