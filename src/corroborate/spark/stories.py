"""``spark stories``: story features on the cluster, story assignment exact or by time window.

Features (:func:`corroborate.stories.extract_features` with the ingest default
``INGEST_FEATURES``: quick entities and wordllama embeddings) run in parallel,
in the same batches of 64 articles in arrival order as
:meth:`corroborate.workspace.Workspace.assign_stories` uses, so every feature is
bit-for-bit what the single machine computes.

Assignment has two modes:

- ``exact`` (default): the features stream to the driver in arrival order and one
  :class:`~corroborate.stories.StoryIndex` places them, as the single machine
  does: the same stories and story ids. The engine's decisions depend on every
  earlier one, so this part is sequential (a few ms per article);
- ``windowed``: articles are partitioned by publication-time window; each window
  runs its own index in parallel over its articles plus a lead-in of the
  previous ``window_days``, and stories that share a lead-in article are joined
  across the boundary. Faster on a cluster, but not identical to the exact
  result (corpus statistics and candidate lists start afresh in each window):
  ``benchmarks/perf_suite.py`` reports how far it agrees.

Output under ``OUT``: ``stories/`` (one row per article: story id, score, reasons,
features as JSON) and ``story_list/`` (one row per story: title, members, outlets).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from corroborate.config import Limits
from corroborate.errors import UsageError
from corroborate.model import Article, parse_datetime
from corroborate.spark.worker import worker_context
from corroborate.stories import IndexOptions, StoryFeatures, StoryIndex, extract_features
from corroborate.stories.features import INGEST_FEATURES
from corroborate.workspace import arrival_key

if TYPE_CHECKING:  # pragma: no cover
    from pyspark import RDD
    from pyspark.sql import SparkSession

__all__ = ["STORY_COLUMNS", "SparkStoryOptions", "StorySummary", "features_job", "stories_job"]

STORY_COLUMNS = (
    "rank long, article_id string, story_id string, joined boolean, score double,"
    " reasons string, features string, window long, position long"
)
LIST_COLUMNS = (
    "story_id string, title string, size int, articles array<string>, outlets array<string>,"
    " first_published string, last_published string"
)
FEATURE_BATCH = 64  # as Workspace.assign_stories: the same batches give the same floats
UNDATED = -1


@dataclass(frozen=True, slots=True)
class SparkStoryOptions:
    """Assignment mode, the engine's options, and the window size of the windowed mode."""

    mode: Literal["exact", "windowed"] = "exact"
    index: IndexOptions = field(default_factory=IndexOptions)
    window_span_days: float = 30.0
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        if self.mode not in ("exact", "windowed"):
            raise UsageError(f"unknown story mode {self.mode!r} (exact, windowed)")
        if self.window_span_days < self.index.window_days:
            raise UsageError(
                f"window span ({self.window_span_days} days) must be at least the story"
                f" window ({self.index.window_days} days)"
            )


@dataclass(frozen=True, slots=True)
class StorySummary:
    articles: int
    stories: int
    out: str
    mode: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "stories": self.stories,
            "out": self.out,
            "mode": self.mode,
        }


FEATURE_COLUMNS = "rank long, article_id string, features string"


def _partition_features(rows: Iterable[tuple[int, int, str]], limits: Limits) -> Iterator[tuple]:
    """(rank, article id, features JSON) for one partition of (batch, rank, record) rows."""
    batches: dict[int, list[tuple[int, str]]] = {}
    for batch, rank, record in rows:
        batches.setdefault(batch, []).append((rank, record))
    for batch in sorted(batches):
        ordered = sorted(batches[batch])
        articles = [Article.from_dict(json.loads(record)) for _, record in ordered]
        features = extract_features(articles, worker_context(limits), INGEST_FEATURES)
        for (rank, _), feature in zip(ordered, features, strict=True):
            yield rank, feature.article_id, json.dumps(feature.to_dict())


def _arrival(row: Any) -> tuple[tuple[float, str], str]:
    published = parse_datetime(row["published_at"])
    key = arrival_key(Article(title="", paragraphs=[], id=row["id"], published_at=published))
    return key, str(row["id"])


def features_job(spark: SparkSession, out: str, limits: Limits | None = None) -> int:
    """Story features of every current article, in arrival-order batches; ``OUT/features``."""
    limits = limits or Limits()
    articles = spark.read.parquet(f"{out}/articles").where("current")
    order = sorted(_arrival(r) for r in articles.select("id", "published_at").collect())
    ranks = spark.sparkContext.broadcast({article_id: n for n, (_, article_id) in enumerate(order)})
    n_batches = max(1, -(-len(order) // FEATURE_BATCH))
    slices = min(n_batches, max(1, spark.sparkContext.defaultParallelism * 4))
    rows = articles.select("id", "record").rdd.map(
        lambda r: (ranks.value[r["id"]] // FEATURE_BATCH, (ranks.value[r["id"]], r["record"]))
    )
    by_batch = rows.partitionBy(slices, lambda batch: batch * slices // n_batches)
    features = by_batch.mapPartitions(
        lambda part: _partition_features(((b, r, rec) for b, (r, rec) in part), limits)
    )
    spark.createDataFrame(features, FEATURE_COLUMNS).write.mode("overwrite").parquet(
        f"{out}/features"
    )
    ranks.destroy()
    return len(order)


def _final_rows(
    index: StoryIndex,
    added: list[tuple[int, str, bool]],
    features: dict[str, str],
    window: int | None,
) -> list[tuple[Any, ...]]:
    """One row per added article with its story as the index holds it now.

    Stories can be merged after an article joined (a later article bridging
    two stories), so story ids, reasons and member order are read from the
    index at the end, not from each ``add``'s result.
    """
    position: dict[str, int] = {}
    for profile in index.profiles.values():
        for i, member in enumerate(profile.members):
            position[member] = i
    rows = []
    for rank, article_id, joined in added:
        rows.append(
            (
                rank,
                article_id,
                index.story_of(article_id),
                joined,
                float(index.scores.get(article_id, 0.0)),
                json.dumps([r.to_dict() for r in index.reasons.get(article_id, [])]),
                features[article_id],
                window,
                position[article_id],
            )
        )
    return rows


def _assign_exact(
    feature_rows: Iterable[tuple[int, str]], options: IndexOptions
) -> tuple[list[tuple], StoryIndex]:
    """One index over every article in arrival order: the single-machine result."""
    index = StoryIndex(options)
    added: list[tuple[int, str, bool]] = []
    features: dict[str, str] = {}
    for rank, data in feature_rows:
        assignment = index.add(StoryFeatures.from_dict(json.loads(data)))
        added.append((rank, assignment.article_id, assignment.joined))
        features[assignment.article_id] = data
    return _final_rows(index, added, features, None), index


def _window_of(features: dict[str, Any], span_s: float, lead_s: float) -> list[tuple[int, bool]]:
    """(window, is lead-in) pairs an article belongs to."""
    published = parse_datetime(features.get("published_at"))
    when = arrival_key(Article(title="", paragraphs=[], published_at=published))[0]
    if math.isinf(when):
        return [(UNDATED, False)]
    window = int(when // span_s)
    out = [(window, False)]
    if when >= (window + 1) * span_s - lead_s:
        out.append((window + 1, True))
    return out


def _assign_window(
    item: tuple[int, Iterable[tuple[int, bool, str]]], options: IndexOptions
) -> Iterator[tuple[str, Any]]:
    """Run one window's index; yield ("own", (row, local story)) and ("lead", (article, local))."""
    window, members = item
    index = StoryIndex(options)
    added: list[tuple[int, str, bool]] = []
    features: dict[str, str] = {}
    leads: list[str] = []
    for rank, lead, data in sorted(members):
        assignment = index.add(StoryFeatures.from_dict(json.loads(data)))
        if lead:
            leads.append(assignment.article_id)
        else:
            added.append((rank, assignment.article_id, assignment.joined))
            features[assignment.article_id] = data
    for article_id in leads:
        yield "lead", (article_id, f"{window}/{index.story_of(article_id)}")
    for row in _final_rows(index, added, features, window):
        yield "own", (row, f"{window}/{row[2]}")


def _reconcile(own: list[tuple[tuple, str]], leads: list[tuple[str, str]]) -> list[tuple]:
    """Join window-local stories that share a lead-in article; number stories by first article."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    home = {row[1]: local for row, local in own}
    for article_id, local in leads:
        if article_id in home:
            a, b = find(local), find(home[article_id])
            if a != b:
                parent[max(a, b)] = min(a, b)
    own.sort(key=lambda x: x[0][0])
    names: dict[str, str] = {}
    sizes: dict[str, int] = {}
    rows = []
    for row, local in own:
        root = find(local)
        joined = root in names
        if not joined:
            names[root] = f"s{len(names) + 1}"
        position = sizes.get(root, 0)
        sizes[root] = position + 1
        rows.append((row[0], row[1], names[root], joined, *row[4:8], position))
    return rows


def _assign_windowed(feature_rdd: RDD, options: SparkStoryOptions) -> list[tuple]:
    span_s = options.window_span_days * 86400.0
    lead_s = options.index.window_days * 86400.0

    def spread(item: tuple[int, str]) -> list[tuple[int, tuple[int, bool, str]]]:
        rank, features = item
        data = json.loads(features)
        return [(w, (rank, lead, features)) for w, lead in _window_of(data, span_s, lead_s)]

    index_options = options.index
    results = (
        feature_rdd.flatMap(spread)
        .groupByKey()
        .flatMap(lambda item: _assign_window(item, index_options))
        .collect()
    )
    own = [payload for kind, payload in results if kind == "own"]
    leads = [payload for kind, payload in results if kind == "lead"]
    return _reconcile(own, leads)


def rebuild_index(rows: list[tuple], options: IndexOptions) -> StoryIndex:
    """An index holding these assignments (members in ``position`` order), no scoring."""
    index = StoryIndex(options)
    for row in sorted(rows, key=lambda r: (r[8], r[0])):
        index.place(StoryFeatures.from_dict(json.loads(row[6])), row[2])
    return index


def _story_list(index: StoryIndex) -> list[tuple]:
    """Titles, members and outlets of every story."""
    return [
        (v.id, v.title, v.size, v.article_ids, v.outlets, v.first_published, v.last_published)
        for v in index.stories()
    ]


def _exists(spark: SparkSession, path: str) -> bool:
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
    conf = spark.sparkContext._jsc.hadoopConfiguration()  # type: ignore[union-attr]
    return bool(hadoop_path.getFileSystem(conf).exists(hadoop_path))


def stories_job(
    spark: SparkSession, out: str, options: SparkStoryOptions | None = None
) -> StorySummary:
    """Assign every current article to a story; write ``OUT/stories`` and ``OUT/story_list``.

    Features are computed first (``OUT/features``) unless an earlier run left them
    (``spark ingest`` removes them when it rewrites the articles).
    """
    options = options or SparkStoryOptions()
    if not _exists(spark, f"{out}/features"):
        features_job(spark, out, options.limits)
    frame = spark.read.parquet(f"{out}/features")
    if options.mode == "exact":
        ordered = frame.orderBy("rank").select("rank", "features").toLocalIterator(True)
        rows, index = _assign_exact(((r["rank"], r["features"]) for r in ordered), options.index)
    else:
        rows = _assign_windowed(frame.select("rank", "features").rdd.map(tuple), options)
        index = rebuild_index(rows, options.index)
    sc = spark.sparkContext
    slices = max(1, len(rows) // 20_000 + 1)
    spark.createDataFrame(sc.parallelize(rows, slices), STORY_COLUMNS).write.mode(
        "overwrite"
    ).parquet(f"{out}/stories")
    listing = _story_list(index)
    spark.createDataFrame(sc.parallelize(listing, slices), LIST_COLUMNS).write.mode(
        "overwrite"
    ).parquet(f"{out}/story_list")
    return StorySummary(len(rows), len(listing), out, options.mode)
