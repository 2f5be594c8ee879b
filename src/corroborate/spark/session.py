"""Starting Spark, or explaining clearly why it cannot start.

pyspark is an optional extra (``pip install 'corroborate[spark]'``) and needs a
Java runtime; both are checked before anything runs so the error says what to
install instead of a Py4J stack trace.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from corroborate.errors import CorroborateError

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import SparkSession

__all__ = ["SparkSettings", "spark_available", "spark_session"]


@dataclass(frozen=True, slots=True)
class SparkSettings:
    """Where and how to run: master URL (None: whatever spark-submit configured), conf."""

    master: str | None = None
    app_name: str = "corroborate"
    conf: dict[str, str] = field(default_factory=dict)


def spark_available() -> str | None:
    """None when pyspark and Java are both present, else the reason Spark cannot run."""
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install 'corroborate[spark]')"
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and os.path.exists(os.path.join(java_home, "bin", "java"))) and not (
        shutil.which("java")
    ):
        return "no Java runtime found (install Java 17+ or set JAVA_HOME)"
    return None


def spark_session(settings: SparkSettings | None = None) -> SparkSession:
    """The active Spark session, or a new one with ``settings``."""
    settings = settings or SparkSettings()
    reason = spark_available()
    if reason is not None:
        raise CorroborateError(f"cannot run Spark: {reason}")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(settings.app_name)
    if settings.master:
        builder = builder.master(settings.master)
    defaults = {
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.showConsoleProgress": "false",
    }
    if settings.master and settings.master.startswith("local"):
        # A laptop: a few shuffle partitions, not the cluster default of 200.
        defaults["spark.sql.shuffle.partitions"] = "8"
        defaults["spark.default.parallelism"] = "4"
    for key, value in {**defaults, **settings.conf}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
