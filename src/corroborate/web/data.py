"""Page data: one function per page, whose result is both the ``.json`` twin and
what the HTML template draws, so the two never diverge.

Story and article data come from :mod:`corroborate.views` (the same functions
behind ``corroborate story --json``); these add only what a page needs on top
(flags, the facts pivot, the graph layout, sentence runs, applicable actions).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from corroborate.actions import ActionResult
from corroborate.errors import NotFoundError, UsageError
from corroborate.model import Article
from corroborate.views import article_data, stories_data, story_data
from corroborate.web.shapes import article_runs, facts_table, graph_layout, safe_link, word_diff
from corroborate.web.state import AppState

__all__ = [
    "action_data",
    "article_page",
    "compare_page",
    "home_page",
    "ingest_page",
    "search_page",
    "served_story_data",
    "story_key",
    "story_page",
]

MAX_QUERY = 500


def home_page(state: AppState, limit: int = 100) -> dict[str, Any]:
    """Recent stories (latest publication first) with flags where already analysed."""
    key = ("home", limit, state.flags.version, state.ws.snapshot.generation)
    result: dict[str, Any] = state.ws.memo(key, lambda: _home_page(state, limit))
    return result


def _home_page(state: AppState, limit: int) -> dict[str, Any]:
    rows = stories_data(state.ws, limit=10**9)
    rows.sort(key=lambda r: (r["last_published"] or "", r["size"]), reverse=True)
    stories = []
    for row in rows[:limit]:
        stories.append({**row, "flags": state.flags.get(row["id"], row["articles"])})
    return {
        "stories": stories,
        "counts": {"articles": state.archive.count(), "stories": len(rows)},
    }


def search_page(state: AppState, query: str, limit: int = 50) -> dict[str, Any]:
    """Full-text hits (FTS5, BM25), each with the story it belongs to."""
    query = query.strip()
    if len(query) > MAX_QUERY:
        raise UsageError(f"search query is over {MAX_QUERY} characters")
    hits = state.archive.search(query, limit) if query else []
    snap = state.ws.snapshot
    return {
        "query": query,
        "hits": [{**h.to_dict(), "story": snap.article_story.get(h.article.id)} for h in hits],
    }


def story_page(state: AppState, story_id: str) -> dict[str, Any]:
    """Everything about a story (``views.story_data``) plus flags, facts pivot and graph."""
    live = state.ws.story(story_id).id
    key = ("story-page", *story_key(state, live))
    result: dict[str, Any] = state.ws.memo(key, lambda: _story_page(state, live))
    return result


def story_key(state: AppState, story_id: str) -> tuple[Any, ...]:
    """What a story's derived data depends on besides article texts: members and decisions."""
    view = state.ws.story(story_id)
    return (view.id, tuple(view.article_ids), view.decided, view.title)


def served_story_data(state: AppState, story_id: str, sections: Iterable[str]) -> dict[str, Any]:
    """``views.story_data``, kept until the next write (the API's story endpoint)."""
    live = state.ws.story(story_id).id
    wanted = tuple(sorted(set(sections)))
    result: dict[str, Any] = state.ws.memo(
        ("story", wanted, *story_key(state, live)), lambda: story_data(state.ws, live, wanted)
    )
    return result


def _story_page(state: AppState, story_id: str) -> dict[str, Any]:
    data = story_data(state.ws, story_id)
    view = state.ws.story(data["id"])
    outlet_of = {a["id"]: a["outlet"] for a in data["article_details"]}
    data["flags"] = state.flags.put(view.id, view.article_ids, data)
    data["facts_table"] = facts_table(data["quantities"], outlet_of, sorted(set(data["outlets"])))
    original = set(data["provenance"].get("original_reporting", []))
    nodes = [{**n, "original": n["id"] in original} for n in data["provenance"]["nodes"]]
    data["graph"] = graph_layout(nodes, data["reuse"])
    data["outlet_of"] = outlet_of
    data["actions"] = _actions(state, "story")
    return data


def _actions(state: AppState, kind: str) -> list[dict[str, Any]]:
    return [s.to_dict() for s in state.registry.specs() if kind in s.applies_to]


def _reuse_links(state: AppState, article: Article, story_id: str) -> list[dict[str, Any]]:
    """Reuse edges touching this article, with the other side's outlet and title."""
    graph = state.ws.provenance_data(story_id)
    nodes = {n["id"]: n for n in graph["nodes"]}
    links = []
    for edge in graph["reuse"]:
        if article.id not in (edge["from"], edge["to"]):
            continue
        other = edge["to"] if edge["from"] == article.id else edge["from"]
        links.append(
            {
                "role": "source" if edge["from"] == article.id else "derivative",
                "other": other,
                "other_outlet": nodes.get(other, {}).get("outlet", other),
                "other_title": nodes.get(other, {}).get("title", ""),
                "kind": edge["kind"],
                "share": edge["share"],
                "direction": edge.get("direction"),
                "sentences": sorted(
                    {
                        int(e["from_index"] if edge["from"] == article.id else e["to_index"])
                        for e in edge.get("evidence", [])
                    }
                ),
            }
        )
    return links


def article_page(state: AppState, article_id: str) -> dict[str, Any]:
    """The clean article, what cleaning removed, its reuse links and the actions menu."""
    result: dict[str, Any] = state.ws.memo(
        ("article-page", article_id, state.ws.snapshot.generation),
        lambda: _article_page(state, article_id),
    )
    return result


def _article_page(state: AppState, article_id: str) -> dict[str, Any]:
    data = article_data(state.ws, article_id)
    article = state.ws.article(data["id"])
    links = _reuse_links(state, article, data["story"]["id"]) if data["story"] else []
    marks: dict[int, set[str]] = {}
    for link in links:
        for index in link["sentences"]:
            marks.setdefault(index, set()).add("reused")
    data["reuse_links"] = links
    data["runs"] = article_runs(article.paragraphs, marks)
    data["safe_url"] = safe_link(article.url)
    data["actions"] = _actions(state, "article")
    return data


def compare_page(state: AppState, a: str, b: str) -> dict[str, Any]:
    """Two articles side by side: aligned sentences on one row, differing words marked."""
    if not a or not b:
        raise UsageError("compare needs two article ids: /compare?a=ID&b=ID")
    left, right = state.ws.article(a), state.ws.article(b)
    if left.id == right.id:
        raise UsageError("compare needs two different articles")
    data = state.ws.align(left.id, right.id).to_dict()
    links: dict[int, dict[str, Any]] = {}
    for link in sorted(data["links"], key=lambda x: -x["score"]):
        if link["a"] not in links and all(x["b"] != link["b"] for x in links.values()):
            links[link["a"]] = link
    rows: list[dict[str, Any]] = []
    for i, text in enumerate(data["a_sentences"]):
        link = links.get(i)
        if link is None:
            rows.append({"kind": "only-a", "a": i, "b": None, "a_runs": [{"text": text}]})
            continue
        a_runs, b_runs = word_diff(text, data["b_sentences"][link["b"]])
        rows.append(
            {
                "kind": link["kind"],
                "score": link["score"],
                "a": i,
                "b": link["b"],
                "a_runs": a_runs,
                "b_runs": b_runs,
            }
        )
    linked_b = {link["b"] for link in links.values()}
    for j, text in enumerate(data["b_sentences"]):
        if j in linked_b:
            continue
        position = 0
        for k, row in enumerate(rows):
            if row["b"] is not None and row["b"] < j:
                position = k + 1
        rows.insert(position, {"kind": "only-b", "a": None, "b": j, "b_runs": [{"text": text}]})
    data["rows"] = rows
    data["articles"] = {
        "a": {"id": left.id, "title": left.title, "outlet": left.outlet},
        "b": {"id": right.id, "title": right.title, "outlet": right.outlet},
    }
    return data


def ingest_page(state: AppState) -> dict[str, Any]:
    """What the ingest form offers: readers and the upload limit."""
    from corroborate.readers import default_registry

    return {
        "readers": default_registry().names(),
        "max_upload_bytes": state.config.max_upload_bytes,
        "allow_private_urls": state.config.ctx.limits.allow_private_urls,
    }


def action_data(state: AppState, result: ActionResult) -> dict[str, Any]:
    """An action's result plus each cited sentence's text and outlet, for display."""
    data = result.to_dict()
    sources: dict[str, Any] = {}
    for citation in result.citations():
        key = f"{citation.article_id}#{citation.sentence_index}"
        if key in sources:
            continue
        try:
            article = state.ws.article(citation.article_id)
        except NotFoundError:
            continue
        sources[key] = {
            "article_id": article.id,
            "sentence_index": citation.sentence_index,
            "outlet": article.outlet,
            "title": article.title,
            "text": article.body[citation.start : citation.end],
            "href": f"/articles/{article.id}#s{citation.sentence_index}",
        }
    data["ok"] = True
    data["sources"] = sources
    return data
