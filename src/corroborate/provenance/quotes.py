"""Where quotations are: which words of a sentence lie inside quotation marks.

Two reports quoting the same words of a third party is expected in independent
reporting; the aligner needs to know whether the words two sentences share lie
inside quotes. Pure text functions; no model.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from corroborate.text import Sentence

__all__ = ["QuotedSentence", "quote_spans", "quoted_sentences", "sentence_words"]

# The same word pattern as corroborate.text.words, kept here with offsets.
_WORD = re.compile(r"[0-9]+(?:[.,][0-9]+)*%?|[^\W\d_]+(?:['\u2019][^\W\d_]+)*", re.UNICODE)
_QUOTE_CHARS = re.compile('[\u201c\u00ab\u201e\u201d\u00bb"]')
_OPEN = {"\u201c", "\u00ab", "\u201e"}


@dataclass(frozen=True, slots=True)
class QuotedSentence:
    """A sentence's lower-cased words and, for each, whether it lies inside quotes."""

    words: tuple[str, ...]
    quoted: tuple[bool, ...]

    def inside(self) -> list[str]:
        return [w for w, q in zip(self.words, self.quoted, strict=True) if q]

    def outside(self) -> list[str]:
        return [w for w, q in zip(self.words, self.quoted, strict=True) if not q]


def quote_spans(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) character spans of a paragraph that lie inside double quotes.

    Curly quotes open and close explicitly; straight ``"`` toggles. A quote left
    open runs to the end of the paragraph (news style for multi-paragraph quotes).
    """
    spans = []
    start: int | None = None
    for m in _QUOTE_CHARS.finditer(paragraph):
        ch = m.group(0)
        opening = ch in _OPEN or (ch == '"' and start is None)
        if opening:
            if start is None:
                start = m.start()
        elif start is not None:
            spans.append((start, m.end()))
            start = None
    if start is not None:
        spans.append((start, len(paragraph)))
    return spans


def sentence_words(text: str) -> list[tuple[str, int]]:
    """Lower-cased words of a text with their start offsets."""
    return [(m.group(0).lower().replace("\u2019", "'"), m.start()) for m in _WORD.finditer(text)]


def _inside(spans: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    k = bisect_right(starts, pos) - 1
    return k >= 0 and pos < spans[k][1]


def quoted_sentences(paragraphs: list[str], sentences: list[Sentence]) -> list[QuotedSentence]:
    """For each sentence of an article, its words flagged as quoted or not."""
    spans = [quote_spans(p) for p in paragraphs]
    span_starts = [[s for s, _ in sp] for sp in spans]
    para_start = []
    offset = 0
    for p in paragraphs:
        para_start.append(offset)
        offset += len(p) + 2
    out = []
    for s in sentences:
        base = s.start - para_start[s.paragraph]
        sp, st = spans[s.paragraph], span_starts[s.paragraph]
        pairs = sentence_words(s.text)
        out.append(
            QuotedSentence(
                tuple(w for w, _ in pairs),
                tuple(bool(sp) and _inside(sp, st, base + off) for _, off in pairs),
            )
        )
    return out
