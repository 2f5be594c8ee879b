"""The workspace: an archive plus a context, and the data functions over them.

Every CLI command, action and web page reads through a :class:`Workspace`, so
``/stories/s3``, ``/stories/s3.json``, ``corroborate story s3 --json`` and the
``analyze`` report all come from the same functions. Per-story analyses
(provenance, facts, digest) are computed on demand and kept for the life of
the workspace, keyed by the story's members and their versions; their JSON
form is also kept in the archive (:mod:`corroborate.archive.analyses`), so a
later run on an unchanged story reads it instead of computing it again.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from corroborate.archive import Archive
from corroborate.archive.analyses import analysis_fingerprint, load_analysis, save_analysis
from corroborate.archive.stories import (
    assigned_ids,
    features_json,
    load_index,
    save_assignments,
    save_decision,
    sync_stories,
)
from corroborate.config import Context
from corroborate.errors import NotFoundError
from corroborate.model import Article
from corroborate.stories import (
    Assignment,
    Decision,
    FeatureOptions,
    StoryFeatures,
    StoryIndex,
    StoryView,
    extract_features,
)
from corroborate.stories.features import INGEST_FEATURES

__all__ = ["Workspace", "arrival_key"]

_FEATURE_BATCH = 64
_PARALLEL_MIN_BATCHES = 4  # below this, starting a helper process costs more than it saves

# The forked feature helper's context, options and own read-only archive (set in the
# helper process only).
_worker_args: tuple[Context, FeatureOptions, Archive] | None = None


def _init_feature_worker(ctx: Context, features: FeatureOptions, archive_path: Path) -> None:
    global _worker_args
    _worker_args = (ctx, features, Archive(archive_path, readonly=True))


def _feature_job(ids: list[str]) -> tuple[list[StoryFeatures], list[str]]:
    """One batch's features and their stored text, the articles read here from the
    archive (so the assigning process neither loads nor sends them)."""
    assert _worker_args is not None, "feature helper not initialised"
    ctx, options, archive = _worker_args
    features = extract_features([archive.get(i) for i in ids], ctx, options)
    return features, [features_json(f) for f in features]


def arrival_key(article: Article) -> tuple[float, str]:
    """Order a batch as the articles would have arrived: by publication time, then id."""
    return _arrival(article.published_at, article.id)


def _arrival(published: datetime | None, article_id: str) -> tuple[float, str]:
    if published is None:
        return (float("inf"), article_id)
    # A naive time is taken as UTC: its zone is unknown, and any fixed choice orders alike.
    stamp = (
        published.replace(tzinfo=UTC).timestamp()
        if published.tzinfo is None
        else published.timestamp()
    )
    return (stamp, article_id)


class Workspace:
    """Stories, provenance, facts and digests over one archive.

    ``features`` says how new articles' story features are computed; the
    default, :data:`~corroborate.stories.features.INGEST_FEATURES`, skips the
    spaCy parse (quick entities), ``FeatureOptions(entities="spacy")`` uses it.
    ``workers`` > 1 computes features in forked helper processes while this
    one assigns stories (for command-line batches; not for threaded servers).
    """

    def __init__(
        self,
        archive: Archive,
        ctx: Context | None = None,
        features: FeatureOptions | None = None,
        workers: int = 1,
    ) -> None:
        self.archive = archive
        self.ctx = ctx or Context()
        self.features = features or INGEST_FEATURES
        self.workers = workers
        self._index: StoryIndex | None = None
        self._cache: dict[str, Any] = {}
        self._lock = threading.RLock()

    # -- articles ---------------------------------------------------------
    def article(self, article_id: str) -> Article:
        return self.archive.get(article_id)

    def articles(self, ids: Sequence[str]) -> list[Article]:
        return [self.archive.get(i) for i in ids]

    # -- stories ----------------------------------------------------------
    @property
    def index(self) -> StoryIndex:
        with self._lock:
            if self._index is None:
                self._index = load_index(self.archive)
            return self._index

    def assign_stories(self, article_ids: Sequence[str] | None = None) -> list[Assignment]:
        """Give every article without a story one (all unassigned when ``ids`` is None).

        A batch is placed in publication order, so the result depends as little
        as possible on the order files were named in.
        """
        with self._lock:
            done = assigned_ids(self.archive)
            wanted = (
                [a.id for a in self.archive.list_articles(limit=10**9)]
                if article_ids is None
                else list(dict.fromkeys(article_ids))
            )
            todo = [i for i in wanted if i not in done and i not in self.index.entries]
            # Ordered by one column, not by the articles: a big batch may not fit in memory.
            published = self.archive.published_times(todo)
            todo.sort(key=lambda i: _arrival(published[i], i))
            batches = [
                todo[start : start + _FEATURE_BATCH]
                for start in range(0, len(todo), _FEATURE_BATCH)
            ]
            out: list[Assignment] = []
            for features, texts in self._features(batches):
                assignments = [self.index.add(f) for f in features]
                save_assignments(self.archive, features, assignments, texts)
                # Stories that absorbed another (bridged) or were split (regrouped).
                reshaped = [a.story_id for a in assignments if a.absorbed]
                reshaped += [s for a in assignments for s in a.regrouped]
                if reshaped:
                    sync_stories(self.archive, self.index, reshaped)
                out.extend(assignments)
            if out:
                self._cache.clear()
            return out

    def _features(
        self, batches: list[list[str]]
    ) -> Iterator[tuple[list[StoryFeatures], list[str] | None]]:
        """Story features of batches of article ids: in this process, or in a forked
        helper process that reads the articles and runs ahead while this one assigns
        (``workers`` > 1, enough batches, everything committed), which also makes their
        stored text (None: to be made when saved).

        The helper computes exactly what this process would (same code and batches).
        """
        helper = (
            self.workers > 1
            and len(batches) >= _PARALLEL_MIN_BATCHES
            and not self.archive.conn.in_transaction  # it sees committed rows only
        )
        if not helper:
            for batch in batches:
                yield extract_features(self.articles(batch), self.ctx, self.features), None
            return
        pool = multiprocessing.get_context("fork").Pool(
            self.workers - 1,
            initializer=_init_feature_worker,
            initargs=(self.ctx, self.features, self.archive.path),
        )
        try:
            yield from pool.imap(_feature_job, batches)
        finally:
            pool.terminate()
            pool.join()

    def stories(self) -> list[StoryView]:
        return self.index.stories()

    def story(self, story_id: str) -> StoryView:
        return self.index.story(story_id)

    def story_of(self, article_id: str) -> StoryView:
        article = self.archive.get(article_id)
        try:
            return self.index.story(self.index.story_of(article.id))
        except NotFoundError:
            raise NotFoundError(
                f"article {article.id} has no story yet (run `corroborate stories` to assign)"
            ) from None

    def story_articles(self, story_id: str) -> list[Article]:
        return self.articles(self.story(story_id).article_ids)

    def _decide(self, decision: Decision) -> Decision:
        save_decision(self.archive, self.index, decision)
        self._cache.clear()
        return decision

    def merge(self, story_a: str, story_b: str) -> Decision:
        with self._lock:
            return self._decide(self.index.merge(story_a, story_b))

    def split(self, story_id: str, article_ids: Sequence[str]) -> Decision:
        with self._lock:
            full = [self.archive.get(a).id for a in article_ids]
            return self._decide(self.index.split(story_id, full))

    def move(self, article_id: str, story_id: str) -> Decision:
        with self._lock:
            return self._decide(self.index.move(self.archive.get(article_id).id, story_id))

    # -- per-story analyses (cached) -------------------------------------
    def _story_key(self, kind: str, story_id: str, extra: str = "") -> tuple[str, list[Article]]:
        articles = self.story_articles(story_id)
        h = hashlib.sha1(kind.encode())
        for article in articles:
            h.update(f"{article.id}:{article.content_hash};".encode())
        h.update(extra.encode())
        return h.hexdigest(), articles

    def _cached(self, key: str, compute: Any) -> Any:
        with self._lock:
            if key not in self._cache:
                self._cache[key] = compute()
            return self._cache[key]

    def provenance(self, story_id: str) -> Any:
        """Who copied or reworded whom in a story, sentence by sentence, and what is original."""
        from corroborate.provenance import story_provenance

        key, articles = self._story_key("provenance", story_id)
        return self._cached(key, lambda: story_provenance(articles, self.ctx))

    def align(self, article_a: str, article_b: str) -> Any:
        """Two articles' sentences aligned (verbatim, paraphrase, shared quote)."""
        from corroborate.provenance import align_articles

        a, b = self.article(article_a), self.article(article_b)
        key = f"align:{a.id}:{a.content_hash}:{b.id}:{b.content_hash}"
        return self._cached(key, lambda: align_articles(a, b, self.ctx))

    def facts(self, story_id: str) -> Any:
        """Quantities, quotations, single-source claims and omissions across a story."""
        from corroborate.facts import compare_story

        key, articles = self._story_key("facts", story_id)
        return self._cached(key, lambda: compare_story(articles, self.ctx))

    def digest(self, story_id: str, max_words: int = 150, focus: str | None = None) -> Any:
        """The story's multi-source digest: common facts first, each sentence cited."""
        from corroborate.summarize import DigestOptions, digest_story

        key, articles = self._story_key("digest", story_id, f"{max_words}:{focus}")
        options = DigestOptions(max_words=max_words)
        return self._cached(key, lambda: digest_story(self.ctx, articles, focus, options))

    # -- the same analyses as JSON, kept in the archive -------------------
    def provenance_data(self, story_id: str) -> dict[str, Any]:
        """``provenance(story_id).to_dict()``, from the archive when kept there."""
        return self.analysis_data(
            "provenance", story_id, "", lambda: self.provenance(story_id).to_dict()
        )

    def facts_data(self, story_id: str) -> dict[str, Any]:
        """``facts(story_id).to_dict()``, from the archive when kept there."""
        return self.analysis_data("facts", story_id, "", lambda: self.facts(story_id).to_dict())

    def digest_data(
        self, story_id: str, max_words: int = 150, focus: str | None = None
    ) -> dict[str, Any]:
        """``digest(...).to_dict()``, from the archive when kept there."""
        return self.analysis_data(
            "digest",
            story_id,
            f"{max_words}:{focus}",
            lambda: self.digest(story_id, max_words, focus).to_dict(),
        )

    def analysis_data(
        self, kind: str, story_id: str, extra: str, make: Callable[[], dict[str, Any]]
    ) -> dict[str, Any]:
        """A story analysis's JSON form, new on each call: kept in this workspace and in
        the archive under a key of the kind, the story's articles and their content
        (``extra``: the analysis's options) and
        :func:`~corroborate.archive.analyses.analysis_fingerprint`; made with ``make``
        and kept when neither has it."""
        with self._lock:
            fingerprint = analysis_fingerprint(self.ctx)
            key, _ = self._story_key(f"{kind}.json", story_id, f"{extra}:{fingerprint}")
            text: str = self._cached(key, lambda: self._kept(kind, key, make))
        data: dict[str, Any] = json.loads(text)
        return data

    def _kept(self, kind: str, key: str, make: Callable[[], dict[str, Any]]) -> str:
        """The JSON text under ``key`` in the archive, or ``make()``'s, then kept there."""
        text = load_analysis(self.archive, key)
        if text is None:
            text = json.dumps(make(), ensure_ascii=False)
            save_analysis(self.archive, key, kind, text)
        return text
