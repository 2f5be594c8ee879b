"""Per-executor-process resources: one Context (models load once per Python worker).

Created lazily on first use inside a Spark task, never at import time; a
Python worker is reused across tasks (``spark.python.worker.reuse``, on by
default), so spaCy and wordllama load once per worker, not once per task.
"""

from __future__ import annotations

from functools import lru_cache

from corroborate.config import Context, Limits
from corroborate.readers import ReaderRegistry, default_registry

__all__ = ["worker_context", "worker_registry"]


@lru_cache(maxsize=4)
def worker_context(limits: Limits) -> Context:
    """The executor's context for these limits (models loaded lazily on first use)."""
    return Context(limits=limits)


@lru_cache(maxsize=1)
def worker_registry() -> ReaderRegistry:
    return default_registry()
