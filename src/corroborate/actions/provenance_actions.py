"""Actions that read a story's provenance graph: ``compare`` and ``find-original``."""

from __future__ import annotations

from typing import Any

from corroborate.actions.base import ActionResult, ActionSet, ActionTarget, ListBlock, TextBlock
from corroborate.actions.builtin import _sentence_citation, _Sources
from corroborate.model import Article
from corroborate.workspace import Workspace, arrival_key

__all__ = ["PROVENANCE_ACTIONS"]

PROVENANCE_ACTIONS = ActionSet()


def _edges_for(
    graph: dict[str, Any], article_id: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(edges where the article is the derivative, edges where it is the source)."""
    derived = [e for e in graph["reuse"] if e["to"] == article_id]
    sourced = [e for e in graph["reuse"] if e["from"] == article_id]
    return derived, sourced


@PROVENANCE_ACTIONS.action(
    "compare",
    "What an article adds, omits and disagrees on compared with the rest of its story",
    ("article",),
)
def compare(ws: Workspace, target: ActionTarget, options: None) -> ActionResult:
    view = ws.story_of(target.id)
    articles = ws.story_articles(view.id)
    sources = _Sources(articles)
    article = sources.by_id[target.id]
    facts = ws.facts_data(view.id)
    graph = ws.provenance_data(view.id)
    blocks: list[Any] = []

    adds = [
        TextBlock(c["evidence"]["text"], [sources.cite(c["evidence"])])
        for c in facts["single_source"]
        if c["evidence"]["article"] == article.id
    ]
    blocks.append(ListBlock(adds, "What only this article reports"))

    omits = []
    for omission in facts["omissions"]:
        if article.id in omission["omitted_by"]:
            cites = [sources.cite(e) for e in omission["evidence"]]
            reporters = ", ".join(sources.outlet(a) for a in omission["reported_by"])
            omits.append(TextBlock(omission["text"], cites, label=f"reported by {reporters}"))
    blocks.append(ListBlock(omits, "What most other outlets report and this one omits"))

    disagreements = []
    for group in facts["quantities"]:
        if group["status"] not in ("conflict", "update"):
            continue
        mine = [v for v in group["values"] if article.id in v["articles"]]
        others = [v for v in group["values"] if article.id not in v["articles"]]
        if mine and others:
            text = (
                f"{group['measure']}: this article says {mine[0]['text']}"
                + (f" ({mine[0]['hedge']})" if mine[0].get("hedge") else "")
                + "; others say "
                + "; ".join(
                    f"{v['text']} ({', '.join(sources.outlet(a) for a in v['articles'])})"
                    for v in others
                )
            )
            cites = [sources.cite(e) for v in group["values"] for e in v.get("evidence", [])]
            disagreements.append(TextBlock(text, cites, flag=group["status"]))
    for group in facts["quotes"]:
        for variant in group["variants"]:
            if article.id in variant["articles"] and variant.get("fidelity") in (
                "altered",
                "paraphrase-in-quotes",
            ):
                cites = [sources.cite(e) for e in variant.get("evidence", [])]
                disagreements.append(
                    TextBlock(
                        f"quotes {group['speaker'] or 'a speaker'} as “{variant['text']}”, "
                        f"which other outlets quote differently ({variant['fidelity']})",
                        cites,
                        flag=variant["fidelity"],
                    )
                )
    blocks.append(ListBlock(disagreements, "Where it disagrees with the rest"))

    derived, _ = _edges_for(graph, article.id)
    reuse = [
        TextBlock(
            f"{e['kind']} of {sources.outlet(e['from'])}: {e['share']:.0%} of this article is derived from it",
            [_sentence_citation(article, ev["to_index"]) for ev in e["evidence"][:5]],
        )
        for e in derived
    ]
    if reuse:
        blocks.append(ListBlock(reuse, "Taken from other articles in the story"))
    result = ActionResult(
        "compare", target, f"“{article.title}” compared with story {view.id}", blocks
    )
    result.notes.append(f"compared with {len(articles) - 1} other article(s) of story {view.id}")
    if ws.ctx.llm is None:
        return result
    from corroborate.llm import LlmOptions, abstractive_blocks, run_with_llm, sources_from_articles

    ordered = [article, *(a for a in articles if a.id != article.id)]
    llm_sources = sources_from_articles(ordered, max_per_article=40)
    return run_with_llm(
        result,
        ws.ctx.llm,
        lambda client: abstractive_blocks(
            "compare", llm_sources, "", client, LlmOptions(target_article=article.id)
        ),
    )


def _earliest(articles: list[Article]) -> Article | None:
    dated = [a for a in articles if a.published_at is not None]
    return min(dated, key=arrival_key) if dated else None


@PROVENANCE_ACTIONS.action(
    "find-original",
    "The original reporting behind an article (or a story), from the provenance graph, with evidence",
    ("article", "story"),
)
def find_original(ws: Workspace, target: ActionTarget, options: None) -> ActionResult:
    view = ws.story(target.id) if target.kind == "story" else ws.story_of(target.id)
    articles = ws.story_articles(view.id)
    sources = _Sources(articles)
    graph = ws.provenance_data(view.id)
    blocks: list[Any] = []
    if target.kind == "article":
        # Follow "derived from" edges back to articles nothing else was derived from.
        chain: list[TextBlock] = []
        frontier, seen = [target.id], {target.id}
        while frontier:
            current = frontier.pop(0)
            for edge in _edges_for(graph, current)[0]:
                source = edge["from"]
                cites = [
                    _sentence_citation(sources.by_id[source], ev["from_index"])
                    for ev in edge["evidence"][:3]
                ]
                chain.append(
                    TextBlock(
                        f"{sources.outlet(current)} is a {edge['kind']} of {sources.outlet(source)} "
                        f"({edge['share']:.0%} derived; direction from {edge['direction']})",
                        cites,
                    )
                )
                if source not in seen:
                    seen.add(source)
                    frontier.append(source)
        if chain:
            blocks.append(ListBlock(chain, "Derived from"))
        else:
            blocks.append(TextBlock("No other article in the story is a source of this one.", []))
    originals = [
        TextBlock(
            f"{sources.outlet(a)}: “{sources.by_id[a].title}”",
            [_sentence_citation(sources.by_id[a], 0)] if sources.by_id[a].paragraphs else [],
        )
        for a in graph["original_reporting"]
    ]
    blocks.append(
        ListBlock(originals, "Original reporting in this story (derived from no other article)")
    )
    unseen = []
    for node in graph["nodes"]:
        verdict = node["unseen_source"]
        if verdict["derived"] and (target.kind == "story" or node["id"] == target.id):
            article = sources.by_id[node["id"]]
            named = f" (names {', '.join(verdict['outlets'])})" if verdict["outlets"] else ""
            unseen.append(
                TextBlock(
                    f"{article.outlet} looks derived from a source that is not in the archive{named}",
                    [
                        _sentence_citation(article, hit["sentence"])
                        for hit in verdict["evidence"][:4]
                    ],
                )
            )
    if unseen:
        blocks.append(ListBlock(unseen, "Retold from an unseen source"))
    earliest = _earliest(articles)
    result = ActionResult(
        "find-original", target, f"Original reporting for {target.kind} {target.id}", blocks
    )
    if earliest is not None:
        result.notes.append(f"earliest published: {earliest.outlet} at {earliest.published_at}")
    return result
