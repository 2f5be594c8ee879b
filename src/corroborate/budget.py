"""Readers under a time budget: each read runs in a worker process that is killed on overrun.

A hostile input can make a reader hang where Python cannot interrupt it (lxml's C
parser, a regular expression that backtracks for hours), so signals and threads
are not enough. :func:`read_input` sends the raw bytes to a persistent worker
process forked from the caller (so it holds the caller's registry, custom
readers included, without pickling it), waits at most
``Limits.reader_time_budget_s`` seconds for the articles to come back, and on
overrun kills the worker (``SIGKILL``) and fails that one input with an
:class:`InputError` naming the input, the reader and the budget. The next read
forks a fresh worker. A worker that dies (a crash in C code, the out-of-memory
killer) fails its input the same way instead of taking the run down.

A long input read through :class:`ReadAhead` with a ``finish`` step comes back
in parts of ``PART_ARTICLES`` articles, each finished (cleaned) and sent as soon
as it is ready, so the caller stores the first articles while the worker
cleans the rest. The budget then bounds the read and each part's finishing,
not the whole input: a large file is not failed for being large, and a hang in
one part is still stopped. An overrun after some parts fails the rest of the
input only, and says so. Its ``prepare`` step (loading a model the ``finish``
step needs) runs in the worker before its first input's clock starts, so the
caller's process neither pays for it nor waits on it while it has other work.

The worker belongs to its :class:`~corroborate.readers.base.ReaderRegistry`
(created on the first budgeted read, stopped by ``registry.close()``, when the
registry is garbage-collected, or at exit), so one worker serves every input of
a run. A budget of 0 or None, or a platform without ``fork``, reads in-process
with no budget.
"""

from __future__ import annotations

import contextlib
import gc
import mmap
import os
import pickle
import signal
import socket
import struct
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, replace
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from corroborate.config import Context, Limits
from corroborate.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from corroborate.readers.base import RawInput, Reader, ReaderOutput, ReaderRegistry

__all__ = [
    "PART_ARTICLES",
    "Part",
    "ReadAhead",
    "ReadResult",
    "ReaderWorker",
    "budget_of",
    "read_in_process",
    "read_input",
]

PARENT_CHECK_S = 0.25
SLOT_BYTES = 256
AHEAD_DEPTH = 8
AHEAD_BYTES = 64 * 1024
PART_ARTICLES = 250


def budget_of(limits: Limits) -> float | None:
    """The reader time budget in seconds, or None for in-process reads without one."""
    budget = limits.reader_time_budget_s
    if budget is None or budget <= 0 or not hasattr(os, "fork"):
        return None
    return float(budget)


def read_in_process(
    raw: RawInput, ctx: Context, registry: ReaderRegistry, reader_name: str | None
) -> tuple[str, ReaderOutput]:
    """Choose a reader (or take the named one) and read ``raw`` here, without a budget."""
    reader = registry.get(reader_name) if reader_name else registry.choose(raw)
    return reader.name, reader.read(raw, ctx)


def read_input(
    raw: RawInput, ctx: Context, registry: ReaderRegistry, reader_name: str | None
) -> tuple[str, ReaderOutput]:
    """The chosen reader's name and output for ``raw``, read under the time budget.

    Raises :class:`InputError` when the input is bad, the reader overran the
    budget or its worker died; an unexpected exception inside a reader is
    raised again here with the worker's traceback as a note.
    """
    budget = budget_of(ctx.limits)
    if budget is None:
        return read_in_process(raw, ctx, registry, reader_name)
    if reader_name:
        registry.get(reader_name)  # an unknown name fails here, listing the valid ones
    return registry.worker().read(registry, raw, reader_name, ctx.limits, budget)


ReadResult = tuple[str, "ReaderOutput"] | InputError
# Pure work on a reader's output (cleaning), done where the read is done: a
# module-level function, so a request sends it by reference.
Finish = Callable[["ReaderOutput", Context], "ReaderOutput"]
# Work a worker does once before its first input, outside any budget (loading a
# model): a module-level function too.
Prepare = Callable[[], None]


@dataclass(frozen=True, slots=True)
class Part:
    """One answer taken off the worker by :meth:`ReadAhead.collect_part`.

    ``final`` False: a part of a long input (``PART_ARTICLES`` finished articles,
    the reader's per-item errors on the first part); its other parts follow, the
    links and the rest on the final one. ``articles_before``: how many of the
    input's articles earlier parts carried.
    """

    raw: RawInput
    result: ReadResult
    final: bool = True
    articles_before: int = 0


def _joined(outputs: list[ReaderOutput]) -> ReaderOutput:
    """The parts of one input as one output: every list field joined in order (articles
    and anything kept one per article), warnings once each."""
    last = outputs[-1]
    joined: dict[str, list[Any]] = {}
    for f in fields(last):
        if not isinstance(getattr(last, f.name), list):
            continue
        values = [v for o in outputs for v in getattr(o, f.name)]
        joined[f.name] = list(dict.fromkeys(values)) if f.name == "warnings" else values
    return replace(last, **joined)


class ReadAhead:
    """Keeps the worker busy: up to ``AHEAD_DEPTH`` inputs (``AHEAD_BYTES`` in all)
    wait in its queue while the caller cleans and stores earlier ones, so the two
    processes rarely wait for each other and use two cores.

    ``submit`` inputs while :meth:`has_room`, ``collect`` them in the same order
    (:meth:`ready` says an answer is already there), ``close`` at the end. Each
    input's budget starts when the worker starts on it. After an overrun or a
    crash the inputs queued behind are sent again to a fresh worker. Without a
    budget the read happens in-process at ``collect``. Input errors, overruns
    included, are returned; a reader's unexpected exception is raised. The
    registry's worker is this object's until :meth:`close`.

    ``finish`` (a module-level function) runs on every reader output before it
    is returned: in the worker, inside the same budget, so pure post-processing
    (the ingest pipeline's cleaning and language detection) leaves the caller's
    process too. ``prepare`` (module-level) runs once in each worker before its
    first input, outside the budget: what ``finish`` needs loaded (a model).
    """

    def __init__(
        self,
        ctx: Context,
        registry: ReaderRegistry,
        reader_name: str | None,
        finish: Finish | None = None,
        part_articles: int = PART_ARTICLES,
        *,
        prepare: Prepare | None = None,
    ) -> None:
        self.ctx, self.registry, self.reader_name = ctx, registry, reader_name
        self.finish, self.prepare = finish, prepare
        self.part_articles = part_articles
        self.budget = budget_of(ctx.limits)
        self._queue: deque[tuple[RawInput, int]] = deque()
        self._bytes = 0
        self._worker: ReaderWorker | None = None
        self._delivered = 0  # articles of the oldest input already handed out in parts
        if reader_name:
            registry.get(reader_name)  # an unknown name fails here, listing the valid ones

    @property
    def waiting(self) -> bool:
        return bool(self._queue)

    def has_room(self, raw: RawInput) -> bool:
        if not self._queue:
            return True
        if self.budget is None:
            return False
        fits = self._bytes + len(raw.data) <= AHEAD_BYTES  # so a send never blocks
        return len(self._queue) < AHEAD_DEPTH and fits

    def ready(self) -> bool:
        """True when the worker has already answered the oldest input."""
        worker = self._worker
        if not self._queue or worker is None or worker._conn is None:
            return False
        return worker._conn.poll(0)

    def submit(self, raw: RawInput) -> None:
        if not self.has_room(raw):
            raise RuntimeError("collect earlier reads before submitting more")
        seq = self._send(raw) if self.budget is not None else -1
        self._queue.append((raw, seq))
        self._bytes += len(raw.data)

    def _send(self, raw: RawInput) -> int:
        if self._worker is None:
            worker = self.registry.worker()
            worker._lock.acquire()
            self._worker = worker
        return self._worker._submit(
            self.registry,
            raw,
            self.reader_name,
            self.ctx.limits,
            self.finish,
            self.part_articles,
            prepare=self.prepare,
        )

    def collect_part(self) -> Part:
        """The next answer for the oldest input: a whole input, or one part of a long one
        (``final`` False: more parts of the same input follow, collect them next)."""
        raw, seq = self._queue[0]
        before = self._delivered
        final = True
        result: ReadResult
        try:
            if self.budget is None or self._worker is None:
                name, output = read_in_process(raw, self.ctx, self.registry, self.reader_name)
                result = (name, self.finish(output, self.ctx) if self.finish else output)
            else:
                name, output, final = self._worker._wait(raw, seq, self.budget, before)
                result = (name, output)
        except InputError as exc:
            result = exc
            self._done()
            if self._worker is not None and self._worker._conn is None and self._queue:
                queued = [r for r, _ in self._queue]  # went down with the stopped worker
                self._queue = deque((r, self._send(r)) for r in queued)
            return Part(raw, result, True, before)
        if final:
            self._done()
        else:
            self._delivered += len(output.articles)
        return Part(raw, result, final, before)

    def collect(self) -> tuple[RawInput, ReadResult]:
        """The whole answer for the oldest input (its parts, if any, joined)."""
        parts = [self.collect_part()]
        while not parts[-1].final:
            parts.append(self.collect_part())
        last = parts[-1]
        if isinstance(last.result, InputError) or len(parts) == 1:
            return last.raw, last.result
        outputs = [p.result[1] for p in parts if not isinstance(p.result, InputError)]
        return last.raw, (last.result[0], _joined(outputs))

    def _done(self) -> None:
        raw, _seq = self._queue.popleft()
        self._bytes -= len(raw.data)
        self._delivered = 0

    def close(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            try:
                if self._queue:
                    worker._stop()
            finally:
                worker._lock.release()
        self._queue.clear()
        self._bytes = 0


@dataclass(frozen=True, slots=True)
class _Request:
    seq: int
    raw: RawInput
    reader: str | None
    limits: Limits
    finish: Finish | None = None
    part_articles: int = PART_ARTICLES
    prepare: Prepare | None = None


class ReaderWorker:
    """One forked worker process that reads inputs sent over a socket, in order.

    Thread-safe: concurrent callers take turns. ``stop`` kills the process; the
    next :meth:`read` starts a new one.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._conn: Connection | None = None
        self._seq = 0
        # Shared with the forked worker: which request it is on, since when, and with
        # which reader, so deadlines and an overrun's reason need no extra message.
        self._slot = mmap.mmap(-1, SLOT_BYTES)

    @property
    def pid(self) -> int | None:
        return self._pid

    def read(
        self,
        registry: ReaderRegistry,
        raw: RawInput,
        reader_name: str | None,
        limits: Limits,
        budget: float,
    ) -> tuple[str, ReaderOutput]:
        """Read ``raw`` in the worker, giving up after ``budget`` seconds (see module doc)."""
        with self._lock:
            seq = self._submit(registry, raw, reader_name, limits)
            name, output, _final = self._wait(raw, seq, budget)  # final: no finish, no parts
            return name, output

    def _submit(
        self,
        registry: ReaderRegistry,
        raw: RawInput,
        reader_name: str | None,
        limits: Limits,
        finish: Finish | None = None,
        part_articles: int = PART_ARTICLES,
        *,
        prepare: Prepare | None = None,
    ) -> int:
        """Send one request to a live worker (starting one as needed); its number."""
        self._seq += 1
        request = _Request(self._seq, raw, reader_name, limits, finish, part_articles, prepare)
        for attempt in range(2):
            if self._conn is None:
                self._start(registry)
            assert self._conn is not None
            try:
                self._conn.send(request)
                return self._seq
            except (BrokenPipeError, ConnectionResetError):
                self._stop()  # died between reads (killed from outside); one fresh try
                if attempt:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(
        self, raw: RawInput, seq: int, budget: float, delivered: int = 0
    ) -> tuple[str, ReaderOutput, bool]:
        """The next answer to request ``seq`` (the whole output or a part of it, and
        whether it is the final one), waiting at most ``budget`` seconds after the
        worker started on it or on its current part; an answer already there is
        taken even past that (the caller was busy, not the reader). ``delivered``:
        articles of this input already handed out in parts (said on failure)."""
        conn = self._conn
        if conn is None:
            raise InputError(raw.name, _died(None, None, delivered))
        while True:
            on, started, reader = _slot_state(self._slot)
            # Not on it yet (unpickling it, or finishing the one before): look again soon.
            remaining = started + budget - time.monotonic() if on == seq else min(budget, 0.25)
            if conn.poll(max(0.0, remaining)):
                break
            if on == seq:
                # The reader it is on now: chosen during the wait if it had just started.
                reader = _slot_state(self._slot)[2]
                self._stop()
                raise InputError(raw.name, _overrun(reader, budget, delivered))
        try:
            message = conn.recv()
        except (EOFError, OSError):
            on, _started, reader = _slot_state(self._slot)
            status = self._stop()
            reason = _died(reader if on == seq else None, status, delivered)
            raise InputError(raw.name, reason) from None
        return _answer(raw, message)

    def _start(self, registry: ReaderRegistry) -> None:
        parent_end, child_end = socket.socketpair()
        parent_pid = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, measured by the tests' outcomes
            code = 0
            try:
                parent_end.close()
                _detach_stdio()
                gc.freeze()  # the inherited heap: never scanned (nor copied on write) by our GCs
                _serve(Connection(child_end.detach()), registry, parent_pid, self._slot)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        child_end.close()
        self._pid = pid
        self._conn = Connection(parent_end.detach())

    def _stop(self) -> int | None:
        """Kill and reap the worker; its wait status, or None when there was none."""
        pid, conn = self._pid, self._conn
        self._pid = self._conn = None
        if conn is not None:
            conn.close()
        if pid is None:
            return None
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        try:
            return os.waitpid(pid, 0)[1]
        except ChildProcessError:
            return None

    def stop(self) -> None:
        """Stop the worker process (a later read starts a new one)."""
        with self._lock:
            self._stop()


def _reader_label(reader: str | None) -> str:
    return f"the {reader} reader" if reader else "choosing a reader (content sniffing)"


def _lost(delivered: int) -> str:
    """What an input loses when its read is stopped, ``delivered`` articles in."""
    if not delivered:
        return "nothing stored from this input"
    return f"the rest of this input is lost (its first {delivered} articles were kept)"


def _overrun(reader: str | None, budget: float, delivered: int = 0) -> str:
    return (
        f"{_reader_label(reader)} took longer than the {budget:g}-second time budget "
        "(limits.reader_time_budget_s, --reader-budget on the command line); "
        f"stopped, {_lost(delivered)}"
    )


def _died(reader: str | None, status: int | None, delivered: int = 0) -> str:
    if status is not None and os.WIFSIGNALED(status):
        how = f"killed by signal {os.WTERMSIG(status)}"
    elif status is not None and os.WIFEXITED(status):
        how = f"exit code {os.WEXITSTATUS(status)}"
    else:
        how = "lost"
    return f"{_reader_label(reader)} crashed its worker process ({how}); {_lost(delivered)}"


_SLOT_HEAD = struct.Struct("<qdH")  # request number, its start (monotonic), reader-name length


def _slot_begin(slot: mmap.mmap, seq: int) -> None:
    """Worker side: now on request ``seq`` (no reader chosen yet)."""
    slot[: _SLOT_HEAD.size] = _SLOT_HEAD.pack(seq, time.monotonic(), 0)


def _slot_reader(slot: mmap.mmap, name: str) -> None:
    """Worker side: the reader chosen for the current request."""
    data = name.encode("utf-8")[: SLOT_BYTES - _SLOT_HEAD.size]
    slot[_SLOT_HEAD.size : _SLOT_HEAD.size + len(data)] = data
    slot[16 : _SLOT_HEAD.size] = len(data).to_bytes(2, "little")


def _slot_state(slot: mmap.mmap) -> tuple[int, float, str | None]:
    """The request the worker is on, when it started it, and its reader (None yet)."""
    seq, started, size = _SLOT_HEAD.unpack(slot[: _SLOT_HEAD.size])
    name = slot[_SLOT_HEAD.size : _SLOT_HEAD.size + size].decode("utf-8", "replace")
    return seq, started, name or None


def _answer(raw: RawInput, message: tuple[Any, ...]) -> tuple[str, Any, bool]:
    """Turn a worker's message into a result (with whether it is the input's final one)
    or the exception it stands for."""
    kind = message[0]
    if kind in ("output", "part"):
        name, output, errors = message[1], message[2], message[3]
        output.errors = [InputError(source, reason) for source, reason in errors]
        return name, output, kind == "output"
    if kind == "input-error":
        raise InputError(message[1], message[2])
    if kind == "usage-error":
        from corroborate.errors import UsageError

        raise UsageError(message[1])
    exc: BaseException = message[1]
    if kind == "prepare-error":
        exc.add_note(f"raised while the reader worker prepared, before {raw.name}:\n{message[2]}")
    else:
        exc.add_note(
            f"raised by {_reader_label(message[3])} on {raw.name} in its worker:\n{message[2]}"
        )
    raise exc


def _detach_stdio() -> None:
    """Point the worker's stdin and stdout at /dev/null: a reader that prints cannot
    corrupt the caller's output (``--json``), and a killed caller's pipe closes at once."""
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    # Python-level streams may write elsewhere than fd 1 (a capturing test runner).
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - lives as long as the worker
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


def _serve(conn: Connection, registry: ReaderRegistry, parent_pid: int, slot: mmap.mmap) -> None:
    """The worker's loop: read each request with the inherited registry, answer, repeat.

    Exits when the parent closes its end or is gone. Ctrl-C is left to the
    parent, which stops the worker itself.
    """
    with contextlib.suppress(ValueError):  # only ever raised off the main thread
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.set_wakeup_fd(-1)  # an event loop's wakeup socket is the parent's, not ours
    contexts: dict[Limits, Context] = {}
    prepared: set[Prepare] = set()
    while True:
        if not conn.poll(PARENT_CHECK_S):
            if os.getppid() != parent_pid:
                return
            continue
        try:
            request: _Request = conn.recv()
        except (EOFError, OSError):
            return
        if request.prepare is not None and request.prepare not in prepared:
            try:  # before the clock starts: loading a model is not the input's time
                request.prepare()
            except Exception as exc:
                conn.send(("prepare-error", _portable(exc), traceback.format_exc()))
                continue
            prepared.add(request.prepare)
        _slot_begin(slot, request.seq)
        ctx = contexts.setdefault(request.limits, Context(limits=request.limits))
        for message in _handle(request, ctx, registry, slot):
            try:
                conn.send(message)  # pickles in full before writing, so a failure sends nothing
            except (pickle.PicklingError, TypeError, AttributeError) as exc:
                failure = RuntimeError(f"reader output cannot be sent back: {exc}")
                conn.send(("raise", failure, "", _slot_state(slot)[2]))
                break


def _handle(
    request: _Request, ctx: Context, registry: ReaderRegistry, slot: mmap.mmap
) -> Iterator[tuple[Any, ...]]:
    """Run one request: its messages, the last a result or an error to raise.

    With a ``finish`` step, a long output goes in parts (see :class:`Part`), each
    finished under a budget of its own (the slot's clock restarts per part).
    """
    from corroborate.errors import UsageError

    try:
        reader: Reader = (
            registry.get(request.reader) if request.reader else registry.choose(request.raw)
        )
        _slot_reader(slot, reader.name)
        output = reader.read(request.raw, ctx)
        if request.finish is None:
            parts = [output]
        else:
            parts = _split(output, max(1, request.part_articles))
        for n, part in enumerate(parts):
            if n:
                _slot_begin(slot, request.seq)
            if request.finish is not None:
                part = request.finish(part, ctx)
            errors = [(e.source, e.reason) for e in part.errors]
            part.errors = []
            kind = "output" if n == len(parts) - 1 else "part"
            yield (kind, reader.name, part, errors)
    except InputError as exc:
        yield ("input-error", exc.source, exc.reason)
    except UsageError as exc:
        yield ("usage-error", str(exc))
    except Exception as exc:
        yield ("raise", _portable(exc), traceback.format_exc(), _slot_state(slot)[2])


def _split(output: ReaderOutput, size: int) -> list[ReaderOutput]:
    """``output`` as parts of ``size`` articles: the reader's errors on the first part,
    its links on the last, its warnings on each (each part its own list)."""
    articles = output.articles
    if len(articles) <= size:
        return [output]
    starts = range(0, len(articles), size)
    return [
        replace(
            output,
            articles=articles[start : start + size],
            errors=list(output.errors) if not start else [],
            links=list(output.links) if start == starts[-1] else [],
            warnings=list(output.warnings),
        )
        for start in starts
    ]


def _portable(exc: Exception) -> BaseException:
    """``exc`` itself when it survives pickling, else a RuntimeError describing it."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
