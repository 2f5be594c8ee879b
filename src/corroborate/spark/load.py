"""Bringing Spark outputs home: into a corroborate archive, or read as records.

Reads the Parquet folders with pyarrow (part of the ``spark`` extra), no Spark
needed. :func:`load_outputs` replays the stored versions through
:meth:`~corroborate.archive.Archive.add` in ingestion order (same ids, versions,
template-line counts) and the story assignments through
:func:`~corroborate.archive.stories.save_assignments` in arrival order, so
``corroborate stories --db FILE`` then shows the stories Spark found.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corroborate.archive import Archive
from corroborate.archive.stories import save_assignments
from corroborate.errors import CorroborateError, NotFoundError
from corroborate.model import Article
from corroborate.spark.records import raw_lines
from corroborate.stories import Assignment, Reason, StoryFeatures

__all__ = ["OUTPUTS", "LoadSummary", "load_outputs", "read_output"]

OUTPUTS = ("articles", "outcomes", "stories", "story_list", "reuse", "neardup")
_BATCH = 500


def read_output(out: str | Path, name: str) -> list[dict[str, Any]]:
    """One output table (``articles``, ``stories``, ``reuse``...) as a list of dicts."""
    if name not in OUTPUTS:
        raise CorroborateError(f"unknown output {name!r}; outputs: {', '.join(OUTPUTS)}")
    folder = Path(out) / name
    if not folder.exists():
        raise NotFoundError(f"no {name} output at {folder} (run the spark job that writes it)")
    import pyarrow.parquet as pq

    return list(pq.read_table(folder).to_pylist())


@dataclass
class LoadSummary:
    """How many versions and story assignments were loaded, by archive outcome."""

    articles: dict[str, int] = field(default_factory=dict)
    assignments: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"articles": dict(self.articles), "assignments": self.assignments}


def _load_articles(out: Path, archive: Archive, summary: LoadSummary) -> None:
    rows = sorted(read_output(out, "articles"), key=lambda r: r["seq"])
    for start in range(0, len(rows), _BATCH):
        with archive.transaction():
            for row in rows[start : start + _BATCH]:
                article = Article.from_dict(json.loads(row["record"]))
                result = archive.add(article, dedupe_key=row["digest"])
                summary.articles[result.status] = summary.articles.get(result.status, 0) + 1
                if result.status != "duplicate" and article.source:
                    archive.count_lines(article.source, raw_lines(article))


def _load_stories(out: Path, archive: Archive, summary: LoadSummary) -> None:
    # Members in each story's order (a bridge appends a merged story's members).
    rows = sorted(read_output(out, "stories"), key=lambda r: (r["position"], r["rank"]))
    for start in range(0, len(rows), _BATCH):
        part = rows[start : start + _BATCH]
        features = [StoryFeatures.from_dict(json.loads(r["features"])) for r in part]
        assignments = [
            Assignment(
                article_id=r["article_id"],
                story_id=r["story_id"],
                joined=bool(r["joined"]),
                score=float(r["score"]),
                reasons=[Reason.from_dict(x) for x in json.loads(r["reasons"])],
            )
            for r in part
        ]
        save_assignments(archive, features, assignments)
        summary.assignments += len(part)


def load_outputs(out: str | Path, archive: Archive, stories: bool = True) -> LoadSummary:
    """Load ``OUT/articles`` (and ``OUT/stories`` when present) into ``archive``."""
    folder = Path(out)
    summary = LoadSummary()
    _load_articles(folder, archive, summary)
    if stories and (folder / "stories").exists():
        _load_stories(folder, archive, summary)
    return summary
