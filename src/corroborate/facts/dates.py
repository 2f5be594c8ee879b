"""Resolve date expressions against the publication date ("Tuesday" → 2025-04-29).

Pure functions: news writes weekdays for the last seven days, "yesterday" and
"today" relative to publication, and month-day dates without the year.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from corroborate.facts.lexicon import MONTHS, WEEKDAYS

__all__ = ["resolve_date"]

_MONTH_DAY = re.compile(
    r"\b(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{4}))?\b"
)
_DAY_MONTH = re.compile(
    r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[A-Za-z]{3,9})\.?(?:,?\s+(?P<year>\d{4}))?\b"
)
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def resolve_date(text: str, published: date | None) -> date | None:
    """The calendar date ``text`` names, or None when it names none or needs a reference.

    Weekdays resolve to the latest such day on or before publication ("next
    Tuesday" to the one after); month-day dates take the publication year.
    """
    low = text.lower()
    match = _ISO.search(text)
    if match:
        return _safe(int(match["year"]), int(match["month"]), int(match["day"]))
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        match = pattern.search(text)
        if match and match["month"].lower().rstrip(".") in MONTHS:
            year = int(match["year"]) if match["year"] else (published.year if published else 0)
            if not year:
                return None
            return _safe(year, MONTHS[match["month"].lower().rstrip(".")], int(match["day"]))
    if published is None:
        return None
    if re.search(r"\b(today|tonight|this (morning|afternoon|evening))\b", low):
        return published
    if "yesterday" in low:
        return published - timedelta(days=1)
    if "tomorrow" in low:
        return published + timedelta(days=1)
    for name, weekday in WEEKDAYS.items():
        if re.search(rf"\b{name}\b", low):
            if re.search(rf"\bnext {name}\b", low):
                ahead = (weekday - published.weekday()) % 7 or 7
                return published + timedelta(days=ahead)
            back = (published.weekday() - weekday) % 7
            if re.search(rf"\blast {name}\b", low) and back == 0:
                back = 7
            return published - timedelta(days=back)
    return None
