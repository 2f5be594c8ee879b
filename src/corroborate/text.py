"""Pure text functions shared by every step: decoding, normalising, sentences, words.

Nothing here does I/O or keeps state, so each function can be tested and fuzzed
on its own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import ftfy
from charset_normalizer import from_bytes

__all__ = [
    "STOPWORDS",
    "DecodedText",
    "Sentence",
    "article_sentences",
    "content_words",
    "decode_bytes",
    "fix_text",
    "normalize_for_matching",
    "split_paragraphs",
    "split_sentences",
    "words",
]


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Text decoded from bytes, with the encoding used and any warning to report."""

    text: str
    encoding: str
    warning: str | None = None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def looks_binary(data: bytes) -> bool:
    """True for data no text reader should try: NUL bytes or many control bytes."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    if not sample:
        return False
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls / len(sample) > 0.05


_STRAY = re.compile("[\udc80-\udcff]+")


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """(text, stray byte count) for UTF-8 with a few stray legacy bytes, else None.

    Files pasted together from UTF-8 and Windows-1252/Latin-1 pieces are common;
    detection picks one legacy charset for the whole file and garbles the UTF-8
    part, so here only the stray bytes are decoded as Windows-1252. It needs real
    evidence of UTF-8: two or more multi-byte characters, at least a third as
    many as there are stray bytes.
    """
    text = data.decode("utf-8", errors="surrogateescape")
    stray = sum(m.end() - m.start() for m in _STRAY.finditer(text))
    multibyte = len(text) - len(text.encode("ascii", errors="ignore")) - stray
    if multibyte < 2 or multibyte * 3 < stray:
        return None

    def legacy(match: re.Match[str]) -> str:
        raw = match.group().encode("utf-8", errors="surrogateescape")
        return raw.decode("cp1252", errors="replace")

    return _STRAY.sub(legacy, text), stray


def decode_bytes(data: bytes, declared: str | None = None) -> DecodedText:
    """Decode text: UTF-8 (with or without BOM), the declared charset, else detection.

    Raises ``ValueError`` with a reason when the bytes are not text at all.
    A non-UTF-8 input that decodes by detection carries a ``warning`` that the
    caller reports, so a mis-detected encoding is never silent.
    """
    if looks_binary(data):
        raise ValueError("binary data (NUL or control bytes), not text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if declared:
        try:
            return DecodedText(data.decode(declared), declared.lower())
        except (UnicodeDecodeError, LookupError):
            pass
    mixed = _mostly_utf8(data)
    if mixed is not None:
        text, stray = mixed
        return DecodedText(
            text,
            "utf-8",
            warning=(
                f"invalid UTF-8 at byte {utf8_error.start}; {stray} stray byte(s) decoded "
                "as Windows-1252 (mixed encodings)"
            ),
        )
    best = from_bytes(data).best()
    if best is None:
        raise ValueError(
            f"not valid UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) "
            "and no other text encoding fits"
        )
    encoding = best.encoding
    text = str(best)
    return DecodedText(
        text,
        encoding,
        warning=(f"invalid UTF-8 at byte {utf8_error.start}; decoded as {encoding} by detection"),
    )


def fix_text(text: str) -> str:
    """Repair mojibake and odd characters for display; keeps curly quotes and dashes."""
    if text.isascii() and not _CONTROL.search(text):
        return text  # nothing ftfy could change: skip its (slow) analysis
    fixed = ftfy.fix_text(
        text,
        uncurl_quotes=False,
        fix_latin_ligatures=True,
        fix_character_width=False,
        normalization="NFC",
    )
    # Bidirectional overrides can make displayed text lie about its content.
    return _BIDI_CONTROLS.sub("", fixed)


_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")

_QUOTE_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2026": "...",
    }
)


def normalize_for_matching(text: str) -> str:
    """Fold what should not count as a difference: quotes, dashes, spacing, width."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_QUOTE_MAP)
    # Runs of whitespace to one space, ends trimmed (as re.sub(r"\s+", " ") then strip(),
    # for every code point, about five times faster: this runs on every paragraph).
    return " ".join(text.split())


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines; single newlines inside one are kept as lines.

    Text where every paragraph sits on its own line with no blank lines between
    (common in scraped plain text) is split on single newlines instead.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text)]
    blocks = [b for b in blocks if b]
    out: list[str] = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        out.extend(lines)
    return out


_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sen",
    "rep",
    "gov",
    "gen",
    "col",
    "lt",
    "sgt",
    "st",
    "jr",
    "sr",
    "inc",
    "corp",
    "ltd",
    "co",
    "vs",
    "etc",
    "no",
    "mt",
    "ft",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "mich",
    "calif",
    "fla",
    "ont",
    "que",
    "u.s",
    "u.k",
    "u.n",
    "e.g",
    "i.e",
    "a.m",
    "p.m",
    "d.c",
    "approx",
    "dept",
    "est",
    "fig",
    "gov't",
    "pres",
}
# A candidate boundary: terminal punctuation, optional closing quotes/brackets,
# whitespace, then something that can start a sentence.
_BOUNDARY = re.compile(r"([.!?]+)([\"'\u201d\u2019)\]]*)(\s+)(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence with its place: paragraph index and character offsets.

    ``start``/``end`` index into the article's ``body`` (paragraphs joined by a
    blank line), so a citation (article id, start, end) points at real text.
    """

    index: int
    paragraph: int
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in one paragraph, rule-based and fast.

    Handles abbreviations (Mr., U.S.), initials, decimals and closing quotes;
    it never drops text: the spans cover every non-space character.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end(2)
        # Only the word before the stop matters; looking at a bounded window keeps
        # a long run of abbreviations ("Mr. A Mr. B ...") linear, not quadratic.
        before = text[max(start, match.start(1) - 64) : match.start(1)]
        last_word = before.rsplit(None, 1)[-1] if before.split() else ""
        token = last_word.lstrip("\"'\u201c\u2018(").lower()
        if match.group(1) == "." and (
            token in _ABBREVIATIONS
            or (len(token) == 1 and token.isalpha())
            or re.fullmatch(r"(?:[a-z]\.)+[a-z]", token) is not None
        ):
            continue
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = match.end(3)
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def article_sentences(paragraphs: list[str]) -> list[Sentence]:
    """Every sentence of an article body with offsets into ``"\\n\\n".join(paragraphs)``."""
    out: list[Sentence] = []
    offset = 0
    for p_index, paragraph in enumerate(paragraphs):
        for start, end in split_sentences(paragraph):
            out.append(
                Sentence(len(out), p_index, offset + start, offset + end, paragraph[start:end])
            )
        offset += len(paragraph) + 2
    return out


_WORD = re.compile(r"[0-9]+(?:[.,][0-9]+)*%?|[^\W\d_]+(?:['\u2019][^\W\d_]+)*", re.UNICODE)


def words(text: str) -> list[str]:
    """Lower-cased word and number tokens, apostrophes folded."""
    return [w.lower().replace("\u2019", "'") for w in _WORD.findall(text)]


STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "said",
        "says",
        "say",
        "told",
        "would",
        "could",
        "may",
        "might",
        "must",
        "shall",
        "s",
        "t",
        "'s",
    ]
)


def content_words(text: str) -> list[str]:
    """Words without stopwords: the tokens that carry meaning for matching."""
    return [w for w in words(text) if w not in STOPWORDS]
