"""The workspace as a server shares it: readers never wait on the writer.

A web server reads from many threads while one worker thread ingests. Three
things make that safe and fast without touching the shared data layer:

* :class:`RoutedArchive` sends every read to a read-only SQLite connection of
  the calling thread (WAL readers never block on the writer and never see a
  half-written transaction); writes and reads inside a write go to the one
  writer connection.
* :class:`ServedWorkspace` answers story lookups from an immutable
  :class:`StorySnapshot` that the mutating thread republishes after each change,
  so no reader iterates the story index while it is being changed.
* Analyses (provenance, facts, digests) are cached by content (story members
  and their versions) in a bounded LRU that is not emptied by each ingest, and
  a cached analysis is returned without taking the workspace lock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corroborate.archive import Archive, ArticleSummary, SearchHit
from corroborate.config import Context
from corroborate.errors import NotFoundError
from corroborate.model import Article
from corroborate.stories import Assignment, Decision, StoryView
from corroborate.workspace import Workspace

__all__ = ["RoutedArchive", "ServedWorkspace", "StorySnapshot"]

_URI_SPECIAL = set("#?%")


class RoutedArchive(Archive):
    """The writer archive, whose reads run on per-thread read-only connections."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(path)
        self._local = threading.local()
        self._readers: list[Archive] = []
        self._readers_lock = threading.Lock()
        # Archive(readonly=True) builds a file: URI without quoting; such paths read via the writer.
        self.use_readers = not (_URI_SPECIAL & set(str(self.path)))
        self._shared_read_lock = threading.Lock()

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        depth: int = getattr(self._local, "writing", 0)
        self._local.writing = depth + 1
        try:
            with super().transaction() as conn:
                yield conn
        finally:
            self._local.writing -= 1

    def _writing(self) -> bool:
        depth: int = getattr(self._local, "writing", 0)
        return depth > 0

    def _reader(self) -> Archive | None:
        """This thread's read-only archive, or None when reads must use the writer."""
        if not self.use_readers or self._writing():
            return None
        reader = getattr(self._local, "reader", None)
        if reader is None:
            reader = Archive(self.path, readonly=True)
            self._local.reader = reader
            with self._readers_lock:
                self._readers.append(reader)
        return reader

    @contextmanager
    def _reading(self) -> Iterator[Archive | None]:
        reader = self._reader()
        if reader is not None:
            yield reader
            return
        if self._writing():
            yield None
            return
        with self._shared_read_lock, self._lock:
            yield None

    def get(self, article_id: str) -> Article:
        with self._reading() as reader:
            return reader.get(article_id) if reader else super().get(article_id)

    def has(self, article_id: str) -> bool:
        with self._reading() as reader:
            return reader.has(article_id) if reader else super().has(article_id)

    def count(self) -> int:
        with self._reading() as reader:
            return reader.count() if reader else super().count()

    def list_articles(self, limit: int = 100, offset: int = 0) -> list[ArticleSummary]:
        with self._reading() as reader:
            if reader:
                return reader.list_articles(limit, offset)
            return super().list_articles(limit, offset)

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        with self._reading() as reader:
            return reader.search(query, limit) if reader else super().search(query, limit)

    def versions(self, article_id: str) -> list[Article]:
        with self._reading() as reader:
            return reader.versions(article_id) if reader else super().versions(article_id)

    def close(self) -> None:
        with self._readers_lock:
            for reader in self._readers:
                reader.close()
            self._readers.clear()
        super().close()


@dataclass(frozen=True)
class StorySnapshot:
    """Every story as it was after the last change; never mutated once published."""

    views: dict[str, StoryView] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    redirect: dict[str, str] = field(default_factory=dict)
    article_story: dict[str, str] = field(default_factory=dict)
    generation: int = 0

    def live(self, story_id: str) -> str | None:
        seen = 0
        while story_id in self.redirect and seen < 1000:
            story_id = self.redirect[story_id]
            seen += 1
        return story_id if story_id in self.views else None


class ServedWorkspace(Workspace):
    """A :class:`Workspace` safe to read from many threads while one thread writes."""

    def __init__(self, archive: Archive, ctx: Context | None = None, cache_size: int = 256):
        super().__init__(archive, ctx)
        self.snapshot = StorySnapshot()
        self._analyses: OrderedDict[str, Any] = OrderedDict()
        self._analyses_lock = threading.Lock()
        self._computing: dict[str, threading.Lock] = {}
        self._cache_size = cache_size
        self.epoch = 0
        self._memo: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self.publish()

    # -- data derived from the archive, valid until the next write ------------------
    def bump(self) -> None:
        """Mark that stored articles changed (new versions): every derived page is stale.

        Story changes need no bump: page keys name the story's members or the
        snapshot generation, so only what changed is rebuilt.
        """
        with self._analyses_lock:
            self.epoch += 1
            self._memo.clear()

    def memo(self, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        """``build()`` once per ``key`` and epoch (the server is the archive's only writer)."""
        with self._analyses_lock:
            full = (self.epoch, *key)
            if full in self._memo:
                self._memo.move_to_end(full)
                return self._memo[full]
        value = build()
        with self._analyses_lock:
            if full[0] == self.epoch:
                self._memo[full] = value
                while len(self._memo) > 256:
                    self._memo.popitem(last=False)
        return value

    # -- the snapshot -------------------------------------------------------
    def publish(self) -> StorySnapshot:
        """Rebuild the snapshot from the index (call with the index unchanged underneath)."""
        with self._lock:
            index = self.index
            views = {v.id: v for v in index.stories()}
            article_story = {a: v.id for v in views.values() for a in v.article_ids}
            self.snapshot = StorySnapshot(
                views=views,
                order=list(views),
                redirect=dict(index.redirect),
                article_story=article_story,
                generation=self.snapshot.generation + 1,
            )
            return self.snapshot

    def stories(self) -> list[StoryView]:
        snap = self.snapshot
        return [snap.views[s] for s in snap.order]

    def story(self, story_id: str) -> StoryView:
        snap = self.snapshot
        live = snap.live(story_id)
        if live is None:
            raise NotFoundError(f"no story {story_id!r}")
        return snap.views[live]

    def story_of(self, article_id: str) -> StoryView:
        article = self.archive.get(article_id)
        snap = self.snapshot
        story_id = snap.article_story.get(article.id)
        if story_id is None:
            raise NotFoundError(f"article {article.id} has no story yet (it is being assigned)")
        return snap.views[story_id]

    def is_story_id(self, text: str) -> bool:
        return self.snapshot.live(text) is not None

    # -- changes republish ------------------------------------------------------
    def assign_stories(self, article_ids: Sequence[str] | None = None) -> list[Assignment]:
        with self._lock:
            out = super().assign_stories(article_ids)
            if out or not self.snapshot.generation:
                self.publish()
            return out

    def merge(self, story_a: str, story_b: str) -> Decision:
        with self._lock:
            decision = super().merge(story_a, story_b)
            self.publish()
            return decision

    def split(self, story_id: str, article_ids: Sequence[str]) -> Decision:
        with self._lock:
            decision = super().split(story_id, article_ids)
            self.publish()
            return decision

    def move(self, article_id: str, story_id: str) -> Decision:
        with self._lock:
            decision = super().move(article_id, story_id)
            self.publish()
            return decision

    # -- analyses: content-keyed LRU, computed once per key without the index lock --
    def _cached(self, key: str, compute: Callable[[], Any]) -> Any:
        with self._analyses_lock:
            if key in self._analyses:
                self._analyses.move_to_end(key)
                return self._analyses[key]
            guard = self._computing.setdefault(key, threading.Lock())
        with guard:
            with self._analyses_lock:
                if key in self._analyses:
                    return self._analyses[key]
            value = compute()
            with self._analyses_lock:
                self._analyses[key] = value
                while len(self._analyses) > self._cache_size:
                    self._analyses.popitem(last=False)
                self._computing.pop(key, None)
            return value
