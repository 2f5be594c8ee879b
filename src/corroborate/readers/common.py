"""Helpers shared by several readers: decoding with reported warnings, dates, names."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from corroborate.errors import InputError
from corroborate.readers.base import RawInput
from corroborate.text import DecodedText, decode_bytes

__all__ = ["clean_str", "coerce_authors", "coerce_datetime", "coerce_tags", "decode_input"]


def decode_input(raw: RawInput) -> DecodedText:
    """Decode a raw input to text, turning "not text" into an :class:`InputError`."""
    if not raw.data.strip():
        raise InputError(raw.name, "empty input (no text)")
    try:
        decoded = decode_bytes(raw.data, raw.charset)
    except ValueError as exc:
        raise InputError(raw.name, str(exc)) from None
    if not decoded.text.strip():
        raise InputError(raw.name, "empty input (only whitespace)")
    return decoded


_ISO_NAIVE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")


def coerce_datetime(value: Any, warnings: list[str], what: str = "date") -> datetime | None:
    """A datetime from the many shapes inputs give (ISO strings, dates, RFC 822 via callers).

    An unparseable or impossible value ("2025-02-30") gives ``None`` and a warning,
    never an exception: the article is still worth keeping.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    text = str(value).strip()
    try:
        if _ISO_NAIVE.match(text):
            return datetime.fromisoformat(text.replace(" ", "T", 1))
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed
    except ValueError:
        pass
    try:
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    warnings.append(f"invalid {what} {text[:60]!r} ignored")
    return None


def coerce_authors(value: Any) -> list[str]:
    """Authors from a string ("A, B and C"), a list of strings, or a list of mappings."""
    if value is None or value == "":
        return []
    items: list[Any] = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name") or item.get("display_name") or ""
        text = clean_str(item)
        if not text:
            continue
        parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", text) if isinstance(value, str) else [text]
        out.extend(p for p in (p.strip() for p in parts) if p)
    return list(dict.fromkeys(out))


def coerce_tags(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else re.split(r"\s*,\s*", str(value))
    return [t for t in (clean_str(i) for i in items) if t]


def clean_str(value: Any) -> str:
    """A one-line string from any scalar; ``None`` becomes empty."""
    if value is None:
        return ""
    return re.sub(r"\s+", " ", str(value)).strip()
