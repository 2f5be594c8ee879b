"""Concurrent use of one archive: readers while a writer ingests, two writers at once.

The web server opens ``Archive(path, readonly=True)`` per request thread while an
ingest (another process) writes. WAL mode must let every reader list, count,
search and fetch throughout, with no error and no "database is locked"; and a
reader must never see the archive go backwards.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pytest

from corroborate.archive import Archive
from corroborate.errors import CorroborateError
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

READER_PROCESS = """
import json, sys, time
from pathlib import Path
from corroborate.archive import Archive
db, stop = Path(sys.argv[1]), Path(sys.argv[2])
ops, errors, last = 0, [], 0
while not stop.exists():
    try:
        with Archive(db, readonly=True) as archive:
            count = archive.count()
            if count < last:
                errors.append(f"count went back from {last} to {count}")
            last = count
            rows = archive.list_articles(limit=20)
            archive.search("harbour breakwater")
            if rows:
                archive.get(rows[0].id)
        ops += 1
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
print(json.dumps({"ops": ops, "errors": errors[:20], "last": last}))
"""


@dataclass
class ReaderStats:
    ops: int = 0
    last: int = 0
    errors: list[str] = field(default_factory=list)
    counts: set[int] = field(default_factory=set)


def _read_loop(db: Path, stop: threading.Event, stats: ReaderStats) -> None:
    """One web-server-like thread: its own read-only connection, reads until told to stop."""
    with Archive(db, readonly=True) as archive:
        while not stop.is_set():
            try:
                count = archive.count()
                if count < stats.last:
                    stats.errors.append(f"count went back from {stats.last} to {count}")
                stats.last = count
                stats.counts.add(count)
                rows = archive.list_articles(limit=20)
                hits = archive.search(crashkit.MARKER)
                if rows:
                    archive.get(rows[-1].id)
                assert len(hits) <= 20
                stats.ops += 1
            except Exception as exc:  # collected and asserted on below
                stats.errors.append(f"{type(exc).__name__}: {exc}")


def _start_writer(tmp_path: Path, db: Path, count: int) -> subprocess.Popen[bytes]:
    paths = crashkit.write_inputs(tmp_path / "inputs", count)
    return subprocess.Popen(
        crashkit.ingest_command(db, paths), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _wait_for_first_outcome(writer: subprocess.Popen[bytes]) -> None:
    """Readers start once the archive exists and holds an article, as a server would."""
    assert writer.stdout is not None
    line = writer.stdout.readline()
    assert line, "the writer printed nothing"


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_readers_in_threads_and_processes_while_a_writer_ingests(tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    stop_file = tmp_path / "stop"
    with _start_writer(tmp_path, db, 800) as writer:
        _wait_for_first_outcome(writer)
        stop = threading.Event()
        stats = [ReaderStats() for _ in range(3)]
        threads = [threading.Thread(target=_read_loop, args=(db, stop, s)) for s in stats]
        for thread in threads:
            thread.start()
        readers = [
            subprocess.Popen(
                [sys.executable, "-c", textwrap.dedent(READER_PROCESS), str(db), str(stop_file)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        _out, err = writer.communicate(timeout=240)
        assert writer.returncode == 0, err.decode()[-2000:]
        stop.set()
        stop_file.touch()
        for thread in threads:
            thread.join(timeout=60)
        results = []
        for reader in readers:
            out, rerr = reader.communicate(timeout=60)
            assert reader.returncode == 0, rerr
            results.append(json.loads(out))
    for s in stats:
        assert s.errors == [] and s.ops > 0, s
    # the readers really ran during the writes: they saw the archive grow
    assert len(set().union(*(s.counts for s in stats))) > 1
    for result in results:
        assert result["errors"] == [] and result["ops"] > 0, result
    with Archive(db, readonly=True) as archive:
        assert archive.count() == 800
        assert archive.integrity_check() == "ok"


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_two_writers_on_a_new_archive(tmp_path: Path) -> None:
    """Two ingests start together on a new file (both migrate) with overlapping inputs."""
    paths = crashkit.write_inputs(tmp_path / "inputs", 300)
    db = tmp_path / "two.db"
    halves = [paths[:200], paths[100:]]
    writers = [
        subprocess.Popen(
            crashkit.ingest_command(db, half), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for half in halves
    ]
    outputs = [w.communicate(timeout=240) for w in writers]
    for writer, (out, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err.decode()[-2000:]
        statuses = {json.loads(line)["status"] for line in out.splitlines() if line.strip()}
        assert statuses <= {"ingested", "duplicate"}
    with Archive(db, readonly=True) as archive:
        assert archive.count() == 300
        versions = archive.conn.execute("SELECT COUNT(*) FROM article_versions").fetchone()[0]
        assert versions == 300
    assert crashkit.check_archive(db, {f"crash-{n:05d}" for n in range(300)}) == []


def test_read_only_open_after_a_clean_close(tmp_path: Path) -> None:
    """With no writer around (WAL and shared-memory files gone) a reader still opens."""
    db = tmp_path / "quiet.db"
    with Archive(db) as archive:
        archive.add(Article(title="Quiet", paragraphs=[f"{crashkit.MARKER} harbour"]))
    assert not (tmp_path / "quiet.db-wal").exists()
    with Archive(db, readonly=True) as archive:
        assert archive.count() == 1
        assert len(archive.search("harbour")) == 1


def test_read_only_archive_refuses_writes(tmp_path: Path) -> None:
    db = tmp_path / "ro.db"
    Archive(db).close()
    with Archive(db, readonly=True) as archive, pytest.raises(Exception, match="readonly"):
        archive.add(Article(title="No", paragraphs=["Not allowed."]))


def test_read_only_open_of_a_missing_archive_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorroborateError, match="no archive"):
        Archive(tmp_path / "absent.db", readonly=True)
    assert not (tmp_path / "absent.db").exists()


@pytest.mark.parametrize("folder", ["a#b", "c?d", "e%41f"])
def test_read_only_open_of_a_path_with_uri_characters(tmp_path: Path, folder: str) -> None:
    db = tmp_path / folder / "x.db"
    db.parent.mkdir()
    with Archive(db) as archive:
        archive.add(Article(title="Odd path", paragraphs=["Stored in an odd folder."]))
    before = sorted(p.name for p in tmp_path.iterdir())
    with Archive(db, readonly=True) as archive:
        assert archive.count() == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing created


def test_readers_see_whole_articles_only(tmp_path: Path) -> None:
    """A reader polling during writes never sees an article without its version row."""
    db = tmp_path / "whole.db"
    Archive(db).close()
    stop = threading.Event()
    seen: list[str] = []

    def poll() -> None:
        with Archive(db, readonly=True) as archive:
            while not stop.is_set():
                row = archive.conn.execute(
                    "SELECT (SELECT COUNT(*) FROM articles),"
                    " (SELECT COUNT(*) FROM article_versions)"
                ).fetchone()
                if row[0] != row[1]:
                    seen.append(f"articles={row[0]} versions={row[1]}")
                time.sleep(0)

    thread = threading.Thread(target=poll)
    thread.start()
    with Archive(db) as archive:
        for n in range(300):
            archive.add(Article(title=f"Item {n}", paragraphs=[f"Text {n} {crashkit.MARKER}."]))
    stop.set()
    thread.join(timeout=30)
    assert seen == []
