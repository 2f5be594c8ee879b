"""Ingest jobs: uploads, pastes and URLs run one at a time on a single writer thread.

A request only queues a job and gets its id; the worker fetches (URLs, with the
private-address refusal of :mod:`corroborate.fetch`), ingests through
:func:`corroborate.pipeline.ingest_raw`, assigns stories, and records each
outcome as it is committed, so a client polling the job sees progress and an
outcome reported ``ingested`` is already in the archive.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from corroborate.errors import CorroborateError, InputError, NotFoundError, UsageError
from corroborate.fetch import fetch_url
from corroborate.pipeline import IngestOptions, IngestOutcome, ingest_raw
from corroborate.readers import ReaderRegistry, default_registry
from corroborate.readers.base import RawInput
from corroborate.web.served import ServedWorkspace

__all__ = ["IngestJob", "JobInput", "JobQueue"]

log = logging.getLogger("corroborate.web")

JobStatus = Literal["queued", "running", "done", "failed"]


@dataclass(frozen=True, slots=True)
class JobInput:
    """One thing to ingest: bytes already received, or a URL to fetch in the worker."""

    name: str
    raw: RawInput | None = None
    url: str | None = None


@dataclass
class IngestJob:
    """A queued or finished ingest, as a client polls it."""

    id: str
    inputs: list[JobInput]
    reader: str | None = None
    status: JobStatus = "queued"
    phase: str = "queued"
    done_inputs: int = 0
    outcomes: list[IngestOutcome] = field(default_factory=list)
    stories: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None
    event: threading.Event = field(default_factory=threading.Event)

    @property
    def article_ids(self) -> list[str]:
        ids = [o.article_id for o in self.outcomes if o.article_id and o.status != "link"]
        return list(dict.fromkeys(ids))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "phase": self.phase,
            "inputs": [i.name for i in self.inputs],
            "progress": {"done": self.done_inputs, "total": len(self.inputs)},
            "outcomes": [
                {**o.to_dict(), "story": self.stories.get(o.article_id or "")}
                for o in list(self.outcomes)
            ],
            "error": self.error,
            "created": self.created,
            "finished": self.finished,
        }


class JobQueue:
    """A bounded queue of ingest jobs and the one worker thread that runs them."""

    def __init__(self, ws: ServedWorkspace, max_jobs: int = 1000) -> None:
        self.ws = ws
        self.max_jobs = max_jobs
        self._jobs: OrderedDict[str, IngestJob] = OrderedDict()
        self._lock = threading.Lock()
        self._queue: queue.Queue[IngestJob | None] = queue.Queue(maxsize=max_jobs)
        self._thread: threading.Thread | None = None
        self.after_job: Callable[[IngestJob], None] | None = None
        # One reader registry (and so one forked reader worker) for the queue's
        # lifetime: forking a worker per job costs more than a small job.
        self.readers: ReaderRegistry = default_registry()

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="corroborate-ingest", daemon=True
            )
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None
        self.readers.close()

    # -- clients ---------------------------------------------------------------
    def submit(self, inputs: list[JobInput], reader: str | None = None) -> IngestJob:
        """Queue a job; a usage error when there is nothing to do or the queue is full."""
        if not inputs:
            raise UsageError("nothing to ingest: give a URL, a file or some text")
        if reader is not None:
            default_registry().get(reader)  # unknown reader names fail now, listing valid ones
        job = IngestJob(uuid.uuid4().hex, inputs, reader)
        with self._lock:
            self._forget_old()
            self._jobs[job.id] = job
        try:
            self._queue.put_nowait(job)
        except queue.Full:
            with self._lock:
                self._jobs.pop(job.id, None)
            raise QueueFull("too many ingest jobs are waiting; try again shortly") from None
        return job

    def get(self, job_id: str) -> IngestJob:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFoundError(f"no ingest job {job_id!r} (finished jobs are kept for a while)")
        return job

    def _forget_old(self) -> None:
        while len(self._jobs) >= self.max_jobs:
            oldest = next(iter(self._jobs.values()))
            if oldest.status in ("queued", "running"):
                break
            self._jobs.popitem(last=False)

    # -- the worker ------------------------------------------------------------
    def _run(self) -> None:
        try:
            self.ws.assign_stories()  # articles ingested while no server ran
        except Exception:
            log.exception("assigning stories to waiting articles failed")
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                self.run_job(job)
            except Exception as exc:
                log.exception("ingest job %s failed", job.id)
                job.error = f"internal error while ingesting ({type(exc).__name__})"
                job.status = "failed"
            finally:
                if any(o.status == "new-version" for o in job.outcomes):
                    self.ws.bump()  # changed texts change pages even when no story changed
                job.finished = time.time()
                if job.status == "running":
                    job.status = "done"
                job.phase = job.status
                job.event.set()
                if self.after_job is not None:
                    self.after_job(job)

    def run_job(self, job: IngestJob) -> None:
        """Fetch, read, clean, store and assign stories for every input of ``job``."""
        job.status = "running"
        ctx = self.ws.ctx
        options = IngestOptions(reader=job.reader)
        registry = self.readers
        for item in job.inputs:
            try:
                raw = item.raw
                if raw is None:
                    assert item.url is not None
                    job.phase = f"fetching {item.url}"
                    page = fetch_url(item.url, ctx.limits)
                    raw = RawInput(
                        name=item.url,
                        data=page.data,
                        url=page.final_url,
                        media_type=page.media_type,
                        charset=page.charset,
                    )
                job.phase = f"reading {item.name}"
                ingest_raw(raw, self.ws.archive, ctx, registry, options, job.outcomes.append)
            except InputError as exc:
                job.outcomes.append(IngestOutcome(exc.source, "error", reason=exc.reason))
            except CorroborateError as exc:
                job.outcomes.append(IngestOutcome(item.name, "error", reason=str(exc)))
            job.done_inputs += 1
        ids = job.article_ids
        if ids:
            job.phase = "assigning stories"
            self.ws.assign_stories(ids)
            snap = self.ws.snapshot
            job.stories = {a: snap.article_story[a] for a in ids if a in snap.article_story}


class QueueFull(CorroborateError):
    """The ingest queue is full (the server answers 503)."""
