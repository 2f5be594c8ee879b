"""The Spark commands as plain functions, shared by ``python -m corroborate.spark``
(argparse, what ``spark-submit`` runs) and ``corroborate spark`` (click)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corroborate.archive import Archive
from corroborate.neardup import NearDupOptions
from corroborate.spark.ingest import SparkIngestOptions, ingest_job
from corroborate.spark.load import load_outputs
from corroborate.spark.provenance import SparkProvenanceOptions, neardup_job, provenance_job
from corroborate.spark.session import SparkSettings, spark_session
from corroborate.spark.stories import SparkStoryOptions, stories_job

__all__ = [
    "RunOptions",
    "run_all",
    "run_ingest",
    "run_load",
    "run_neardup",
    "run_provenance",
    "run_stories",
]


@dataclass(frozen=True, slots=True)
class RunOptions:
    """Everything one command line can set."""

    settings: SparkSettings = field(default_factory=SparkSettings)
    ingest: SparkIngestOptions = field(default_factory=SparkIngestOptions)
    stories: SparkStoryOptions = field(default_factory=SparkStoryOptions)
    neardup: NearDupOptions = field(default_factory=NearDupOptions)
    provenance: SparkProvenanceOptions = field(default_factory=SparkProvenanceOptions)


def run_ingest(inputs: Sequence[str], out: str, options: RunOptions) -> dict[str, Any]:
    spark = spark_session(options.settings)
    return {"ingest": ingest_job(spark, inputs, out, options.ingest).to_dict()}


def run_neardup(out: str, options: RunOptions) -> dict[str, Any]:
    spark = spark_session(options.settings)
    return {"neardup": {"pairs": neardup_job(spark, out, options.neardup), "out": out}}


def run_stories(out: str, options: RunOptions) -> dict[str, Any]:
    spark = spark_session(options.settings)
    return {"stories": stories_job(spark, out, options.stories).to_dict()}


def run_provenance(out: str, options: RunOptions) -> dict[str, Any]:
    spark = spark_session(options.settings)
    links = provenance_job(spark, out, options.provenance)
    return {"provenance": {"reuse_links": links, "out": out}}


def run_all(inputs: Sequence[str], out: str, options: RunOptions) -> dict[str, Any]:
    """ingest, neardup, stories and provenance, one after the other."""
    result = run_ingest(inputs, out, options)
    result.update(run_neardup(out, options))
    result.update(run_stories(out, options))
    result.update(run_provenance(out, options))
    return result


def run_load(out: str, db: str, stories: bool = True) -> dict[str, Any]:
    with Archive(Path(db)) as archive:
        return {"load": load_outputs(out, archive, stories).to_dict(), "db": db}
