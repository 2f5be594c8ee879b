"""Server security: loopback by default, token auth in constant time, Host and Origin checks,
upload limits, security headers, and article content that can never run as script."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from corroborate.archive import Archive
from corroborate.cli.serve_cmd import serve_command
from corroborate.config import Context
from corroborate.errors import UsageError
from corroborate.web import WebConfig, create_app, is_loopback
from corroborate.web.security import COOKIE, cookie_value
from test_web_support import BASE, Page, client_for, validate

pytestmark = pytest.mark.timeout(300)

TOKEN = "correct-horse-battery-staple-42"
PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    Archive(tmp_path / "empty.db").close()
    return tmp_path / "empty.db"


# -- binding and configuration --------------------------------------------------------------
@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("127.3.4.5", True),
        ("0.0.0.0", False),
        ("192.168.1.10", False),
        ("::", False),
        ("example.com", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_non_loopback_needs_a_token_or_explicit_no_auth(empty_db: Path) -> None:
    with pytest.raises(UsageError, match="--token"):
        WebConfig(db=empty_db, host="0.0.0.0").check()
    WebConfig(db=empty_db, host="0.0.0.0", token=TOKEN).check()
    WebConfig(db=empty_db, host="0.0.0.0", no_auth=True).check()
    with pytest.raises(UsageError, match="16 characters"):
        WebConfig(db=empty_db, token="short").check()
    with pytest.raises(UsageError, match="not both"):
        WebConfig(db=empty_db, token=TOKEN, no_auth=True).check()


def test_serve_command_refuses_an_open_bind(empty_db: Path) -> None:
    result = CliRunner().invoke(serve_command, ["--db", str(empty_db), "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "--token" in result.output


# -- token --------------------------------------------------------------------------------------
@pytest.fixture
def guarded(empty_db: Path, ctx: Context) -> Iterator[TestClient]:
    with client_for(empty_db, ctx, host="0.0.0.0", token=TOKEN) as client:
        yield client


@pytest.mark.parametrize("url", ["/", "/api/stories", "/stories/s1.json", "/static/app.css"])
def test_without_token_everything_is_401(guarded: TestClient, url: str) -> None:
    response = guarded.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 401
    validate(response.json(), "error")
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_bearer_token(guarded: TestClient) -> None:
    ok = guarded.get("/api/stories", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200
    for wrong in (TOKEN[:-1], TOKEN + "x", "", TOKEN.upper()):
        response = guarded.get("/api/stories", headers={"Authorization": f"Bearer {wrong}"})
        assert response.status_code == 401, wrong


def test_token_link_sets_a_cookie_and_drops_the_token_from_the_url(guarded: TestClient) -> None:
    response = guarded.get(f"/search?q=x&token={TOKEN}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/search?q=x"
    cookie = response.headers["set-cookie"]
    assert TOKEN not in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert guarded.get("/search?q=x").status_code == 200  # the client kept the cookie
    assert guarded.get("/api/stories").status_code == 200


def test_wrong_token_link_and_forged_cookie(guarded: TestClient) -> None:
    assert guarded.get("/?token=nope", follow_redirects=False).status_code == 401
    guarded.cookies.set(COOKIE, TOKEN)  # the raw token is not what the cookie holds
    assert guarded.get("/api/stories").status_code == 401
    guarded.cookies.set(COOKIE, cookie_value(TOKEN))
    assert guarded.get("/api/stories").status_code == 200


def test_token_comparison_is_constant_time(
    guarded: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hmac

    from corroborate.web import security

    calls: list[tuple[bytes, bytes]] = []

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return hmac.compare_digest(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    guarded.get("/api/stories", headers={"Authorization": f"Bearer {TOKEN}"})
    assert calls and calls[0][1] == TOKEN.encode()


# -- Host and Origin --------------------------------------------------------------------------------
def test_loopback_without_token_serves_only_loopback_hosts(empty_db: Path, ctx: Context) -> None:
    with client_for(empty_db, ctx) as client:
        assert client.get("/api/stories").status_code == 200
        for host in ("localhost:8000", "[::1]:8000", "app.localhost"):
            assert client.get("/api/stories", headers={"Host": host}).status_code == 200, host
        rebound = client.get("/api/stories", headers={"Host": "evil.example:8000"})
        assert rebound.status_code == 421
        validate(rebound.json(), "error")


def test_cross_origin_writes_are_refused(empty_db: Path, ctx: Context) -> None:
    with client_for(empty_db, ctx) as client:
        body = {"text": "Some text that would be ingested.", "title": "Forged"}
        for headers in (
            {"Origin": "https://evil.example"},
            {"Sec-Fetch-Site": "cross-site"},
            {"Origin": "http://127.0.0.1:9999"},
        ):
            response = client.post("/api/ingest", json=body, headers=headers)
            assert response.status_code == 403, headers
            validate(response.json(), "error")
        same = client.post("/api/ingest", json=body, headers={"Origin": BASE})
        assert same.status_code in (200, 202)


# -- headers and limits -------------------------------------------------------------------------------
def test_security_headers_on_pages_api_and_errors(empty_db: Path, ctx: Context) -> None:
    with client_for(empty_db, ctx) as client:
        for url in ("/", "/api/stories", "/nowhere", "/api/nowhere", "/static/app.js"):
            headers = client.get(url).headers
            csp = headers["content-security-policy"]
            assert "default-src 'self'" in csp and "script-src 'self'" in csp
            assert "unsafe-inline" not in csp
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["x-frame-options"] == "DENY"


def test_upload_limits(empty_db: Path, ctx: Context) -> None:
    with client_for(empty_db, ctx, max_upload_bytes=64 * 1024) as client:
        big = b"A landslide closed the pass. " * 4000  # ~116 KB
        response = client.post("/api/ingest", files=[("files", ("big.txt", big, "text/plain"))])
        assert response.status_code == 413
        validate(response.json(), "error")
        pasted = client.post("/api/ingest", json={"text": big.decode()})
        assert pasted.status_code == 413

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while streaming
            for _ in range(20):
                yield b"x" * 8192

        streamed = client.post(
            "/api/ingest", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert streamed.status_code == 413
        validate(streamed.json(), "error")
        small = client.post(
            "/api/ingest?wait=60",
            files=[("files", ("small.txt", b"Small news\n\nA small item of news.", "text/plain"))],
        )
        assert small.status_code == 200, small.text


def test_no_path_from_a_request_is_opened(empty_db: Path, ctx: Context, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret headline\n\nThis file must never be read by the server.")
    with client_for(empty_db, ctx) as client:
        for body in ({"url": f"file://{secret}"}, {"urls": [str(secret)]}):
            response = client.post("/api/ingest?wait=30", json=body)
            assert response.status_code == 400, response.text
        pasted = client.post("/api/ingest?wait=30", json={"text": str(secret)}).json()
        assert "never be read" not in json.dumps(pasted)
        with Archive(empty_db, readonly=True) as archive:
            assert archive.search("never read server") == []


# -- escaping: hostile article content --------------------------------------------------------------
HOSTILE_MARKDOWN = f"""---
title: 'Evil headline {PAYLOAD}'
author: "<script>window.__pwned=2</script>"
tags: ["<img src=x onerror=alert(1)>"]
url: "javascript:window.__pwned=3"
description: "Dek <svg onload=window.__pwned=4>"
---

Officials in Carrow said on Monday that {PAYLOAD} the bridge will reopen.

A second paragraph with <a href="javascript:window.__pwned=5">a link</a> and
<iframe src="/"></iframe> in it, about the bridge repairs in Carrow.
"""


@pytest.fixture
def hostile(empty_db: Path, ctx: Context) -> Iterator[tuple[TestClient, str]]:
    with client_for(empty_db, ctx) as client:
        files = [("files", ("hostile<script>.md", HOSTILE_MARKDOWN.encode(), "text/markdown"))]
        job = client.post("/api/ingest?wait=60", files=files).json()["job"]
        pasted = client.post(
            "/api/ingest?wait=60",
            json={
                "title": f"Pasted {PAYLOAD}",
                "text": f"Officials in Carrow said {PAYLOAD} the bridge will reopen soon.",
            },
        ).json()["job"]
        ids = [o["article_id"] for o in job["outcomes"] + pasted["outcomes"]]
        assert all(ids), (job, pasted)
        yield client, ids[0]


def _assert_inert(html: str) -> None:
    page = Page(html)
    assert sorted(s.get("src", "") for s in page.scripts()) in (
        ["/static/app.js"],
        ["/static/app.js", "/static/docs.js"],
    )
    assert page.event_handlers() == []
    assert not page.find("img") and not page.find("iframe")
    assert not [t for t in page.find("svg") if "graph" not in t.get("class", "")]
    assert not [a for a in page.find("a") if "javascript" in a.get("href", "").lower()]


def test_hostile_content_is_escaped_everywhere(hostile: tuple[TestClient, str]) -> None:
    client, article_id = hostile
    article = client.get(f"/articles/{article_id}.json").json()
    story = article["story"]["id"]
    pages = [
        f"/articles/{article_id}",
        f"/stories/{story}",
        "/",
        "/search?q=Carrow",
        f"/search?q={PAYLOAD}",
    ]
    shown = 0
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_inert(response.text)
        shown += response.text.count("&lt;script&gt;window.__pwned")
    assert shown >= 2  # the payload is displayed, as text
    assert article["safe_url"] is None


def test_hostile_content_in_action_results_stays_data(hostile: tuple[TestClient, str]) -> None:
    client, article_id = hostile
    result = client.post("/api/actions/summarize", json={"target": article_id}).json()
    assert result["ok"] is True
    assert result.get("sources")  # the JS renders these with textContent only
    assert (
        client.post("/api/actions/summarize", json={"target": article_id})
        .headers["content-type"]
        .startswith("application/json")
    )


def test_error_pages_escape_the_request(empty_db: Path, ctx: Context) -> None:
    with client_for(empty_db, ctx) as client:
        response = client.get("/stories/%3Cscript%3Ewindow.__pwned=1%3C%2Fscript%3E")
        assert response.status_code == 404
        _assert_error_page_inert(response.text)


def _assert_error_page_inert(html: str) -> None:
    page = Page(html)
    assert page.scripts() == [] and page.event_handlers() == []
    assert "&lt;script&gt;" in html


def test_app_factory_keeps_no_global_state(empty_db: Path, ctx: Context, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    Archive(other).close()
    a = create_app(WebConfig(db=empty_db, ctx=ctx, warm=False))
    b = create_app(WebConfig(db=other, ctx=ctx, warm=False))
    assert a.state.corroborate is not b.state.corroborate
    assert a.state.corroborate.archive.path != b.state.corroborate.archive.path
    for app in (a, b):
        app.state.corroborate.archive.close()
