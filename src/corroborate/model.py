"""The article record and what readers, cleaning and the archive say about it.

Records are plain dataclasses with a lossless JSON round trip (``to_dict`` /
``from_dict``), so every later step (stories, provenance, facts, actions, the web
reader) works on the same typed data whatever format an article arrived in.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from corroborate.text import normalize_for_matching

__all__ = [
    "Article",
    "Removal",
    "content_hash",
    "format_datetime",
    "parse_datetime",
]


@dataclass(frozen=True, slots=True)
class Removal:
    """One piece of text cleaning took out of an article, and why.

    ``rule`` is a stable machine name (``photo-caption``), ``reason`` a sentence
    for people, and ``paragraph`` the index the text had in the input's paragraphs.
    """

    text: str
    rule: str
    reason: str
    paragraph: int = -1

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "rule": self.rule,
            "reason": self.reason,
            "paragraph": self.paragraph,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Removal:
        return cls(
            text=str(data["text"]),
            rule=str(data["rule"]),
            reason=str(data["reason"]),
            paragraph=int(data.get("paragraph", -1)),
        )


def parse_datetime(value: str | None) -> datetime | None:
    """Parse an ISO 8601 string written by :func:`format_datetime`."""
    if value is None or value == "":
        return None
    return datetime.fromisoformat(value)


def format_datetime(value: datetime | None) -> str | None:
    """ISO 8601; naive datetimes stay naive (their zone is unknown, not UTC)."""
    return None if value is None else value.isoformat()


@dataclass(slots=True)
class Article:
    """One news article after reading and cleaning.

    ``paragraphs`` hold the display text (curly quotes and all); matching code
    should use :func:`corroborate.text.normalize_for_matching` on it. ``input``
    names where the article came from (a path, a URL, ``-``, with ``#N`` for the
    N-th item of a feed or JSON Lines file) and ``format`` which reader read it.
    ``id`` is the caller's id when the input had one, else the content hash of
    the first version seen.
    """

    title: str
    paragraphs: list[str]
    id: str = ""
    source: str | None = None
    url: str | None = None
    dek: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    language: str | None = None
    input: str = ""
    format: str = ""
    removed: list[Removal] = field(default_factory=list)
    wire: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    warnings: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    version: int = 1

    @property
    def body(self) -> str:
        """The body as one string, paragraphs separated by a blank line."""
        return "\n\n".join(self.paragraphs)

    @property
    def outlet(self) -> str:
        """The outlet to show: the known source, else the input's name."""
        if self.source:
            return self.source
        name = self.input.rsplit("/", 1)[-1]
        return name or "unknown outlet"

    @property
    def content_hash(self) -> str:
        return content_hash(self.title, self.paragraphs)

    def to_dict(self, known_hash: str | None = None) -> dict[str, Any]:
        """A JSON-ready dict; ``known_hash``: its :attr:`content_hash`, when the caller
        has it (computing it normalises every paragraph)."""
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "published_at":
                value = format_datetime(value)
            elif f.name == "removed":
                value = [r.to_dict() for r in value]
            elif isinstance(value, list):
                value = list(value)
            elif isinstance(value, dict):
                value = dict(value)
            data[f.name] = value
        data["content_hash"] = known_hash or self.content_hash
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        known = {f.name for f in fields(cls)}
        kwargs: dict[str, Any] = {k: v for k, v in data.items() if k in known}
        kwargs["published_at"] = parse_datetime(data.get("published_at"))
        kwargs["removed"] = [Removal.from_dict(r) for r in data.get("removed", [])]
        return cls(**kwargs)


def content_hash(title: str, paragraphs: list[str]) -> str:
    """A stable 16-hex-digit hash of the article's text as it reads for matching.

    Typographic differences (curly vs straight quotes, spacing) do not change it,
    so the same article scraped twice hashes the same.
    """
    h = hashlib.sha256()
    h.update(normalize_for_matching(title).encode("utf-8"))
    for paragraph in paragraphs:
        h.update(b"\x1e")
        h.update(normalize_for_matching(paragraph).encode("utf-8"))
    return h.hexdigest()[:16]
