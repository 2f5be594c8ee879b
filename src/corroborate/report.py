"""The ``analyze`` report: everything corroborate knows about a set of articles.

:func:`build_report` is the one data function behind ``analyze --json``, the
human ``analyze`` output and (later) the web pages; its shape is pinned by
``schemas/analyze.schema.json`` and a test.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from corroborate._version import __version__
from corroborate.archive import Archive
from corroborate.config import Context
from corroborate.pipeline import IngestReport

__all__ = ["Report", "analyze_schema", "build_report"]


@dataclass(slots=True)
class Report:
    """The analysis of one run: inputs' outcomes, articles, and (later) stories."""

    inputs: list[dict[str, Any]] = field(default_factory=list)
    articles: list[dict[str, Any]] = field(default_factory=list)
    stories: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "corroborate": __version__,
            "inputs": self.inputs,
            "articles": self.articles,
            "stories": self.stories,
        }


def build_report(archive: Archive, ingest: IngestReport, ctx: Context) -> Report:
    """The report on the articles an ingest run produced (duplicates included)."""
    report = Report(inputs=[o.to_dict() for o in ingest.outcomes])
    for article in archive.iter_articles(ingest.article_ids):
        data = article.to_dict()
        data["outlet"] = article.outlet
        report.articles.append(data)
    return report


def analyze_schema() -> dict[str, Any]:
    """The JSON Schema of ``analyze --json`` (shipped in the package)."""
    text = resources.files("corroborate").joinpath("schemas/analyze.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
