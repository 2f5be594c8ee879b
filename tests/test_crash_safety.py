"""Crash safety: SIGKILL an ingest of thousands of articles at random points (issue 9, part 2).

The real CLI ingests 2,000 one-article JSON files in a child process and is killed
20 times; after every kill the archive must open (read-only and read-write), pass
``PRAGMA integrity_check`` and the FTS5 index check, hold every article whose
outcome line was printed, and hold no half-written article. The ingest is then
finished and every article must be there exactly once. The logic lives in
``tests/fixtures/hostile/crashkit.py``; ``benchmarks/crash_kill.py`` runs it with
many more kills.
"""

from __future__ import annotations

import importlib.util
import signal
import sys
from pathlib import Path
from types import ModuleType

import pytest

from corroborate.archive import Archive
from corroborate.model import Article


def _load(name: str) -> ModuleType:
    module_name = f"corroborate_hostile_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    path = Path(__file__).resolve().parent / "fixtures" / "hostile" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


crashkit = _load("crashkit")
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_sigkill_at_random_points_never_loses_or_half_writes(tmp_path: Path) -> None:
    config = crashkit.CrashConfig(articles=2000, kills=20, seed=9)
    result = crashkit.run_crash_rounds(tmp_path, config)
    assert result.problems == []
    assert result.kills >= 15, result  # most rounds must really be killed mid-run
    assert result.final_count == config.articles


def test_checker_notices_a_missing_article(tmp_path: Path) -> None:
    """The checker itself can fail: a printed id that is not stored is reported."""
    with Archive(tmp_path / "a.db") as archive:
        archive.add(
            Article(title="One", paragraphs=[f"{crashkit.MARKER} tok00001x"], id="crash-00001")
        )
    problems = crashkit.check_archive(tmp_path / "a.db", {"crash-00001", "crash-00002"})
    assert any("missing" in p for p in problems), problems


def test_checker_notices_a_half_written_article(tmp_path: Path) -> None:
    """An article row without its version row and search entry is reported."""
    db = tmp_path / "a.db"
    with Archive(db) as archive:
        archive.add(
            Article(title="One", paragraphs=[f"{crashkit.MARKER} tok00001x"], id="crash-00001")
        )
        archive.conn.execute("PRAGMA foreign_keys=OFF")
        archive.conn.execute("DELETE FROM article_versions")
        archive.conn.execute("DROP TRIGGER articles_ai")
        archive.conn.execute(
            "INSERT INTO articles(id, content_hash, title, body, ingested_at, record)"
            " VALUES ('crash-00002', 'h', 'Two', 'tok00002x', 'now', '{\"id\": \"crash-00002\"}')"
        )
    problems = crashkit.check_archive(db, {"crash-00001"})
    text = "\n".join(problems)
    assert "without their version row" in text
    assert "search finds" in text or "FTS index" in text
    assert "body is not the record's paragraphs joined" in text
