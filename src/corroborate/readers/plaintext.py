"""Plain text: first line the headline, an optional dek on the second line.

Which lines are headline and dek is decided after cleaning (cruft such as a
photo caption can stand before the headline), so this reader only splits the
text into paragraphs and marks the header block; :mod:`corroborate.cleaning`
chooses the title.
"""

from __future__ import annotations

import re

from corroborate.config import Context
from corroborate.model import Article
from corroborate.readers.base import RawInput, Reader, ReaderOutput
from corroborate.readers.common import decode_input
from corroborate.text import split_paragraphs

__all__ = ["HEADER_BLOCK_META", "READER"]

HEADER_BLOCK_META = "header_lines"


def sniff(raw: RawInput) -> float:
    return 0.1 if raw.data.strip() else 0.0


def read(raw: RawInput, ctx: Context) -> ReaderOutput:
    decoded = decode_input(raw)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    first_block = re.split(r"\n\s*\n", text, maxsplit=1)[0]
    header_lines = [line for line in first_block.split("\n") if line.strip()]
    paragraphs = split_paragraphs(text)
    article = Article(
        title="",
        paragraphs=paragraphs,
        input=raw.name,
        format="text",
        url=raw.url,
        warnings=[decoded.warning] if decoded.warning else [],
        # Lines of the first block, when the text has blank-line paragraphs: a
        # headline-and-dek header is only trusted when it stands apart.
        meta={HEADER_BLOCK_META: str(len(header_lines) if "\n\n" in text else 1)},
    )
    return ReaderOutput(articles=[article])


READER = Reader(
    name="text",
    description="plain text: headline on the first line, optional dek on the second",
    suffixes=(".txt", ".text"),
    media_types=("text/plain",),
    sniff=sniff,
    read=read,
)
