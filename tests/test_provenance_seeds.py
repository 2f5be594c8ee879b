"""Acceptance on the three seed articles (read from ../shared/seeds; skipped when absent)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from corroborate.config import Context
from corroborate.model import Article
from corroborate.provenance import align_articles, story_provenance
from corroborate.provenance.align import PairAlignment
from corroborate.text import split_paragraphs

SEEDS = Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds"


def _read(name: str) -> str:
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the seed acceptance tests need ../shared/seeds")
    return path.read_text(encoding="utf-8")


def _seed_000() -> Article:
    """Jekyll post: YAML front matter (title, date) then the body."""
    _, front, body = _read("000_496d476e8c444aa8.txt").split("---", 2)
    meta = dict(line.split(":", 1) for line in front.strip().splitlines() if ":" in line)
    return Article(
        title=meta["title"].strip().strip('"'),
        paragraphs=split_paragraphs(body),
        id="000",
        published_at=datetime.fromisoformat(meta["date"].strip()),
    )


def _seed_001() -> Article:
    """Plain text: headline and dek on the first two lines."""
    lines = _read("001_6b05626aa3ed1ed6.txt").splitlines()
    return Article(
        title=lines[0], dek=lines[1], paragraphs=split_paragraphs("\n".join(lines[2:])), id="001"
    )


def _seed_002() -> Article:
    """Scraped page: drop photo captions and the last two lines (headline - outlet, app footer)."""
    lines = [x for x in _read("002_54cb9a2a54ebca26.txt").splitlines() if x.strip()]
    lines = [x for x in lines[:-2] if not x.startswith("Open this photo in gallery:")]
    return Article(
        title="Trump and Carney speak", paragraphs=lines, id="002", source="The Globe and Mail"
    )


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    return {a.id: a for a in (_seed_000(), _seed_001(), _seed_002())}


def _links(al: PairAlignment, a_start: str, b_start: str) -> list[str]:
    return [
        x.kind for x in al.links if x.a_text.startswith(a_start) and x.b_text.startswith(b_start)
    ]


def test_001_rewording_of_002_is_paraphrase_even_inside_quotes(
    ctx: Context, seeds: dict[str, Article]
) -> None:
    al = align_articles(seeds["001"], seeds["002"], ctx)
    # The statement 001 puts inside quotation marks rewords 002's readout quote.
    assert _links(al, "“Prime Minister Mark Carney and President Donald J.",
                  "“The leaders agreed on the importance") == ["paraphrase"]  # fmt: skip
    assert _links(al, "Plans for a face-to-face meeting", "“To that end, the leaders agreed") == [
        "paraphrase"
    ]
    assert _links(al, "The statement confirmed that an in-person meeting", "“To that end") == [
        "paraphrase"
    ]
    assert not [x for x in al.links if x.kind == "verbatim"]


def test_white_house_quote_shared_by_000_and_002_is_not_copying(
    ctx: Context, seeds: dict[str, Article]
) -> None:
    al = align_articles(seeds["000"], seeds["002"], ctx)
    quote = [x for x in al.links if "cherished 51st state" in x.a_text]
    assert quote and all(x.kind == "shared-quote" for x in quote)
    assert all("cherished 51st state" in x.b_text for x in quote)
    assert not [x for x in al.links if x.kind == "verbatim"]


def test_graph_of_the_seeds(ctx: Context, seeds: dict[str, Article]) -> None:
    graph = story_provenance(list(seeds.values()), ctx)
    # No pair of the three is a copy.
    assert all(e.kind != "copy" for e in graph.edges)
    # 000 retells a BBC report that is not in the set.
    assert graph.derived_from_unseen == ("000",)
    node = next(n for n in graph.nodes if n.id == "000")
    evidence = " | ".join(h.text for h in node.unseen_source.evidence)
    assert "It has been recently reported that" in evidence
    assert "In an interview with the BBC" in evidence
    assert "Carney has told the BBC" in evidence
    assert "BBC" in node.unseen_source.outlets
    assert "000" not in graph.original_reporting
    assert "002" in graph.original_reporting
