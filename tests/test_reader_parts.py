"""Long inputs come back from the reader worker in parts (``corroborate.budget``).

A file of many items is read once, then finished (cleaned) and sent part by part,
so the caller stores the first articles while the worker cleans the rest; each
part has a time budget of its own, and an overrun late in a file keeps the parts
before it.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

from corroborate.archive import Archive
from corroborate.budget import ReadAhead
from corroborate.config import Context, Limits
from corroborate.errors import InputError
from corroborate.pipeline import ingest
from corroborate.readers import RawInput, ReaderOutput, default_registry

BUDGET = 2.0  # seconds; generous, so a loaded machine does not overrun a slow part
CTX = Context(limits=Limits(reader_time_budget_s=BUDGET))


def _items(n: int, bad_line: int | None = None, hang_at: int | None = None) -> bytes:
    """``n`` JSON Lines items (one unparseable line after item ``bad_line``; item
    ``hang_at`` titled so that :func:`_finish_slowly` hangs on its part)."""
    lines = []
    for i in range(n):
        title = f"Ferry timetable {i} changes for the winter"
        if i == hang_at:
            title += " HANG"
        body = f"The ferry company said sailing {i} will leave at {i % 12 + 1} o'clock."
        lines.append(json.dumps({"id": f"f{i}", "title": title, "text": body}))
        if i == bad_line:
            lines.append("{not json")
    return ("\n".join(lines) + "\n").encode()


def _shout(output: ReaderOutput, ctx: Context) -> ReaderOutput:
    """A pure ``finish`` step: titles in capitals (shows it ran on every part)."""
    return replace(output, articles=[replace(a, title=a.title.upper()) for a in output.articles])


def _finish_slowly(output: ReaderOutput, ctx: Context) -> ReaderOutput:
    """0.4 of the budget per part; a part holding a HANG title never ends."""
    if any("HANG" in a.title for a in output.articles):
        time.sleep(3600)
    time.sleep(0.4 * BUDGET)
    return _shout(output, ctx)


def _parts(raw: RawInput, finish, size: int):  # type: ignore[no-untyped-def]
    registry = default_registry()
    ahead = ReadAhead(CTX, registry, None, finish, part_articles=size)
    try:
        ahead.submit(raw)
        parts = [ahead.collect_part()]
        while not parts[-1].final:
            parts.append(ahead.collect_part())
        return parts
    finally:
        ahead.close()
        registry.close()


def test_a_long_input_comes_in_parts_that_join_to_the_whole() -> None:
    raw = RawInput("ferries.jsonl", _items(8, bad_line=4))
    parts = _parts(raw, _shout, 3)
    assert [p.final for p in parts] == [False, False, True]
    assert [p.articles_before for p in parts] == [0, 3, 6]
    outputs = [p.result[1] for p in parts if not isinstance(p.result, InputError)]
    assert [len(o.articles) for o in outputs] == [3, 3, 2]
    assert [len(o.errors) for o in outputs] == [1, 0, 0]  # the reader's errors come first
    # Joined by collect(), they are the output of reading and finishing in one go.
    registry = default_registry()
    ahead = ReadAhead(CTX, registry, None, _shout, part_articles=3)
    whole = ReadAhead(Context(limits=Limits(reader_time_budget_s=0)), registry, None, _shout)
    try:
        ahead.submit(raw)
        whole.submit(raw)
        (_, joined), (_, expected) = ahead.collect(), whole.collect()
    finally:
        ahead.close()
        registry.close()
    assert not isinstance(joined, InputError) and not isinstance(expected, InputError)
    assert [a.title for a in joined[1].articles] == [a.title for a in expected[1].articles]
    assert joined[1].articles[0].title == "FERRY TIMETABLE 0 CHANGES FOR THE WINTER"
    assert [e.reason for e in joined[1].errors] == [e.reason for e in expected[1].errors]


def test_each_part_has_a_budget_of_its_own() -> None:
    """Four parts at 0.4 budget each: 1.6 budgets in all, and no overrun (each part
    keeps 0.6 of its budget spare, so a loaded machine does not overrun it)."""
    parts = _parts(RawInput("ferries.jsonl", _items(12)), _finish_slowly, 3)
    assert [p.final for p in parts] == [False, False, False, True]
    assert not any(isinstance(p.result, InputError) for p in parts)


def test_an_overrun_late_in_an_input_keeps_the_parts_before_it() -> None:
    parts = _parts(RawInput("ferries.jsonl", _items(9, hang_at=7)), _finish_slowly, 3)
    assert [p.final for p in parts] == [False, False, True]
    error = parts[-1].result
    assert isinstance(error, InputError)
    assert "2-second time budget" in error.reason
    assert "its first 6 articles were kept" in error.reason


def test_ingest_stores_a_long_input_part_by_part_as_it_would_whole(tmp_path: Path) -> None:
    """Past the default part size: the same archive and outcomes as reading in one go."""
    path = tmp_path / "ferries.jsonl"
    path.write_bytes(_items(620, bad_line=10))
    results = []
    for name, budget in (("parts", BUDGET * 30), ("whole", 0)):
        ctx = Context(limits=Limits(reader_time_budget_s=budget))
        with Archive(tmp_path / f"{name}.db") as archive:
            report = ingest([str(path)], archive, ctx)
            rows = archive.conn.execute("SELECT record FROM articles ORDER BY rowid").fetchall()
        records = [{**json.loads(r[0]), "ingested_at": None} for r in rows]
        outcomes = [o.to_dict() for o in report.outcomes]
        results.append((records, outcomes))
    (parts_records, parts_outcomes), (whole_records, whole_outcomes) = results
    assert len(parts_records) == 620
    assert parts_records == whole_records
    assert parts_outcomes == whole_outcomes
