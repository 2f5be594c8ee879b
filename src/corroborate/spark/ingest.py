"""``spark ingest``: read and clean a corpus on Spark, with the archive's identity rules.

Files are listed and ordered as ``corroborate ingest`` orders them; each file is
read by one task, and JSON Lines files are split into their lines, spread over
the cluster and each line read and cleaned by the library's own reader and
steps. What the archive would do with each article in that order (duplicate,
new article, new version; template lines an outlet repeats) is reproduced:
duplicates and versions by replaying :class:`~corroborate.spark.records.ArchiveReplay`
over small metadata on the driver, template lines with a window over
(outlet, line) in ingestion order. Output (Parquet, under ``OUT``):

- ``articles/``: every stored version (``current`` marks the latest) with the
  full article record as JSON, as the archive stores it;
- ``outcomes/``: one row per input item: ingested, duplicate, new-version or error.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corroborate.archive import Archive
from corroborate.config import Limits
from corroborate.errors import InputError, UsageError
from corroborate.model import Article
from corroborate.pipeline import IngestOptions
from corroborate.readers.common import decode_input
from corroborate.spark.records import (
    ArchiveReplay,
    local_name,
    prepare_file,
    prepare_object,
    raw_input_from_bytes,
    remove_template_lines,
    walk_key,
)
from corroborate.spark.worker import worker_context, worker_registry

if TYPE_CHECKING:  # pragma: no cover
    from pyspark import RDD
    from pyspark.sql import SparkSession

__all__ = ["ARTICLE_COLUMNS", "SparkIngestOptions", "ingest_job"]

ARTICLE_COLUMNS = (
    "seq long, id string, version int, current boolean, status string, digest string,"
    " input string, source string, url string, title string, published_at string,"
    " body string, record string"
)
OUTCOME_COLUMNS = "seq long, input string, status string, article_id string, reason string"

SeqKey = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class SparkIngestOptions:
    """Reader choice, template-line learning, limits, and Parquet vs files input."""

    reader: str | None = None
    template_min_articles: int = 3
    limits: Limits = field(default_factory=Limits)
    parquet: bool = False
    partitions: int | None = None

    def ingest_options(self) -> IngestOptions:
        return IngestOptions(reader=self.reader, template_min_articles=self.template_min_articles)


def _root_and_name(given: str) -> tuple[str, str]:
    """(root to take relative paths from, the name prefix the single-machine path uses)."""
    if "://" in given or given.startswith("file:"):
        return local_name(given).rstrip("/"), given.rstrip("/")
    return os.path.abspath(given), str(Path(given))


def _file_name(given_name: str, root: str, uri: str) -> str:
    path = local_name(uri)
    if path == root:
        return given_name
    relative = path[len(root) :].lstrip("/") if path.startswith(root + "/") else path
    return (
        str(Path(given_name) / relative) if "://" not in given_name else f"{given_name}/{relative}"
    )


def _is_json_lines(text: str) -> bool:
    """The json reader's own test: not an array, not one JSON document: JSON Lines."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        return False
    try:
        json.loads(stripped)
    except json.JSONDecodeError:
        return True
    return False


def _read_file(
    item: tuple[SeqKey, str, bytes], options: SparkIngestOptions
) -> Iterator[tuple[SeqKey, str, Any]]:
    """One file -> ("line", ...) items to spread out, or finished ("article"/"error") items."""
    key, name, data = item
    ctx = worker_context(options.limits)
    registry = worker_registry()
    ingest_options = options.ingest_options()
    try:
        raw = raw_input_from_bytes(name, data, ctx.limits)
        reader = registry.get(options.reader) if options.reader else registry.choose(raw)
        decoded = decode_input(raw) if reader.name == "json" else None
    except InputError as exc:
        yield (*key, 0), "error", (exc.source, exc.reason)
        return
    if decoded is not None and _is_json_lines(decoded.text):
        warnings = [decoded.warning] if decoded.warning else []
        count = 0
        for line_no, line in enumerate(decoded.text.splitlines(), 1):
            if not line.strip():
                continue
            count += 1
            if count > ctx.limits.max_items_per_input:
                reason = f"more than {ctx.limits.max_items_per_input} items; rest skipped"
                yield (*key, line_no), "error", (name, reason)
                break
            yield (*key, line_no), "line", (f"{name}#{line_no}", line, warnings)
        return
    prepared = prepare_file(name, data, ctx, registry, ingest_options)
    for n, error in enumerate(prepared.errors):
        yield (*key, -1, n), "error", (error.source, error.reason)
    for n, article in enumerate(prepared.articles):
        yield (*key, n), "article", article.to_dict()


def _read_line(
    item: tuple[SeqKey, str, Any], options: SparkIngestOptions
) -> tuple[SeqKey, str, Any]:
    key, kind, payload = item
    if kind != "line":
        return item
    name, line, warnings = payload
    ctx = worker_context(options.limits)
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return key, "error", (name, f"invalid JSON on line {key[-1]}: {exc.msg}")
    prepared = prepare_object(obj, name, ctx, options.ingest_options())
    if prepared.errors:
        return key, "error", (prepared.errors[0].source, prepared.errors[0].reason)
    article = prepared.articles[0]
    article.warnings = list(dict.fromkeys(article.warnings + warnings))
    return key, "article", article.to_dict()


def _file_items(spark: SparkSession, inputs: Sequence[str], options: SparkIngestOptions) -> RDD:
    """Every input item (article, JSON line, error), keyed by ingestion order."""
    reader = spark.read.format("binaryFile").option("recursiveFileLookup", "true")
    rdds = []
    for index, given in enumerate(inputs):
        root, prefix = _root_and_name(given)

        def keyed(row: Any, index: int = index, root: str = root, prefix: str = prefix) -> tuple:
            uri = str(row["path"])
            key = (index, walk_key(root, local_name(uri)))
            return key, _file_name(prefix, root, uri), bytes(row["content"])

        rdds.append(reader.load(given).select("path", "content").rdd.map(keyed))
    files = spark.sparkContext.union(rdds)
    items = files.flatMap(lambda f: _read_file(f, options))
    slices = options.partitions or spark.sparkContext.defaultParallelism * 4
    return items.repartition(slices).map(lambda i: _read_line(i, options))


def _parquet_items(spark: SparkSession, inputs: Sequence[str], options: SparkIngestOptions) -> RDD:
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    frame = spark.read.parquet(*inputs).withColumn("_file", F.input_file_name())
    frame = frame.withColumn("_mono", F.monotonically_increasing_id())
    frame = frame.withColumn(
        "_row", F.row_number().over(Window.partitionBy("_file").orderBy("_mono"))
    )

    def to_item(row: Any) -> tuple[SeqKey, str, Any]:
        data = row.asDict(recursive=True)
        name = f"{local_name(data.pop('_file'))}#{data.pop('_row')}"
        data.pop("_mono")
        ctx = worker_context(options.limits)
        prepared = prepare_object(data, name, ctx, options.ingest_options())
        key = (name.rsplit("#", 1)[0], int(name.rsplit("#", 1)[1]))
        if prepared.errors:
            return key, "error", (prepared.errors[0].source, prepared.errors[0].reason)
        return key, "article", prepared.articles[0].to_dict()

    return frame.rdd.map(to_item)


def _meta(item: tuple[SeqKey, str, Any]) -> tuple[SeqKey, tuple[Any, ...]]:
    """What the driver needs to replay the archive: small, one per item."""
    key, kind, payload = item
    if kind == "error":
        return key, ("error", payload[0], payload[1])
    article = Article.from_dict(payload)
    return key, ("article", article.input, article.content_hash, article.id, article.url)


def _line_rows(item: tuple[int, dict[str, Any]]) -> Iterable[tuple[str, str, int]]:
    seq, record = item
    source = record.get("source")
    if not source:
        return []
    hashes = {Archive.line_hash(p) for p in record["paragraphs"]}
    return [(source, h, seq) for h in sorted(hashes)]


def _finish(
    item: tuple[int, tuple[dict[str, Any], tuple[str, str, int, bool], set[str]]],
    min_articles: int,
) -> tuple[Any, ...]:
    seq, (record, (status, article_id, version, current), frequent_hashes) = item
    article = Article.from_dict(record)
    digest = article.content_hash
    frequent = {
        i for i, p in enumerate(article.paragraphs) if Archive.line_hash(p) in frequent_hashes
    }
    article = remove_template_lines(article, frequent, min_articles)
    article = replace(article, id=article_id, version=version)
    return (
        seq,
        article.id,
        article.version,
        current,
        status,
        digest,
        article.input,
        article.source,
        article.url,
        article.title,
        record.get("published_at"),
        article.body,
        json.dumps(article.to_dict(), ensure_ascii=False),
    )


@dataclass(frozen=True, slots=True)
class IngestSummary:
    """Counts per outcome and where the outputs were written."""

    counts: dict[str, int]
    out: str

    def to_dict(self) -> dict[str, Any]:
        return {"counts": dict(self.counts), "out": self.out}


Decided = tuple[int, str, str, int, bool]  # seq, status, id, version, current


def _replay(
    metadata: list[tuple[SeqKey, tuple[Any, ...]]],
) -> tuple[dict[SeqKey, Decided], list[tuple[Any, ...]]]:
    """Stored items (key -> seq, status, id, version, current) and outcome rows, in order."""
    replay = ArchiveReplay()
    stored: dict[SeqKey, Decided] = {}
    outcomes: list[tuple[Any, ...]] = []
    latest: dict[str, int] = {}
    for seq, (key, info) in enumerate(sorted(metadata, key=lambda m: m[0])):
        if info[0] == "error":
            outcomes.append((seq, info[1], "error", None, info[2]))
            continue
        _, name, digest, caller_id, url = info
        decision = replay.add(digest, caller_id, url)
        outcomes.append((seq, name, decision.status, decision.article_id, None))
        if decision.status != "duplicate":
            stored[key] = (seq, decision.status, decision.article_id, decision.version, False)
            latest[decision.article_id] = decision.version
    for key, (seq, status, article_id, version, _) in stored.items():
        stored[key] = (seq, status, article_id, version, latest[article_id] == version)
    return stored, outcomes


def _delete(spark: SparkSession, path: str) -> None:
    """Remove an output folder (local or any Hadoop file system) if it exists."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
    conf = spark.sparkContext._jsc.hadoopConfiguration()  # type: ignore[union-attr]
    hadoop_path.getFileSystem(conf).delete(hadoop_path, True)


def ingest_job(
    spark: SparkSession, inputs: Sequence[str], out: str, options: SparkIngestOptions | None = None
) -> IngestSummary:
    """Read, clean and identify every article of ``inputs``; write ``OUT/articles`` etc.

    Outputs of later jobs under ``OUT`` (features, stories, reuse...) are removed:
    they described other articles.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    options = options or SparkIngestOptions()
    if not inputs:
        raise UsageError("spark ingest needs at least one input path")
    sc = spark.sparkContext
    items = (_parquet_items if options.parquet else _file_items)(spark, inputs, options).cache()
    decided, outcomes = _replay(items.map(_meta).collect())
    decisions = sc.broadcast(decided)
    stored = (
        items.filter(lambda i: i[1] == "article" and i[0] in decisions.value)
        .map(lambda i: (decisions.value[i[0]][0], (i[2], decisions.value[i[0]][1:])))
        .cache()
    )
    lines = spark.createDataFrame(
        stored.map(lambda x: (x[0], x[1][0])).flatMap(_line_rows),
        "source string, line string, seq long",
    )
    prior = F.row_number().over(Window.partitionBy("source", "line").orderBy("seq")) - 1
    frequent = (
        lines.withColumn("prior", prior)
        .where(F.col("prior") >= options.template_min_articles)
        .rdd.map(lambda r: (r["seq"], r["line"]))
        .groupByKey()
        .mapValues(set)
    )
    min_articles = options.template_min_articles
    finished = (
        stored.leftOuterJoin(frequent)
        .map(lambda x: (x[0], (x[1][0][0], x[1][0][1], x[1][1] or set())))
        .map(lambda x: _finish(x, min_articles))
    )
    for later in ("features", "stories", "story_list", "reuse", "neardup"):
        _delete(spark, f"{out}/{later}")
    spark.createDataFrame(finished, ARTICLE_COLUMNS).write.mode("overwrite").parquet(
        f"{out}/articles"
    )
    outcome_frame = spark.createDataFrame(
        sc.parallelize(outcomes, max(1, len(outcomes) // 50_000 + 1)), OUTCOME_COLUMNS
    )
    outcome_frame.write.mode("overwrite").parquet(f"{out}/outcomes")
    counts: dict[str, int] = {}
    for row in outcomes:
        counts[row[2]] = counts.get(row[2], 0) + 1
    items.unpersist()
    stored.unpersist()
    decisions.destroy()
    return IngestSummary(counts, out)
