"""The SQLite archive: one file, WAL, foreign keys, FTS5, transactional writes.

Every write happens inside one transaction, so a crash or a bad input never
leaves a half-written article: either the article, its version row and its
search index entry are all there, or none is.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from corroborate.archive.schema import migrate, schema_version
from corroborate.errors import CorroborateError, NotFoundError
from corroborate.model import Article, format_datetime, parse_datetime
from corroborate.text import normalize_for_matching

__all__ = ["AddResult", "Archive", "ArticleSummary", "SearchHit"]

AddStatus = Literal["ingested", "duplicate", "new-version"]

BUSY_SECONDS = 30.0
"""How long a writer waits for another process's lock before giving up."""


def _enable_wal(conn: sqlite3.Connection, *, deadline: float) -> None:
    """Switch to WAL, retrying while another process is switching the same new file.

    SQLite answers ``PRAGMA journal_mode=WAL`` with "database is locked" at once,
    without calling the busy handler, when two connections convert a new file
    together; so the wait is ours to do.
    """
    pause = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


@dataclass(frozen=True, slots=True)
class AddResult:
    """What storing one article did: a new article, a duplicate, or a new version."""

    status: AddStatus
    article_id: str
    version: int


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """One row of an article listing."""

    id: str
    title: str
    source: str | None
    url: str | None
    published_at: str | None
    ingested_at: str
    version: int

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published_at": self.published_at,
            "ingested_at": self.ingested_at,
            "version": self.version,
        }


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A full-text match with a highlighted snippet and its BM25 rank."""

    article: ArticleSummary
    snippet: str
    rank: float

    def to_dict(self) -> dict[str, object]:
        return {**self.article.to_dict(), "snippet": self.snippet, "rank": self.rank}


class Archive:
    """An open archive file. Use as a context manager, or call :meth:`close`.

    One connection per ``Archive``; for concurrent readers (the web server)
    open one ``Archive`` per thread or process: WAL lets readers run while a
    writer writes.
    """

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        if readonly and not self.path.exists():
            raise NotFoundError(f"no archive at {self.path}")
        # as_uri() percent-encodes "#", "?" and "%", which a file: URI would misread.
        uri = f"{self.path.resolve().as_uri()}?mode=ro" if readonly else str(self.path)
        try:
            self.conn = sqlite3.connect(
                uri,
                uri=readonly,
                isolation_level=None,
                timeout=BUSY_SECONDS,
                check_same_thread=False,
            )
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=30000")
            if not readonly:
                _enable_wal(self.conn, deadline=time.monotonic() + BUSY_SECONDS)
                # NORMAL in WAL mode: a committed transaction survives a process crash.
                self.conn.execute("PRAGMA synchronous=NORMAL")
                migrate(self.conn)
        except sqlite3.DatabaseError as exc:
            raise CorroborateError(
                f"{self.path}: not a usable corroborate archive ({exc})"
            ) from None
        self.readonly = readonly
        self._lock = threading.RLock()
        self._depth = 0

    # -- lifecycle -------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return schema_version(self.conn)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write; nested calls join the outer transaction."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                self.conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self.conn
            except BaseException:
                self._depth -= 1
                if outer:
                    self.conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self.conn.execute("COMMIT")

    # -- writing ---------------------------------------------------------
    def add(
        self, article: Article, dedupe_key: str | None = None, known_hash: str | None = None
    ) -> AddResult:
        """Store ``article`` (idempotent on content); returns what happened.

        Same content as any stored version: ``duplicate``. Same caller id, or
        same URL (without a caller id), with changed content: ``new-version``,
        the old text kept in ``article_versions``. Otherwise a new article whose
        id is the caller's id or the content hash. ``dedupe_key`` replaces the
        content hash as the identity of this version (the pipeline passes the hash
        taken before archive-dependent cleaning, so re-ingesting stays idempotent).
        ``known_hash``: the article's own content hash, when the caller has it.
        """
        own_hash: str | None
        if dedupe_key is None:
            own_hash = digest = known_hash or article.content_hash
        else:
            own_hash, digest = known_hash, dedupe_key
        now = datetime.now(UTC).isoformat()
        with self.transaction() as conn:
            known = conn.execute(
                "SELECT article_id, version FROM article_versions WHERE content_hash=?", (digest,)
            ).fetchone()
            if known is not None:
                return AddResult("duplicate", known["article_id"], known["version"])
            previous = None
            if article.id:
                previous = conn.execute(
                    "SELECT id, version FROM articles WHERE id=?", (article.id,)
                ).fetchone()
            elif article.url:
                previous = conn.execute(
                    "SELECT id, version FROM articles WHERE url=? ORDER BY rowid DESC LIMIT 1",
                    (article.url,),
                ).fetchone()
            if previous is None:
                article.id = article.id or digest
                article.version = 1
                row = self._row(article, digest, now, own_hash)
                conn.execute(
                    "INSERT INTO articles(id, content_hash, url, source, title, body, published_at,"
                    " ingested_at, version, record) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    row,
                )
                status: AddStatus = "ingested"
            else:
                article.id = previous["id"]
                article.version = int(previous["version"]) + 1
                row = self._row(article, digest, now, own_hash)
                conn.execute(
                    "UPDATE articles SET content_hash=?, url=?, source=?, title=?, body=?,"
                    " published_at=?, ingested_at=?, version=?, record=? WHERE id=?",
                    (*row[1:], article.id),
                )
                status = "new-version"
            conn.execute(
                "INSERT INTO article_versions(content_hash, article_id, version, record, ingested_at)"
                " VALUES (?,?,?,?,?)",
                (digest, article.id, article.version, row[-1], now),
            )
            return AddResult(status, article.id, article.version)

    @staticmethod
    def _row(article: Article, digest: str, now: str, own_hash: str | None) -> tuple[object, ...]:
        return (
            article.id,
            digest,
            article.url,
            article.source,
            article.title,
            article.body,
            format_datetime(article.published_at),
            now,
            article.version,
            json.dumps(article.to_dict(own_hash), ensure_ascii=False),
        )

    def add_pending_link(self, url: str, found_in: str, title: str | None = None) -> bool:
        """Remember a link a feed listed without its text; True when it is new."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO pending_links(url, found_in, title, found_at) VALUES (?,?,?,?)",
                (url, found_in, title, datetime.now(UTC).isoformat()),
            )
            return cursor.rowcount == 1

    def pending_links(self) -> list[dict[str, str | None]]:
        rows = self.conn.execute("SELECT url, found_in, title FROM pending_links ORDER BY found_at")
        return [dict(r) for r in rows]

    # -- template lines --------------------------------------------------
    @staticmethod
    def line_hash(line: str) -> str:
        return hashlib.sha1(normalize_for_matching(line).lower().encode()).hexdigest()[:16]

    def template_lines(
        self, source: str, lines: list[str], min_articles: int, hashes: list[str] | None = None
    ) -> set[int]:
        """Indexes of ``lines`` already seen in at least ``min_articles`` articles of ``source``.

        ``hashes``: the lines' :meth:`line_hash` when the caller has them already.
        """
        if not lines:
            return set()
        if hashes is None:
            hashes = [self.line_hash(line) for line in lines]
        unique = sorted(set(hashes))
        frequent: set[str] = set()
        # SQLite builds cap bound variables (999 before 3.32, 32766 since): ask in chunks.
        for at in range(0, len(unique), 500):
            chunk = unique[at : at + 500]
            rows = self.conn.execute(
                "SELECT line_hash FROM source_lines WHERE source=? AND articles>=?"
                f" AND line_hash IN ({','.join('?' * len(chunk))})",
                (source, min_articles, *chunk),
            )
            frequent.update(r[0] for r in rows)
        return {i for i, h in enumerate(hashes) if h in frequent}

    def count_lines(self, source: str, lines: list[str], hashes: list[str] | None = None) -> None:
        """Count each distinct line once for this article of ``source``.

        ``hashes``: the lines' :meth:`line_hash` when the caller has them already.
        """
        distinct = sorted(set(hashes) if hashes is not None else {self.line_hash(x) for x in lines})
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO source_lines(source, line_hash, articles) VALUES (?,?,1)"
                " ON CONFLICT(source, line_hash) DO UPDATE SET articles=articles+1",
                [(source, h) for h in distinct],
            )

    # -- reading ---------------------------------------------------------
    def get(self, article_id: str) -> Article:
        row = self.conn.execute("SELECT record FROM articles WHERE id=?", (article_id,)).fetchone()
        if row is None:
            row = self._by_prefix(article_id)
        return Article.from_dict(json.loads(row["record"]))

    def _by_prefix(self, prefix: str) -> sqlite3.Row:
        if len(prefix) < 4:
            raise NotFoundError(f"no article with id {prefix!r}")
        rows = self.conn.execute(
            "SELECT id, record FROM articles WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
            (prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",),
        ).fetchall()
        if not rows:
            raise NotFoundError(f"no article with id {prefix!r}")
        if len(rows) > 1:
            raise NotFoundError(f"id prefix {prefix!r} is ambiguous; give more characters")
        return rows[0]

    def has(self, article_id: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM articles WHERE id=?", (article_id,)).fetchone()
            is not None
        )

    def versions(self, article_id: str) -> list[Article]:
        rows = self.conn.execute(
            "SELECT record FROM article_versions WHERE article_id=? ORDER BY version", (article_id,)
        ).fetchall()
        if not rows:
            raise NotFoundError(f"no article with id {article_id!r}")
        return [Article.from_dict(json.loads(r["record"])) for r in rows]

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def list_articles(self, limit: int = 100, offset: int = 0) -> list[ArticleSummary]:
        rows = self.conn.execute(
            "SELECT id, title, source, url, published_at, ingested_at, version FROM articles"
            " ORDER BY COALESCE(published_at, ingested_at) DESC, rowid DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [ArticleSummary(**dict(r)) for r in rows]

    def published_times(self, ids: Sequence[str]) -> dict[str, datetime | None]:
        """Each article's publication time, by exact id, without loading the articles."""
        out: dict[str, datetime | None] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            rows = self.conn.execute(
                f"SELECT id, published_at FROM articles WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            out.update((r["id"], parse_datetime(r["published_at"])) for r in rows)
        missing = [i for i in ids if i not in out]
        if missing:
            raise NotFoundError(f"no article {missing[0]!r} in the archive")
        return out

    def iter_articles(self, ids: list[str] | None = None) -> Iterator[Article]:
        if ids is None:
            for row in self.conn.execute("SELECT record FROM articles ORDER BY rowid"):
                yield Article.from_dict(json.loads(row["record"]))
            return
        for article_id in ids:
            yield self.get(article_id)

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Full-text search over title and body (FTS5, BM25 ranking).

        The query is taken as plain words (each quoted), so user input can never
        be an FTS5 syntax error; ``OR`` between words is kept as an operator.
        """
        terms = [t for t in normalize_for_matching(query).replace('"', " ").split() if t]
        if not terms:
            return []
        fts_query = " ".join(t if t == "OR" else f'"{t}"' for t in terms)
        rows = self.conn.execute(
            "SELECT a.id, a.title, a.source, a.url, a.published_at, a.ingested_at, a.version,"
            " snippet(articles_fts, 1, '[', ']', ' … ', 12) AS snippet, bm25(articles_fts) AS rank"
            " FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
            " WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
            (fts_query, limit),
        ).fetchall()
        hits = []
        for r in rows:
            data = dict(r)
            snippet, rank = data.pop("snippet"), data.pop("rank")
            hits.append(SearchHit(ArticleSummary(**data), snippet, float(rank)))
        return hits

    def integrity_check(self) -> str:
        return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])
