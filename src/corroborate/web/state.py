"""What one running app holds: the archive, the workspace, jobs, flags, the warmer.

An :class:`AppState` is created by ``create_app`` and lives on
``app.state.corroborate``; nothing is kept at module level, so two apps (two
archives) can run in one process, as the tests do.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from corroborate.actions import ActionRegistry, default_registry
from corroborate.web.config import WebConfig
from corroborate.web.jobs import JobQueue
from corroborate.web.served import RoutedArchive, ServedWorkspace
from corroborate.web.shapes import story_flags

__all__ = ["AppState", "FlagStore"]

log = logging.getLogger("corroborate.web")


@dataclass
class FlagStore:
    """Each analysed story's flags, valid while its member list is unchanged."""

    _flags: dict[str, tuple[tuple[str, ...], dict[str, int]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    version: int = 0

    def put(self, story_id: str, members: list[str], data: dict[str, Any]) -> dict[str, int]:
        """Flags from a story's data (an empty dict marks an analysis that failed)."""
        flags = story_flags(data) if data else {}
        with self._lock:
            if self._flags.get(story_id) != (tuple(members), flags):
                self._flags[story_id] = (tuple(members), flags)
                self.version += 1
        return flags

    def get(self, story_id: str, members: list[str]) -> dict[str, int] | None:
        with self._lock:
            known = self._flags.get(story_id)
        if known is None or known[0] != tuple(members):
            return None
        return known[1]


class AppState:
    """The archive, workspace, ingest queue, action registry and flags of one app."""

    def __init__(self, config: WebConfig) -> None:
        config.check()
        self.config = config
        self.archive = RoutedArchive(config.db)
        self.ws = ServedWorkspace(self.archive, config.ctx)
        self.jobs = JobQueue(self.ws, config.max_jobs)
        self.registry: ActionRegistry = default_registry()
        self.flags = FlagStore()
        self.active = 0
        self._active_lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._warmer: threading.Thread | None = None
        self.jobs.after_job = lambda job: self._wake.set()

    # -- lifecycle -----------------------------------------------------------
    def start(self) -> None:
        self.jobs.start()
        if self.config.warm and self._warmer is None:
            self._warmer = threading.Thread(target=self._warm, name="corroborate-warm", daemon=True)
            self._warmer.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self.jobs.stop()
        if self._warmer is not None:
            self._warmer.join(30)
            self._warmer = None
        self.archive.close()

    # -- requests in flight (the warmer yields to them) -------------------------
    def enter(self) -> None:
        with self._active_lock:
            self.active += 1

    def leave(self) -> None:
        with self._active_lock:
            self.active -= 1

    # -- the warmer -------------------------------------------------------------
    def _warm(self) -> None:
        """Analyse stories without flags, one at a time, when no request is running."""
        from corroborate.views import story_data

        while not self._stop.is_set():
            todo = [
                v
                for v in self.ws.stories()
                if v.size > 1 and self.flags.get(v.id, v.article_ids) is None
            ]
            if not todo:
                self._wake.wait(5.0)
                self._wake.clear()
                continue
            view = max(todo, key=lambda v: (v.last_published or "", v.size))
            while self.active and not self._stop.is_set():
                self._stop.wait(0.05)
            if self._stop.is_set():
                return
            try:
                data = story_data(self.ws, view.id, ("reuse", "facts"))
                self.flags.put(view.id, view.article_ids, data)
            except Exception:
                log.exception("analysing story %s failed", view.id)
                self.flags.put(view.id, view.article_ids, {})
