"""Where quotations are: which words of a sentence lie inside quotation marks.

Two reports quoting the same words of a third party is expected in independent
reporting; the aligner needs to know whether the words two sentences share lie
inside quotes. Pure text functions; no model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corroborate.text import Sentence

__all__ = ["QuotedWord", "quote_mask", "quoted_words", "sentence_words"]

# The same word pattern as corroborate.text.words, kept here with offsets.
_WORD = re.compile(r"[0-9]+(?:[.,][0-9]+)*%?|[^\W\d_]+(?:['\u2019][^\W\d_]+)*", re.UNICODE)
_OPEN = {"\u201c", "\u00ab", "\u201e"}
_CLOSE = {"\u201d", "\u00bb"}


@dataclass(frozen=True, slots=True)
class QuotedWord:
    """A lower-cased word of a sentence and whether it lies inside quotation marks."""

    word: str
    quoted: bool


def quote_mask(paragraph: str) -> list[bool]:
    """Per character of a paragraph: True inside double quotation marks.

    Curly quotes open and close explicitly; straight ``"`` toggles. A quote left
    open runs to the end of the paragraph (news style for multi-paragraph quotes).
    """
    mask = [False] * len(paragraph)
    inside = False
    for i, ch in enumerate(paragraph):
        if ch in _OPEN:
            inside = True
        elif ch in _CLOSE:
            inside = False
        elif ch == '"':
            inside = not inside
        mask[i] = inside
    return mask


def sentence_words(text: str) -> list[tuple[str, int]]:
    """Lower-cased words of a text with their start offsets."""
    return [(m.group(0).lower().replace("\u2019", "'"), m.start()) for m in _WORD.finditer(text)]


def quoted_words(paragraphs: list[str], sentences: list[Sentence]) -> list[list[QuotedWord]]:
    """For each sentence of an article, its words flagged as quoted or not."""
    masks = [quote_mask(p) for p in paragraphs]
    starts = []
    offset = 0
    for p in paragraphs:
        starts.append(offset)
        offset += len(p) + 2
    out = []
    for s in sentences:
        mask = masks[s.paragraph]
        base = s.start - starts[s.paragraph]
        out.append(
            [QuotedWord(w, mask[base + off] if base + off < len(mask) else False)
             for w, off in sentence_words(s.text)]
        )  # fmt: skip
    return out
