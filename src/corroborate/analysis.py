"""The main job: ingest coverage and analyse it, as one library call."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from corroborate.archive import Archive
from corroborate.config import Context
from corroborate.pipeline import IngestOptions, IngestOutcome, IngestReport, ingest
from corroborate.report import Report, build_report
from corroborate.workspace import Workspace

__all__ = ["analyze", "demo_dir"]


def analyze(
    sources: list[str],
    archive: Archive,
    ctx: Context,
    options: IngestOptions | None = None,
    on_outcome: Callable[[IngestOutcome], None] | None = None,
) -> tuple[Report, IngestReport]:
    """Ingest ``sources`` into ``archive`` and build the full report on them."""
    ingest_report = ingest(sources, archive, ctx, options, on_outcome)
    return build_report(Workspace(archive, ctx), ingest_report), ingest_report


def demo_dir() -> Path:
    """The folder of bundled example coverage (a fictional event, several formats)."""
    return Path(str(resources.files("corroborate").joinpath("demo")))
