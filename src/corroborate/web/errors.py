"""One error shape for every failure: ``{"ok": false, "error": "...", "status": N}``.

API paths, ``.json`` pages and clients that ask for JSON get that object;
browsers asking for a page get an HTML page saying the same thing. Unexpected
exceptions become a 500 whose message names no internals (the traceback goes
to the server log only).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from corroborate.cli.output import error_object
from corroborate.errors import CorroborateError, InputError, NotFoundError, UsageError
from corroborate.web.jobs import QueueFull

__all__ = [
    "CatchAll",
    "EncodedJSON",
    "JSONResponse",
    "error_response",
    "install_error_handlers",
    "status_for",
    "wants_json",
]

log = logging.getLogger("corroborate.web")


class JSONResponse(Response):
    """JSON that never fails on dates or other plain objects (they become strings)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        if isinstance(content, EncodedJSON):
            return content.data
        return json.dumps(content, ensure_ascii=False, default=str).encode("utf-8")


class EncodedJSON:
    """JSON already encoded (kept between requests), passed to :class:`JSONResponse`."""

    __slots__ = ("data",)

    def __init__(self, content: Any) -> None:
        self.data = json.dumps(content, ensure_ascii=False, default=str).encode("utf-8")


def wants_json(scope: Scope) -> bool:
    """JSON for ``/api/…``, ``….json`` and clients that accept JSON but not HTML."""
    path: str = scope.get("path", "")
    if path == "/api/docs":
        return False
    if path.startswith("/api/") or path == "/api" or path.endswith(".json"):
        return True
    accept = ""
    for key, value in scope.get("headers", []):
        if key == b"accept":
            accept = value.decode("latin-1").lower()
    return "application/json" in accept and "text/html" not in accept


def error_response(scope: Scope, message: str, status: int) -> Response:
    """The error as JSON or as a small HTML page, by what the client wants."""
    if wants_json(scope):
        return JSONResponse(error_object(message, status), status_code=status)
    from html import escape

    body = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Error {status} — corroborate</title>"
        "<link rel='stylesheet' href='/static/app.css'></head><body><main class='error-page'>"
        f"<h1>Error {status}</h1><p class='error-message' data-status='{status}'>{escape(message)}</p>"
        "<p><a href='/'>Back to the stories</a></p></main></body></html>"
    )
    return HTMLResponse(body, status_code=status)


def status_for(exc: CorroborateError) -> int:
    """HTTP status of a library error: 404 not found, 400 usage, 422 input, 503 busy."""
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, UsageError):
        return 400
    if isinstance(exc, QueueFull):
        return 503
    if isinstance(exc, InputError):
        return 422
    return 422


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        parts.append(f"{where or 'request'}: {error.get('msg', 'invalid')}")
    return "invalid request: " + "; ".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    """Route every exception to :func:`error_response`."""

    async def on_library_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, CorroborateError)
        return error_response(request.scope, str(exc), status_for(exc))

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = {
            404: f"no such page or endpoint: {request.url.path}",
            405: f"method {request.method} is not allowed on {request.url.path}",
        }.get(exc.status_code, str(exc.detail))
        response = error_response(request.scope, message, exc.status_code)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def on_validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error_response(request.scope, _validation_message(exc), 422)

    app.add_exception_handler(CorroborateError, on_library_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)


class CatchAll:
    """Turns an unexpected exception into a 500 in the error shape (traceback to the log only).

    It sits inside the security middleware, so the 500 carries the same headers
    as any other response; exceptions named in ``passthrough`` are re-raised
    for an outer middleware to handle.
    """

    def __init__(self, app: ASGIApp, passthrough: tuple[type[BaseException], ...] = ()) -> None:
        self.app = app
        self.passthrough = passthrough

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except self.passthrough:
            raise
        except Exception as exc:
            log.error("unexpected error on %s", scope.get("path"), exc_info=exc)
            if started:
                raise
            response = error_response(scope, "internal server error (see the server log)", 500)
            await response(scope, receive, send)
