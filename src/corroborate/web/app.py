"""The app factory: ``create_app(WebConfig)`` returns a ready ASGI application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

import jinja2
from fastapi import APIRouter, FastAPI
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from corroborate._version import __version__
from corroborate.errors import NotFoundError
from corroborate.web import api, pages
from corroborate.web.config import WebConfig
from corroborate.web.errors import CatchAll, install_error_handlers
from corroborate.web.security import BodyLimit, BodyTooLarge, Guard, SecurityHeaders
from corroborate.web.shapes import FLAG_KEYS
from corroborate.web.state import AppState

__all__ = ["create_app", "templates_environment"]


def templates_environment() -> jinja2.Environment:
    """Jinja2 with autoescaping on for every template (article text is never trusted)."""
    folder = str(resources.files("corroborate").joinpath("web/templates"))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    env.globals["flag_keys"] = FLAG_KEYS
    env.filters["pct"] = lambda x: f"{round(100 * float(x or 0))}%"
    env.filters["day"] = lambda s: (s or "")[:10]
    return env


_MEDIA = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}


def load_static() -> dict[str, tuple[bytes, str]]:
    """The bundled CSS/JS, read once: requests name a key, never a file-system path."""
    folder = resources.files("corroborate").joinpath("web/static")
    out = {}
    for item in folder.iterdir():
        suffix = "." + item.name.rsplit(".", 1)[-1]
        if item.is_file() and suffix in _MEDIA:
            out[item.name] = (item.read_bytes(), _MEDIA[suffix])
    return out


def static_router(files: dict[str, tuple[bytes, str]]) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/static/{name}")
    def static(name: str) -> Response:
        if name not in files:
            raise NotFoundError(f"no static file {name!r}")
        body, media = files[name]
        return Response(body, media_type=media, headers={"cache-control": "max-age=3600"})

    return router


class Activity:
    """Counts requests in flight, so background analysis waits for a quiet moment."""

    def __init__(self, app: ASGIApp, state: AppState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.state.enter()
        try:
            await self.app(scope, receive, send)
        finally:
            self.state.leave()


def create_app(config: WebConfig) -> FastAPI:
    """The web reader and JSON API over ``config.db`` (opened now; threads start on startup)."""
    state = AppState(config)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.start()
        try:
            yield
        finally:
            state.stop()

    app = FastAPI(
        title="corroborate",
        version=__version__,
        description="What many reports of one event really say: stories, provenance, facts.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.corroborate = state
    app.state.templates = templates_environment()
    install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(static_router(load_static()))
    # add_middleware wraps outside-in in reverse order: the last added runs first.
    middleware: list[tuple[Any, dict[str, Any]]] = [
        (CatchAll, {"passthrough": (BodyTooLarge,)}),
        (BodyLimit, {"limit": config.max_upload_bytes}),
        (Activity, {"state": state}),
        (Guard, {"config": config}),
        (SecurityHeaders, {}),
    ]
    for cls, options in middleware:
        app.add_middleware(cls, **options)
    return app
