import json

import pytest

from corroborate.cleaning import clean_article
from corroborate.config import Context
from corroborate.errors import InputError
from corroborate.readers.base import RawInput
from corroborate.readers.jsonlines import READER as JSON_READER
from corroborate.readers.plaintext import READER as TEXT_READER


def _text(data: str) -> object:
    [article] = TEXT_READER.read(RawInput("a.txt", data.encode()), Context()).articles
    return clean_article(article)


def test_headline_and_dek_from_header_block() -> None:
    article = _text(
        "Harbour bridge reopens\nRepairs finished two weeks early, city says\n\n"
        "The harbour bridge reopened on Friday.\n\nTraffic was light."
    )
    assert article.title == "Harbour bridge reopens"
    assert article.dek == "Repairs finished two weeks early, city says"
    assert article.paragraphs == ["The harbour bridge reopened on Friday.", "Traffic was light."]


def test_headline_without_dek_when_second_line_is_body() -> None:
    article = _text(
        "Harbour bridge reopens\n\nThe bridge reopened on Friday after repairs.\n\nMore."
    )
    assert article.title == "Harbour bridge reopens"
    assert article.dek is None
    assert article.paragraphs[0].startswith("The bridge reopened")


def test_invalid_utf8_text_is_decoded_with_warning() -> None:
    data = "Caf\u00e9 owners protest\n\nThe caf\u00e9 owners of the old town protested on Friday.".encode(
        "cp1252"
    )
    [article] = TEXT_READER.read(RawInput("c.txt", data), Context()).articles
    assert any("invalid UTF-8" in w for w in article.warnings)
    assert "caf" in article.paragraphs[-1].lower()


def test_empty_and_binary_text_are_errors() -> None:
    with pytest.raises(InputError, match="empty"):
        TEXT_READER.read(RawInput("e.txt", b"  \n\n"), Context())
    with pytest.raises(InputError, match="binary"):
        TEXT_READER.read(RawInput("b.bin", b"\x00\x01\x02abc"), Context())


def test_json_lines_ids_fields_and_bad_line() -> None:
    lines = [
        {
            "id": "x-1",
            "title": "One",
            "text": "Para one.\n\nPara two.",
            "source": "Wire",
            "published_at": "2026-01-01T10:00:00Z",
            "author": "A",
        },
        {
            "title": "Two",
            "maintext": "News-please body.",
            "source_domain": "example.org",
            "date_publish": "2026-01-02 09:00:00",
            "authors": ["B", "C"],
        },
    ]
    data = "\n".join(json.dumps(x) for x in lines) + "\n{not json\n"
    output = JSON_READER.read(RawInput("feed.jsonl", data.encode()), Context())
    first, second = output.articles
    assert first.id == "x-1" and first.paragraphs == ["Para one.", "Para two."]
    assert first.published_at is not None and first.published_at.utcoffset() is not None
    assert first.input == "feed.jsonl#1"
    assert second.source == "example.org" and second.authors == ["B", "C"]
    assert second.published_at is not None and second.published_at.tzinfo is None
    [error] = output.errors
    assert error.source == "feed.jsonl#3" and "invalid JSON" in error.reason


def test_json_array_and_object_without_text() -> None:
    data = json.dumps([{"title": "A", "text": "Body."}, {"title": "B"}]).encode()
    output = JSON_READER.read(RawInput("a.json", data), Context())
    assert len(output.articles) == 1
    assert "no article text" in output.errors[0].reason
