"""ASGI middleware: security headers, access token, Host and Origin checks, body limit.

* Every response carries a Content-Security-Policy (``default-src 'self'``, no
  inline script), ``nosniff``, ``no-referrer`` and frame denial.
* With a token, every request needs ``Authorization: Bearer TOKEN`` or the
  cookie set by visiting any page with ``?token=TOKEN`` (compared in constant
  time with :func:`hmac.compare_digest`; the cookie holds an HMAC of the token,
  never the token itself).
* Without a token on loopback, only loopback ``Host`` headers are served, so a
  web page cannot reach the server through DNS rebinding.
* State-changing requests from another origin are refused (cross-site request
  forgery); bodies over the upload limit get 413 without being read to the end.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import MutableHeaders
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from corroborate.web.config import LOOPBACK_NAMES, WebConfig
from corroborate.web.errors import error_response

__all__ = ["COOKIE", "CSP", "BodyLimit", "Guard", "SecurityHeaders", "cookie_value"]

COOKIE = "corroborate_token"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def cookie_value(token: str) -> str:
    """What the auth cookie holds: an HMAC of the token (the token never leaves in a cookie)."""
    return hmac.new(token.encode(), b"corroborate-cookie", hashlib.sha256).hexdigest()


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class SecurityHeaders:
    """Adds the security headers to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in _HEADERS.items():
                    headers.setdefault(key, value)
                if scope.get("path", "").startswith("/api/"):
                    headers.setdefault("cache-control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Guard:
    """Host check, token check (header or cookie) and cross-origin write refusal."""

    def __init__(self, app: ASGIApp, config: WebConfig) -> None:
        self.app = app
        self.token = config.token
        self.host_checked = config.host_checked
        self._cookie = cookie_value(config.token) if config.token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            await error_response(scope, refusal[0], refusal[1])(scope, receive, send)
            return
        if self.token is not None:
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            offered = query.get("token")
            if offered is not None and scope["method"] in ("GET", "HEAD"):
                if not hmac.compare_digest(offered.encode(), self.token.encode()):
                    await error_response(scope, "wrong access token", 401)(scope, receive, send)
                    return
                await self._set_cookie(scope, query)(scope, receive, send)
                return
            if not self._authorised(scope):
                response = error_response(
                    scope,
                    "this server needs an access token: open any page with ?token=TOKEN "
                    "or send 'Authorization: Bearer TOKEN'",
                    401,
                )
                response.headers["www-authenticate"] = 'Bearer realm="corroborate"'
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _refusal(self, scope: Scope) -> tuple[str, int] | None:
        host = (_header(scope, b"host") or "").lower()
        if self.host_checked:
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name not in LOOPBACK_NAMES and not name.endswith(".localhost"):
                return (f"host {host!r} is not served (loopback only without a token)", 421)
        if scope["method"] in _UNSAFE:
            origin = _header(scope, b"origin")
            site = _header(scope, b"sec-fetch-site")
            if site == "cross-site" or (
                origin is not None and origin.split("://", 1)[-1].lower() != host
            ):
                return ("cross-origin requests may not change anything here", 403)
        return None

    def _authorised(self, scope: Scope) -> bool:
        assert self.token is not None and self._cookie is not None
        auth = _header(scope, b"authorization") or ""
        if auth[:7].lower() == "bearer ":
            return hmac.compare_digest(auth[7:].strip().encode(), self.token.encode())
        cookies = SimpleCookie()
        try:
            cookies.load(_header(scope, b"cookie") or "")
        except Exception:
            return False
        morsel = cookies.get(COOKIE)
        return morsel is not None and hmac.compare_digest(
            morsel.value.encode(), self._cookie.encode()
        )

    def _set_cookie(self, scope: Scope, query: dict[str, str]) -> Any:
        rest = {k: v for k, v in query.items() if k != "token"}
        target = scope.get("path", "/") + (f"?{urlencode(rest)}" if rest else "")
        response = RedirectResponse(target, status_code=303)
        assert self._cookie is not None
        response.set_cookie(COOKIE, self._cookie, httponly=True, samesite="strict", path="/")
        return response


class BodyTooLarge(Exception):
    """Raised inside ``receive`` when a request body passes the upload limit."""


class BodyLimit:
    """Refuses request bodies over ``limit`` bytes with 413 (declared or streamed)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"request body is over the {self.limit:,}-byte upload limit"
        declared = _header(scope, b"content-length")
        if declared and declared.isdigit() and int(declared) > self.limit:
            await error_response(scope, message, 413)(scope, receive, send)
            return
        seen = 0
        exceeded = False

        async def limited_receive() -> Message:
            nonlocal seen, exceeded
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    exceeded = True
                    raise BodyTooLarge
            return msg

        async def guarded_send(msg: Message) -> None:
            # Once over the limit, whatever the app answers (a parse error) is replaced by 413.
            if not exceeded:
                await send(msg)

        with contextlib.suppress(BodyTooLarge):
            await self.app(scope, limited_receive, guarded_send)
        if exceeded:
            await error_response(scope, message, 413)(scope, receive, send)
