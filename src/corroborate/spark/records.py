"""Pure pieces of the Spark jobs: no Spark here, so each runs and is tested on its own.

- :func:`raw_input_from_bytes`: the bytes of one file as the single-machine
  reader sees them (same size limits, same gzip handling, same messages);
- :func:`prepare_file` / :func:`prepare_object`: the library's readers and
  cleaning steps (:func:`corroborate.pipeline.prepare`) on one file or one record;
- :class:`ArchiveReplay`: what :meth:`corroborate.archive.Archive.add` decides
  for each article in ingestion order (duplicate, new article, new version, id),
  replayed over small metadata so a corpus never has to pass through SQLite;
- :func:`remove_template_lines` / :func:`raw_lines`: the archive's template-line
  removal given which lines are frequent, and its inverse.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from corroborate.archive import Archive
from corroborate.config import Context, Limits
from corroborate.errors import InputError
from corroborate.model import Article, Removal
from corroborate.pipeline import IngestOptions, Prepared, prepare
from corroborate.readers import ReaderRegistry
from corroborate.readers.base import RawInput
from corroborate.readers.jsonlines import article_from_object

__all__ = [
    "ArchiveReplay",
    "Decision",
    "local_name",
    "prepare_file",
    "prepare_object",
    "raw_input_from_bytes",
    "raw_lines",
    "remove_template_lines",
    "walk_key",
]

Status = Literal["ingested", "duplicate", "new-version"]


def local_name(uri: str) -> str:
    """The name the single-machine path gives a file: a plain path for ``file:`` URIs."""
    if uri.startswith("file://"):
        return uri[len("file://") :] or "/"
    if uri.startswith("file:"):
        return uri[len("file:") :]
    return uri


def walk_key(root: str, path: str) -> tuple[tuple[int, str], ...]:
    """Sort key giving the order of ``corroborate ingest DIR``: a folder's files first, then its
    sub-folders, each sorted by name (``os.walk`` top-down with sorted names)."""
    relative = path[len(root) :].lstrip("/") if path.startswith(root) else path
    parts = [p for p in relative.split("/") if p]
    if not parts:
        return ((0, path),)
    return (*((1, d) for d in parts[:-1]), (0, parts[-1]))


def _gunzip(data: bytes, name: str, limit: int) -> bytes:
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decompressor.decompress(data, limit + 1)
    except zlib.error as exc:
        raise InputError(name, f"corrupt gzip data: {exc}") from None
    if len(out) > limit or decompressor.unconsumed_tail:
        raise InputError(name, f"decompressed size is over the {limit:,}-byte limit (gzip bomb?)")
    return out


def raw_input_from_bytes(name: str, data: bytes, limits: Limits) -> RawInput:
    """A file's bytes as :func:`corroborate.sources.read_limited_file` would give them."""
    if len(data) > limits.max_input_bytes:
        raise InputError(
            name, f"file is {len(data):,} bytes, over the {limits.max_input_bytes:,}-byte limit"
        )
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, name, limits.max_decompressed_bytes)
    return RawInput(name=name, data=data)


def prepare_file(
    name: str, data: bytes, ctx: Context, registry: ReaderRegistry, options: IngestOptions
) -> Prepared:
    """Read and clean one file exactly as ``corroborate ingest`` does (errors returned)."""
    try:
        raw = raw_input_from_bytes(name, data, ctx.limits)
    except InputError as exc:
        return Prepared(errors=[exc])
    return prepare(raw, ctx, registry, options)


def prepare_object(obj: Any, name: str, ctx: Context, options: IngestOptions) -> Prepared:
    """One JSON-like record (a Parquet row) through the json reader and the cleaning steps."""
    try:
        article = article_from_object(obj, name)
    except InputError as exc:
        return Prepared(errors=[exc])
    for step in options.steps:
        article = step.run(article, ctx)
    if not article.paragraphs:
        return Prepared(errors=[InputError(name, "nothing left after cleaning (only cruft)")])
    if not article.title:
        return Prepared(errors=[InputError(name, "no headline found")])
    article.warnings = list(dict.fromkeys(article.warnings))
    return Prepared(articles=[article])


@dataclass(frozen=True, slots=True)
class Decision:
    """What the archive does with one article: status, final id and version."""

    status: Status
    article_id: str
    version: int


@dataclass
class ArchiveReplay:
    """The identity rules of :meth:`Archive.add`, replayed in ingestion order.

    Same content hash as any stored version: duplicate. Same caller id, or same
    URL without a caller id: a new version of that article. Otherwise a new
    article whose id is the caller's id or the content hash.
    """

    versions: dict[str, tuple[str, int]] = field(default_factory=dict)
    rows: dict[str, tuple[int, int, str | None]] = field(default_factory=dict)
    by_url: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, digest: str, caller_id: str, url: str | None) -> Decision:
        known = self.versions.get(digest)
        if known is not None:
            return Decision("duplicate", known[0], known[1])
        previous: str | None = None
        if caller_id:
            previous = caller_id if caller_id in self.rows else None
        elif url and self.by_url.get(url):
            holders = self.by_url[url]
            previous = max(holders, key=lambda i: holders[i])
        if previous is None:
            article_id = caller_id or digest
            version, status = 1, "ingested"
            rowid = len(self.rows) + 1
        else:
            article_id = previous
            rowid, old_version, old_url = self.rows[previous]
            version, status = old_version + 1, "new-version"
            if old_url:
                self.by_url[old_url].pop(previous, None)
        self.rows[article_id] = (rowid, version, url)
        if url:
            self.by_url.setdefault(url, {})[article_id] = rowid
        self.versions[digest] = (article_id, version)
        return Decision(status, article_id, version)  # type: ignore[arg-type]


def remove_template_lines(article: Article, frequent: set[int], min_articles: int) -> Article:
    """The archive's template-line removal, given the frequent paragraph indexes."""
    if not article.source or min_articles <= 0:
        return article
    if not frequent or len(frequent) >= len(article.paragraphs):
        return article
    reason = f"template line repeated in {min_articles}+ articles from {article.source}"
    removed = [
        Removal(p, "template-line", reason, i)
        for i, p in enumerate(article.paragraphs)
        if i in frequent
    ]
    kept = [p for i, p in enumerate(article.paragraphs) if i not in frequent]
    return replace(article, paragraphs=kept, removed=article.removed + removed)


def raw_lines(article: Article) -> list[str]:
    """The paragraphs before template-line removal (what the archive counts per source)."""
    template = sorted(
        (r for r in article.removed if r.rule == "template-line"), key=lambda r: r.paragraph
    )
    out = list(article.paragraphs)
    for removal in template:
        out.insert(removal.paragraph, removal.text)
    return out


def line_hashes(article: Article) -> list[str]:
    """Distinct line hashes of an article's paragraphs, as the archive counts them."""
    return sorted({Archive.line_hash(p) for p in article.paragraphs})
