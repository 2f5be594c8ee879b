"""The HTML pages, each with a ``.json`` twin built by the same data function."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from corroborate.web import data as pages_data
from corroborate.web.errors import EncodedJSON, JSONResponse
from corroborate.web.ingest_form import read_ingest_request
from corroborate.web.state import AppState

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_JOB_ID = re.compile(r"^[0-9a-f]{32}$")


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.corroborate
    return state


def _page(
    request: Request, template: str, build: Callable[[AppState], dict[str, Any]], as_json: bool
) -> Response:
    """Build the page data once; answer it as JSON (``.json``) or render it."""
    state = app_state(request)
    data = build(state)
    if as_json:
        return JSONResponse(data)
    return render(request, template, data=data)


def render(request: Request, template: str, **values: Any) -> HTMLResponse:
    """Render a page template as a response."""
    return HTMLResponse(render_html(request, template, **values))


def render_html(request: Request, template: str, **values: Any) -> str:
    """Render a page template; ``json_href`` is the page's ``.json`` twin."""
    path = request.url.path
    query = request.url.query
    json_href = values.pop("json_href", None) or (
        ("/index.json" if path == "/" else path + ".json") + (f"?{query}" if query else "")
    )
    templates = request.app.state.templates
    html: str = templates.get_template(template).render(path=path, json_href=json_href, **values)
    return html


# -- the story list and search -----------------------------------------------------
@router.get("/")
def home(request: Request) -> Response:
    return _page(request, "index.html", pages_data.home_page, False)


@router.get("/.json")
@router.get("/index.json")
def home_json(request: Request) -> Response:
    return _page(request, "index.html", pages_data.home_page, True)


@router.get("/search")
def search(request: Request, q: str = "") -> Response:
    return _page(request, "search.html", lambda s: pages_data.search_page(s, q), False)


@router.get("/search.json")
def search_json(request: Request, q: str = "") -> Response:
    return _page(request, "search.html", lambda s: pages_data.search_page(s, q), True)


# -- stories and articles (the .json route is declared first so it wins) -------------
@router.get("/stories/{story_id}.json")
def story_json(request: Request, story_id: str) -> Response:
    state = app_state(request)
    live = state.ws.story(story_id).id
    key = ("story-page-json", *pages_data.story_key(state, live))
    encoded = state.ws.memo(key, lambda: EncodedJSON(pages_data.story_page(state, live)))
    return JSONResponse(encoded)


@router.get("/stories/{story_id}")
def story(request: Request, story_id: str) -> Response:
    """The story page; its HTML is kept like its data (the page is the largest to render)."""
    state = app_state(request)
    live = state.ws.story(story_id).id
    key = ("story-html", request.url.path, *pages_data.story_key(state, live))
    html: str = state.ws.memo(
        key,
        lambda: render_html(request, "story.html", data=pages_data.story_page(state, live)),
    )
    return HTMLResponse(html)


@router.get("/articles/{article_id}.json")
def article_json(request: Request, article_id: str) -> Response:
    return _page(request, "article.html", lambda s: pages_data.article_page(s, article_id), True)


@router.get("/articles/{article_id}")
def article(request: Request, article_id: str) -> Response:
    return _page(request, "article.html", lambda s: pages_data.article_page(s, article_id), False)


@router.get("/compare.json")
def compare_json(request: Request, a: str = "", b: str = "") -> Response:
    return _page(request, "compare.html", lambda s: pages_data.compare_page(s, a, b), True)


@router.get("/compare")
def compare(request: Request, a: str = "", b: str = "") -> Response:
    return _page(request, "compare.html", lambda s: pages_data.compare_page(s, a, b), False)


# -- ingest ----------------------------------------------------------------------------
@router.get("/ingest.json")
def ingest_json(request: Request) -> Response:
    return _page(request, "ingest.html", pages_data.ingest_page, True)


@router.get("/ingest")
def ingest_form(request: Request) -> Response:
    return _page(request, "ingest.html", pages_data.ingest_page, False)


@router.post("/ingest")
async def ingest_post(request: Request) -> Response:
    """The form without JavaScript: queue the job, then show its page (which refreshes)."""
    state = app_state(request)
    inputs, reader = await read_ingest_request(request, state.config.max_upload_bytes)
    job = state.jobs.submit(inputs, reader)
    return RedirectResponse(f"/ingest/jobs/{job.id}", status_code=303)


def _job(state: AppState, job_id: str) -> dict[str, Any]:
    from corroborate.errors import NotFoundError

    if not _JOB_ID.match(job_id):
        raise NotFoundError(f"no ingest job {job_id!r}")
    return {"job": state.jobs.get(job_id).to_dict()}


@router.get("/ingest/jobs/{job_id}.json")
def job_json(request: Request, job_id: str) -> Response:
    return _page(request, "job.html", lambda s: _job(s, job_id), True)


@router.get("/ingest/jobs/{job_id}")
def job_page(request: Request, job_id: str) -> Response:
    return _page(request, "job.html", lambda s: _job(s, job_id), False)


@router.get("/api/docs")
def api_docs(request: Request) -> Response:
    return render(request, "docs.html", json_href="/api/openapi.json")
