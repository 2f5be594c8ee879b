"""Markdown with YAML (Jekyll/Hugo) or TOML (Hugo) front matter."""

from __future__ import annotations

import re
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler

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

__all__ = ["READER", "markdown_to_paragraphs"]

_FRONT = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(---|\+\+\+)[ \t]*\r?\n")


class _PlainDatesLoader(yaml.SafeLoader):
    """SafeLoader that leaves timestamps as strings, so "2025-02-30" cannot abort a read,
    and refuses aliases (``*name``): front matter never needs them, and nested aliases
    expand a few hundred bytes into gigabytes (YAML's "billion laughs")."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in front matter", mark
            )
        return super().compose_node(parent, index)


_PlainDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Handler(YAMLHandler):
    def load(self, fm: str, **kwargs: object) -> Any:
        return yaml.load(fm, Loader=_PlainDatesLoader)


def _split_front_matter(text: str) -> tuple[Any, str]:
    """(metadata, content) using python-frontmatter's handlers, without its silent fixes.

    ``frontmatter.loads`` turns front matter that is not a mapping into ``{}``;
    we load it ourselves so such input gets a clear error instead.
    """
    handlers = [_Handler(), *(h for h in frontmatter.handlers if not isinstance(h, YAMLHandler))]
    handler = frontmatter.detect_format(text, handlers)
    if handler is None:
        return {}, text
    fm, content = handler.split(text)
    meta = handler.load(fm)
    return ({} if meta is None else meta), content


def sniff(raw: RawInput) -> float:
    head = raw.data[:4096]
    match = _FRONT.match(head)
    if match:
        fence = match.group(1)
        if re.search(rb"\n" + re.escape(fence) + rb"[ \t]*\r?\n", head[match.end() - 1 :]):
            return 0.9
        return 0.5
    if raw.suffix in (".md", ".markdown") and re.search(rb"^#{1,3} ", head, re.M):
        return 0.4
    return 0.0


# No pattern may run past the start of another match ("[", "(", "<", "{{"): on a
# long run of unclosed openers ("[a](" * 50_000) a backtracking search would
# otherwise rescan the rest of the text from every opener (quadratic time).
_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^()]*\)")
_LINK = re.compile(r"\[([^\[\]]+)\]\([^()]*\)")
_HEADING = re.compile(r"^#{1,6}\s+")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_LIST = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+")
_LIQUID = re.compile(r"\{%(?:(?!\{%|%\}).)*%\}|\{\{(?:(?!\{\{|\}\}).)*\}\}")


def markdown_to_paragraphs(text: str) -> list[str]:
    """Plain paragraphs from Markdown: links become their text, images and Liquid tags go."""
    out: list[str] = []
    for paragraph in split_paragraphs(text):
        line = _LIQUID.sub("", _IMAGE.sub("", paragraph))
        line = _LINK.sub(r"\1", line)
        line = _HEADING.sub("", line)
        line = _LIST.sub("", line)
        line = _EMPHASIS.sub(r"\2", line)
        line = _HTML_TAG.sub("", line).strip()
        if line and not re.fullmatch(r"[-*_=\s]{3,}", line):
            out.append(line)
    return out


def _first(meta: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if key in meta and meta[key] not in (None, ""):
            return meta[key]
    return None


def read(raw: RawInput, ctx: Context) -> ReaderOutput:
    decoded = decode_input(raw)
    warnings = [decoded.warning] if decoded.warning else []
    try:
        meta, content = _split_front_matter(decoded.text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise InputError(raw.name, f"invalid YAML front matter{where}: {problem}") from None
    except (ValueError, TypeError) as exc:
        raise InputError(raw.name, f"invalid front matter: {exc}") from None
    except RecursionError:
        raise InputError(raw.name, "front matter nested too deeply to read") from None
    if not isinstance(meta, dict):
        raise InputError(
            raw.name,
            f"front matter is not a mapping of keys to values (found {type(meta).__name__})",
        )
    paragraphs = markdown_to_paragraphs(content)
    title = clean_str(_first(meta, "title", "headline"))
    if not title and paragraphs:
        title = paragraphs.pop(0)
    if not paragraphs:
        raise InputError(raw.name, "no article text after the front matter")
    published = coerce_datetime(_first(meta, "date", "published", "publishDate"), warnings)
    article = Article(
        title=title,
        paragraphs=paragraphs,
        source=clean_str(_first(meta, "source", "outlet", "publisher", "site")) or None,
        url=clean_str(_first(meta, "canonical_url", "url", "link")) or raw.url,
        dek=clean_str(_first(meta, "excerpt", "description", "summary", "subtitle")) or None,
        authors=coerce_authors(_first(meta, "author", "authors")),
        published_at=published,
        language=clean_str(_first(meta, "lang", "language")) or None,
        input=raw.name,
        format="markdown",
        tags=coerce_tags(_first(meta, "categories", "category"))
        + coerce_tags(_first(meta, "tags")),
        image=clean_str(_first(meta, "image", "featured_image", "cover")) or None,
        warnings=warnings,
    )
    return ReaderOutput(articles=[article])


READER = Reader(
    name="markdown",
    description="Markdown with YAML/TOML front matter (Jekyll, Hugo)",
    suffixes=(".md", ".markdown", ".mdx"),
    media_types=("text/markdown",),
    sniff=sniff,
    read=read,
)
