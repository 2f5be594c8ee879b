"""Work done before reading: the worker's ``prepare`` step and ingest's ``warm_up``.

When the caller has a ``IngestOptions.warm_up`` (loading the story models),
the reader worker loads what its ``finish`` step needs (the language model)
itself, once, before its first input's time budget starts, so the two loads
overlap instead of following each other.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corroborate.archive import Archive
from corroborate.budget import ReadAhead
from corroborate.config import Context, Limits
from corroborate.errors import InputError
from corroborate.pipeline import IngestOptions, ingest
from corroborate.readers import RawInput, default_registry

BUDGET = 1.0
CTX = Context(limits=Limits(reader_time_budget_s=BUDGET))
LOG = "CORROBORATE_TEST_PREPARE_LOG"


def _slow_prepare() -> None:
    """Takes longer than the budget, and logs the process it ran in."""
    time.sleep(1.5 * BUDGET)
    with open(os.environ[LOG], "a", encoding="utf-8") as log:
        log.write(f"{os.getpid()}\n")


def _failing_prepare() -> None:
    raise RuntimeError("the model file is missing")


def _text(n: int) -> bytes:
    return f"Ferry timetable {n}\n\nThe ferry company said sailing {n} leaves at noon.\n".encode()


def test_prepare_runs_once_in_the_worker_outside_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "prepare.log"
    monkeypatch.setenv(LOG, str(log))
    registry = default_registry()
    ahead = ReadAhead(CTX, registry, None, prepare=_slow_prepare)
    try:
        for n in range(3):
            ahead.submit(RawInput(f"{n}.txt", _text(n)))
        results = [ahead.collect()[1] for _ in range(3)]
    finally:
        ahead.close()
        registry.close()
    # 1.5 budgets of preparing did not overrun the first input's budget.
    assert [isinstance(r, InputError) for r in results] == [False] * 3, results
    pids = log.read_text(encoding="utf-8").split()
    assert len(pids) == 1  # once per worker, not per input
    assert pids != [str(os.getpid())]  # in the worker, not here


def test_a_failing_prepare_is_raised_saying_where() -> None:
    registry = default_registry()
    ahead = ReadAhead(CTX, registry, None, prepare=_failing_prepare)
    try:
        ahead.submit(RawInput("a.txt", _text(1)))
        with pytest.raises(RuntimeError, match="model file is missing") as caught:
            ahead.collect()
    finally:
        ahead.close()
        registry.close()
    assert any(
        "while the reader worker prepared, before a.txt" in n for n in caught.value.__notes__
    )


@pytest.mark.parametrize("budget", [BUDGET, 0])
def test_warm_up_runs_once_when_the_first_input_is_on_its_way(
    tmp_path: Path, budget: float
) -> None:
    for n in range(3):
        (tmp_path / f"{n}.txt").write_bytes(_text(n))
    registry = default_registry()
    calls: list[bool] = []

    def warm_up() -> None:
        calls.append(registry.worker().pid is not None)  # the reader worker is running

    ctx = Context(limits=Limits(reader_time_budget_s=budget))
    options = IngestOptions(warm_up=warm_up)
    paths = [str(tmp_path / f"{n}.txt") for n in range(3)]
    with Archive(tmp_path / "a.db") as archive:
        report = ingest(paths, archive, ctx, options, registry=registry)
    assert [o.status for o in report.outcomes] == ["ingested"] * 3
    # Once, with the worker already reading when there is a budget (no worker without).
    assert calls == [budget > 0]


_LOADED_HERE = """
import sys
import py3langid.langid
from corroborate.archive import Archive
from corroborate.config import Context, Limits
from corroborate.pipeline import IngestOptions, ingest

folder, warm = sys.argv[1], sys.argv[2] == "1"
options = IngestOptions(warm_up=(lambda: None) if warm else None)
ctx = Context(limits=Limits(reader_time_budget_s=5.0))
with Archive(folder + "/a.db") as archive:
    report = ingest([folder + "/in.txt"], archive, ctx, options)
print(report.outcomes[0].status, py3langid.langid.IDENTIFIER is not None)
"""


@pytest.mark.parametrize("warm", [False, True])
def test_the_language_model_loads_here_only_without_a_warm_up(tmp_path: Path, warm: bool) -> None:
    """Without a warm-up this process loads it (later runs' workers inherit it); with one,
    the worker does, in parallel. In a fresh interpreter, so no other test loaded it."""
    (tmp_path / "in.txt").write_bytes(_text(1))
    done = subprocess.run(
        [sys.executable, "-c", _LOADED_HERE, str(tmp_path), "1" if warm else "0"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["ingested", str(not warm)]
