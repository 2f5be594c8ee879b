"""JSON and JSON Lines: one article per object.

Field names of corroborate's own export and of news-please are accepted:
``id``, ``title``, ``text`` (or ``maintext``/``body``/``content``, or ``html``),
``source`` (or ``source_domain``/``outlet``), ``url``, ``published_at`` (or
``date_publish``/``date``), ``author``/``authors``, ``description``/``dek``,
``language``. A caller's ``id`` becomes the article id in every output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from corroborate.config import Context
from corroborate.errors import InputError
from corroborate.model import Article
from corroborate.readers.base import RawInput, Reader, ReaderOutput
from corroborate.readers.common import (
    clean_str,
    coerce_authors,
    coerce_datetime,
    coerce_tags,
    decode_input,
)
from corroborate.text import split_paragraphs

__all__ = ["READER", "article_from_object"]

_TEXT_KEYS = ("text", "maintext", "body", "content", "articleBody", "article_body")
_TITLE_KEYS = ("title", "headline")
_DATE_KEYS = ("published_at", "date_publish", "published", "date", "datePublished")
_SOURCE_KEYS = ("source", "outlet", "publisher", "source_domain", "site_name", "sitename")


def sniff(raw: RawInput) -> float:
    head = raw.head()
    if head[:1] not in (b"{", b"["):
        return 0.0
    return 0.8 if re.search(rb'"(title|text|maintext|html|headline)"\s*:', head) else 0.5


def _first(obj: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = obj.get(key)
        if value not in (None, "", []):
            return value
    return None


def _html_article(html: str, name: str, url: str | None) -> Article:
    from corroborate.readers.html import extract_article

    return extract_article(html, name, url)


def article_from_object(obj: Any, name: str) -> Article:
    """One article from one JSON object; raises :class:`InputError` with the reason."""
    if not isinstance(obj, dict):
        raise InputError(name, f"expected a JSON object, found {type(obj).__name__}")
    warnings: list[str] = []
    text = _first(obj, _TEXT_KEYS)
    from_html: Article | None = None
    if text is None and isinstance(obj.get("html"), str):
        url_value = obj.get("url")
        from_html = _html_article(
            obj["html"], name, url_value if isinstance(url_value, str) else None
        )
        paragraphs = from_html.paragraphs
        warnings.extend(from_html.warnings)
    elif isinstance(text, str):
        paragraphs = split_paragraphs(text)
    elif isinstance(text, list) and all(isinstance(p, str) for p in text):
        paragraphs = [p.strip() for p in text if p.strip()]
    else:
        raise InputError(name, "no article text (expected a 'text' or 'html' field)")
    if not paragraphs:
        raise InputError(name, "article text is empty")
    html_meta: dict[str, Any] = {}
    if from_html is not None:
        html_meta = {
            "title": from_html.title,
            "source": from_html.source,
            "url": from_html.url,
            "published_at": from_html.published_at,
        }
    title = clean_str(_first(obj, _TITLE_KEYS) or html_meta.get("title"))
    raw_id = obj.get("id")
    article = Article(
        title=title,
        paragraphs=paragraphs,
        id=clean_str(raw_id) if raw_id not in (None, "") else "",
        source=clean_str(_first(obj, _SOURCE_KEYS) or html_meta.get("source")) or None,
        url=clean_str(obj.get("url") or html_meta.get("url")) or None,
        dek=clean_str(_first(obj, ("dek", "description", "subtitle", "summary"))) or None,
        authors=coerce_authors(_first(obj, ("authors", "author", "byline"))),
        published_at=coerce_datetime(_first(obj, _DATE_KEYS), warnings),
        language=clean_str(obj.get("language") or obj.get("lang")) or None,
        input=name,
        format="json",
        tags=coerce_tags(_first(obj, ("tags", "categories", "keywords"))),
        image=clean_str(_first(obj, ("image", "image_url", "top_image"))) or None,
        warnings=warnings,
    )
    if article.published_at is None and html_meta.get("published_at") is not None:
        article.published_at = html_meta["published_at"]
    return article


def _objects(text: str, name: str, out: ReaderOutput) -> Iterator[tuple[str, Any]]:
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise InputError(name, f"invalid JSON: {exc.msg} at line {exc.lineno}") from None
        except RecursionError:
            raise InputError(name, "JSON nested too deeply to read") from None
        for n, obj in enumerate(data, 1):
            yield f"{name}#{n}", obj
        return
    try:
        data = json.loads(stripped)
    except json.JSONDecodeError:
        data = None
    except RecursionError:
        raise InputError(name, "JSON nested too deeply to read") from None
    else:
        if isinstance(data, dict) and isinstance(data.get("articles"), list):
            for n, obj in enumerate(data["articles"], 1):
                yield f"{name}#{n}", obj
        else:
            yield f"{name}#1", data
        return
    # JSON Lines: a bad line is reported and the others are still read. Only "\n"
    # ends a line: str.splitlines() would also split inside strings at U+2028.
    for line_no, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        if not line.strip():
            continue
        item = f"{name}#{line_no}"
        try:
            yield item, json.loads(line)
        except json.JSONDecodeError as exc:
            out.errors.append(InputError(item, f"invalid JSON on line {line_no}: {exc.msg}"))
        except RecursionError:
            out.errors.append(InputError(item, f"JSON on line {line_no} nested too deeply"))


def read(raw: RawInput, ctx: Context) -> ReaderOutput:
    decoded = decode_input(raw)
    out = ReaderOutput()
    if decoded.warning:
        out.warnings.append(decoded.warning)
    for count, (item, obj) in enumerate(_objects(decoded.text, raw.name, out), 1):
        if count > ctx.limits.max_items_per_input:
            out.errors.append(
                InputError(
                    raw.name, f"more than {ctx.limits.max_items_per_input} items; rest skipped"
                )
            )
            break
        try:
            out.articles.append(article_from_object(obj, item))
        except InputError as exc:
            out.errors.append(exc)
    if not out.articles and not out.errors:
        raise InputError(raw.name, "no JSON objects found")
    return out


READER = Reader(
    name="json",
    description="JSON or JSON Lines, one article per object (news-please fields accepted)",
    suffixes=(".json", ".jsonl", ".ndjson"),
    media_types=("application/json", "application/x-ndjson"),
    sniff=sniff,
    read=read,
)
