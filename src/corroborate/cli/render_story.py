"""Terminal rendering of a story's data (from :func:`corroborate.views.story_data`)."""

from __future__ import annotations

from typing import Any

import click

__all__ = ["render_article_facts", "render_story"]


def _short(text: str, width: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _heading(text: str) -> None:
    click.echo()
    click.secho(text, bold=True, underline=True)


def _outlets(data: dict[str, Any]) -> dict[str, str]:
    return {a["id"]: a["outlet"] for a in data.get("article_details", [])}


def render_story(data: dict[str, Any]) -> None:
    names = _outlets(data)
    click.secho(f"{data['title']}", bold=True)
    span = f"{(data['first_published'] or '?')[:16]} → {(data['last_published'] or '?')[:16]}"
    click.echo(
        f"story {data['id']} · {data['size']} articles · {len(data['outlets'])} outlets · {span}"
    )
    if data.get("decided"):
        click.echo("includes a person's decision (merge/split/move), kept as made")

    _heading("Articles, and why each is in this story")
    for article in data["article_details"]:
        when = (article["published_at"] or "date unknown")[:16]
        click.echo(f"  {article['id']}  {article['outlet']} · {when}")
        click.echo(f"      {_short(article['title'], 100)}")
        for reason in article["reasons"][:3]:
            click.secho(f"      - {reason['text']}", dim=True)

    if "digest" in data:
        _render_digest(data["digest"], names)
    if "reuse" in data:
        _render_reuse(data, names)
    if "quantities" in data:
        _render_facts(data, names)


def _cite(citations: list[dict[str, Any]], names: dict[str, str]) -> str:
    outlets = []
    for c in citations:
        name = names.get(c["article_id"], c["article_id"])
        if name not in outlets:
            outlets.append(name)
    return "; ".join(outlets)


def _render_digest(digest: dict[str, Any], names: dict[str, str]) -> None:
    _heading("Digest (every sentence cited)")
    section = None
    for block in digest.get("blocks", []):
        if block["section"] != section:
            section = block["section"]
            label = {"common": "Most outlets report", "additional": "Only some add"}.get(
                section, section
            )
            click.secho(f"  {label}:", italic=True)
        click.echo(f"  • {_short(block['text'], 300)}")
        click.secho(f"      [{_cite(block['citations'], names)}]", dim=True)


def _render_reuse(data: dict[str, Any], names: dict[str, str]) -> None:
    _heading("Who copied whom")
    graph = data.get("provenance", {})
    edges = [e for e in data["reuse"] if e["kind"] != "independent"]
    if not edges:
        click.echo("  no copying or rewording found between these articles")
    for edge in edges:
        click.echo(
            f"  {names.get(edge['to'], edge['to'])} ← {edge['kind']} of {names.get(edge['from'], edge['from'])}"
            f" ({edge['share']:.0%} of it derived; direction from {edge['direction']})"
        )
        for item in edge.get("evidence", [])[:2]:
            click.secho(f"      {item['kind']}: {_short(item['to_sentence'], 90)}", dim=True)
    original = graph.get("original_reporting", [])
    if original:
        click.echo("  original reporting: " + ", ".join(names.get(a, a) for a in original))
    for node in graph.get("nodes", []):
        verdict = node["unseen_source"]
        if verdict["derived"]:
            outlets = f" ({', '.join(verdict['outlets'])})" if verdict["outlets"] else ""
            click.echo(
                f"  {names.get(node['id'], node['id'])} looks derived from an unseen source{outlets}:"
            )
            for hit in verdict["evidence"][:3]:
                click.secho(f"      {_short(hit['text'], 100)}", dim=True)


SHOWN_FIGURES = 12
SHOWN_CLAIMS = 10


def _more(hidden: int) -> str:
    """What a shortened list leaves out, and where to see it all."""
    return f" … and {hidden} more (see --json)" if hidden > 0 else ""


def _round_robin(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each outlet's first claim, then each one's second...: a shortened list shows every
    outlet's own claims, not only the first outlet's."""
    by_article: dict[str, list[dict[str, Any]]] = {}
    for claim in claims:
        by_article.setdefault(claim["evidence"]["article"], []).append(claim)
    queues = list(by_article.values())
    return [q[i] for i in range(max(map(len, queues), default=0)) for q in queues if i < len(q)]


def _render_facts(data: dict[str, Any], names: dict[str, str]) -> None:
    _heading("Numbers across outlets")
    shown = [q for q in data["quantities"] if q["status"] != "single-source"]
    if not shown:
        click.echo("  no number is reported by more than one outlet")
    for group in shown:
        colour = {"conflict": "red", "update": "yellow", "agree": "green"}.get(group["status"])
        click.secho(
            f"  {group['measure']}: {group['status'].upper()}",
            fg=colour,
            bold=group["status"] == "conflict",
        )
        for value in group["values"]:
            hedge = f" ({value['hedge']})" if value.get("hedge") else ""
            click.echo(
                f"      {value['text']}{hedge} — {', '.join(names.get(a, a) for a in value['articles'])}"
            )
    # Figures written in digits first: "two men" or "four years" are rarely the news.
    single = sorted(
        (q for q in data["quantities"] if q["status"] == "single-source"),
        key=lambda q: not any(ch.isdigit() for ch in q["values"][0]["text"]),
    )
    if single:
        click.echo(
            "  single-source figures: "
            + "; ".join(
                f"{q['values'][0]['text']} ({names.get(q['values'][0]['articles'][0], '?')})"
                for q in single[:SHOWN_FIGURES]
            )
            + _more(len(single) - SHOWN_FIGURES)
        )

    _heading("Quotations and their fidelity")
    shared = [q for q in data["quotes"] if q["fidelity"] != "single-source"]
    if not shared:
        click.echo("  no quotation appears in more than one article")
    for quote in shared:
        colour = {
            "verbatim": "green",
            "trimmed": "green",
            "altered": "red",
            "paraphrase-in-quotes": "red",
        }.get(quote["fidelity"])
        click.secho(f"  {quote['speaker'] or 'unknown speaker'}: {quote['fidelity']}", fg=colour)
        for variant in quote["variants"]:
            outlets = ", ".join(names.get(a, a) for a in variant["articles"])
            click.echo(
                f"      “{_short(variant['text'], 100)}” — {outlets} [{variant.get('fidelity', '')}]"
            )
    alone = len(data["quotes"]) - len(shared)
    if alone:
        click.echo(
            f"  and {alone} quotations only one outlet carries (see --json or the quotes action)"
        )

    if data.get("single_source"):
        _heading("Claims only one outlet makes")
        for claim in _round_robin(data["single_source"])[:SHOWN_CLAIMS]:
            evidence = claim["evidence"]
            click.echo(
                f"  {names.get(evidence['article'], evidence['article'])}: {_short(evidence['text'], 100)}"
            )
        if len(data["single_source"]) > SHOWN_CLAIMS:
            click.echo(" " + _more(len(data["single_source"]) - SHOWN_CLAIMS))


def render_article_facts(data: dict[str, Any]) -> None:
    click.secho(f"facts of {data['article']} ({data['outlet']})", bold=True)
    _heading("Quantities")
    for q in data["quantities"]:
        hedge = f" [{q['hedge']}]" if q.get("hedge") else ""
        about = f" — about {q['entity']}" if q.get("entity") else ""
        click.echo(f"  {q['text']}{hedge}{about}: {_short(q['evidence']['text'], 90)}")
    _heading("Quotations")
    for q in data["quotes"]:
        kind = "partial" if q.get("partial") else "full"
        click.echo(f"  {q['speaker'] or 'unknown speaker'} ({kind}): “{_short(q['text'], 100)}”")
    _heading("Dates")
    for d in data["dates"]:
        click.echo(f"  {d['text']} → {d.get('resolved') or '?'}")
    _heading("People, places, organisations")
    seen: dict[str, int] = {}
    for e in data["entities"]:
        seen[e["key"]] = seen.get(e["key"], 0) + 1
    click.echo(
        "  " + ", ".join(f"{k} ({n})" for k, n in sorted(seen.items(), key=lambda kv: -kv[1])[:30])
    )
