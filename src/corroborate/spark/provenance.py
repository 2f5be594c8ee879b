"""``spark provenance`` and ``spark neardup``: reuse links per story, near-duplicate pairs.

Provenance runs :func:`corroborate.provenance.story_provenance` on each story
(members in story order, as :meth:`corroborate.workspace.Workspace.provenance`
does), one story per task group, and writes every reuse edge to ``OUT/reuse``.

Near duplicates use :mod:`corroborate.neardup` signatures computed per
partition; LSH banding is a Spark join: (band key, article) rows are grouped
by key, buckets up to ``max_bucket`` articles give all their pairs, larger ones
link each member to the bucket's smallest id (as :func:`corroborate.neardup.candidate_pairs`
does with rows sorted by id), and candidate pairs are verified on the signatures.
The result equals :func:`corroborate.neardup.article_near_duplicates` on the same
articles; it is written to ``OUT/neardup``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from corroborate.config import Limits
from corroborate.model import Article
from corroborate.neardup import NearDupOptions, article_text, band_keys, signatures
from corroborate.provenance import ProvenanceOptions, story_provenance
from corroborate.spark.worker import worker_context

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import SparkSession

__all__ = ["NEARDUP_COLUMNS", "REUSE_COLUMNS", "neardup_job", "provenance_job"]

REUSE_COLUMNS = (
    "story_id string, source string, target string, kind string, share double,"
    " source_share double, verbatim_share double, direction string, evidence string,"
    " shared_quotes string"
)
NEARDUP_COLUMNS = "a string, b string, similarity double"


@dataclass(frozen=True, slots=True)
class SparkProvenanceOptions:
    """Aligner and reuse options, limits, and an optional cap on story size.

    Every pair of a story is aligned, so a story of n articles costs n(n-1)/2
    alignments; ``max_story_size`` skips larger stories (None: none skipped,
    as on one machine).
    """

    provenance: ProvenanceOptions = field(default_factory=ProvenanceOptions)
    limits: Limits = field(default_factory=Limits)
    max_story_size: int | None = None


def _story_edges(
    item: tuple[str, Iterable[tuple[int, str]]], options: SparkProvenanceOptions
) -> Iterator[tuple[Any, ...]]:
    story_id, members = item
    articles = [Article.from_dict(json.loads(record)) for _, record in sorted(members)]
    if len(articles) < 2:
        return
    graph = story_provenance(articles, worker_context(options.limits), options.provenance)
    for edge in graph.edges:
        data = edge.to_dict()
        yield (
            story_id,
            edge.source,
            edge.target,
            edge.kind,
            float(edge.share),
            float(edge.source_share),
            float(edge.verbatim_share),
            edge.direction,
            json.dumps(data["evidence"], ensure_ascii=False),
            json.dumps(data["shared_quotes"], ensure_ascii=False),
        )


def provenance_job(
    spark: SparkSession, out: str, options: SparkProvenanceOptions | None = None
) -> int:
    """Reuse edges of every story with two or more articles; returns how many."""
    options = options or SparkProvenanceOptions()
    articles = spark.read.parquet(f"{out}/articles").where("current").select("id", "record")
    stories = spark.read.parquet(f"{out}/stories").select("article_id", "story_id", "position")
    sizes = stories.groupBy("story_id").count().where("count >= 2")
    if options.max_story_size is not None:
        sizes = sizes.where(f"count <= {int(options.max_story_size)}")
    sizes = sizes.select("story_id")
    joined = stories.join(sizes, "story_id").join(articles, stories["article_id"] == articles["id"])
    grouped = joined.rdd.map(lambda r: (r["story_id"], (r["position"], r["record"]))).groupByKey()
    edges = grouped.flatMap(lambda item: _story_edges(item, options))
    frame = spark.createDataFrame(edges, REUSE_COLUMNS).cache()
    frame.orderBy("story_id", "source", "target").write.mode("overwrite").parquet(f"{out}/reuse")
    count = frame.count()
    frame.unpersist()
    return count


def _signature_rows(
    rows: Iterable[Any], options: NearDupOptions
) -> Iterator[tuple[str, list[int], list[int]]]:
    batch = list(rows)
    for start in range(0, len(batch), 4096):
        part = batch[start : start + 4096]
        texts = [article_text(Article.from_dict(json.loads(r["record"]))) for r in part]
        sig = signatures(texts, options)
        keys = band_keys(sig, options).view(np.int64)
        for row, s, k in zip(part, sig.tolist(), keys.tolist(), strict=True):
            yield str(row["id"]), s, k


def _verify(item: tuple[tuple[str, str], tuple[list[int], list[int]]], threshold: float) -> list:
    (a, b), (sa, sb) = item
    similarity = float((np.asarray(sa) == np.asarray(sb)).mean())
    return [(a, b, similarity)] if similarity >= threshold else []


def neardup_job(spark: SparkSession, out: str, options: NearDupOptions | None = None) -> int:
    """Near-duplicate pairs among current articles (LSH banding as Spark joins)."""
    from pyspark.sql import functions as F

    opts = options or NearDupOptions()
    articles = spark.read.parquet(f"{out}/articles").where("current").select("id", "record")
    signed = spark.createDataFrame(
        articles.rdd.mapPartitions(lambda rows: _signature_rows(rows, opts)),
        "id string, sig array<long>, keys array<long>",
    ).cache()
    postings = signed.select("id", F.posexplode("keys").alias("band", "key")).where("key != 0")
    buckets = postings.groupBy("key").agg(F.count("*").alias("size"), F.min("id").alias("hub"))
    small = postings.join(buckets.where(f"size <= {opts.max_bucket}"), "key")
    left = small.select("key", F.col("id").alias("a"))
    right = small.select("key", F.col("id").alias("b"))
    pairs_small = left.join(right, "key").where("a < b").select("a", "b")
    large = postings.join(buckets.where(f"size > {opts.max_bucket}"), "key")
    pairs_large = large.where("id != hub").select(F.col("hub").alias("a"), F.col("id").alias("b"))
    pairs = pairs_small.union(pairs_large).distinct()
    sig_a = signed.select(F.col("id").alias("a"), F.col("sig").alias("sig_a"))
    sig_b = signed.select(F.col("id").alias("b"), F.col("sig").alias("sig_b"))
    with_sigs = pairs.join(sig_a, "a").join(sig_b, "b")
    threshold = opts.threshold
    verified = with_sigs.rdd.flatMap(
        lambda r: _verify(((r["a"], r["b"]), (r["sig_a"], r["sig_b"])), threshold)
    )
    frame = spark.createDataFrame(verified, NEARDUP_COLUMNS).cache()
    frame.orderBy("a", "b").write.mode("overwrite").parquet(f"{out}/neardup")
    count = frame.count()
    frame.unpersist()
    signed.unpersist()
    return count
