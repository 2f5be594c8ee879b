import pytest

from corroborate.config import Context
from corroborate.errors import InputError
from corroborate.readers.base import RawInput
from corroborate.readers.markdown import READER, markdown_to_paragraphs

POST = b"""---
layout: post
title: "Update: Council approves new tram line"
date: 2026-02-03T08:15:00
author: "J. Doe and K. Roe"
categories: [News, Local]
tags: [transport]
excerpt: "The vote was 9 to 4."
image: assets/tram.jpg
---

The city council approved the tram line on Monday.

![a tram](tram.jpg)

## Cost

It will cost [40 million](https://example.invalid/budget) euros.
"""


def test_front_matter_fields() -> None:
    raw = RawInput("post.md", POST)
    assert READER.sniff(raw) >= 0.9
    [article] = READER.read(raw, Context()).articles
    assert article.title == "Update: Council approves new tram line"
    assert article.authors == ["J. Doe", "K. Roe"]
    assert (
        article.published_at is not None
        and article.published_at.isoformat() == "2026-02-03T08:15:00"
    )
    assert article.dek == "The vote was 9 to 4."
    assert article.tags == ["News", "Local", "transport"]
    assert article.image == "assets/tram.jpg"
    assert article.paragraphs == [
        "The city council approved the tram line on Monday.",
        "Cost",
        "It will cost 40 million euros.",
    ]
    assert article.format == "markdown"


def test_yaml_error_is_reported_with_line() -> None:
    raw = RawInput("bad.md", b"---\ntitle: [unclosed\n---\n\nBody text here.\n")
    with pytest.raises(InputError, match="invalid YAML front matter"):
        READER.read(raw, Context())


def test_front_matter_that_is_not_a_mapping() -> None:
    raw = RawInput("list.md", b"---\n- a\n- b\n---\n\nBody text here.\n")
    with pytest.raises(InputError, match="not a mapping"):
        READER.read(raw, Context())


def test_invalid_date_keeps_article_with_warning() -> None:
    raw = RawInput("d.md", b"---\ntitle: T\ndate: 2025-02-30\n---\n\nBody.\n")
    [article] = READER.read(raw, Context()).articles
    assert article.published_at is None
    assert any("2025-02-30" in w for w in article.warnings)


def test_no_body_is_an_error() -> None:
    with pytest.raises(InputError, match="no article text"):
        READER.read(RawInput("e.md", b"---\ntitle: T\n---\n\n"), Context())


def test_markdown_to_paragraphs_strips_liquid_and_rules() -> None:
    assert markdown_to_paragraphs("{% include ad.html %}\n\n---\n\n**Bold** words") == [
        "Bold words"
    ]
