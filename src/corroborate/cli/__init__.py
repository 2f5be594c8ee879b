"""The ``corroborate`` command line: a thin shell over the library.

Exit codes: 0 all good, 1 some inputs or the requested work failed (each
failure is named), 2 usage error (unknown command, option or name).
"""

from __future__ import annotations

import click

from corroborate._version import __version__
from corroborate.cli import (
    actions_cmds,
    browse,
    ingest_cmds,
    provenance_cmds,
    serve_cmd,
    spark_cmd,
    stories_cmds,
)

__all__ = ["cli", "main"]

EPILOG = """\b
Exit codes: 0 all good, 1 some inputs failed, 2 usage error.
Examples:
  corroborate demo
  corroborate ingest ../shared/seeds/ --db news.db
  corroborate analyze article.html feed.xml --json
"""


@click.group(
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="corroborate")
def cli() -> None:
    """What many reports of one event really say: stories, who copied whom, facts compared."""


for module in (
    ingest_cmds,
    browse,
    stories_cmds,
    provenance_cmds,
    actions_cmds,
    serve_cmd,
    spark_cmd,
):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    cli(prog_name="corroborate")
