"""Spark (local[2]) and the single-machine path give the same articles, stories and reuse links.

The corpus is built at run time from ../shared/data/reuters21578: consecutive
Reuters items with a repeated outlet footer (template lines), republications by
other outlets with a few words changed (reuse links, near duplicates), exact
duplicates, a corrected version under the same id, an id-less article updated
under the same URL, and a broken line. Both paths read the same JSON Lines file.
"""

from __future__ import annotations

import gzip
import html
import json
import random
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from corroborate.archive import Archive
from corroborate.config import Context
from corroborate.neardup import article_near_duplicates
from corroborate.pipeline import ingest
from corroborate.spark import (
    SparkSettings,
    SparkStoryOptions,
    ingest_job,
    load_outputs,
    neardup_job,
    provenance_job,
    read_output,
    spark_available,
    spark_session,
    stories_job,
)
from corroborate.workspace import Workspace

pytestmark = [pytest.mark.spark, pytest.mark.shared, pytest.mark.slow]

REUTERS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "reuters21578"
N_ITEMS = 500
_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


def _reuters(limit: int) -> list[dict[str, Any]]:
    path = REUTERS / "reut2-000.sgm.gz"
    with gzip.open(path, "rb") as fh:
        raw = fh.read().decode("latin-1")
    out = []
    for m in re.finditer(r'<REUTERS[^>]*NEWID="(\d+)">(.*?)</REUTERS>', raw, re.S):
        body = re.search(r"<BODY>(.*?)</BODY>", m.group(2), re.S)
        title = re.search(r"<TITLE>(.*?)</TITLE>", m.group(2), re.S)
        date = re.search(r"<DATE>\s*(\d+)-([A-Z]{3})-(\d{4}) (\d+):(\d+)", m.group(2))
        if not (body and title and date):
            continue
        day, month, year, hour, minute = date.groups()
        when = datetime(int(year), _MONTHS.index(month) + 1, int(day), tzinfo=UTC) + timedelta(
            hours=int(hour), minutes=int(minute)
        )
        text = re.sub(r"\s*\bReuter\b\s*\x03?\s*$", "", html.unescape(body.group(1))).strip()
        paragraphs = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n {2,}", text)]
        out.append(
            {
                "id": f"r{m.group(1)}",
                "title": html.unescape(title.group(1)).strip(),
                "text": "\n\n".join(p for p in paragraphs if p),
                "source": "Reuters",
                "published_at": when.isoformat(),
            }
        )
        if len(out) >= limit:
            break
    return out


def _lines(items: list[dict[str, Any]], rng: random.Random) -> Iterator[str]:
    footer = "Follow our wire on the Daily Ledger app for alerts."
    for item in items:
        yield json.dumps({**item, "text": item["text"] + "\n\n" + footer})
    for k, item in enumerate(items[::8]):  # republished with edits by other outlets
        words = item["text"].split(" ")
        for _ in range(max(1, len(words) // 25)):
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        when = datetime.fromisoformat(item["published_at"]) + timedelta(hours=2)
        yield json.dumps(
            {
                "title": item["title"].title(),
                "text": " ".join(words) + "\n\n(Reporting by Reuters)",
                "source": ["Harbour Herald", "Valley Courier", "Meridian Post"][k % 3],
                "url": f"https://example.org/{k}",
                "published_at": when.isoformat(),
            }
        )
    yield json.dumps(items[3])  # exact duplicate of a stored article's text (no footer: new)
    yield json.dumps({**items[3], "text": items[3]["text"] + "\n\n" + footer})  # duplicate
    yield json.dumps({**items[5], "text": items[5]["text"] + "\n\nCorrection: figures revised."})
    yield json.dumps(
        {"title": "Update", "text": "First text of a story.", "url": "https://x.org/u"}
    )
    yield json.dumps({"title": "Update", "text": "Second text, longer.", "url": "https://x.org/u"})
    yield "{not json"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reason = spark_available()
    if reason is not None:
        pytest.skip(f"Spark cannot run here: {reason}")
    if not REUTERS.exists():
        pytest.skip(f"{REUTERS} is absent: this test needs the shared evaluation data")
    folder = tmp_path_factory.mktemp("spark")
    path = folder / "corpus.jsonl"
    path.write_text("\n".join(_lines(_reuters(N_ITEMS), random.Random(4))) + "\n")
    return path


@pytest.fixture(scope="module")
def single(corpus: Path) -> dict[str, Any]:
    """The single-machine path: ingest, assign stories, provenance of every story."""
    ctx = Context()
    with Archive(corpus.parent / "single.db") as archive:
        report = ingest([str(corpus)], archive, ctx)
        ws = Workspace(archive, ctx)
        ws.assign_stories()
        stories = ws.stories()
        reuse = set()
        for story in stories:
            if story.size >= 2:
                for edge in ws.provenance(story.id).edges:
                    reuse.add(_edge(story.id, edge.to_dict()))
        return {
            "outcomes": sorted((o.input, o.status, o.article_id) for o in report.outcomes),
            "articles": {a.id: a.to_dict() for a in archive.iter_articles()},
            "labels": ws.index.labels(),
            "members": {s.id: s.article_ids for s in stories},
            "reuse": reuse,
            "neardup": article_near_duplicates(list(archive.iter_articles())),
        }


def _edge(story: str, data: dict[str, Any]) -> tuple[Any, ...]:
    return (
        story,
        data["from"],
        data["to"],
        data["kind"],
        round(data["share"], 4),
        data["direction"],
        len(data["evidence"]),
    )


@pytest.fixture(scope="module")
def spark_out(corpus: Path) -> Path:
    """The Spark path in local mode on the same file."""
    spark = spark_session(SparkSettings(master="local[2]", app_name="corroborate-test"))
    out = corpus.parent / "out"
    ingest_job(spark, [str(corpus)], str(out))
    neardup_job(spark, str(out))
    stories_job(spark, str(out))
    provenance_job(spark, str(out))
    windowed = corpus.parent / "windowed"
    windowed.mkdir()
    for name in ("articles", "outcomes", "features"):
        (windowed / name).symlink_to(out / name, target_is_directory=True)
    stories_job(spark, str(windowed), SparkStoryOptions(mode="windowed", window_span_days=8.0))
    return out


def test_same_articles_and_outcomes(single: dict[str, Any], spark_out: Path) -> None:
    rows = read_output(spark_out, "articles")
    current = {r["id"]: json.loads(r["record"]) for r in rows if r["current"]}
    assert current == single["articles"]
    outcomes = sorted(
        (r["input"], r["status"], r["article_id"]) for r in read_output(spark_out, "outcomes")
    )
    statuses = {s for _, s, _ in single["outcomes"]}
    assert {"ingested", "duplicate", "new-version", "error"} <= statuses
    assert outcomes == single["outcomes"]
    template = [r for a in current.values() for r in a["removed"] if r["rule"] == "template-line"]
    assert template, "the repeated footer should have been learnt as a template line"


def test_same_near_duplicates(single: dict[str, Any], spark_out: Path) -> None:
    rows = sorted(read_output(spark_out, "neardup"), key=lambda r: (r["a"], r["b"]))
    assert [(r["a"], r["b"]) for r in rows] == [(a, b) for a, b, _ in single["neardup"]]
    assert len(rows) >= N_ITEMS // 8 - 2
    for row, (_, _, sim) in zip(rows, single["neardup"], strict=True):
        assert row["similarity"] == pytest.approx(sim)


def test_same_stories(single: dict[str, Any], spark_out: Path) -> None:
    rows = read_output(spark_out, "stories")
    assert {r["article_id"]: r["story_id"] for r in rows} == single["labels"]
    members: dict[str, list[tuple[int, str]]] = {}
    for r in rows:
        members.setdefault(r["story_id"], []).append((r["position"], r["article_id"]))
    assert {s: [a for _, a in sorted(m)] for s, m in members.items()} == single["members"]
    assert sum(len(m) > 1 for m in single["members"].values()) >= N_ITEMS // 10


def test_same_reuse_links(single: dict[str, Any], spark_out: Path) -> None:
    rows = read_output(spark_out, "reuse")
    spark_edges = {
        (
            r["story_id"],
            r["source"],
            r["target"],
            r["kind"],
            round(r["share"], 4),
            r["direction"],
            len(json.loads(r["evidence"])),
        )
        for r in rows
    }
    assert spark_edges == single["reuse"]
    assert len(spark_edges) >= N_ITEMS // 10


def test_loaded_archive_has_the_same_stories(
    single: dict[str, Any], spark_out: Path, tmp_path: Path
) -> None:
    with Archive(tmp_path / "loaded.db") as archive:
        summary = load_outputs(spark_out, archive)
        assert summary.assignments == len(single["labels"])
        assert {a.id: a.to_dict() for a in archive.iter_articles()} == single["articles"]
        ws = Workspace(archive, Context())
        assert ws.index.labels() == single["labels"]


def test_windowed_mode_covers_every_article(single: dict[str, Any], spark_out: Path) -> None:
    rows = read_output(spark_out.parent / "windowed", "stories")
    labels = {r["article_id"]: r["story_id"] for r in rows}
    assert set(labels) == set(single["labels"])
    assert len(rows) == len(labels)
    # Story ids are numbered by first article in arrival order, with no gaps.
    firsts = sorted({int(s[1:]) for s in labels.values()})
    assert firsts == list(range(1, len(firsts) + 1))
