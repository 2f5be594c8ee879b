"""Read RSS and Atom feeds: entries with their full text become articles, the rest links.

feedparser does the parsing (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, and a lenient
fallback for broken feeds). An entry whose content (``content:encoded``, Atom
``<content>``) or summary holds the whole article becomes an :class:`Article`;
an entry with only a teaser is recorded as a link to fetch later.

Documents that declare XML entities in a DTD are refused before parsing: real
feeds never need them, and they are how "billion laughs" (entity expansion)
and external-entity (file disclosure) attacks are written.
"""

from __future__ import annotations

import io
import pyexpat
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import feedparser

from corroborate.config import Context
from corroborate.errors import InputError
from corroborate.model import Article
from corroborate.readers.base import RawInput, Reader, ReaderOutput
from corroborate.readers.html import declared_charset, fragment_paragraphs, parse_date
from corroborate.text import DecodedText, decode_bytes

__all__ = [
    "DEFAULT_OPTIONS",
    "READER",
    "FeedOptions",
    "entity_declaration",
    "entry_article",
    "read_feed",
    "sniff_feed",
]

NAME = "feed"


@dataclass(frozen=True, slots=True)
class FeedOptions:
    """When an entry's text counts as the full article rather than a teaser.

    Text from an entry's content element needs ``min_content_chars``; text that
    only a summary/description carries needs ``min_summary_chars`` (summaries
    are usually teasers). Either way, text ending in a "read more" marker or an
    ellipsis is a teaser.
    """

    min_content_chars: int = 200
    min_summary_chars: int = 500


DEFAULT_OPTIONS = FeedOptions()


# --- sniffing and safety ------------------------------------------------------------

_PROLOG = re.compile(
    rb"\A(?:\s|<\?[^>]*\?>|<!--.*?-->|<!doctype[^>\[]*(?:\[.*?\])?\s*>)+",
    re.DOTALL | re.IGNORECASE,
)
_FEED_ROOTS: tuple[tuple[bytes, float], ...] = (
    (b"<rss", 0.95),
    (b"<feed", 0.9),
    (b"<rdf:rdf", 0.9),
    (b"<channel", 0.6),
)


def sniff_feed(raw: RawInput) -> float:
    """How sure we are that ``raw`` is a feed: its root element is rss, feed or rdf:RDF."""
    head = _PROLOG.sub(b"", raw.head(4096), count=1).lower()
    for start, score in _FEED_ROOTS:
        if head.startswith(start):
            if start == b"<feed" and b"http://www.w3.org/2005/atom" in head[:1024]:
                return 0.95
            return score
    return 0.0


class _EntityFound(Exception):
    pass


class _RootReached(Exception):
    pass


def _raise_found(*_args: object) -> None:
    raise _EntityFound


def _raise_root(*_args: object) -> None:
    raise _RootReached


# feedparser's own idea of the prolog: everything before the first "<" + word character.
_FIRST_ELEMENT = re.compile(rb"<\w")
_ENTITY_DECL = re.compile(rb"<!ENTITY\b", re.IGNORECASE)


def entity_declaration(data: bytes) -> bool:
    """True when the document declares XML entities before its root element.

    Two checks, because feedparser parses twice: expat (the strict parser)
    tokenises the prolog and reports any declaration it sees, stopping at the
    root element, so comments or strings cannot hide one; and a plain search of
    the text before the first element covers feedparser's lenient fallback,
    which reads declarations there with a regular expression. Nothing is
    expanded or fetched while checking.
    """
    parser = pyexpat.ParserCreate()
    parser.EntityDeclHandler = _raise_found
    parser.UnparsedEntityDeclHandler = _raise_found
    parser.StartElementHandler = _raise_root
    try:
        parser.Parse(data, True)
    except _EntityFound:
        return True
    except (_RootReached, pyexpat.ExpatError):
        pass
    first = _FIRST_ELEMENT.search(data)
    prolog = data[: first.start()] if first else data
    return _ENTITY_DECL.search(prolog) is not None


# --- decoding -------------------------------------------------------------------------

_XML_DECL_ENCODING = re.compile(r"""\A(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")


def _decode(raw: RawInput) -> DecodedText:
    if not raw.data.strip():
        raise InputError(raw.name, "empty input (no feed)")
    try:
        return decode_bytes(raw.data, raw.charset or declared_charset(raw.data[:1024]))
    except ValueError as exc:
        raise InputError(raw.name, str(exc)) from None


def _as_utf8(text: str) -> bytes:
    """The decoded feed as UTF-8 bytes whose XML declaration says so.

    feedparser trusts the declaration; after our decoding it must not re-decode
    the text with the original charset.
    """
    return _XML_DECL_ENCODING.sub(r'\1"utf-8"', text, count=1).encode("utf-8")


# --- entries --------------------------------------------------------------------------

_TEASER_END = re.compile(
    r"(?:\u2026|\.\.\.|\[\s*(?:\u2026|\.\.\.)\s*\]|\b(?:read|continue|keep) reading\W*|"
    r"\bread (?:the )?(?:full|rest|more)\b.{0,80}|\bmore\s*(?:\u00bb|>>|\u2192))\s*$",
    re.IGNORECASE,
)


def _text_of(detail: Any) -> list[str]:
    """Paragraphs of a feedparser content/summary value (HTML or plain text)."""
    value = str(detail.get("value") or "")
    kind = str(detail.get("type") or "text/html")
    if "html" in kind or "<" in value:
        return fragment_paragraphs(value)
    return [" ".join(line.split()) for line in value.splitlines() if line.strip()]


def _is_teaser(paragraphs: list[str], min_chars: int) -> bool:
    if not paragraphs:
        return True
    if sum(len(p) for p in paragraphs) < min_chars:
        return True
    return _TEASER_END.search(paragraphs[-1]) is not None


def _body(entry: Any, options: FeedOptions) -> tuple[list[str], str]:
    """The entry's full text and where it came from ("content"/"summary"), or ([], "")."""
    candidates = [_text_of(c) for c in entry.get("content") or []]
    contents = sorted(candidates, key=lambda ps: sum(len(p) for p in ps), reverse=True)
    if contents and not _is_teaser(contents[0], options.min_content_chars):
        return contents[0], "content"
    summary = entry.get("summary_detail")
    if summary is not None:
        paragraphs = _text_of(summary)
        if not _is_teaser(paragraphs, options.min_summary_chars):
            return paragraphs, "summary"
    return [], ""


def _one_line(value: Any) -> str:
    return " ".join(fragment_paragraphs(str(value))) if value else ""


def _authors(entry: Any) -> list[str]:
    names = [_one_line(a.get("name")) for a in entry.get("authors") or [] if a.get("name")]
    if not names and entry.get("author"):
        names = [_one_line(entry.get("author"))]
    return list(dict.fromkeys(n for n in names if n))


def _date(entry: Any, warnings: list[str]) -> datetime | None:
    """published (else updated) as written; feedparser's own parse loses the zone and
    rolls invalid days over ("2025-02-30" becomes 2 March), so it is not used."""
    for key in ("published", "updated", "created"):
        value = entry.get(key)
        if not value:
            continue
        try:
            return parse_date(str(value))
        except ValueError as exc:
            warnings.append(f"invalid {key} date {str(value)[:60]!r}: {exc}")
            return None
    return None


def _image(entry: Any) -> str | None:
    for media in entry.get("media_content") or []:
        if media.get("url") and (
            media.get("medium") == "image" or str(media.get("type", "")).startswith("image/")
        ):
            return str(media["url"])
    for thumb in entry.get("media_thumbnail") or []:
        if thumb.get("url"):
            return str(thumb["url"])
    for link in entry.get("links") or []:
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/"):
            return str(link.get("href")) if link.get("href") else None
    return None


def _language(entry: Any, feed: Any) -> str | None:
    for detail in [*(entry.get("content") or []), entry.get("summary_detail") or {}]:
        if detail.get("language"):
            return _primary(str(detail["language"]))
    return _primary(str(feed.get("language") or "")) or None


def _primary(tag: str) -> str | None:
    primary = re.split(r"[-_\s]", tag.strip(), maxsplit=1)[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None


def entry_article(
    entry: Any, feed: Any, name: str, options: FeedOptions = DEFAULT_OPTIONS
) -> Article | None:
    """The article an entry carries in full, or None when it has only a teaser or nothing."""
    paragraphs, origin = _body(entry, options)
    if not paragraphs:
        return None
    warnings: list[str] = []
    published = _date(entry, warnings)
    dek = None
    if origin == "content" and entry.get("summary_detail") is not None:
        summary = " ".join(_text_of(entry["summary_detail"]))
        stem = _TEASER_END.sub("", summary).strip()
        if stem and not " ".join(paragraphs).startswith(stem):
            dek = summary
    meta = {"body_from": origin}
    if entry.get("id"):
        meta["guid"] = str(entry["id"])
    tags = [_one_line(t.get("term") or t.get("label")) for t in entry.get("tags") or []]
    return Article(
        title=_one_line(entry.get("title")),
        paragraphs=paragraphs,
        source=_one_line(feed.get("title")) or None,
        url=str(entry["link"]) if entry.get("link") else None,
        dek=dek,
        authors=_authors(entry),
        published_at=published,
        language=_language(entry, feed),
        input=name,
        format=NAME,
        tags=list(dict.fromkeys(t for t in tags if t)),
        image=_image(entry),
        warnings=warnings,
        meta=meta,
    )


def _parse(raw: RawInput, data: bytes) -> Any:
    headers = {"content-type": "application/xml; charset=utf-8"}
    if raw.url:
        headers["content-location"] = raw.url  # base for relative links
    try:
        return feedparser.parse(io.BytesIO(data), response_headers=headers)
    except RecursionError:
        raise InputError(raw.name, "feed nested too deeply to parse") from None
    except Exception as exc:
        # feedparser's lenient fallback parser has internal errors on mis-nested
        # markup ("<item><link>a</item></link>" raises KeyError 'links'); the feed
        # is reported as unreadable with the cause, never crashes the run.
        reason = f"malformed feed: the parser failed ({type(exc).__name__}: {exc})"
        raise InputError(raw.name, reason) from None


def read_feed(raw: RawInput, ctx: Context, options: FeedOptions = DEFAULT_OPTIONS) -> ReaderOutput:
    """Read an RSS/Atom feed: full-text entries as articles, teaser entries as links."""
    if len(raw.data) > ctx.limits.max_input_bytes:
        raise InputError(raw.name, f"feed larger than the {ctx.limits.max_input_bytes} byte limit")
    decoded = _decode(raw)
    data = _as_utf8(decoded.text)
    if entity_declaration(data):
        raise InputError(
            raw.name,
            "refused: the feed declares XML entities (<!ENTITY>), which feeds never need "
            "and entity-expansion or external-entity attacks use",
        )
    parsed = _parse(raw, data)
    entries = list(parsed.get("entries") or [])
    out = ReaderOutput()
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not entries:
        if problem is not None:
            raise InputError(raw.name, f"malformed feed: {problem}")
        if not parsed.get("version") and not parsed.get("feed"):
            raise InputError(raw.name, "not an RSS or Atom feed")
        out.warnings.append("the feed has no entries")
        return out
    if problem is not None:
        out.warnings.append(f"malformed feed read leniently ({problem})")
    if decoded.warning:
        out.warnings.append(decoded.warning)
    limit = ctx.limits.max_items_per_input
    if len(entries) > limit:
        out.warnings.append(f"only the first {limit} of {len(entries)} entries were read")
        entries = entries[:limit]
    for n, entry in enumerate(entries, start=1):
        article = entry_article(entry, parsed.feed, f"{raw.name}#{n}", options)
        if article is not None:
            if decoded.warning:
                article.warnings.insert(0, decoded.warning)
            out.articles.append(article)
        elif entry.get("link"):
            if entry["link"] not in out.links:
                out.links.append(str(entry["link"]))
        else:
            out.warnings.append(f"entry {n} has neither full text nor a link; skipped")
    return out


READER = Reader(
    name=NAME,
    description="RSS and Atom feeds: full-text entries as articles, teaser entries as links",
    suffixes=(".rss", ".atom", ".xml"),
    media_types=("application/rss+xml", "application/atom+xml", "application/xml", "text/xml"),
    sniff=sniff_feed,
    read=read_feed,
)
