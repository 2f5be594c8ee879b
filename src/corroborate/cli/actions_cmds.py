"""``actions`` and ``run``: the one-click actions from the command line."""

from __future__ import annotations

import click

from corroborate.actions import default_registry, resolve_target, run_action
from corroborate.actions.base import ActionResult, ListBlock, TableBlock, TextBlock
from corroborate.cli.common import db_option, json_option
from corroborate.cli.output import fail, print_json, table
from corroborate.cli.stories_cmds import _workspace
from corroborate.errors import CorroborateError, UsageError

__all__ = ["COMMANDS"]


@click.command(
    "actions", epilog="\b\nExamples:\n  corroborate actions\n  corroborate actions --json"
)
@json_option
def actions_command(as_json: bool) -> None:
    """List the actions `corroborate run` can run, what they apply to, and their options."""
    try:
        specs = default_registry().specs()
    except CorroborateError as exc:
        fail(exc, as_json)
    if as_json:
        print_json([s.to_dict() for s in specs])
        return
    table(
        [
            [
                s.name,
                "/".join(sorted(s.applies_to)),
                s.description,
                ", ".join(
                    f"--opt {o['name']}=… (default {o['default']!r})" for o in s.option_fields()
                ),
            ]
            for s in specs
        ],
        ["action", "applies to", "description", "options"],
    )


def _render_result(result: ActionResult, names: dict[str, str]) -> None:
    click.secho(result.title, bold=True)
    for block in result.blocks:
        if isinstance(block, TextBlock):
            _render_text(block, names, "")
        elif isinstance(block, ListBlock):
            click.echo()
            if block.title:
                click.secho(block.title, underline=True)
            if not block.items:
                click.secho("  (none)", dim=True)
            for item in block.items:
                _render_text(item, names, "  • ")
        elif isinstance(block, TableBlock):
            click.echo()
            if block.title:
                click.secho(block.title, underline=True)
            table(block.rows, block.columns)
    for note in result.notes:
        click.secho(f"note: {note}", dim=True)
    click.secho(f"engine: {result.engine}", dim=True)


def _render_text(block: TextBlock, names: dict[str, str], bullet: str) -> None:
    label = f"[{block.label}] " if block.label else ""
    flag = click.style(f" ({block.flag})", fg="red") if block.flag else ""
    click.echo(f"{bullet}{label}{block.text}{flag}")
    cited = []
    for c in block.citations:
        name = f"{names.get(c.article_id, c.article_id)} §{c.sentence_index}"
        if name not in cited:
            cited.append(name)
    if cited:
        click.secho(f"{' ' * len(bullet)}  cites: {'; '.join(cited)}", dim=True)


@click.command(
    "run",
    epilog="""\b
Examples:
  corroborate run summarize s1 --opt words=80
  corroborate run compare 5b497e12 --json
  corroborate run find-original story:s1
""",
)
@click.argument("action")
@click.argument("target")
@db_option
@json_option
@click.option(
    "--opt", "opts", multiple=True, metavar="NAME=VALUE", help="An action option (repeatable)."
)
@click.option(
    "--llm-config",
    type=click.Path(dir_okay=False, exists=True),
    help="TOML file with an [llm] section (url, model, key, timeout); also $CORROBORATE_LLM_URL etc.",
)
def run_command(
    action: str, target: str, db: str, as_json: bool, opts: tuple[str, ...], llm_config: str | None
) -> None:
    """Run ACTION on TARGET: an article id (or unique prefix) or a story id (s3, story:s3).

    Every sentence in the result cites its source sentence (article id, sentence
    number, character offsets). `corroborate actions` lists the actions.
    """
    options = {}
    for item in opts:
        name, sep, value = item.partition("=")
        if not sep:
            fail(UsageError(f"--opt takes NAME=VALUE, got {item!r}"), as_json)
        options[name.strip()] = value
    with _workspace(db, as_json, llm_config) as ws:
        try:
            registry = default_registry()
            registry.get(action)
            ws.assign_stories()
            result = run_action(ws, action, resolve_target(ws, target), options, registry)
            names = {
                a.id: a.outlet
                for a in ws.articles(list(dict.fromkeys(c.article_id for c in result.citations())))
            }
        except CorroborateError as exc:
            fail(exc, as_json)
    if as_json:
        print_json(result.to_dict())
    else:
        _render_result(result, names)


COMMANDS = [actions_command, run_command]
