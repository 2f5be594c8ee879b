"""Data functions: one per page or command, each returning plain JSON-ready data.

``story_data`` is behind ``corroborate story ID --json``, ``/stories/ID.json``,
the ``/stories/ID`` page and each story of ``analyze --json``, so they never
diverge. Heavy sections (provenance, facts, digest) can be left out by name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from corroborate.errors import NotFoundError, UsageError
from corroborate.model import Article
from corroborate.workspace import Workspace

__all__ = ["STORY_SECTIONS", "article_data", "stories_data", "story_data"]

STORY_SECTIONS = ("reuse", "facts", "digest")


def _article_brief(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet,
        "source": article.source,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "url": article.url,
        "input": article.input,
        "wire": list(article.wire),
    }


def stories_data(ws: Workspace, limit: int = 200) -> list[dict[str, Any]]:
    """The story list: title, size, outlets, first and last publication."""
    out = []
    for view in ws.stories()[:limit]:
        data = view.to_dict()
        data.pop("reasons", None)
        out.append(data)
    return out


def story_data(
    ws: Workspace, story_id: str, sections: Iterable[str] = STORY_SECTIONS
) -> dict[str, Any]:
    """Everything about one story: members with reasons, and the requested analyses."""
    wanted = set(sections)
    unknown = wanted - set(STORY_SECTIONS)
    if unknown:
        raise UsageError(
            f"unknown story sections {sorted(unknown)}; valid: {', '.join(STORY_SECTIONS)}"
        )
    view = ws.story(story_id)
    articles = ws.articles(view.article_ids)
    data = view.to_dict()
    data["article_details"] = [
        {**_article_brief(a), "reasons": [r.to_dict() for r in view.reasons.get(a.id, [])]}
        for a in articles
    ]
    if "reuse" in wanted:
        graph = ws.provenance_data(view.id)
        data["reuse"] = graph["reuse"]
        data["provenance"] = {k: v for k, v in graph.items() if k != "reuse"}
    if "facts" in wanted:
        facts = ws.facts_data(view.id)
        data["quantities"] = facts["quantities"]
        data["quotes"] = facts["quotes"]
        data["single_source"] = facts["single_source"]
        data["omissions"] = facts["omissions"]
    if "digest" in wanted:
        data["digest"] = ws.digest_data(view.id)
    return data


def article_data(ws: Workspace, article_id: str) -> dict[str, Any]:
    """One article with its story (if assigned) and what cleaning removed."""
    article = ws.article(article_id)
    data = article.to_dict()
    data["outlet"] = article.outlet
    try:
        view = ws.story_of(article.id)
    except NotFoundError:  # an article without a story yet is normal
        data["story"] = None
    else:
        data["story"] = {"id": view.id, "title": view.title, "size": view.size}
    return data
