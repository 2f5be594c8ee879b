"""Corpus-scale runs on Apache Spark with the same library functions as one machine.

Jobs (each reads and writes Parquet under one output folder ``OUT``):

- :func:`ingest_job`: files or Parquet rows -> ``OUT/articles``, ``OUT/outcomes``
  (readers and cleaning of :func:`corroborate.pipeline.prepare`, the archive's
  duplicate/version/template-line rules);
- :func:`neardup_job`: MinHash LSH near duplicates, banding as Spark joins -> ``OUT/neardup``;
- :func:`stories_job`: story features in parallel, assignment exact or by time
  window -> ``OUT/stories``, ``OUT/story_list``;
- :func:`provenance_job`: reuse links per story -> ``OUT/reuse``;
- :func:`load_outputs`: the outputs into a corroborate archive (pyarrow, no Spark).

Command line: ``python -m corroborate.spark`` (or ``spark-submit`` on
``corroborate/spark/__main__.py``) and ``corroborate spark``. pyspark is imported
only when a job runs (``pip install 'corroborate[spark]'``; Java 17+).
"""

from __future__ import annotations

from corroborate.spark.ingest import IngestSummary, SparkIngestOptions, ingest_job
from corroborate.spark.load import LoadSummary, load_outputs, read_output
from corroborate.spark.provenance import SparkProvenanceOptions, neardup_job, provenance_job
from corroborate.spark.session import SparkSettings, spark_available, spark_session
from corroborate.spark.stories import SparkStoryOptions, StorySummary, stories_job

__all__ = [
    "IngestSummary",
    "LoadSummary",
    "SparkIngestOptions",
    "SparkProvenanceOptions",
    "SparkSettings",
    "SparkStoryOptions",
    "StorySummary",
    "ingest_job",
    "load_outputs",
    "neardup_job",
    "provenance_job",
    "read_output",
    "spark_available",
    "spark_session",
    "stories_job",
]
