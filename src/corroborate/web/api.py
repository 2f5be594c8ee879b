"""The JSON API under ``/api/``: articles, stories, search, ingest jobs, actions, decisions.

Every success is an object with ``"ok": true``; every failure is the one error
shape ``{"ok": false, "error": …, "status": …}`` (see :mod:`corroborate.web.errors`).
Response shapes are JSON Schemas in ``corroborate/schemas/api-*.schema.json``
and appear in the OpenAPI document at ``/api/openapi.json``.
"""

from __future__ import annotations

import asyncio
import json
from functools import cache
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from corroborate.actions import ActionTarget, run_action
from corroborate.errors import UsageError
from corroborate.views import STORY_SECTIONS
from corroborate.web import data as pages_data
from corroborate.web.errors import EncodedJSON, JSONResponse
from corroborate.web.ingest_form import read_ingest_request
from corroborate.web.state import AppState

__all__ = ["api_schema", "router"]

router = APIRouter(prefix="/api", tags=["api"])


@cache
def api_schema(name: str) -> dict[str, Any]:
    """A response schema shipped in the package (``schemas/api-NAME.schema.json``)."""
    text = resources.files("corroborate").joinpath(f"schemas/api-{name}.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def _doc(name: str, status: int = 200, description: str = "OK") -> dict[int | str, Any]:
    """OpenAPI ``responses`` entry pointing at a shipped schema, plus the error shape."""
    error = {"content": {"application/json": {"schema": api_schema("error")}}}
    return {
        status: {
            "description": description,
            "content": {"application/json": {"schema": api_schema(name)}},
        },
        400: {"description": "Bad request", **error},
        404: {"description": "Not found", **error},
        422: {"description": "Invalid input", **error},
    }


def _state(request: Request) -> AppState:
    state: AppState = request.app.state.corroborate
    return state


def _ok(data: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse({"ok": True, **data}, status_code=status)


# -- reading -------------------------------------------------------------------------
@router.get("/stories", responses=_doc("stories"), summary="Recent stories with flags")
def list_stories(request: Request, limit: int = Query(100, ge=1, le=10_000)) -> Response:
    return _ok(pages_data.home_page(_state(request), limit))


@router.get("/stories/{story_id}", responses=_doc("story"), summary="One story")
def get_story(
    request: Request,
    story_id: str,
    section: Annotated[
        list[str] | None, Query(description="analyses to include: reuse, facts, digest")
    ] = None,
) -> Response:
    state = _state(request)
    live = state.ws.story(story_id).id
    wanted = tuple(sorted(set(section or STORY_SECTIONS)))

    def encode() -> EncodedJSON:
        return EncodedJSON({"ok": True, **pages_data.served_story_data(state, live, wanted)})

    key = ("story-json", wanted, *pages_data.story_key(state, live))
    return JSONResponse(state.ws.memo(key, encode))


@router.get("/articles", responses=_doc("articles"), summary="Articles, newest first")
def list_articles(
    request: Request,
    limit: int = Query(50, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> Response:
    rows = _state(request).archive.list_articles(limit, offset)
    return _ok({"articles": [r.to_dict() for r in rows], "limit": limit, "offset": offset})


@router.get("/articles/{article_id}", responses=_doc("article"), summary="One article")
def get_article(request: Request, article_id: str) -> Response:
    from corroborate.views import article_data

    return _ok(article_data(_state(request).ws, article_id))


@router.get("/search", responses=_doc("search"), summary="Full-text search (FTS5, BM25)")
def search(
    request: Request, q: str = Query(..., max_length=500), limit: int = Query(20, ge=1, le=200)
) -> Response:
    return _ok(pages_data.search_page(_state(request), q, limit))


@router.get("/compare", responses=_doc("compare"), summary="Two articles aligned")
def compare(request: Request, a: str, b: str) -> Response:
    return _ok(pages_data.compare_page(_state(request), a, b))


# -- ingest ----------------------------------------------------------------------------
_INGEST_BODY = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "text": {"type": "string", "description": "pasted article text"},
                        "title": {"type": "string", "description": "headline of the text"},
                        "name": {"type": "string", "description": "label for the paste"},
                        "url": {"type": "string", "format": "uri"},
                        "urls": {"type": "array", "items": {"type": "string"}},
                        "reader": {"type": "string"},
                    },
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        "text": {"type": "string"},
                        "title": {"type": "string"},
                        "url": {"type": "string"},
                        "reader": {"type": "string"},
                    },
                }
            },
        }
    }
}


@router.post(
    "/ingest",
    responses=_doc("job", 202, "Queued (or finished, with 200, when waited for)"),
    openapi_extra=_INGEST_BODY,
    summary="Ingest uploads, pasted text or URLs",
)
async def ingest(request: Request, wait: float = Query(0.0, ge=0.0, le=120.0)) -> Response:
    """Queue an ingest job; with ``wait`` seconds, answer when it finished (200) if in time."""
    state = _state(request)
    inputs, reader = await read_ingest_request(request, state.config.max_upload_bytes)
    job = state.jobs.submit(inputs, reader)
    if wait > 0:
        await asyncio.to_thread(job.event.wait, wait)
    finished = job.event.is_set()
    response = _ok({"job": job.to_dict()}, 200 if finished else 202)
    response.headers["location"] = f"/api/jobs/{job.id}"
    return response


@router.get("/jobs/{job_id}", responses=_doc("job"), summary="An ingest job's progress")
def get_job(request: Request, job_id: str) -> Response:
    return _ok({"job": _state(request).jobs.get(job_id).to_dict()})


# -- actions ---------------------------------------------------------------------------
class ActionRequest(BaseModel):
    """What to run an action on, and its options."""

    target: str = Field(
        ..., max_length=300, description="article id (or prefix), or story id / story:ID"
    )
    options: dict[str, str | int | float | bool] = Field(default_factory=dict)


@router.get("/actions", responses=_doc("actions"), summary="Registered actions")
def list_actions(request: Request) -> Response:
    return _ok({"actions": [s.to_dict() for s in _state(request).registry.specs()]})


def resolve(state: AppState, text: str) -> ActionTarget:
    """``story:ID`` or a known story id is a story; ``article:ID`` or anything else an article."""
    ws = state.ws
    if text.startswith("story:"):
        return ActionTarget("story", ws.story(text[6:]).id)
    if text.startswith("article:"):
        return ActionTarget("article", ws.article(text[8:]).id)
    if ws.is_story_id(text):
        return ActionTarget("story", ws.story(text).id)
    return ActionTarget("article", ws.article(text).id)


@router.post("/actions/{name}", responses=_doc("action"), summary="Run an action")
def run(request: Request, name: str, body: ActionRequest) -> Response:
    state = _state(request)
    state.registry.get(name)  # unknown names fail first, listing the known ones
    target = resolve(state, body.target)
    result = run_action(state.ws, name, target, dict(body.options), state.registry)
    return JSONResponse(pages_data.action_data(state, result))


# -- a person's decisions on stories -------------------------------------------------------
class MergeRequest(BaseModel):
    other: str = Field(..., max_length=100, description="the story merged into this one")


class SplitRequest(BaseModel):
    articles: list[str] = Field(..., min_length=1, max_length=1000)


class MoveRequest(BaseModel):
    story: str = Field(..., max_length=100, description="the story the article moves to")


def _decision(decision: Any) -> Response:
    return _ok({"decision": decision.to_dict()})


@router.post("/stories/{story_id}/merge", responses=_doc("decision"), summary="Merge stories")
def merge(request: Request, story_id: str, body: MergeRequest) -> Response:
    state = _state(request)
    if state.ws.story(story_id).id == state.ws.story(body.other).id:
        raise UsageError("a story cannot be merged into itself")
    return _decision(state.ws.merge(story_id, body.other))


@router.post("/stories/{story_id}/split", responses=_doc("decision"), summary="Split a story")
def split(request: Request, story_id: str, body: SplitRequest) -> Response:
    return _decision(_state(request).ws.split(story_id, body.articles))


@router.post("/articles/{article_id}/move", responses=_doc("decision"), summary="Move article")
def move(request: Request, article_id: str, body: MoveRequest) -> Response:
    return _decision(_state(request).ws.move(article_id, body.story))
