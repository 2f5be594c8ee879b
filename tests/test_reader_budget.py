"""The reader time budget (issue 9): a reader that hangs or crashes fails its input only.

Readers run in a worker process (``corroborate.budget``) that is killed when a
read overruns ``Limits.reader_time_budget_s``; the run goes on with the next
input. The misbehaving readers are registered here only, in a registry of their
own; each sniffs a marker at the start of the input so normal text still goes to
the built-in readers.
"""

from __future__ import annotations

import faulthandler
import json
import os
import signal
import time
from dataclasses import replace
from pathlib import Path

import pytest

from corroborate.archive import Archive
from corroborate.budget import AHEAD_BYTES, ReadAhead
from corroborate.config import Context, Limits
from corroborate.errors import InputError, UsageError
from corroborate.model import Article
from corroborate.pipeline import STEPS, IngestOptions, IngestOutcome, ingest, prepare
from corroborate.readers import RawInput, Reader, ReaderOutput, ReaderRegistry, default_registry

BUDGET = 1.0
SLACK = 4.0  # fork, kill and reap on a loaded 2-core machine


def _marker_sniff(marker: bytes):  # type: ignore[no-untyped-def]
    def sniff(raw: RawInput) -> float:
        return 5.0 if raw.data.startswith(marker) else 0.0

    return sniff


def _spin(raw: RawInput, ctx: Context) -> ReaderOutput:
    """Never returns: a pure-Python busy loop (no signal or timeout can help in-process)."""
    n = 0
    while True:
        n += 1


def _sleep(raw: RawInput, ctx: Context) -> ReaderOutput:
    time.sleep(3600)
    raise AssertionError("unreachable")


def _segfault(raw: RawInput, ctx: Context) -> ReaderOutput:
    """Dies as a crash inside C code would (quietly: no fault handler dump in test output)."""
    faulthandler.disable()
    os.kill(os.getpid(), signal.SIGSEGV)
    time.sleep(60)
    raise AssertionError("unreachable")


def _buggy(raw: RawInput, ctx: Context) -> ReaderOutput:
    raise ValueError("a bug in a reader")


def _whoami(raw: RawInput, ctx: Context) -> ReaderOutput:
    """One article that records which process read it."""
    article = Article(
        title=f"{raw.name} read in process {os.getpid()}",
        paragraphs=[f"This paragraph of {raw.name} was read by the process {os.getpid()}."],
        input=raw.name,
        meta={"pid": os.getpid()},
    )
    return ReaderOutput(articles=[article])


def _slow_sniff(raw: RawInput) -> float:
    if raw.data.startswith(b"SLOWSNIFF"):
        while True:
            pass
    return 0.0


def _reader(name: str, read, sniff) -> Reader:  # type: ignore[no-untyped-def]
    return Reader(name=name, description=f"test reader {name}", suffixes=(), sniff=sniff, read=read)


def hostile_registry() -> ReaderRegistry:
    """The built-in readers plus the misbehaving ones (this test module only)."""
    registry = default_registry()
    registry.register(_reader("spin", _spin, _marker_sniff(b"SPIN")))
    registry.register(_reader("sleep", _sleep, _marker_sniff(b"SLEEP")))
    registry.register(_reader("segfault", _segfault, _marker_sniff(b"SEGV")))
    registry.register(_reader("buggy", _buggy, _marker_sniff(b"BUGGY")))
    registry.register(_reader("whoami", _whoami, _marker_sniff(b"WHOAMI")))
    registry.register(_reader("slowsniff", _sleep, _slow_sniff))
    return registry


def good_text(n: int) -> bytes:
    """A small plain-text article, different for each ``n``."""
    return (
        f"Harbour board approves dredging plan number {n}\n\n"
        f"The harbour board voted on Tuesday to approve dredging plan {n}, officials said.\n\n"
        f"Work on section {n} is expected to start in the spring and last about {n + 2} months.\n"
    ).encode()


CTX = Context(limits=Limits(reader_time_budget_s=BUDGET))


@pytest.mark.parametrize(
    ("marker", "reader"),
    [(b"SPIN", "spin"), (b"SLEEP", "sleep"), (b"SLOWSNIFF", None)],
)
def test_hanging_reader_is_stopped_within_budget(marker: bytes, reader: str | None) -> None:
    registry = hostile_registry()
    start = time.monotonic()
    prepared = prepare(RawInput("hostile.bin", marker + b" data"), CTX, registry, IngestOptions())
    elapsed = time.monotonic() - start
    assert elapsed < BUDGET + SLACK
    assert elapsed >= BUDGET * 0.9
    assert not prepared.articles
    [error] = prepared.errors
    assert error.source == "hostile.bin"
    assert "1-second time budget" in error.reason
    assert "reader_time_budget_s" in error.reason
    if reader:
        assert f"the {reader} reader" in error.reason
    else:
        assert "choosing a reader" in error.reason
    # The next input is read by a fresh worker.
    after = prepare(RawInput("good.txt", good_text(1)), CTX, registry, IngestOptions())
    assert [a.title for a in after.articles] == ["Harbour board approves dredging plan number 1"]
    registry.close()


def test_ingest_goes_on_after_overrun_and_crash(tmp_path: Path) -> None:
    files = {
        "a-good.txt": good_text(1),
        "b-spin.txt": b"SPIN forever",
        "c-good.txt": good_text(2),
        "d-segv.txt": b"SEGV now",
        "e-good.txt": good_text(3),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    with Archive(tmp_path / "archive.db") as archive:
        start = time.monotonic()
        report = ingest([str(tmp_path)], archive, CTX, registry=hostile_registry())
        elapsed = time.monotonic() - start
        stored = sorted(a.input for a in archive.iter_articles())
    assert elapsed < BUDGET + 3 * SLACK
    by_name = {Path(o.input).name: o for o in report.outcomes}
    assert [by_name[n].status for n in sorted(files)] == [
        "ingested",
        "error",
        "ingested",
        "error",
        "ingested",
    ]
    spin = by_name["b-spin.txt"].reason or ""
    assert "the spin reader took longer than the 1-second time budget" in spin
    segv = by_name["d-segv.txt"].reason or ""
    assert (
        f"the segfault reader crashed its worker process (killed by signal {signal.SIGSEGV})"
        in (segv)
    )
    assert [Path(p).name for p in stored] == ["a-good.txt", "c-good.txt", "e-good.txt"]
    assert report.exit_code == 1


def test_one_worker_serves_many_inputs_and_budget_zero_reads_in_process() -> None:
    registry = hostile_registry()
    pids = set()
    for n in range(3):
        prepared = prepare(RawInput(f"w{n}", b"WHOAMI"), CTX, registry, IngestOptions())
        pids.add(prepared.articles[0].meta["pid"])
    assert len(pids) == 1 and os.getpid() not in pids
    in_process = Context(limits=Limits(reader_time_budget_s=0))
    prepared = prepare(RawInput("here", b"WHOAMI"), in_process, registry, IngestOptions())
    assert prepared.articles[0].meta["pid"] == os.getpid()
    registry.close()


def test_worker_killed_from_outside_is_replaced() -> None:
    registry = hostile_registry()
    first = prepare(RawInput("w1", b"WHOAMI"), CTX, registry, IngestOptions())
    pid = first.articles[0].meta["pid"]
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    second = prepare(RawInput("w2", b"WHOAMI"), CTX, registry, IngestOptions())
    assert second.articles and second.articles[0].meta["pid"] != pid
    registry.close()


def test_reader_registered_after_worker_started_is_used() -> None:
    registry = default_registry()
    prepare(RawInput("good.txt", good_text(4)), CTX, registry, IngestOptions())
    registry.register(_reader("whoami", _whoami, _marker_sniff(b"WHOAMI")))
    prepared = prepare(RawInput("w", b"WHOAMI"), CTX, registry, IngestOptions())
    assert prepared.articles[0].meta["pid"] != os.getpid()
    registry.close()


def test_reader_bug_is_raised_again_with_worker_traceback() -> None:
    registry = hostile_registry()
    with pytest.raises(ValueError, match="a bug in a reader") as info:
        prepare(RawInput("b", b"BUGGY"), CTX, registry, IngestOptions())
    notes = "\n".join(getattr(info.value, "__notes__", []))
    assert "the buggy reader on b" in notes and "_buggy" in notes
    registry.close()


def test_unknown_reader_name_and_reader_input_errors_keep_their_types() -> None:
    registry = default_registry()
    with pytest.raises(UsageError, match="unknown reader"):
        prepare(RawInput("x", b"text"), CTX, registry, IngestOptions(reader="nope"))
    prepared = prepare(RawInput("empty.txt", b""), CTX, registry, IngestOptions())
    assert prepared.errors and all(isinstance(e, InputError) for e in prepared.errors)
    assert prepared.errors[0].source == "empty.txt"
    registry.close()


def test_ingest_reads_ahead_and_keeps_input_order(tmp_path: Path) -> None:
    """The worker reads input n + 1 while n is stored; outcomes stay in input order,
    with an unreadable input (a missing file) between readable ones."""
    names = [f"{n:02d}.txt" for n in range(6)]
    for n, name in enumerate(names):
        (tmp_path / name).write_bytes(good_text(10 + n))
    sources = [str(tmp_path / n) for n in names[:3]]
    sources += [str(tmp_path / "missing.txt")] + [str(tmp_path / n) for n in names[3:]]
    seen: list[str] = []
    with Archive(tmp_path / "archive.db") as archive:
        report = ingest(sources, archive, CTX, on_outcome=lambda o: seen.append(o.input))
        assert archive.count() == 6
    assert [Path(o.input).name for o in report.outcomes] == [Path(s).name for s in sources]
    assert seen == [o.input for o in report.outcomes]
    assert [o.status for o in report.outcomes].count("ingested") == 6


def _chatty(raw: RawInput, ctx: Context) -> ReaderOutput:
    print("LEAKED-FROM-READER", flush=True)
    return _whoami(raw, ctx)


def test_a_reader_that_prints_cannot_corrupt_the_callers_stdout(
    capfd: pytest.CaptureFixture[str],
) -> None:
    registry = default_registry()
    registry.register(_reader("chatty", _chatty, _marker_sniff(b"CHATTY")))
    prepared = prepare(RawInput("c", b"CHATTY"), CTX, registry, IngestOptions())
    registry.close()
    assert prepared.articles
    assert "LEAKED-FROM-READER" not in capfd.readouterr().out


def _nap(raw: RawInput, ctx: Context) -> ReaderOutput:
    time.sleep(BUDGET * 0.6)
    return _whoami(raw, ctx)


def test_queued_inputs_get_their_budget_from_when_the_worker_starts_them(tmp_path: Path) -> None:
    """Five inputs of 0.6 budgets each, queued at once: none overruns (the budget runs
    from the start of each read, not from when it was queued)."""
    registry = default_registry()
    registry.register(_reader("nap", _nap, _marker_sniff(b"NAP")))
    (tmp_path / "in").mkdir()
    for n in range(5):
        (tmp_path / "in" / f"{n}.nap").write_bytes(b"NAP %d" % n)
    with Archive(tmp_path / "archive.db") as archive:
        report = ingest([str(tmp_path / "in")], archive, CTX, registry=registry)
    assert [o.status for o in report.outcomes] == ["ingested"] * 5, report.to_dict()


def _tag_process(output: ReaderOutput, ctx: Context) -> ReaderOutput:
    """A ``finish`` step that records which process ran it."""
    output.warnings.append(f"finished in {os.getpid()}")
    return output


@pytest.mark.parametrize("budget", [BUDGET, 0])
def test_read_ahead_runs_finish_where_it_reads(budget: float) -> None:
    """``finish`` runs in the worker with a budget, in this process without one."""
    registry = default_registry()
    ctx = Context(limits=Limits(reader_time_budget_s=budget))
    ahead = ReadAhead(ctx, registry, None, _tag_process)
    try:
        ahead.submit(RawInput("good.txt", good_text(5)))
        _raw, result = ahead.collect()
    finally:
        ahead.close()
        registry.close()
    assert not isinstance(result, InputError)
    (tag,) = result[1].warnings
    here = tag == f"finished in {os.getpid()}"
    assert here == (budget == 0)


def test_cleaning_in_the_worker_stores_what_cleaning_here_stores(tmp_path: Path) -> None:
    """Default steps are run by the reader worker; other steps here: same archive rows."""
    paths = []
    for n in range(3):
        path = tmp_path / f"{n}.txt"
        path.write_bytes(good_text(20 + n) + b"\nShare this article on social media\n")
        paths.append(str(path))
    # Equal in effect to STEPS, but not STEPS: ingest cleans in this process.
    here = tuple(replace(s, run=lambda a, c, run=s.run: run(a, c)) for s in STEPS)
    records = []
    for name, steps in (("worker", STEPS), ("here", here)):
        with Archive(tmp_path / f"{name}.db") as archive:
            report = ingest(paths, archive, CTX, IngestOptions(steps=steps))
            assert [o.status for o in report.outcomes] == ["ingested"] * 3
            rows = archive.conn.execute("SELECT record FROM articles ORDER BY id").fetchall()
        records.append([{**json.loads(r[0]), "ingested_at": None} for r in rows])
    assert records[0] == records[1]
    assert all(r["language"] == "en" for r in records[0])


def test_hashes_taken_by_the_worker_store_what_hashing_here_stores(tmp_path: Path) -> None:
    """The worker hashes each cleaned article for the store (content, template lines):
    articles, versions and learnt template lines are those of hashing here."""
    path = tmp_path / "items.jsonl"
    footer = "Follow the Harbour Gazette for more on the dredging plans."
    items = [
        {
            "id": f"a{n}",
            "source": "Harbour Gazette",
            "title": f"Harbour board approves dredging plan number {n}",
            "text": f"The board voted on plan {n} on Tuesday.\n\n{footer}",
        }
        for n in range(6)
    ]
    items.append(dict(items[0], id="again"))  # same text: a duplicate
    path.write_text("\n".join(json.dumps(item) for item in items), encoding="utf-8")
    here = tuple(replace(s, run=lambda a, c, run=s.run: run(a, c)) for s in STEPS)
    tables = []
    for name, steps in (("worker", STEPS), ("here", here)):
        with Archive(tmp_path / f"{name}.db") as archive:
            report = ingest([str(path)], archive, CTX, IngestOptions(steps=steps))
            assert [o.status for o in report.outcomes] == ["ingested"] * 6 + ["duplicate"]
            rows = {
                table: archive.conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
                for table in ("articles", "article_versions", "source_lines")
            }
        tables.append(
            {
                table: [
                    tuple(v for k, v in zip(r.keys(), r, strict=True) if k != "ingested_at")
                    for r in table_rows
                ]
                for table, table_rows in rows.items()
            }
        )
    assert tables[0] == tables[1]
    assert tables[0]["source_lines"]  # lines were counted
    # The footer was learnt as a template line and taken off the later articles.
    assert footer not in json.loads(tables[0]["articles"][-1][-1])["paragraphs"]


def _marking(raw: RawInput, ctx: Context) -> ReaderOutput:
    """Reads an input naming a file: creates that file (so the test sees when), one article."""
    Path(raw.data.split()[1].decode()).touch()
    return _whoami(raw, ctx)


def test_worker_reads_the_next_large_input_while_this_one_is_stored(tmp_path: Path) -> None:
    """Inputs too large to queue two: the next is sent before the one read is stored."""
    registry = default_registry()
    registry.register(_reader("marking", _marking, _marker_sniff(b"MARK")))
    sources = []
    for n in range(2):
        path = tmp_path / f"big{n}.txt"
        path.write_bytes(b"MARK %s\n" % str(tmp_path / f"read{n}").encode() + b"x" * AHEAD_BYTES)
        sources.append(str(path))
    seen_next = []

    def on_outcome(outcome: IngestOutcome) -> None:
        if outcome.input.endswith("big0.txt"):
            deadline = time.monotonic() + 10
            while not (tmp_path / "read1").exists() and time.monotonic() < deadline:
                time.sleep(0.01)
            seen_next.append((tmp_path / "read1").exists())

    with Archive(tmp_path / "archive.db") as archive:
        report = ingest(sources, archive, CTX, on_outcome=on_outcome, registry=registry)
    assert [o.status for o in report.outcomes] == ["ingested", "ingested"]
    assert seen_next == [True]
