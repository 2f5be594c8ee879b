"""corroborate: what many reports of one event really say.

The public API is pinned by ``__all__`` (and by a test); the CLI and the web
reader are thin shells over these functions.
"""

from __future__ import annotations

from corroborate._version import __version__
from corroborate.analysis import analyze, demo_dir
from corroborate.archive import Archive
from corroborate.cleaning import clean_article
from corroborate.config import Context, Limits
from corroborate.errors import CorroborateError, InputError, NotFoundError, UsageError
from corroborate.model import Article, Removal
from corroborate.pipeline import IngestOptions, IngestOutcome, IngestReport, ingest, ingest_raw
from corroborate.readers import RawInput, Reader, ReaderRegistry, default_registry
from corroborate.report import Report, analyze_schema, build_report

__all__ = [
    "Archive",
    "Article",
    "Context",
    "CorroborateError",
    "IngestOptions",
    "IngestOutcome",
    "IngestReport",
    "InputError",
    "Limits",
    "NotFoundError",
    "RawInput",
    "Reader",
    "ReaderRegistry",
    "Removal",
    "Report",
    "UsageError",
    "__version__",
    "analyze",
    "analyze_schema",
    "build_report",
    "clean_article",
    "default_registry",
    "demo_dir",
    "ingest",
    "ingest_raw",
]
