"""Shorten a sentence for a summary by cutting parts that carry no new content.

Trimming never rewrites words: it keeps spans of the original sentence, so a
shown sentence can be traced back character by character. Two levels:

- ``trim``: a wire dateline ("PINE RIDGE, S.D. (AP) --") at the start of an
  article and a leading connective ("But", "However,") that refers to a
  sentence the summary does not show;
- ``compress``: also attributions (", officials said", "According to X,"),
  short parentheticals and a leading weekday ("On Monday,"). Off by default:
  who said something matters when corroborating, and the citation keeps the
  whole sentence for the reader either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["TrimOptions", "render", "trim_spans"]

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class TrimOptions:
    trim: bool = True
    compress: bool = False


# "PINE RIDGE, S.D. (AP) _ ", "MADRID, February 17 (Xinhua) -- ", "WASHINGTON -- ".
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Za-z.'\-]*(?:[ ,]+[A-Za-z0-9.'\-]+){0,5}\s*\([A-Za-z .&\-]{2,25}\)"
    r"|[A-Z][A-Z.'\-]+(?:[ ,]+[A-Z][A-Za-z.'\-]*){0,3})"
    r"\s*(?:--|_|\u2014|\u2013|-|:)\s+(?=\S)"
)
_CONNECTIVE = re.compile(
    r"^(?:But|And|Also|However|Meanwhile|Moreover|Furthermore|In addition|"
    r"Still|Yet|So|Besides|Indeed|Nevertheless|Nonetheless|Instead|Thus|Therefore)"
    r"(?:,\s*|\s+)(?=[A-Za-z0-9\"'\u201c`])"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_LEADING_DAY = re.compile(rf"^(?:On |Late |Early )?{_WEEKDAY}(?: night| morning| afternoon)?,\s+")
_LEADING_ACCORDING = re.compile(r"^According to [^,;\"]{3,60},\s+")
_SPEAKER = r"(?:he|she|they|it|we|I|[A-Z]?[\w.'\-]+(?:\s+[\w.'\-]+){0,5})"
_APPOSITIVE = r"(?:,\s+(?:a|an|the)\s[^,;\"]{2,60})?"
_VERB = r"(?:said|says|added|reported|noted|stated|explained|told [\w\s]{2,30}?)"
_DAY_TAIL = (
    rf"(?:\s+(?:on\s+)?{_WEEKDAY}|\s+(?:last|this) (?:week|month|year)|\s+today|\s+yesterday)?"
)
_TRAILING_ATTRIBUTION = re.compile(
    rf",\s*(?:{_SPEAKER}{_APPOSITIVE},?\s+{_VERB}|{_VERB}\s+{_SPEAKER}{_APPOSITIVE}|according to [^,;\"]{{3,60}}){_DAY_TAIL}"
    r"\s*(?=[.!]?[\"'\u201d]?$)"
)
_INNER_ATTRIBUTION = re.compile(
    rf",\s*(?:{_SPEAKER}\s+{_VERB}|{_VERB}\s+{_SPEAKER}){_DAY_TAIL},\s+"
)
_PARENTHETICAL = re.compile(r"\s*\([^()]{1,80}\)")


def _cut(spans: list[Span], start: int, end: int) -> list[Span]:
    """Remove ``[start, end)`` from a list of kept spans."""
    out: list[Span] = []
    for s, e in spans:
        if e <= start or s >= end:
            out.append((s, e))
            continue
        if s < start:
            out.append((s, start))
        if e > end:
            out.append((end, e))
    return out


def _prefix_end(pattern: re.Pattern[str], text: str, at: int) -> int:
    match = pattern.match(text, at)
    if match and len(text) - match.end() > 20:
        return match.end()
    return at


def trim_spans(text: str, first_in_article: bool, options: TrimOptions) -> list[Span]:
    """The spans of ``text`` a summary keeps (offsets into ``text``, in order)."""
    spans: list[Span] = [(0, len(text))] if text else []
    if not options.trim and not options.compress:
        return spans
    at = 0
    if first_in_article:
        at = _prefix_end(_DATELINE, text, at)
    prefixes = [_CONNECTIVE]
    if options.compress:
        prefixes += [_LEADING_ACCORDING, _LEADING_DAY, _CONNECTIVE]
    for pattern in prefixes:
        at = _prefix_end(pattern, text, at)
    spans = _cut(spans, 0, at)
    if not options.compress:
        return [(s, e) for s, e in spans if e > s]
    for pattern in (_TRAILING_ATTRIBUTION, _INNER_ATTRIBUTION, _PARENTHETICAL):
        for match in pattern.finditer(text, at):
            # An inner attribution's closing comma becomes the join's space.
            spans = _cut(spans, match.start(), match.end())
    return [(s, e) for s, e in spans if text[s:e].strip()]


def render(text: str, spans: list[Span]) -> str:
    """The shown sentence: kept pieces joined by a space, capitalised, ending as ``text`` does."""
    pieces = [text[s:e].strip() for s, e in spans]
    pieces = [p for p in pieces if p]
    if not pieces:
        return text.strip()
    shown = pieces[0]
    for piece in pieces[1:]:
        shown += piece if piece[0] in ".,;:!?" else " " + piece
    if spans[0][0] > 0 and shown[:1].islower():
        shown = shown[0].upper() + shown[1:]
    if spans[-1][1] < len(text.rstrip()):
        shown = shown.rstrip(" ,;:")
        if shown[-1:] not in ".!?":
            shown += "."
    return shown
