"""The web reader in a real browser: headless Chromium (Debian's ``chromium``) driven by
Playwright's Python package against a live server on 127.0.0.1 with the demo ingested.

Skipped, with the reason, when Playwright or the Chromium binary is missing; CI
installs them with ``apt-get install -y chromium`` and ``pip install playwright``
(never ``playwright install``: the system browser is used). Screenshots of the
story and article pages at desktop (1280 px) and phone (390 px) widths go to
``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from corroborate.config import Context
from corroborate.web import WebConfig, create_app
from test_web_support import build_demo_archive

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CORROBORATE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PAYLOAD = (
    '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'
    '<svg onload="window.__pwned=1"></svg>'
)


def _need_browser() -> Any:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
    )
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium binary at {CHROMIUM} (apt-get install -y chromium)")
    return sync_api


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, ctx: Context) -> Iterator[str]:
    """A real uvicorn server in a thread, on loopback, over the demo archive."""
    _need_browser()
    import uvicorn

    db = build_demo_archive(tmp_path_factory.mktemp("browser") / "demo.db", ctx)
    port = _free_port()
    app = create_app(WebConfig(db=db, port=port, ctx=ctx, warm=False))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        if uv.started:
            break
        time.sleep(0.05)
    assert uv.started, "the server did not start"
    # A hostile article, pasted through the API like any user would.
    response = httpx.post(
        f"{base}/api/ingest?wait=60",
        json={"title": f"Hostile {PAYLOAD}", "text": f"Officials in Carrow said {PAYLOAD} today."},
        timeout=90,
    )
    assert response.status_code == 200, response.text
    yield base
    uv.should_exit = True
    thread.join(30)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    sync_api = _need_browser()
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_default_timeout(60_000)
    yield page
    context.close()
    assert errors == [], errors


def _landslide(server: str) -> dict[str, Any]:
    stories = httpx.get(f"{server}/api/stories").json()["stories"]
    story: dict[str, Any] = next(s for s in stories if s["size"] == 5)
    return story


def _shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, width, height in (("desktop", 1280, 900), ("phone", 390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
        if label == "phone":  # nothing may force a sideways scroll of the page itself
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{name} is {overflow}px wider than a phone screen"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_story_page_and_screenshots(server: str, page: Any) -> None:
    story = _landslide(server)
    page.goto(f"{server}/stories/{story['id']}")
    assert page.locator("h1").inner_text() == story["title"]
    assert page.locator("svg.graph rect").count() == 5
    assert page.locator("table.facts tbody tr").count() > 0
    assert page.locator("#quotes del").count() > 0
    _shoot(page, "story")


def test_article_actions_menu_runs_summarize(server: str, page: Any) -> None:
    story = _landslide(server)
    page.goto(f"{server}/stories/{story['id']}")
    page.locator("#articles ol.articles > li > a").first.click()
    page.wait_for_url("**/articles/**")
    _shoot(page, "article")
    button = page.locator(".actions-button")
    menu = page.locator(".actions-menu")
    # keyboard: focus the button, open with Enter, move with arrows, close with Escape
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true" and menu.is_visible()
    first = menu.locator("[role=menuitem]").first
    assert first.evaluate("el => el === document.activeElement")
    page.keyboard.press("ArrowDown")
    assert not first.evaluate("el => el === document.activeElement")
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false" and not menu.is_visible()
    assert button.evaluate("el => el === document.activeElement")
    # run summarize from the menu: the cited result appears without a reload
    page.evaluate("window.__sameDocument = true")
    button.click()
    menu.locator("[data-action=summarize]").click()
    result = page.locator(".action-result .result[data-action=summarize]")
    result.wait_for()
    assert page.evaluate("window.__sameDocument") is True
    assert "Summary of" in result.locator("h2").inner_text()
    cites = result.locator("a.cite")
    assert cites.count() > 0
    href = cites.first.get_attribute("href")
    assert href is not None and "/articles/" in href and "#s" in href
    assert cites.first.get_attribute("title")  # the cited sentence itself
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / "article-summarize-phone.png"), full_page=True)


def test_compare_two_articles(server: str, page: Any) -> None:
    story = _landslide(server)
    page.goto(f"{server}/stories/{story['id']}")
    page.locator("#articles a.tag").first.click()
    page.wait_for_url("**/compare?**")
    rows = page.locator(".compare-row")
    assert rows.count() > 3
    assert page.locator(".compare mark").count() > 0
    page.screenshot(path=str(SCREENSHOTS / "compare-desktop.png"), full_page=True)


def test_ingest_a_pasted_article(server: str, page: Any) -> None:
    page.goto(f"{server}/ingest")
    page.fill("#title", "Ferry service to Ostrel resumes")
    page.fill(
        "#text",
        "The ferry between Carrow and Ostrel resumed on Tuesday, the operator said.\n\n"
        "About 300 passengers crossed on the first day.",
    )
    page.click("#ingest-form button[type=submit]")
    done = page.locator("#ingest-progress .status-done")
    done.wait_for(timeout=120_000)
    link = page.locator("#ingest-progress li.outcome-ingested a").first
    assert link.inner_text() == "Ferry service to Ostrel resumes"
    link.click()
    page.wait_for_url("**/articles/**")
    assert page.locator("h1").inner_text() == "Ferry service to Ostrel resumes"


def test_injected_scripts_never_run(server: str, page: Any) -> None:
    hits = httpx.get(f"{server}/api/search", params={"q": "Hostile"}).json()["hits"]
    article = hits[0]["id"]
    story = httpx.get(f"{server}/api/articles/{article}").json()["story"]["id"]
    for url in (
        f"/articles/{article}",
        f"/stories/{story}",
        "/",
        "/search?q=Carrow",
        f"/compare?a={article}&b={_landslide(server)['articles'][0]}",
    ):
        page.goto(server + url)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__pwned") == "undefined", url
    page.goto(f"{server}/articles/{article}")
    assert "<script>window.__pwned=1</script>" in page.locator("h1").inner_text()
    page.locator(".actions-button").click()
    page.locator("[data-action=summarize]").click()
    page.locator(".action-result .result").wait_for()
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_inline_script_is_blocked_by_the_csp(server: str, page: Any) -> None:
    """Even markup that reached the page could not run: the policy forbids inline script."""
    page.goto(f"{server}/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__pwned = 1'; document.body.appendChild(s); }"
    )
    assert page.evaluate("typeof window.__pwned") == "undefined"
