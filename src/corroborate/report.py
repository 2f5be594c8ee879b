"""The ``analyze`` report: everything corroborate knows about a set of articles.

:func:`build_report` is the one data function behind ``analyze --json``, the
human ``analyze`` output and (later) the web pages; its shape is pinned by
``schemas/analyze.schema.json`` and a test.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from corroborate._version import __version__
from corroborate.pipeline import IngestReport
from corroborate.stories.features import INGEST_FEATURES, load_feature_models
from corroborate.views import STORY_SECTIONS, story_data
from corroborate.workspace import Workspace

if TYPE_CHECKING:  # pragma: no cover
    from corroborate.config import Context

__all__ = ["Report", "analyze_schema", "build_report", "load_report_models"]


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


def load_report_models(ctx: Context) -> None:
    """Load the models a report needs: the story features' (the workspace's default
    ones; wordllama, also for digests) and spaCy (facts), so a caller can do it while
    it waits on other work."""
    load_feature_models(ctx, INGEST_FEATURES)
    ctx.nlp.spacy()


def build_report(
    ws: Workspace, ingest: IngestReport, sections: tuple[str, ...] = STORY_SECTIONS
) -> Report:
    """The report on the articles an ingest run produced (duplicates included) and their stories."""
    report = Report(inputs=[o.to_dict() for o in ingest.outcomes])
    ids = ingest.article_ids
    for article in ws.archive.iter_articles(ids):
        data = article.to_dict()
        data["outlet"] = article.outlet
        report.articles.append(data)
    ws.assign_stories(ids)
    story_ids = list(dict.fromkeys(ws.index.story_of(a) for a in ids))
    for view in ws.stories():
        if view.id in story_ids:
            report.stories.append(story_data(ws, view.id, sections))
    return report


def analyze_schema() -> dict[str, Any]:
    """The JSON Schema of ``analyze --json`` (shipped in the package)."""
    text = resources.files("corroborate").joinpath("schemas/analyze.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
