"""The CLI through click's runner: outcomes, exit codes, JSON output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from corroborate.cli import cli
from corroborate.report import analyze_schema

GOOD_MD = "---\ntitle: Council approves tram line\ndate: 2026-02-03\nauthor: J. Doe\n---\n\nThe council approved the tram line on Monday after a long debate.\n"
GOOD_TXT = (
    "Harbour bridge reopens\n\nThe harbour bridge reopened on Friday after two years of repairs.\n"
)
GOOD_JSONL = (
    json.dumps(
        {
            "id": "w-1",
            "title": "Rates held",
            "text": "The bank held rates at 4 percent on Thursday.",
            "source": "Wire",
        }
    )
    + "\n"
)


def _mixed_dir(tmp_path: Path) -> Path:
    d = tmp_path / "inbox"
    d.mkdir()
    (d / "post.md").write_text(GOOD_MD)
    (d / "story.txt").write_text(GOOD_TXT)
    (d / "wire.jsonl").write_text(GOOD_JSONL)
    (d / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (d / "empty.txt").write_bytes(b"")
    (d / "latin1.txt").write_bytes(
        "Caf\u00e9 owners protest\n\nThe caf\u00e9 owners of the old town protested on Friday about rents.".encode(
            "cp1252"
        )
    )
    (d / "cut.html").write_text(
        "<html><head><title>Library opens</title></head><body><article><h1>Library opens</h1>"
        "<p>The new city library opened its doors on Monday morning to a queue of readers.</p>"
        "<p>It holds forty thousand books and a makerspace for children and adults."
    )
    (d / "broken.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>X</title><item><title>unclosed'
    )
    return d


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_mixed_directory_ingests_good_reports_bad_and_is_idempotent(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    code, out, err = _run("ingest", str(_mixed_dir(tmp_path)), "--db", db, "--json")
    assert code == 1
    outcomes = {Path(o["input"].split("#")[0]).name: o for o in map(json.loads, out.splitlines())}
    for good in ("post.md", "story.txt", "wire.jsonl", "latin1.txt", "cut.html"):
        assert outcomes[good]["status"] == "ingested", outcomes[good]
    assert "binary" in outcomes["image.png"]["reason"]
    assert "empty" in outcomes["empty.txt"]["reason"]
    assert outcomes["broken.xml"]["status"] == "error" and outcomes["broken.xml"]["reason"]
    assert any("invalid UTF-8" in w for w in outcomes["latin1.txt"]["warnings"])
    assert any("truncated" in w for w in outcomes["cut.html"]["warnings"])
    assert "5 ingested" in err and "3 error" in err

    code, out, _ = _run("ingest", str(tmp_path / "inbox"), "--db", db, "--json")
    again = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert {o["status"] for o in again} == {"duplicate", "error"}


def test_articles_show_search(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    (tmp_path / "wire.jsonl").write_text(GOOD_JSONL)
    assert _run("ingest", str(tmp_path / "wire.jsonl"), "--db", db)[0] == 0
    code, out, _ = _run("articles", "--db", db, "--json")
    assert code == 0 and [a["id"] for a in json.loads(out)] == ["w-1"]
    code, out, _ = _run("show", "w-1", "--db", db, "--json")
    assert code == 0 and json.loads(out)["title"] == "Rates held"
    code, out, _ = _run("search", "rates", "--db", db, "--json")
    assert code == 0 and json.loads(out)[0]["id"] == "w-1"
    code, out, err = _run("show", "nope", "--db", db, "--json")
    assert code == 1 and json.loads(out) == {
        "ok": False,
        "error": "no article with id 'nope'",
        "status": 404,
    }
    assert "no article" in err


def test_stdin_and_missing_path(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    result = CliRunner().invoke(cli, ["ingest", "-", "--db", db, "--json"], input=GOOD_TXT)
    assert result.exit_code == 0
    assert json.loads(result.stdout.splitlines()[0])["title"] == "Harbour bridge reopens"
    code, out, _ = _run("ingest", str(tmp_path / "nowhere.txt"), "--db", db, "--json")
    assert code == 1 and "no such file" in json.loads(out)["reason"]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert _run("frobnicate")[0] == 2
    assert _run("ingest")[0] == 2
    code, _, err = _run("ingest", "x.txt", "--reader", "nosuch", "--db", str(tmp_path / "a.db"))
    assert code == 2 and "valid readers" in err


def test_analyze_json_follows_the_schema(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text(GOOD_TXT)
    (tmp_path / "wire.jsonl").write_text(GOOD_JSONL)
    code, out, _ = _run("analyze", str(tmp_path), "--json")
    assert code == 0
    report = json.loads(out)
    jsonschema.validate(report, analyze_schema())
    assert {a["id"] for a in report["articles"]} >= {"w-1"}


@pytest.mark.shared
def test_seeds_acceptance(tmp_path: Path, seeds_dir: Path) -> None:
    db = str(tmp_path / "s.db")
    files = sorted(str(p) for p in seeds_dir.iterdir())
    code, out, _ = _run("ingest", *files, "--db", db, "--json")
    assert code == 0
    ids = {Path(o["input"]).name[:3]: o["article_id"] for o in map(json.loads, out.splitlines())}
    articles = {k: json.loads(_run("show", v, "--db", db, "--json")[1]) for k, v in ids.items()}
    jekyll, plain, globe = articles["000"], articles["001"], articles["002"]
    # Expected values come from the seed files themselves (never copied here).
    seed = {p.name[:3]: p.read_text(encoding="utf-8") for p in seeds_dir.iterdir()}
    front = yaml.safe_load(seed["000"].split("---")[1])
    plain_lines = [line for line in seed["001"].splitlines() if line.strip()]
    globe_line = [
        line for line in seed["002"].splitlines() if line.endswith(" - The Globe and Mail")
    ]
    assert jekyll["title"].endswith(front["title"].split(": ", 1)[1])
    assert jekyll["authors"] == [front["author"]]
    assert jekyll["published_at"] == "2025-04-29T22:05:32"
    assert jekyll["dek"].startswith(" ".join(front["excerpt"].split()[:9]))
    assert plain["title"] == plain_lines[0]
    assert plain["dek"].startswith(" ".join(plain_lines[1].split()[:6]))
    assert globe["title"] == globe_line[-1].removesuffix(" - The Globe and Mail")
    assert globe["source"] == "The Globe and Mail"
    assert globe["wire"] == ["Associated Press"]
    cruft = (
        "Open this photo in gallery",
        "Run Some AI Magic",
        "image for illustrative purpose",
        "- The Globe and Mail",
        "With a report from",
    )
    for article in articles.values():
        body = "\n".join(article["paragraphs"])
        assert not any(c.lower() in body.lower() for c in cruft)
    rules = {r["rule"] for r in globe["removed"]}
    assert {"photo-caption", "reader-app", "outlet-line", "wire-attribution"} <= rules
    assert [r["rule"] for r in plain["removed"]] == ["illustrative-image"]


def test_python_dash_m_runs_the_same_command_line() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "corroborate", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("corroborate, version ")
    unknown = subprocess.run(
        [sys.executable, "-m", "corroborate", "no-such-command"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert unknown.returncode == 2
    assert "no-such-command" in unknown.stderr


def test_limit_options_reach_the_ingest_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from corroborate.cli import ingest_cmds

    seen: list[Any] = []
    real_ingest = ingest_cmds.ingest

    def spy(sources: Any, archive: Any, ctx: Any, *rest: Any) -> Any:
        seen.append(ctx.limits)
        return real_ingest(sources, archive, ctx, *rest)

    monkeypatch.setattr(ingest_cmds, "ingest", spy)
    db = str(tmp_path / "a.db")
    args = ["ingest", "-", "--db", db, "--no-stories", "--reader-budget", "90", "--max-mb", "2"]
    result = CliRunner().invoke(cli, args, input=GOOD_TXT)
    assert result.exit_code == 0, result.output
    [limits] = seen
    assert limits.reader_time_budget_s == 90.0
    assert limits.max_input_bytes == 2 * 1024 * 1024
    assert not limits.allow_private_urls
    assert _run("ingest", "-", "--db", db, "--reader-budget", "0.1")[0] == 2
