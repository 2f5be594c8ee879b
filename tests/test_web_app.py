"""Every route of the web reader and API, in-process: pages parsed, JSON against schemas,
the one error shape, ingest jobs, actions and story decisions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from corroborate.config import Context
from test_web_support import Page, build_demo_archive, client_for, copy_archive, validate

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, ctx: Context) -> Path:
    return build_demo_archive(tmp_path_factory.mktemp("web") / "demo.db", ctx)


@pytest.fixture(scope="module")
def client(demo_db: Path, ctx: Context, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    db = copy_archive(demo_db, tmp_path_factory.mktemp("web-read") / "read.db")
    with client_for(db, ctx) as c:
        yield c


@pytest.fixture(scope="module")
def landslide(client: TestClient) -> dict[str, Any]:
    """The demo's five-article landslide story."""
    stories = client.get("/api/stories").json()["stories"]
    return next(s for s in stories if s["size"] == 5)


def _page(client: TestClient, url: str) -> Page:
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    return Page(response.text)


def _json(client: TestClient, url: str, schema: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    data: dict[str, Any] = response.json()
    validate(data, schema)
    return data


# -- pages and their .json twins --------------------------------------------------------
def test_home_lists_recent_stories(client: TestClient, landslide: dict[str, Any]) -> None:
    page = _page(client, "/")
    rows = page.find("tr")
    assert len([r for r in rows if "data-story" in r]) == 3  # three demo stories
    assert {"href": f"/stories/{landslide['id']}"} in [
        {"href": a["href"]} for a in page.find("a") if a.get("href", "").startswith("/stories/")
    ]
    data = _json(client, "/index.json", "stories")
    assert data == _json(client, "/.json", "stories")
    assert [s["id"] for s in data["stories"]] == [
        r["data-story"] for r in rows if "data-story" in r
    ]
    assert data["counts"]["articles"] == 7


def test_search_page_and_twin(client: TestClient) -> None:
    page = _page(client, "/search?q=landslide")
    data = _json(client, "/search.json?q=landslide", "search")
    assert len(data["hits"]) >= 4
    hits = [a["href"] for a in page.find("a") if a["href"].startswith("/articles/")]
    assert hits == [f"/articles/{h['id']}" for h in data["hits"]]
    assert all(h["story"] for h in data["hits"])
    assert _json(client, "/search.json?q=", "search")["hits"] == []


def test_story_page_shows_digest_graph_facts_quotes_articles(
    client: TestClient, landslide: dict[str, Any]
) -> None:
    sid = landslide["id"]
    data = _json(client, f"/stories/{sid}.json", "story")
    page = _page(client, f"/stories/{sid}")
    for section in ("digest", "graph", "facts", "quotes", "articles"):
        assert page.find("section", id=section), section
    # digest: every sentence cites articles of the story by sentence anchor
    cites = [a["href"] for a in page.find("a", class_="cite")]
    assert cites and all(re.match(r"^/articles/[^#]+#s\d+$", c) for c in cites)
    # graph: one node per article, one line per reuse edge
    assert page.find("svg", class_="graph")
    assert len(page.find("rect")) == data["size"]
    assert len(page.find("line")) == len(data["graph"]["edges"]) == len(data["reuse"]) > 0
    # facts table: a column per outlet, a row per measure
    assert page.find("table", class_="facts")
    assert len(page.find("th", scope="row")) == len(data["quantities"])
    # quotes with word-level diffs of the altered variants
    assert data["flags"]["altered_quotes"] >= 1
    assert page.find("del") and page.find("ins")
    # articles list, each linking to the article; the story's actions menu
    links = {a["href"] for a in page.find("a")}
    assert all(f"/articles/{a}" in links for a in data["articles"])
    assert page.find("button", class_="actions-button")[0]["aria-expanded"] == "false"


def test_story_flags_appear_on_the_list_once_analysed(
    client: TestClient, landslide: dict[str, Any]
) -> None:
    client.get(f"/stories/{landslide['id']}.json")
    listed = next(
        s for s in client.get("/index.json").json()["stories"] if s["id"] == landslide["id"]
    )
    assert listed["flags"] is not None and listed["flags"]["copies"] >= 1


def test_article_page(client: TestClient, landslide: dict[str, Any]) -> None:
    article_id = landslide["articles"][2]
    data = _json(client, f"/articles/{article_id}.json", "article")
    page = _page(client, f"/articles/{article_id}")
    sentences = [s["id"] for s in page.find("span", class_="sentence")]
    assert sentences[:3] == ["s0", "s1", "s2"]
    assert data["story"]["id"] == landslide["id"]
    assert any(r["sentences"] for r in data["reuse_links"])
    assert page.find("span", class_="mark-reused")
    # the actions menu lists exactly the actions that apply to articles
    items = [b["data-action"] for b in page.find("button", role="menuitem")]
    assert items == [a["name"] for a in data["actions"]]
    assert "summarize" in items
    menu = page.find("ul", class_="actions-menu")[0]
    assert "hidden" in menu and menu["role"] == "menu"
    # what cleaning removed is shown with its reason
    if data["removed"]:
        assert page.find("ul", class_="removed")


def test_article_page_of_the_markdown_demo_shows_removals(client: TestClient) -> None:
    hits = client.get("/api/search?q=BREAKING").json()["hits"]
    data = _json(client, f"/articles/{hits[0]['id']}.json", "article")
    assert data["removed"]
    page = _page(client, f"/articles/{hits[0]['id']}")
    assert data["removed"][0]["reason"] in page.text


def test_compare_page(client: TestClient, landslide: dict[str, Any]) -> None:
    a, b = landslide["articles"][0], landslide["articles"][2]
    data = _json(client, f"/compare.json?a={a}&b={b}", "compare")
    page = _page(client, f"/compare?a={a}&b={b}")
    rows = page.find("div", class_="compare-row")
    assert len(rows) == len(data["rows"]) + 1
    paired = [r for r in data["rows"] if r["a"] is not None and r["b"] is not None]
    assert paired and page.find("mark")
    shown_a = sorted(r["a"] for r in data["rows"] if r["a"] is not None)
    shown_b = sorted(r["b"] for r in data["rows"] if r["b"] is not None)
    assert shown_a == list(range(len(data["a_sentences"])))
    assert shown_b == list(range(len(data["b_sentences"])))


def test_ingest_page_and_docs(client: TestClient) -> None:
    page = _page(client, "/ingest")
    assert page.find("form", id="ingest-form")[0]["enctype"] == "multipart/form-data"
    assert page.find("input", name="url") and page.find("input", name="files")
    assert page.find("textarea", name="text")
    assert "text" in client.get("/ingest.json").json()["readers"]
    docs = _page(client, "/api/docs")
    assert docs.find("div", id="endpoints")
    assert sorted(s["src"] for s in docs.scripts()) == ["/static/app.js", "/static/docs.js"]
    spec = client.get("/api/openapi.json").json()
    for path in (
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/search",
        "/api/compare",
        "/api/ingest",
        "/api/jobs/{job_id}",
        "/api/actions",
        "/api/actions/{name}",
        "/api/stories/{story_id}/merge",
        "/api/stories/{story_id}/split",
        "/api/articles/{article_id}/move",
    ):
        assert path in spec["paths"], path
    assert not any(p.startswith("/stories") for p in spec["paths"])


def test_static_files_are_served_by_name_only(client: TestClient) -> None:
    assert client.get("/static/app.css").headers["content-type"].startswith("text/css")
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")
    for bad in ("/static/..%2f__init__.py", "/static/%2e%2e/app.py", "/static/../app.py"):
        assert client.get(bad).status_code == 404


# -- the JSON API ----------------------------------------------------------------------
def test_api_reads(client: TestClient, landslide: dict[str, Any]) -> None:
    articles = _json(client, "/api/articles?limit=3", "articles")
    assert len(articles["articles"]) == 3
    article = _json(client, f"/api/articles/{articles['articles'][0]['id']}", "article")
    assert article["ok"] is True
    story = _json(client, f"/api/stories/{landslide['id']}?section=facts", "story")
    assert "quantities" in story and "digest" not in story and "reuse" not in story
    assert _json(client, "/api/search?q=Marrow", "search")["hits"]
    actions = _json(client, "/api/actions", "actions")
    assert {"summarize", "key-facts", "quotes"} <= {a["name"] for a in actions["actions"]}


def test_api_article_prefix_and_story_page_json_agree(
    client: TestClient, landslide: dict[str, Any]
) -> None:
    full = landslide["articles"][1]
    by_prefix = client.get(f"/api/articles/{full[:8]}").json()
    assert by_prefix["id"] == full
    page = client.get(f"/stories/{landslide['id']}.json").json()
    api = client.get(f"/api/stories/{landslide['id']}").json()
    for key in ("articles", "reuse", "quantities", "quotes", "digest"):
        assert page[key] == api[key], key


@pytest.mark.parametrize("kind", ["article", "story"])
def test_run_summarize_returns_cited_sentences(
    client: TestClient, landslide: dict[str, Any], kind: str
) -> None:
    target = landslide["articles"][0] if kind == "article" else f"story:{landslide['id']}"
    response = client.post("/api/actions/summarize", json={"target": target})
    assert response.status_code == 200, response.text
    data = response.json()
    validate(data, "action")
    assert data["target"]["kind"] == kind
    cited = [c for b in data["blocks"] for c in b.get("citations", [])]
    assert cited
    for c in cited:
        source = data["sources"][f"{c['article_id']}#{c['sentence_index']}"]
        assert source["text"] and source["href"].endswith(f"#s{c['sentence_index']}")


def test_every_article_action_runs(client: TestClient, landslide: dict[str, Any]) -> None:
    names = [a["name"] for a in client.get("/api/actions").json()["actions"]]
    for name in names:
        response = client.post(f"/api/actions/{name}", json={"target": landslide["articles"][0]})
        assert response.status_code in (200, 400), (name, response.text)
        validate(response.json(), "action" if response.status_code == 200 else "error")


# -- one error shape ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        ("GET", "/api/nowhere", None, 404),
        ("GET", "/nowhere.json", None, 404),
        ("GET", "/api/stories/s999", None, 404),
        ("GET", "/stories/s999.json", None, 404),
        ("GET", "/api/articles/zzzzzzzz", None, 404),
        ("GET", "/api/jobs/0123", None, 404),
        ("DELETE", "/api/stories", None, 405),
        ("PUT", "/api/actions/summarize", None, 405),
        ("GET", "/api/articles?limit=0", None, 422),
        ("GET", "/api/articles?limit=lots", None, 422),
        ("GET", "/api/search", None, 422),
        ("POST", "/api/actions/summarize", {"options": {}}, 422),
        ("POST", "/api/actions/summarize", [1, 2], 422),
        ("POST", "/api/actions/no-such-action", {"target": "s1"}, 400),
        ("POST", "/api/actions/summarize", {"target": "s1", "options": {"words": 3}}, 400),
        ("POST", "/api/actions/summarize", {"target": "s1", "options": {"nope": 1}}, 400),
        ("GET", "/api/stories/s1?section=everything", None, 400),
        ("GET", "/compare.json?a=&b=", None, 400),
        ("POST", "/api/ingest", {}, 400),
        ("POST", "/api/ingest", {"url": "javascript:alert(1)"}, 400),
        ("POST", "/api/ingest", {"text": "x", "reader": "nope"}, 400),
    ],
)
def test_errors_have_one_shape(
    client: TestClient, method: str, url: str, body: Any, status: int
) -> None:
    response = client.request(method, url, json=body)
    assert response.status_code == status, response.text
    data = response.json()
    validate(data, "error")
    assert data["status"] == status


def test_html_errors_say_the_same(client: TestClient) -> None:
    response = client.get("/stories/s999")
    assert response.status_code == 404
    page = Page(response.text)
    assert page.find("p", class_="error-message")[0]["data-status"] == "404"
    assert "s999" in page.text
    as_json = client.get("/nowhere", headers={"Accept": "application/json"})
    assert as_json.status_code == 404 and as_json.json()["ok"] is False


def test_unexpected_errors_are_500_without_internals(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from corroborate.web import data as pages_data

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internal detail /etc/passwd")

    monkeypatch.setattr(pages_data, "search_page", boom)
    for url in ("/api/search?q=x", "/search.json?q=x", "/search?q=x"):
        response = client.get(url)
        assert response.status_code == 500
        assert "secret" not in response.text and "Traceback" not in response.text
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
    validate(client.get("/api/search?q=x").json(), "error")


# -- ingest ---------------------------------------------------------------------------------
def test_ingest_pasted_text_waits_and_lands_in_a_story(client: TestClient) -> None:
    text = (
        "Fire crews in Carrow put out a warehouse blaze on Sunday, the fire service said.\n\n"
        "Nobody was hurt, and 40 workers were sent home."
    )
    response = client.post(
        "/api/ingest?wait=60", json={"text": text, "title": "Warehouse fire in Carrow"}
    )
    assert response.status_code == 200, response.text
    data = response.json()
    validate(data, "job")
    outcome = data["job"]["outcomes"][0]
    assert data["job"]["status"] == "done" and outcome["status"] == "ingested"
    assert outcome["title"] == "Warehouse fire in Carrow" and outcome["story"]
    assert (
        client.get(f"/api/articles/{outcome['article_id']}").json()["story"]["id"]
        == (outcome["story"])
    )
    polled = client.get(f"/api/jobs/{data['job']['id']}").json()
    validate(polled, "job")
    assert polled["job"]["outcomes"] == data["job"]["outcomes"]


def test_ingest_upload_of_a_known_file_is_a_duplicate(client: TestClient) -> None:
    from corroborate.analysis import demo_dir

    path = demo_dir() / "northern-ledger-landslide.txt"
    files = [("files", ("../../etc/northern-ledger.txt", path.read_bytes(), "text/plain"))]
    response = client.post("/api/ingest?wait=60", files=files)
    assert response.status_code == 200, response.text
    job = response.json()["job"]
    assert job["inputs"] == ["northern-ledger.txt"]
    assert [o["status"] for o in job["outcomes"]] == ["duplicate"]


def test_ingest_url_to_this_machine_is_refused(client: TestClient) -> None:
    response = client.post("/api/ingest?wait=30", json={"url": "http://127.0.0.1:8000/"})
    job = response.json()["job"]
    assert job["status"] == "done"
    assert [o["status"] for o in job["outcomes"]] == ["error"]
    assert "private, loopback or link-local" in job["outcomes"][0]["reason"]


def test_ingest_form_without_javascript_redirects_to_the_job_page(client: TestClient) -> None:
    response = client.post(
        "/ingest",
        data={
            "title": "Bridge repairs",
            "text": "The Ostrel bridge reopens on Monday after repairs.",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert re.match(r"^/ingest/jobs/[0-9a-f]{32}$", location)
    job_id = location.rsplit("/", 1)[1]
    for _ in range(300):
        data = client.get(f"{location}.json").json()
        if data["job"]["status"] == "done":
            break
        import time

        time.sleep(0.1)
    assert data["job"]["outcomes"][0]["status"] == "ingested"
    page = _page(client, location)
    assert page.find("li", class_="outcome-ingested")
    assert not page.find("meta", http_equiv="refresh")
    assert client.get(f"/ingest/jobs/{job_id[:-1]}x").status_code == 404


# -- a person's decisions -----------------------------------------------------------------------
def test_split_move_merge(demo_db: Path, ctx: Context, tmp_path: Path) -> None:
    db = copy_archive(demo_db, tmp_path / "decide.db")
    with client_for(db, ctx) as c:
        story = next(s for s in c.get("/api/stories").json()["stories"] if s["size"] == 5)
        moved = story["articles"][-1]
        split = c.post(f"/api/stories/{story['id']}/split", json={"articles": [moved]})
        assert split.status_code == 200, split.text
        validate(split.json(), "decision")
        new_story = c.get(f"/api/articles/{moved}").json()["story"]["id"]
        assert new_story != story["id"]
        assert c.get(f"/api/stories/{story['id']}").json()["size"] == 4
        back = c.post(f"/api/articles/{moved}/move", json={"story": story["id"]})
        assert back.status_code == 200, back.text
        assert c.get(f"/api/stories/{story['id']}?section=reuse").json()["size"] == 5
        others = [s["id"] for s in c.get("/api/stories").json()["stories"] if s["size"] == 1]
        merged = c.post(f"/api/stories/{story['id']}/merge", json={"other": others[0]})
        assert merged.status_code == 200, merged.text
        assert c.get(f"/api/stories/{story['id']}?section=reuse").json()["size"] == 6
        itself = c.post(f"/api/stories/{story['id']}/merge", json={"other": story["id"]})
        assert itself.status_code == 400
        validate(itself.json(), "error")


def test_background_analysis_fills_the_list_flags(
    demo_db: Path, ctx: Context, tmp_path: Path
) -> None:
    import time

    db = copy_archive(demo_db, tmp_path / "warm.db")
    with client_for(db, ctx, warm=True) as c:
        flags = None
        for _ in range(600):
            stories = c.get("/index.json").json()["stories"]
            flags = next(s for s in stories if s["size"] == 5)["flags"]
            if flags is not None:
                break
            time.sleep(0.2)
        assert flags is not None and flags["altered_quotes"] >= 1
        single = next(s for s in stories if s["size"] == 1)
        assert single["flags"] is None  # one-article stories are not analysed


def test_ingest_jobs_share_one_reader_worker_until_shutdown(
    demo_db: Path, ctx: Context, tmp_path: Path
) -> None:
    """The queue forks one reader worker for its lifetime, not one per job, and
    stopping the app stops it (no orphaned process)."""
    from corroborate.readers.base import RawInput
    from corroborate.web.config import WebConfig
    from corroborate.web.jobs import JobInput
    from corroborate.web.state import AppState

    state = AppState(WebConfig(db=copy_archive(demo_db, tmp_path / "jobs.db"), ctx=ctx, warm=False))
    state.start()
    pids = []
    try:
        for n in range(2):
            text = f"Bridge {n} closed in Carrow\n\nThe river bridge number {n} closed on Monday."
            job = state.jobs.submit(
                [JobInput(f"note{n}.txt", RawInput(f"note{n}.txt", text.encode()))]
            )
            assert job.event.wait(60), "the ingest job did not finish"
            assert job.status == "done", job.to_dict()
            worker = state.jobs.readers.worker()
            pids.append(worker.pid)
    finally:
        state.stop()
    assert pids[0] is not None and pids[0] == pids[1]
    assert worker.pid is None, "the reader worker outlived the app"
