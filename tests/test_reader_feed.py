"""The feed reader: RSS and Atom entries, teaser links, dates, charsets, hostile feeds."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.config import Context, Limits
from corroborate.errors import InputError
from corroborate.readers import feed, html
from corroborate.readers.base import RawInput, ReaderOutput, ReaderRegistry
from corroborate.readers.feed import READER, entity_declaration

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "feeds"


def read(name: str, ctx: Context | None = None) -> ReaderOutput:
    return READER.read(RawInput(name, (FIXTURES / name).read_bytes()), ctx or Context())


def test_rss_full_text_entries_become_articles() -> None:
    out = read("rss_full.xml")
    assert [a.input for a in out.articles] == [
        "rss_full.xml#1",
        "rss_full.xml#4",
        "rss_full.xml#5",
    ]
    first = out.articles[0]
    assert first.title == "Harbour bridge reopens after repairs"
    assert first.url == "https://courier.example/local/harbour-bridge-reopens"
    assert first.source == "The Riverside Courier"
    assert first.authors == ["Ada Lindqvist"]
    assert first.tags == ["Transport", "Local news"]
    assert first.language == "en"
    assert first.image == "https://courier.example/images/bridge.jpg"
    assert first.dek == "Traffic is flowing again across the old harbour bridge."
    assert first.format == "feed"
    assert first.meta["guid"] == "courier-2025-0429-bridge"
    assert first.published_at == datetime(2025, 4, 29, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    assert first.paragraphs == [
        "The old harbour bridge reopened to cars and cyclists on Tuesday morning, eight months "
        "after engineers closed it to replace corroded steel cables.",
        "The city transport office said the repairs cost 14.2 million euros, about 1.1 million "
        "more than first planned.",
        "\u201cWe expected some surprises, and we found them,\u201d said chief engineer Marta Olsen.",
        "Buses return to their usual routes on Monday.",
    ]


def test_teasers_and_link_only_entries_become_links() -> None:
    out = read("rss_full.xml")
    # a one-line description, and a longer one ending in "Continue reading..."
    assert out.links == [
        "https://courier.example/local/library-budget",
        "https://courier.example/weather/storm-warning",
    ]
    assert out.warnings == ["entry 6 has neither full text nor a link; skipped"]


def test_entry_dates_invalid_and_naive() -> None:
    out = read("rss_full.xml")
    invalid, naive = out.articles[1], out.articles[2]
    assert invalid.published_at is None
    assert any("2025-02-30" in w for w in invalid.warnings)
    assert naive.published_at == datetime(2025, 4, 26, 8, 0)
    assert naive.published_at.tzinfo is None
    assert naive.url is None and naive.meta["body_from"] == "summary"


def test_atom_feed() -> None:
    out = read("atom.xml")
    [article] = out.articles
    assert article.title == "Lake ice melts a week early"
    assert article.url == "https://science.example/2025/lake-ice"
    assert article.source == "Valley Science Notes"
    assert article.authors == ["Noor Haddad", "Pieter de Vries"]
    assert article.tags == ["Climate"]
    assert article.language == "en"
    assert article.published_at == datetime(2025, 4, 29, 8, 15, tzinfo=timezone(timedelta(hours=1)))
    assert len(article.paragraphs) == 2
    assert article.paragraphs[1].startswith("Station staff have recorded the date")
    assert out.links == ["https://science.example/2025/bird-count"]


def test_malformed_feed_with_entries_is_read_with_a_warning() -> None:
    out = read("malformed.xml")
    assert [a.title for a in out.articles] == ["Bakery wins regional prize"]
    assert out.links == ["https://gazette.example/ring-road"]
    assert len(out.warnings) == 1 and out.warnings[0].startswith("malformed feed read leniently")


def test_malformed_feed_without_entries_is_refused() -> None:
    with pytest.raises(InputError, match="malformed feed") as info:
        read("broken.xml")
    assert info.value.source == "broken.xml"


@pytest.mark.timeout(30)
@pytest.mark.parametrize("name", ["billion_laughs.xml", "external_entity.xml"])
def test_entity_declarations_are_refused_quickly(name: str) -> None:
    # refused before any parsing, so nothing is expanded or fetched (the timeout guards a hang)
    with pytest.raises(InputError, match="declares XML entities"):
        read(name)


def test_entity_declaration_detection() -> None:
    assert not entity_declaration(b'<?xml version="1.0"?><rss><channel/></rss>')
    netscape = (
        b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        b' "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"/>'
    )
    assert not entity_declaration(netscape)
    # a declaration hidden behind a comment that looks like the end of the DTD and a root tag
    hidden = b'<?xml version="1.0"?><!DOCTYPE rss [<!-- ]> <rss --> <!ENTITY a "aa">]><rss/>'
    assert entity_declaration(hidden)
    parameter = b'<!DOCTYPE rss [<!ENTITY % p SYSTEM "http://evil.invalid/x.dtd"> %p;]><rss/>'
    assert entity_declaration(parameter)
    # text about entities inside an article is not a declaration
    cdata = b"<rss><channel><item><description><![CDATA[<!ENTITY x 'y'>]]></description></item></channel></rss>"
    assert not entity_declaration(cdata)


def test_declared_latin1_charset() -> None:
    out = read("latin1.rss")
    [article] = out.articles
    assert article.title == "Fête de la rivière à Saint-Rémi"
    assert article.source == "Le Journal du Café"
    assert article.language == "fr"
    assert "crêpes" in article.body
    assert article.warnings == [] and out.warnings == []


def test_feed_without_entries_and_non_feed_xml() -> None:
    empty = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    out = READER.read(RawInput("quiet.rss", empty), Context())
    assert out.articles == [] and out.links == []
    assert out.warnings == ["the feed has no entries"]
    with pytest.raises(InputError, match="not an RSS or Atom feed"):
        READER.read(RawInput("note.xml", b'<?xml version="1.0"?><note>hi</note>'), Context())
    with pytest.raises(InputError, match="binary"):
        READER.read(RawInput("bin.rss", b"<rss>\x00\x00\x01</rss>"), Context())


def test_item_limit() -> None:
    ctx = Context(limits=Limits(max_items_per_input=1))
    out = read("rss_full.xml", ctx)
    assert [a.input for a in out.articles] == ["rss_full.xml#1"]
    assert out.links == []
    assert "only the first 1 of 6 entries were read" in out.warnings


def test_relative_links_resolve_against_the_feed_url() -> None:
    data = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>A</title><link>/news/a</link></item></channel></rss>"
    )
    out = READER.read(RawInput("f.rss", data, url="https://site.example/feed.xml"), Context())
    assert out.links == ["https://site.example/news/a"]


def test_sniff_and_registry_choice() -> None:
    registry = ReaderRegistry([html.READER, feed.READER])
    for name in ("rss_full.xml", "atom.xml", "latin1.rss", "malformed.xml"):
        raw = RawInput(name, (FIXTURES / name).read_bytes())
        assert READER.sniff(raw) >= 0.9
        assert html.READER.sniff(raw) == 0
        assert registry.choose(raw) is feed.READER
    rdf = (
        b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    )
    assert READER.sniff(RawInput("x", rdf)) >= 0.9
    styled = b'<?xml version="1.0"?><?xml-stylesheet href="s.xsl"?><!-- hi --><rss version="2.0">'
    assert READER.sniff(RawInput("x", styled)) >= 0.9
    assert READER.sniff(RawInput("x", b"<!DOCTYPE html><html><body>")) == 0
    assert READER.sniff(RawInput("x", b"Plain text that mentions <rss> feeds.")) == 0
    assert {".rss", ".atom", ".xml"} <= set(READER.suffixes)
    assert "application/rss+xml" in READER.media_types


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<rss>",
                "</rss>",
                "<channel>",
                "</channel>",
                "<item>",
                "</item>",
                "<title>",
                "</title>",
                "<link>",
                "</link>",
                "<description>",
                "</description>",
                "&amp;",
                "&lol;",
                "<!ENTITY a 'b'>",
                "<!DOCTYPE rss [",
                "]>",
                "<![CDATA[",
                "]]>",
                "text ",
                "https://x.example/a",
                "<pubDate>2025-02-30</pubDate>",
                "\u00e9",
            ]
        ),
        max_size=40,
    )
)
def test_any_feed_like_input_reads_or_fails_cleanly(parts: list[str]) -> None:
    data = ('<?xml version="1.0"?>' + "".join(parts)).encode()
    assert 0.0 <= READER.sniff(RawInput("f.rss", data)) <= 1.0
    try:
        out = READER.read(RawInput("f.rss", data), Context())
    except InputError:
        return
    for article in out.articles:
        assert article.paragraphs and all(p.strip() for p in article.paragraphs)
