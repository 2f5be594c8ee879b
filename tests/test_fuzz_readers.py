"""Property-based tests (Hypothesis) for every reader, the text functions and ``prepare``.

The contract under test: for *any* bytes, a reader returns a ``ReaderOutput`` or
raises ``InputError`` (never another exception), the registry picks a reader or
raises ``InputError``, and ``prepare`` returns articles and ``InputError`` s
without raising. Each example has a deadline, so a slow path fails the test
instead of passing quietly; a true hang is stopped by the per-test timeout.

Runs are derandomized so CI is repeatable; ``CORROBORATE_FUZZ_EXAMPLES`` raises
the number of examples for a longer local run (the coverage-guided fuzzer is
``benchmarks/fuzz_readers.py``).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from corroborate.archive import Archive
from corroborate.config import Context, Limits
from corroborate.errors import InputError
from corroborate.model import Article
from corroborate.pipeline import IngestOptions, Prepared, prepare
from corroborate.readers import RawInput, ReaderOutput, default_registry
from corroborate.text import (
    DecodedText,
    article_sentences,
    decode_bytes,
    fix_text,
    normalize_for_matching,
    split_sentences,
)


def _load_nasties() -> ModuleType:
    name = "corroborate_hostile_nasties"
    if name in sys.modules:
        return sys.modules[name]
    path = Path(__file__).resolve().parent / "fixtures" / "hostile" / "nasties.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


N = _load_nasties()
EXAMPLES = int(os.environ.get("CORROBORATE_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=3),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TEXT_FUZZ = settings(FUZZ, max_examples=EXAMPLES * 2)
READER_NAMES = default_registry().names()
CTX = Context(limits=Limits(max_items_per_input=50))
BIDI = set(N.BIDI_CONTROLS)

# Pieces of every format, so random concatenations reach past the first checks.
FRAGMENTS = [
    "---\n", "+++\n", "title: ", "date: ", "author: ", "2025-02-30", "2025-04-29T10:00:00Z",
    "Tue, 29 Apr 2025 10:00:00 GMT", "{", "}", "[", "]", ",", ":", '"title": "T"', '"text": "',
    '"html": "<p>x</p>"', '"published_at": ', '"id": 1', "\\u202e", "\\ud800", "null", "true",
    "<!doctype html>", "<html>", "<head>", "<title>", "</title>", "<body>", "<p>", "</p>",
    "<div>", "</div>", "<script>", "</script>", "<br>", "<article>", "<meta charset=latin-1>",
    '<?xml version="1.0" encoding="utf-8"?>', "<rss version='2.0'>", "<channel>", "<item>",
    "</item>", "<description>", "</description>", "<![CDATA[", "]]>", "<feed>", "<entry>",
    "<content:encoded>", "&amp;", "&lt;", "&#x202e;", "&nbsp;", "<!--", "-->", "\n", "\n\n",
    "\r\n", "\t", " ", "Mr. ", "U.S. ", "Dr. ", "e.g. ", "3.5 ", '"', "\u201c", "\u201d", "'",
    ". ", "? ", "! ", "...", "\u2026", "\u202e", "\u2066", "\u00a0", "\u2028", "\ufeff",
    "Open this photo in gallery:", "Share this article", "With files from Reuters",
    "Headline words here - The Outlet", "#", "## ", "* ", "1. ", "[link](http://x)",
    "![img](a.png)", "{{ x }}", "{% y %}", "<a href='x'>", "**bold**", "\u00e9", "\u00c3\u00a9",
    "\U0001f600", "\x0c", "\x1b",
]  # fmt: skip
_text_piece = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(st.characters(codec="utf-8"), max_size=40),
)
structured = st.lists(_text_piece, max_size=60).map(lambda parts: "".join(parts).encode())
raw_bytes = st.binary(max_size=3000)
any_input = st.one_of(
    structured, raw_bytes, structured.map(lambda b: b.decode().encode("latin-1", "replace"))
)
names = st.sampled_from(
    ["in.txt", "in.md", "in.json", "in.jsonl", "in.html", "in.xml", "in.rss", "in", "in.txt.gz"]
)
SEEDS = N.seed_corpus()


def _small_seeds() -> list[tuple[str, bytes]]:
    return [(name, data) for name, data in sorted(SEEDS.items()) if len(data) < 20_000]


def _check_output(output: ReaderOutput) -> None:
    assert isinstance(output, ReaderOutput)
    for article in output.articles:
        assert isinstance(article, Article)
        assert all(isinstance(p, str) for p in article.paragraphs)
    assert all(isinstance(e, InputError) and e.reason for e in output.errors)
    assert all(isinstance(link, str) for link in output.links)


# --- readers -------------------------------------------------------------------------


@pytest.mark.timeout(300)
@pytest.mark.parametrize("reader_name", READER_NAMES)
@FUZZ
@given(name=names, data=any_input)
def test_reader_returns_output_or_input_error(reader_name: str, name: str, data: bytes) -> None:
    reader = default_registry().get(reader_name)
    try:
        output = reader.read(RawInput(name, data), CTX)
    except InputError as exc:
        assert exc.reason
        return
    _check_output(output)


@pytest.mark.parametrize("reader_name", READER_NAMES)
@pytest.mark.parametrize(("name", "data"), _small_seeds(), ids=[n for n, _ in _small_seeds()])
def test_reader_on_seed_corpus(reader_name: str, name: str, data: bytes) -> None:
    """Every reader forced onto every seed (hostile ones included) gives output or an error."""
    reader = default_registry().get(reader_name)
    try:
        output = reader.read(RawInput(name, data), CTX)
    except InputError as exc:
        assert exc.reason
        return
    _check_output(output)


@TEXT_FUZZ
@given(name=names, data=any_input, media=st.sampled_from([None, "text/html", "application/json"]))
def test_registry_chooses_a_reader_or_says_why_not(
    name: str, data: bytes, media: str | None
) -> None:
    registry = default_registry()
    try:
        reader = registry.choose(RawInput(name, data, media_type=media))
    except InputError as exc:
        assert "no reader" in exc.reason
        return
    assert reader.name in registry.names()


@pytest.mark.timeout(300)
@FUZZ
@given(name=names, data=any_input)
def test_prepare_gives_articles_or_input_errors(name: str, data: bytes) -> None:
    prepared = prepare(RawInput(name, data), CTX, default_registry(), IngestOptions())
    assert isinstance(prepared, Prepared)
    assert prepared.articles or prepared.errors or prepared.links
    for article in prepared.articles:
        assert article.title and article.paragraphs
        assert all(p.strip() for p in article.paragraphs)
        assert not BIDI & set(article.title + article.body + (article.dek or ""))
    for error in prepared.errors:
        assert isinstance(error, InputError) and error.reason


# --- text functions ------------------------------------------------------------------


@TEXT_FUZZ
@given(data=any_input, declared=st.sampled_from([None, "latin-1", "cp1252", "utf-16", "bogus"]))
@example(data="caf\u00e9".encode("latin-1"), declared=None)
@example(data=b"\xef\xbb\xbfBOM text", declared=None)
def test_decode_bytes_gives_text_or_value_error(data: bytes, declared: str | None) -> None:
    try:
        decoded = decode_bytes(data, declared)
    except ValueError as exc:
        assert str(exc)
        return
    assert isinstance(decoded, DecodedText) and isinstance(decoded.text, str)
    try:
        expected = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        # Decoding by the declared charset needs no warning; guessing does.
        assert decoded.warning or decoded.encoding == (declared or "").lower(), decoded
    else:
        assert decoded.text == expected and decoded.warning is None


_sentence_text = st.lists(_text_piece, max_size=40).map("".join)


@TEXT_FUZZ
@given(text=_sentence_text)
@example(text="Mr. Smith went to Washington. He said \u201cno.\u201d Then 3.5 U.S. dollars.")
def test_split_sentences_spans_cover_every_non_space_character(text: str) -> None:
    spans = split_sentences(text)
    covered = [False] * len(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        for i in range(start, end):
            covered[i] = True
        previous_end = end
    for i, char in enumerate(text):
        assert covered[i] or char.isspace(), (i, char, spans)


@TEXT_FUZZ
@given(paragraphs=st.lists(_sentence_text.filter(lambda t: "\n" not in t), max_size=6))
def test_article_sentences_offsets_point_into_the_body(paragraphs: list[str]) -> None:
    body = "\n\n".join(paragraphs)
    sentences = article_sentences(paragraphs)
    for n, sentence in enumerate(sentences):
        assert sentence.index == n
        assert body[sentence.start : sentence.end] == sentence.text
        assert sentence.text in paragraphs[sentence.paragraph]
    non_space = sum(1 for p in paragraphs for c in p if not c.isspace())
    assert sum(1 for s in sentences for c in s.text if not c.isspace()) == non_space


@TEXT_FUZZ
@given(text=st.one_of(_sentence_text, st.text(st.characters(codec="utf-8"))))
def test_normalize_for_matching_is_idempotent(text: str) -> None:
    once = normalize_for_matching(text)
    assert normalize_for_matching(once) == once
    assert once == once.strip() and "  " not in once


@TEXT_FUZZ
@given(text=_sentence_text)
def test_fix_text_drops_bidi_controls(text: str) -> None:
    assert not BIDI & set(fix_text(text))


# --- the archive with arbitrary text -------------------------------------------------

_field = st.text(st.characters(codec="utf-8"), min_size=1, max_size=80)


@pytest.fixture(scope="module")
def fuzz_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    with Archive(tmp_path_factory.mktemp("fuzz") / "fuzz.db") as archive:
        yield archive


@FUZZ
@given(
    title=_field,
    paragraphs=st.lists(_field, min_size=1, max_size=5),
    source=st.none() | _field,
    query=st.text(max_size=40),
)
def test_archive_round_trips_any_text_and_search_never_fails(
    fuzz_archive: Archive,
    title: str,
    paragraphs: list[str],
    source: str | None,
    query: str,
) -> None:
    article = Article(title=title, paragraphs=paragraphs, source=source, authors=[title[:10]])
    result = fuzz_archive.add(article)
    stored = fuzz_archive.get(result.article_id)
    if result.status == "duplicate":  # same text up to spacing and quotes as an earlier one
        assert stored.content_hash == article.content_hash
    else:
        assert (stored.title, stored.paragraphs, stored.source) == (title, paragraphs, source)
    assert fuzz_archive.conn.execute(
        "SELECT body FROM articles WHERE id=?", (result.article_id,)
    ).fetchone()[0] == "\n\n".join(paragraphs)
    assert isinstance(fuzz_archive.search(query), list)
    assert isinstance(fuzz_archive.search(title), list)
