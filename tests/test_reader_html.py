"""The HTML reader: metadata, paragraphs, dates, charsets, and pages it must refuse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.config import Context
from corroborate.errors import InputError
from corroborate.model import Article
from corroborate.readers import feed, html
from corroborate.readers.base import RawInput, ReaderRegistry
from corroborate.readers.html import (
    READER,
    declared_charset,
    fragment_paragraphs,
    parse_date,
    truncation_warning,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"


def read(name: str, data: bytes | None = None, **kwargs: str) -> Article:
    raw = RawInput(name, (FIXTURES / name).read_bytes() if data is None else data, **kwargs)
    [article] = READER.read(raw, Context()).articles
    return article


def test_metadata_of_a_news_page() -> None:
    article = read("article.html")
    assert article.title == "Harbour bridge reopens after repairs"
    assert article.source == "The Riverside Courier"
    assert article.url == "https://courier.example/local/harbour-bridge-reopens"
    assert article.dek == (
        "Traffic is flowing again across the old harbour bridge after eight months of work."
    )
    assert article.authors == ["Ada Lindqvist", "Tomas Berg"]
    assert article.tags == ["Transport", "Local news"]
    assert article.image == "https://courier.example/images/bridge.jpg"
    assert article.language == "en"
    assert article.published_at == datetime(
        2025, 4, 29, 14, 30, tzinfo=timezone(timedelta(hours=2))
    )
    assert article.format == "html"
    assert article.input == "article.html"
    assert article.warnings == []


def test_paragraphs_keep_structure_and_drop_page_furniture() -> None:
    article = read("article.html")
    assert all(isinstance(p, str) and p and p == p.strip() for p in article.paragraphs)
    assert article.paragraphs[-4].startswith("The old harbour bridge reopened")
    assert article.paragraphs[-3].startswith("The city transport office said")
    assert article.paragraphs[-2].startswith("\u201cWe expected some surprises")
    assert article.paragraphs[-1].endswith("in the east of the city.")
    body = article.body
    for cruft in ("All rights reserved", "Most read", "Privacy", "Weather", "Storm warning"):
        assert cruft not in body


def test_naive_date_stays_naive() -> None:
    article = read("naive_date.html")
    assert article.published_at == datetime(2025, 4, 29, 14, 30)
    assert article.published_at.tzinfo is None


def test_invalid_date_is_a_warning_not_a_crash() -> None:
    article = read("invalid_date.html")
    assert article.published_at is None
    assert any("2025-02-30" in w for w in article.warnings)
    assert article.paragraphs


def test_truncated_page_is_read_with_a_warning() -> None:
    article = read("truncated.html")
    assert "truncated HTML (no closing </html>)" in article.warnings
    assert any(p.startswith("The old harbour bridge reopened") for p in article.paragraphs)


def test_declared_windows_1252_charset() -> None:
    article = read("windows1252.html")
    assert article.title == "Café owners welcome the new market square"
    assert any("\u201cIt is the best thing" in p and "Zoë" in p for p in article.paragraphs)
    assert article.warnings == []


def test_http_charset_is_used_when_the_page_declares_none() -> None:
    data = (FIXTURES / "windows1252.html").read_bytes().replace(b"; charset=windows-1252", b"")
    assert declared_charset(data) is None
    article = read("page.html", data, charset="cp1252")
    assert any("René Dubois" in p for p in article.paragraphs)
    assert article.warnings == []


def test_undeclared_non_utf8_is_decoded_with_a_warning() -> None:
    data = (FIXTURES / "windows1252.html").read_bytes().replace(b"; charset=windows-1252", b"")
    article = read("page.html", data)
    assert any("invalid UTF-8" in w for w in article.warnings)
    assert any("caf" in p for p in article.paragraphs)


def test_page_without_article_text_is_refused() -> None:
    with pytest.raises(InputError, match="no article text found in HTML"):
        read("no_text.html")


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty"), (b"   \n", "empty"), (b"<html>\x00\x01\x02\x00</html>", "binary")],
)
def test_empty_or_binary_input_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason) as info:
        READER.read(RawInput("bad.html", data), Context())
    assert info.value.source == "bad.html"


PARAGRAPH = (
    "<p>" + "The river rose by two metres overnight, the water authority said. " * 3 + "</p>"
)


@pytest.mark.timeout(60)
def test_deeply_nested_page_is_refused_with_a_reason() -> None:
    depth = 50_000
    page = f"<html><body>{'<div>' * depth}{PARAGRAPH}{'</div>' * depth}</body></html>"
    with pytest.raises(InputError, match="nested deeper than 255 levels"):
        READER.read(RawInput("deep.html", page.encode()), Context())


@pytest.mark.timeout(60)
def test_text_above_the_nesting_limit_is_kept_with_a_warning() -> None:
    depth = 2_000
    page = (
        f"<html><body><article>{PARAGRAPH}"
        f"{'<div>' * depth}<p>lost</p>{'</div>' * depth}</article></body></html>"
    )
    [article] = READER.read(RawInput("deep.html", page.encode()), Context()).articles
    assert article.paragraphs[0].startswith("The river rose by two metres")
    assert any("nested deeper than 255 levels" in w for w in article.warnings)


def test_sniff_and_registry_choice() -> None:
    registry = ReaderRegistry([html.READER, feed.READER])
    for name in ("article.html", "truncated.html", "windows1252.html"):
        raw = RawInput(name, (FIXTURES / name).read_bytes())
        assert READER.sniff(raw) >= 0.9
        assert registry.choose(raw) is html.READER
    assert READER.sniff(RawInput("x", b"\xef\xbb\xbf  <!-- c --><!DOCTYPE HTML><html>")) >= 0.9
    assert READER.sniff(RawInput("x", b'<?xml version="1.0"?>\n<html xmlns="x">')) >= 0.9
    assert READER.sniff(RawInput("x", b"<p>Just a fragment.</p>")) > 0
    assert READER.sniff(RawInput("x", b"Plain text about <html> tags.")) == 0
    assert READER.sniff(RawInput("x", b'<?xml version="1.0"?><rss version="2.0">')) == 0
    assert ".html" in READER.suffixes and "text/html" in READER.media_types


def test_truncation_warning_only_for_opened_documents() -> None:
    assert truncation_warning("<html><body><p>x</p></body></html>") is None
    assert truncation_warning("<p>a fragment</p>") is None
    assert truncation_warning("<HTML><BODY><p>x") == "truncated HTML (no closing </html>)"
    assert truncation_warning("<body><p>x") == "truncated HTML (no closing </body>)"


def test_declared_charset() -> None:
    assert declared_charset(b'<meta charset="ISO-8859-1">') == "iso-8859-1"
    assert (
        declared_charset(b"<meta http-equiv=Content-Type content='text/html; charset=Shift_JIS'>")
        == "shift_jis"
    )
    assert (
        declared_charset(b'<?xml version="1.0" encoding="windows-1252"?><html>') == "windows-1252"
    )
    assert declared_charset(b"<html><head><title>x</title>") is None


def test_parse_date() -> None:
    assert parse_date("2025-04-29T14:30:00Z") == datetime(2025, 4, 29, 14, 30, tzinfo=UTC)
    assert parse_date("2025-04-29T14:30:00.000+0200").utcoffset() == timedelta(hours=2)
    assert parse_date("2025-04-29").tzinfo is None
    assert parse_date("Tue, 29 Apr 2025 14:30:00 -0400").utcoffset() == timedelta(hours=-4)
    assert parse_date("Tue, 29 Apr 2025 14:30:00").tzinfo is None
    for bad in ("2025-02-30", "2025-13-01T00:00:00Z", "Tue, 30 Feb 2025 10:00:00 GMT", "soon", " "):
        with pytest.raises(ValueError):
            parse_date(bad)


def test_fragment_paragraphs() -> None:
    fragment = (
        "<p>One <b>bold</b>\n word.</p><p>Two<br/>lines</p>tail<script>track()</script> text"
        "<ul><li>first</li><li>second</li></ul><!-- note --><p>&amp; entities &eacute;</p>"
    )
    assert fragment_paragraphs(fragment) == [
        "One bold word.",
        "Two",
        "lines",
        "tail text",
        "first",
        "second",
        "& entities é",
    ]
    assert fragment_paragraphs("  ") == []
    assert fragment_paragraphs("plain\n\ntext") == ["plain", "text"]


def test_bare_fragment_is_read() -> None:
    data = PARAGRAPH.encode()
    assert READER.sniff(RawInput("f.html", data)) > 0
    [article] = READER.read(RawInput("f.html", data), Context()).articles
    assert article.paragraphs == [PARAGRAPH[3:-4].strip()]
    assert article.title == "" and "no title found in HTML" in article.warnings


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("<>/&;#!- \n\tpbrdivscript=\"'aé\u201c")), max_size=200)
)
def test_fragment_paragraphs_never_fails_nor_yields_blank(fragment: str) -> None:
    paragraphs = fragment_paragraphs(fragment)
    assert all(p and p == p.strip() and "\n" not in p for p in paragraphs)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_sniff_is_a_score_for_any_bytes(data: bytes) -> None:
    assert 0.0 <= READER.sniff(RawInput("x", data)) <= 1.0
