"""The story digest and the article summary on small fictional articles."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from corroborate.config import Context
from corroborate.errors import UsageError
from corroborate.model import Article
from corroborate.summarize import (
    ArticleSummaryOptions,
    Digest,
    DigestOptions,
    digest_story,
    summarize_article,
)
from corroborate.text import article_sentences, split_paragraphs

COPIED = (
    "The Riverton council voted seven to two on Tuesday to close the Old Mill bridge "
    "to all traffic from the first of March because of cracks found in its main arch."
)


def _article(article_id: str, paragraphs: list[str], day: int) -> Article:
    return Article(
        title=f"Old Mill bridge to close ({article_id})",
        paragraphs=paragraphs,
        id=article_id,
        source=f"Outlet {article_id}",
        published_at=datetime(2031, 2, day, 9, 0),
    )


@pytest.fixture(scope="module")
def story() -> list[Article]:
    """Three fictional reports: a wire copy shared by two, a paraphrase, one extra fact."""
    a = _article(
        "a",
        [
            "RIVERTON (Wire) -- " + COPIED,
            "Engineers from the county inspected the bridge last week and measured cracks "
            "up to four centimetres wide in the stone arch above the river channel.",
            "Mayor Ellen Brooks said the closure would add twenty minutes to the journeys "
            "of commuters who cross the river every morning on their way into town.",
        ],
        10,
    )
    b = _article(
        "b",
        [
            COPIED,
            "County engineers who examined the bridge last week found cracks of up to "
            "four centimetres in the stone arch over the river channel, officials said.",
            "A temporary footbridge for walkers and cyclists will be built beside the old "
            "bridge by a local contractor before the summer holidays begin in July.",
        ],
        11,
    )
    c = _article(
        "c",
        [
            "Repairs to the Old Mill bridge are expected to cost about three million euros "
            "and could take two years, according to an estimate by the county.",
            "But the council has not yet decided whether to restore the historic bridge "
            "or to replace it with a modern concrete structure built on the same site.",
        ],
        12,
    )
    return [a, b, c]


@pytest.fixture(scope="module")
def ctx() -> Context:
    """One context per module, so wordllama loads once."""
    return Context()


def _check_citations(digest: Digest, articles: list[Article]) -> None:
    by_id = {a.id: a for a in articles}
    for block in digest.blocks:
        assert block.citations, block
        for citation in block.citations:
            article = by_id[citation.article_id]
            sentence = article_sentences(article.paragraphs)[citation.sentence_index]
            assert article.body[citation.start : citation.end] == sentence.text
            assert (sentence.start, sentence.end) == (citation.start, citation.end)
        assert block.support == len({c.article_id for c in block.citations})
        # The shown text is made of body pieces of the first citation's article.
        first = by_id[block.citations[0].article_id]
        pieces = " ".join(first.body[s:e].strip() for s, e in block.spans)
        assert block.spans and all(
            block.citations[0].start <= s < e <= block.citations[0].end for s, e in block.spans
        )
        assert block.text.rstrip(".").lower() == pieces.rstrip(".").lower()


def test_citations_point_at_real_sentences(ctx: Context, story: list[Article]) -> None:
    digest = digest_story(ctx, story, options=DigestOptions(max_words=120))
    assert digest.blocks
    _check_citations(digest, story)


def test_copied_sentence_appears_once_with_both_sources(ctx: Context, story: list[Article]) -> None:
    digest = digest_story(ctx, story, options=DigestOptions(max_words=200))
    copies = [b for b in digest.blocks if "voted seven to two" in b.text]
    assert len(copies) == 1
    block = copies[0]
    assert {c.article_id for c in block.citations} >= {"a", "b"}
    assert block.section == "common"
    # The dateline of article a is not shown.
    assert not block.text.startswith("RIVERTON")


def test_paraphrase_counts_as_one_fact(ctx: Context, story: list[Article]) -> None:
    digest = digest_story(ctx, story, options=DigestOptions(max_words=200))
    cracks = [b for b in digest.blocks if "centimetres" in b.text]
    assert len(cracks) == 1
    assert cracks[0].support == 2


@pytest.mark.parametrize("budget", [15, 30, 45, 80, 200])
def test_length_is_respected(ctx: Context, story: list[Article], budget: int) -> None:
    digest = digest_story(ctx, story, options=DigestOptions(max_words=budget))
    assert digest.words <= budget
    assert not digest.overflow


def test_overflow_adds_one_last_sentence(ctx: Context, story: list[Article]) -> None:
    exact = digest_story(ctx, story, options=DigestOptions(max_words=45))
    over = digest_story(ctx, story, options=DigestOptions(max_words=45, overflow=True))
    assert over.overflow
    assert len(over.blocks) == len(exact.blocks) + 1
    assert over.words > 45


def test_common_facts_come_first(ctx: Context, story: list[Article]) -> None:
    digest = digest_story(ctx, story, options=DigestOptions(max_words=200))
    sections = [b.section for b in digest.blocks]
    assert "common" in sections and "additional" in sections
    assert sections == sorted(sections, key=lambda s: s != "common")
    assert all(b.support >= 2 for b in digest.section("common"))
    assert all(b.support < 2 for b in digest.section("additional"))
    # Within a section and support level, earlier publications come first.
    dates = {a.id: str(a.published_at) for a in story}
    extra = [dates[b.citations[0].article_id] for b in digest.section("additional")]
    assert extra == sorted(extra)


def test_focus_steers_the_choice(ctx: Context, story: list[Article]) -> None:
    options = DigestOptions(max_words=30)
    cost = digest_story(ctx, story, focus="repair cost euros estimate", options=options)
    assert any("euros" in b.text for b in cost.blocks)
    assert cost.focus == "repair cost euros estimate"


def test_without_embeddings(story: list[Article]) -> None:
    digest = digest_story(Context(), story, options=DigestOptions(use_embeddings=False))
    _check_citations(digest, story)
    assert any(b.support == 2 for b in digest.blocks)


def test_empty_and_single_article(ctx: Context, story: list[Article]) -> None:
    empty = digest_story(ctx, [])
    assert empty.blocks == [] and empty.articles == 0
    single = digest_story(ctx, story[:1], options=DigestOptions(max_words=60))
    assert single.blocks
    assert all(b.support == 1 and b.section == "additional" for b in single.blocks)
    _check_citations(single, story[:1])
    no_text = digest_story(ctx, [_article("z", [], 1)])
    assert no_text.blocks == []


def test_to_dict_is_json(ctx: Context, story: list[Article]) -> None:
    digest = digest_story(ctx, story, focus="bridge")
    data = json.loads(json.dumps(digest.to_dict()))
    assert data["articles"] == 3
    assert data["words"] == digest.words
    assert data["blocks"][0]["citations"][0]["article_id"] in {"a", "b", "c"}


def test_bad_input_is_an_error(ctx: Context, story: list[Article]) -> None:
    with pytest.raises(UsageError, match="share the id"):
        digest_story(ctx, [story[0], story[0]])
    with pytest.raises(UsageError):
        DigestOptions(max_words=0)
    with pytest.raises(UsageError):
        DigestOptions(duplicate_threshold=1.5)
    with pytest.raises(UsageError):
        ArticleSummaryOptions(max_sentences=0)


def test_article_without_id_is_cited_by_content_hash(ctx: Context, story: list[Article]) -> None:
    anonymous = replace(story[2], id="")
    digest = digest_story(ctx, [story[0], anonymous], options=DigestOptions(max_words=200))
    ids = {c.article_id for b in digest.blocks for c in b.citations}
    assert anonymous.content_hash in ids


def test_article_summary(story: list[Article]) -> None:
    article = story[0]
    summary = summarize_article(article, ArticleSummaryOptions(max_words=70, max_sentences=2))
    assert 1 <= len(summary.blocks) <= 2
    assert summary.words <= 70
    assert all(b.section == "key" and b.support == 1 for b in summary.blocks)
    indices = [b.citations[0].sentence_index for b in summary.blocks]
    assert indices == sorted(indices)
    _check_citations(summary, [article])
    # The lead sentence of a news article is a key sentence.
    assert indices[0] == 0
    assert summarize_article(_article("e", [], 1)).blocks == []
    anonymous = summarize_article(replace(article, id=""))
    assert {c.article_id for b in anonymous.blocks for c in b.citations} == {article.content_hash}


SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"


def _read_seed(path: Path) -> Article:
    """A seed as a plain article: title from the front matter or the first line."""
    text = path.read_text(encoding="utf-8")
    title = ""
    if text.startswith("---"):
        _, front, text = text.split("---", 2)
        match = re.search(r"^title:\s*(.+)$", front, re.M)
        title = match.group(1).strip().strip("\"'") if match else ""
    paragraphs = split_paragraphs(text)
    if not title:
        title, paragraphs = paragraphs[0], paragraphs[1:]
    return Article(title=title, paragraphs=paragraphs, id=path.stem)


@pytest.mark.shared
def test_seed_story_digest(ctx: Context) -> None:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"{seeds} is absent (the shared data folder beside the repository)")
    articles = [_read_seed(p) for p in sorted(seeds.glob("*.txt"))]
    digest = digest_story(ctx, articles, options=DigestOptions(max_words=150))
    assert digest.blocks and digest.words <= 150
    _check_citations(digest, articles)
    assert digest.section("common"), "the three seeds report the same call"
