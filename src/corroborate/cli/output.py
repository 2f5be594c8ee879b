"""Printing for the CLI: JSON, JSON Lines, plain tables, progress, errors.

Human output goes through rich when stdout is a terminal and falls back to
plain text otherwise, so piped output stays clean. Progress bars show only on a
terminal and never with ``--quiet``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from corroborate.errors import CorroborateError, NotFoundError, UsageError

__all__ = [
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "error_object",
    "fail",
    "print_json",
    "print_jsonl",
    "progress",
    "table",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def print_jsonl(item: Any) -> None:
    click.echo(json.dumps(item, ensure_ascii=False, default=str))


def error_object(message: str, status: int) -> dict[str, Any]:
    """The one error shape used by the CLI's ``--json`` output and the web API."""
    return {"ok": False, "error": message, "status": status}


def fail(exc: CorroborateError, as_json: bool) -> None:
    """Report ``exc`` and exit: 2 for usage errors, 1 for everything else."""
    code = EXIT_USAGE if isinstance(exc, UsageError) else EXIT_FAILED
    status = 404 if isinstance(exc, NotFoundError) else (400 if code == EXIT_USAGE else 422)
    if as_json:
        print_json(error_object(str(exc), status))
    click.echo(f"error: {exc}", err=True)
    sys.exit(code)


def table(rows: list[list[str]], headers: list[str]) -> None:
    """A simple aligned table (rich on a terminal, tab-free plain text otherwise)."""
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        t = Table(*headers, show_lines=False, highlight=False)
        for row in rows:
            t.add_row(*row)
        Console().print(t)
        return
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    widths = [min(w, 60) for w in widths]
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in rows:
        cells = [
            (c if len(c) <= w else c[: w - 1] + "…").ljust(w)
            for c, w in zip(row, widths, strict=True)
        ]
        click.echo("  ".join(cells).rstrip())


class _Progress:
    def __init__(self, bar: Any, task: Any) -> None:
        self._bar = bar
        self._task = task

    def advance(self, description: str | None = None) -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=description or "")


@contextmanager
def progress(label: str, quiet: bool, total: int | None = None) -> Iterator[_Progress]:
    """A progress bar on stderr when it is a terminal and not ``quiet``; else nothing."""
    if quiet or not sys.stderr.isatty():
        yield _Progress(None, None)
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn(label),
        BarColumn(),
        TextColumn("{task.completed} done"),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=total)
        yield _Progress(bar, task)
