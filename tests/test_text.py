import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corroborate.text import (
    _QUOTE_MAP,
    article_sentences,
    decode_bytes,
    fix_text,
    normalize_for_matching,
    split_paragraphs,
    split_sentences,
    words,
)


def test_decode_utf8_and_bom() -> None:
    assert decode_bytes("café".encode()).text == "café"
    assert decode_bytes(b"\xef\xbb\xbfhello").text == "hello"


def test_decode_invalid_utf8_detects_and_warns() -> None:
    data = "Le café était très bon, très chaud et très fort.".encode("cp1252")
    decoded = decode_bytes(data)
    assert "caf" in decoded.text
    assert decoded.warning is not None and "invalid UTF-8" in decoded.warning


def test_decode_binary_is_refused() -> None:
    with pytest.raises(ValueError, match="binary"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_fix_text_repairs_mojibake_keeps_curly_quotes() -> None:
    assert fix_text("The Prime Ministerâ€™s Office") == "The Prime Minister’s Office"
    assert fix_text("“quoted”") == "“quoted”"
    assert fix_text("evil\u202etxt.exe") == "eviltxt.exe"


def test_normalize_for_matching() -> None:
    assert normalize_for_matching("“Hi” –  there\u00a0now") == '"Hi" - there now'


def test_split_paragraphs_blank_lines_and_single_lines() -> None:
    assert split_paragraphs("a\n\nb\n\n\nc") == ["a", "b", "c"]
    assert split_paragraphs("line one\nline two\r\nline three") == [
        "line one",
        "line two",
        "line three",
    ]


def test_sentences_handle_abbreviations_quotes_and_decimals() -> None:
    text = 'Mr. Trump met U.S. officials. He said "we agree." The rate was 4.1 percent. Done!'
    spans = [text[s:e] for s, e in split_sentences(text)]
    assert spans == [
        "Mr. Trump met U.S. officials.",
        'He said "we agree."',
        "The rate was 4.1 percent.",
        "Done!",
    ]


def test_sentence_offsets_point_into_body() -> None:
    paragraphs = ["First one. Second one.", "Third one here."]
    body = "\n\n".join(paragraphs)
    sentences = article_sentences(paragraphs)
    assert [s.text for s in sentences] == ["First one.", "Second one.", "Third one here."]
    assert all(body[s.start : s.end] == s.text for s in sentences)
    assert [s.paragraph for s in sentences] == [0, 0, 1]


def test_words_fold_apostrophes() -> None:
    assert words("Canada’s 51st state, 67%") == ["canada's", "51", "st", "state", "67%"]


_SPACES = list(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u2029\u3000")


def _fold_with_the_regex(text: str) -> str:
    """normalize_for_matching as first written (quotes folded, then a regex)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_QUOTE_MAP)
    return re.sub(r"\s+", " ", text).strip()


@given(st.text(alphabet=st.sampled_from([*_SPACES, "a", "\u2019"]) | st.characters()))
def test_normalize_collapses_whitespace_as_the_regex_would(text: str) -> None:
    """Every kind of Unicode whitespace, in runs and at the ends."""
    assert normalize_for_matching(text) == _fold_with_the_regex(text)
