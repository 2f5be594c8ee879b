import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from corroborate.archive import Archive, store
from corroborate.errors import CorroborateError, NotFoundError
from corroborate.model import Article


def _article(text: str = "The bridge opened on Friday.", **kw: object) -> Article:
    return Article(title="Bridge opens", paragraphs=[text, "Traffic was light."], **kw)  # type: ignore[arg-type]


def test_schema_is_migrated_and_recorded(archive: Archive) -> None:
    assert archive.schema_version >= 1
    names = {r[0] for r in archive.conn.execute("SELECT name FROM sqlite_master")}
    assert {"articles", "article_versions", "articles_fts", "schema_migrations"} <= names
    assert archive.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert archive.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_add_is_idempotent_on_content(archive: Archive) -> None:
    first = archive.add(_article())
    again = archive.add(_article())
    assert first.status == "ingested" and again.status == "duplicate"
    assert again.article_id == first.article_id == _article().content_hash
    assert archive.count() == 1


def test_changed_version_of_same_url_is_linked(archive: Archive) -> None:
    first = archive.add(_article(url="https://example.invalid/a"))
    second = archive.add(
        _article("The bridge opened on Saturday.", url="https://example.invalid/a")
    )
    assert second.status == "new-version" and second.article_id == first.article_id
    assert second.version == 2
    versions = archive.versions(first.article_id)
    assert [v.paragraphs[0] for v in versions] == [
        "The bridge opened on Friday.",
        "The bridge opened on Saturday.",
    ]
    assert archive.get(first.article_id).paragraphs[0] == "The bridge opened on Saturday."
    assert archive.count() == 1
    # the old content is still recognised as already seen
    assert archive.add(_article(url="https://example.invalid/a")).status == "duplicate"


def test_caller_id_is_kept_and_versions_follow_it(archive: Archive) -> None:
    assert archive.add(_article(id="wire-1")).article_id == "wire-1"
    result = archive.add(_article("Changed text.", id="wire-1"))
    assert (result.status, result.article_id, result.version) == ("new-version", "wire-1", 2)


def test_published_times_by_exact_id_without_loading_articles(archive: Archive) -> None:
    dated = archive.add(_article(id="dated", published_at=datetime(2025, 4, 29, 15, 0, tzinfo=UTC)))
    undated = archive.add(_article("The ferry was late.", id="undated"))
    ids = [undated.article_id, dated.article_id]
    assert archive.published_times(ids) == {
        "undated": None,
        "dated": datetime(2025, 4, 29, 15, 0, tzinfo=UTC),
    }
    with pytest.raises(NotFoundError, match="dat"):
        archive.published_times(["dat"])  # a prefix is not an id here


def test_get_by_prefix_and_missing(archive: Archive) -> None:
    article_id = archive.add(_article()).article_id
    assert archive.get(article_id[:6]).id == article_id
    with pytest.raises(NotFoundError):
        archive.get("doesnotexist")


def test_search_is_safe_for_any_query(archive: Archive) -> None:
    archive.add(_article())
    assert [h.article.title for h in archive.search("bridge")] == ["Bridge opens"]
    assert "[bridge]" in archive.search("bridge")[0].snippet.lower()
    for hostile in ['"', "AND OR NOT", "bridge*", "(", "title:x", "NEAR(a b)"]:
        archive.search(hostile)  # never an FTS5 syntax error
    assert archive.search("   ") == []


class _CrashingConnection:
    """Passes statements to SQLite but fails at the version row, after the article row."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.crashed = False

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        if sql.startswith("INSERT INTO article_versions"):
            assert self._conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 2
            self.crashed = True
            raise RuntimeError("simulated crash half-way through a write")
        return self._conn.execute(sql, *args)


def test_interrupted_write_leaves_archive_as_before(archive: Archive) -> None:
    archive.add(_article())
    real = archive.conn
    crashing = _CrashingConnection(real)
    archive.conn = crashing  # type: ignore[assignment]
    with pytest.raises(RuntimeError):
        archive.add(_article("A different body."))
    archive.conn = real
    assert crashing.crashed
    assert archive.count() == 1
    assert archive.conn.execute("SELECT COUNT(*) FROM article_versions").fetchone()[0] == 1
    assert archive.search("different") == []
    assert archive.integrity_check() == "ok"


def test_not_an_archive_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(CorroborateError, match="not a usable corroborate archive"):
        Archive(bad)


def test_readonly_missing_archive(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        Archive(tmp_path / "missing.db", readonly=True)


def test_reopen_keeps_data(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as archive:
        archive.add(_article())
    with Archive(tmp_path / "a.db", readonly=True) as archive:
        assert archive.count() == 1
    con = sqlite3.connect(tmp_path / "a.db")
    assert con.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] >= 1


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another process's state while it converts a new file: a reserved lock, rollback journal."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE other(x)")
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_opening_waits_for_a_journal_mode_switch_in_another_connection(tmp_path: Path) -> None:
    """SQLite refuses ``journal_mode=WAL`` at once under a reserved lock; opening must wait."""
    path = tmp_path / "new.db"
    holder = _hold_write_lock(path)
    release = threading.Timer(0.3, lambda: holder.execute("ROLLBACK"))
    release.start()
    try:
        with Archive(path) as archive:
            assert archive.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert archive.count() == 0
    finally:
        release.join()
        holder.close()


def test_opening_gives_up_with_a_clear_error_when_the_lock_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "BUSY_SECONDS", 0.2)
    path = tmp_path / "held.db"
    holder = _hold_write_lock(path)
    try:
        with pytest.raises(CorroborateError, match="database is locked"):
            Archive(path)
    finally:
        holder.close()
