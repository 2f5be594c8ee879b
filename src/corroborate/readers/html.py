"""Read HTML pages: the main text and metadata of one article, via trafilatura.

trafilatura finds the article body (dropping menus, comments and other page
furniture) and its metadata (title, authors, site name, description, canonical
URL, image, tags); htmldate, through trafilatura, finds a publication date when
the page does not declare one in machine-readable form. The settings in
:data:`DEFAULT_OPTIONS` were chosen on the Zyte article-extraction benchmark
(``benchmarks/extraction.py``).

Besides the reader, this module holds the small HTML helpers the feed reader
reuses: :func:`fragment_paragraphs` (an HTML fragment to paragraphs) and
:func:`parse_date` (ISO 8601 or RFC 822 to a datetime, aware only when a zone
is given).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

import lxml.etree
import lxml.html

from corroborate.config import Context
from corroborate.errors import InputError
from corroborate.model import Article
from corroborate.readers.base import RawInput, Reader, ReaderOutput
from corroborate.text import DecodedText, decode_bytes

if TYPE_CHECKING:  # pragma: no cover
    from trafilatura.settings import Document

__all__ = [
    "DEFAULT_OPTIONS",
    "READER",
    "HtmlOptions",
    "PageDate",
    "declared_charset",
    "extract_article",
    "fragment_paragraphs",
    "page_date",
    "parse_date",
    "read_html",
    "sniff_html",
    "truncation_warning",
]

NAME = "html"

# libxml2 stops building the tree at this depth (unless asked for "huge" trees,
# which we do not want for untrusted input); deeper content is silently lost.
LIBXML2_MAX_DEPTH = 255


@dataclass(frozen=True, slots=True)
class HtmlOptions:
    """trafilatura settings for the main-text extraction.

    ``fast`` skips trafilatura's fallback extractors (readability, jusText): on
    the benchmark it is both faster and slightly more accurate (see
    ``benchmarks/extraction.py``). Comments under an article are not its text.
    ``extensive_date_search`` lets htmldate guess a date from free text when the
    markup has none: on the benchmark it dates 2 more pages of 181 but makes
    reading about 1.5x slower, and a date guessed from the text of a news story is
    often the date of the events it reports. A page whose longest paragraph is
    shorter than ``min_paragraph_chars`` has no article text (trafilatura falls
    back to any text it finds, such as a menu's links); every benchmark page has
    a paragraph of at least 72 characters.
    """

    fast: bool = True
    favor_precision: bool = False
    favor_recall: bool = False
    include_tables: bool = True
    include_comments: bool = False
    extensive_date_search: bool = False
    min_paragraph_chars: int = 40


DEFAULT_OPTIONS = HtmlOptions()


# --- sniffing and decoding -------------------------------------------------------

# Things that may precede the first real tag: XML declaration and other
# processing instructions, comments, whitespace.
_PROLOG = re.compile(rb"\A(?:\s|<\?[^>]*\?>|<!--.*?-->)+", re.DOTALL)
_HTML_STARTS: tuple[tuple[bytes, float], ...] = (
    (b"<!doctype html", 0.95),
    (b"<html", 0.95),
    (b"<head", 0.9),
    (b"<body", 0.9),
    (b"<meta", 0.8),
    (b"<title", 0.8),
    (b"<article", 0.8),
    (b"<main", 0.7),
    (b"<section", 0.6),
    (b"<div", 0.6),
    (b"<p>", 0.6),
    (b"<p ", 0.6),
    (b"<h1", 0.6),
    (b"<h2", 0.6),
)


# An <html> or <body> tag starting a line further down (after a server notice, say).
_LATE_HTML_TAG = re.compile(rb"(?m)^[ \t]*<(?:html|body)[\s>]")


def _strip_prolog(head: bytes) -> bytes:
    return _PROLOG.sub(b"", head, count=1)


def sniff_html(raw: RawInput) -> float:
    """How sure we are that ``raw`` is HTML: high for a document or tag at the start."""
    head = _strip_prolog(raw.head(2048)).lower()
    for start, score in _HTML_STARTS:
        if head.startswith(start):
            return score
    if _LATE_HTML_TAG.search(head):
        return 0.4
    return 0.0


_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""\A\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")


def declared_charset(head: bytes) -> str | None:
    """The charset a page declares in its first bytes (``<meta charset>``, XML declaration)."""
    for pattern in (_XML_ENCODING, _META_CHARSET):
        match = pattern.search(head)
        if match:
            return match.group(1).decode("ascii").lower()
    return None


def _decode(raw: RawInput) -> DecodedText:
    """Decode with the HTTP charset first, the page's own declaration second."""
    if not raw.data.strip():
        raise InputError(raw.name, "empty input (no HTML)")
    try:
        return decode_bytes(raw.data, raw.charset or declared_charset(raw.data[:4096]))
    except ValueError as exc:
        raise InputError(raw.name, str(exc)) from None


_OPEN_HTML = re.compile(r"<html[\s>]", re.IGNORECASE)
_CLOSE_HTML = re.compile(r"</html\s*>", re.IGNORECASE)
_OPEN_BODY = re.compile(r"<body[\s>]", re.IGNORECASE)
_CLOSE_BODY = re.compile(r"</body\s*>", re.IGNORECASE)


def truncation_warning(text: str) -> str | None:
    """A warning when a page opens ``<html>``/``<body>`` but never closes it (cut-off download).

    Fragments without ``<html>`` or ``<body>`` are not considered truncated.
    """
    if _OPEN_HTML.search(text) and not _CLOSE_HTML.search(text):
        return "truncated HTML (no closing </html>)"
    if _OPEN_BODY.search(text) and not _CLOSE_BODY.search(text):
        return "truncated HTML (no closing </body>)"
    return None


# --- dates -----------------------------------------------------------------------


def parse_date(value: str) -> datetime:
    """An ISO 8601 or RFC 822 date; timezone-aware only when the text gives a zone.

    Raises ``ValueError`` with a reason for text that is not a valid date
    ("2025-02-30": day is out of range for month).
    """
    text = value.strip()
    if not text:
        raise ValueError("empty date")
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        iso_error = exc
    if re.match(r"\d{4}-?\d{2}-?\d{2}", text):
        raise ValueError(str(iso_error))
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError) as exc:
        reason = str(exc) or "not an ISO 8601 or RFC 822 date"
        raise ValueError(reason) from None


# Machine-readable publication dates, best first: (XPath, where it was found).
_DATE_XPATHS: tuple[tuple[str, str], ...] = (
    (
        '//meta[@property="article:published_time" or @name="article:published_time"]/@content',
        "meta article:published_time",
    ),
    ('//meta[@itemprop="datePublished"]/@content', "meta itemprop=datePublished"),
    ('//*[@itemprop="datePublished"]/@datetime', "itemprop=datePublished"),
    (
        '//meta[@property="og:published_time" or @name="og:published_time"]/@content',
        "meta og:published_time",
    ),
    (
        '//meta[translate(@name, "DCTERMS.", "dcterms.")="dcterms.created" or '
        'translate(@name, "DC.ATE", "dc.ate")="dc.date"]/@content',
        "meta dc.date",
    ),
    (
        '//meta[@name="pubdate" or @name="publishdate" or @name="parsely-pub-date" or '
        '@name="sailthru.date"]/@content',
        "meta pubdate",
    ),
    ("//time[@pubdate]/@datetime", "time pubdate"),
)


@dataclass(slots=True)
class PageDate:
    """The publication date found on a page, where it came from, and any warnings."""

    value: datetime | None = None
    source: str | None = None
    warnings: list[str] = field(default_factory=list)


def _json_ld_values(tree: Any, key: str) -> Iterator[str]:
    """String values of ``key`` anywhere in the page's JSON-LD blocks (bad JSON is skipped)."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack: list[Any] = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                value = item.get(key)
                if isinstance(value, str):
                    yield value
                stack.extend(v for v in item.values() if isinstance(v, dict | list))
            elif isinstance(item, list):
                stack.extend(reversed(item))


def _declared_dates(tree: Any) -> Iterator[tuple[str, str]]:
    for value in _json_ld_values(tree, "datePublished"):
        yield value, "JSON-LD datePublished"
    for xpath, where in _DATE_XPATHS:
        for value in tree.xpath(xpath):
            yield str(value), where


def page_date(tree: Any, fallback: str | None) -> PageDate:
    """The page's publication date.

    A machine-readable declaration (JSON-LD, ``article:published_time``,
    ``itemprop=datePublished``, ...) keeps its time and zone. If the page declares
    only invalid dates ("2025-02-30") the date stays unknown, with a warning,
    rather than being guessed from elsewhere; with no declaration at all, the
    date htmldate found (``fallback``, day precision) is used.
    """
    result = PageDate()
    for value, where in _declared_dates(tree):
        try:
            result.value = parse_date(value)
        except ValueError as exc:
            result.warnings.append(f"invalid publication date {value[:60]!r} in {where}: {exc}")
            continue
        result.source = where
        return result
    if result.warnings or not fallback:
        return result
    try:
        result.value = datetime.fromisoformat(fallback)
        result.source = "htmldate"
    except ValueError as exc:
        result.warnings.append(f"invalid publication date {fallback!r} found by htmldate: {exc}")
    return result


# --- metadata helpers -----------------------------------------------------------


def _page_language(tree: Any) -> str | None:
    """The primary language subtag the page declares (``en`` for ``en-GB``)."""
    values = tree.xpath(
        '/html/@lang | /html/@xml:lang | //meta[translate(@http-equiv, "CONTENTLAGU", '
        '"contentlagu")="content-language"]/@content | //meta[@property="og:locale"]/@content',
        namespaces={"xml": "http://www.w3.org/XML/1998/namespace"},
    )
    for value in values:
        primary = re.split(r"[-_,;\s]", str(value).strip(), maxsplit=1)[0].lower()
        if re.fullmatch(r"[a-z]{2,3}", primary):
            return primary
    return None


# Elements at (nearly) libxml2's depth limit; a plain child path is evaluated
# level by level, in time linear in the page size.
_AT_DEPTH_LIMIT = lxml.etree.XPath("boolean(" + "/*" * (LIBXML2_MAX_DEPTH - 1) + ")")


def _max_depth_reached(tree: Any) -> bool:
    """True when libxml2 hit its nesting limit, i.e. part of the page was not parsed."""
    return bool(_AT_DEPTH_LIMIT(tree))


def _split_authors(value: str | None) -> list[str]:
    if not value:
        return []
    names = (" ".join(n.split()) for n in value.split(";"))
    return list(dict.fromkeys(n for n in names if n))


def _tags(*groups: list[str] | None) -> list[str]:
    """Categories and tags, deduplicated; a comma list (``<meta name=keywords>``) is split."""
    out: list[str] = []
    for group in groups:
        for value in group or []:
            out.extend(" ".join(t.split()) for t in value.split(","))
    return list(dict.fromkeys(t for t in out if t))


def _lines(text: str | None) -> list[str]:
    """trafilatura's text output (one block per line) as a list of paragraphs."""
    out = []
    for line in (text or "").split("\n"):
        line = " ".join(line.split())
        if line:
            out.append(line)
    return out


# --- the reader ------------------------------------------------------------------


def _load_tree(text: str) -> Any:
    """The parsed page; a bare fragment (``<p>...</p>``), which trafilatura's loader
    rejects as dubious, is read inside an ``<html><body>`` wrapper.

    trafilatura is imported on first use: it takes a good part of a second to
    import, which a run that reads no HTML should not pay.
    """
    from trafilatura.utils import load_html

    tree = load_html(text)
    if tree is None and not _OPEN_HTML.search(text) and not _OPEN_BODY.search(text):
        tree = load_html(f"<html><body>{text}</body></html>")
    return tree


def _main_text(tree: Any, url: str | None, options: HtmlOptions) -> Document | None:
    """trafilatura's main text and metadata; it works on a copy, so ``tree`` stays whole."""
    from trafilatura import bare_extraction
    from trafilatura.settings import Document

    doc = bare_extraction(
        tree,
        url=url,
        fast=options.fast,
        favor_precision=options.favor_precision,
        favor_recall=options.favor_recall,
        include_comments=options.include_comments,
        include_tables=options.include_tables,
        with_metadata=True,
        date_extraction_params={
            "original_date": True,
            "extensive_search": options.extensive_date_search,
            "max_date": datetime.now().astimezone().strftime("%Y-%m-%d"),
        },
    )
    return doc if isinstance(doc, Document) else None


def extract_article(
    text: str, name: str, url: str | None = None, options: HtmlOptions = DEFAULT_OPTIONS
) -> Article:
    """The article in one HTML page (pure: text in, :class:`Article` out).

    Raises :class:`InputError` when the page has no main text or cannot be parsed.
    """
    warnings: list[str] = []
    truncated = truncation_warning(text)
    if truncated:
        warnings.append(truncated)
    try:
        tree = _load_tree(text)
        if tree is None:
            raise InputError(name, "not parseable as HTML")
        too_deep = _max_depth_reached(tree)
        doc = _main_text(tree, url, options)
    except (RecursionError, MemoryError, lxml.etree.LxmlError) as exc:
        reason = type(exc).__name__ if not str(exc) else f"{type(exc).__name__}: {exc}"
        raise InputError(name, f"HTML could not be parsed ({reason})") from None
    if too_deep:
        warnings.append(
            f"HTML nested deeper than {LIBXML2_MAX_DEPTH} levels; text below that depth was not read"
        )
    paragraphs = _lines(doc.text) if doc is not None else []
    if doc is None or not paragraphs or max(map(len, paragraphs)) < options.min_paragraph_chars:
        reason = "no article text found in HTML"
        if too_deep:
            reason += f" (nested deeper than {LIBXML2_MAX_DEPTH} levels)"
        raise InputError(name, reason)
    date = page_date(tree, doc.date)
    warnings.extend(date.warnings)
    meta = {"hostname": doc.hostname} if doc.hostname else {}
    if date.source:
        meta["date_source"] = date.source
    title = " ".join((doc.title or "").split())
    if not title:
        warnings.append("no title found in HTML")
    return Article(
        title=title,
        paragraphs=paragraphs,
        source=doc.sitename or None,
        url=doc.url or url,
        dek=" ".join(doc.description.split()) if doc.description else None,
        authors=_split_authors(doc.author),
        published_at=date.value,
        language=_page_language(tree),
        input=name,
        format=NAME,
        tags=_tags(doc.categories, doc.tags),
        image=doc.image or None,
        warnings=warnings,
        meta=meta,
    )


def read_html(raw: RawInput, ctx: Context, options: HtmlOptions = DEFAULT_OPTIONS) -> ReaderOutput:
    """Read one HTML page into one (not yet cleaned) article."""
    if len(raw.data) > ctx.limits.max_input_bytes:
        raise InputError(raw.name, f"HTML larger than the {ctx.limits.max_input_bytes} byte limit")
    decoded = _decode(raw)
    article = extract_article(decoded.text, raw.name, raw.url, options)
    if decoded.warning:
        article.warnings.insert(0, decoded.warning)
    return ReaderOutput(articles=[article])


# --- HTML fragments (feed entries) ------------------------------------------------

_BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "dd", "div", "dl", "dt"),
        *("figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header"),
        *("hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td"),
        *("tfoot", "th", "thead", "tr", "ul"),
    }
)
_SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head"}
)
_BREAK = "\n"
_SPACE_RUN = re.compile(r"\s+")


def fragment_paragraphs(fragment: str) -> list[str]:
    """Paragraphs of an HTML fragment (a feed entry's content), one per block or line.

    Every block element and ``<br>`` ends a paragraph; scripts and styles are
    dropped; whitespace inside a paragraph is collapsed. All the text is kept:
    a fragment has no page furniture to remove.
    """
    if not fragment.strip():
        return []
    if "<" not in fragment and "&" not in fragment:
        return _lines(fragment)
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.LxmlError, ValueError):
        return _lines(fragment)
    pieces: list[str] = []
    skipping = pre = 0

    def add(text: str | None) -> None:
        if text and not skipping:
            # Outside <pre>, a newline in the source is just a space.
            pieces.append(text if pre else _SPACE_RUN.sub(" ", text))

    for event, element in lxml.etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            skipping += tag in _SKIP_TAGS
            pre += tag == "pre"
            if not skipping and (tag in _BLOCK_TAGS or tag == "br"):
                pieces.append(_BREAK)
            if tag:
                add(element.text)
            continue
        if not skipping and tag in _BLOCK_TAGS:
            pieces.append(_BREAK)
        skipping -= tag in _SKIP_TAGS
        pre -= tag == "pre"
        if element is not root:
            add(element.tail)
    return _lines("".join(pieces))


READER = Reader(
    name=NAME,
    description="HTML pages: the article's main text and metadata (trafilatura)",
    suffixes=(".html", ".htm", ".xhtml"),
    media_types=("text/html", "application/xhtml+xml"),
    sniff=sniff_html,
    read=read_html,
)
