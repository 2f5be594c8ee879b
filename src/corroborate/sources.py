"""Turning what the user named (paths, directories, URLs, ``-``) into raw inputs.

This is the I/O side of ingestion: it reads files and stdin and fetches URLs,
enforcing the size limits, and yields :class:`RawInput` records or the error
that stopped one input. Reading and cleaning the bytes is someone else's job.
"""

from __future__ import annotations

import os
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from corroborate.config import Limits
from corroborate.errors import InputError
from corroborate.readers.base import RawInput

__all__ = ["SourceItem", "expand_sources", "is_url", "read_limited_file"]


@dataclass(frozen=True, slots=True)
class SourceItem:
    """One input: its bytes, or the error that kept us from reading them."""

    name: str
    raw: RawInput | None = None
    error: InputError | None = None


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def _read_stream(stream: BinaryIO, name: str, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(name, f"input is over the {limit:,}-byte limit")
    return data


MAX_GZIP_MEMBERS = 1000


def _gunzip(data: bytes, name: str, limit: int) -> bytes:
    """Decompress gzip data, every member as ``gunzip`` does, refusing output over
    ``limit`` (gzip bombs) and data that ends before its compressed stream does."""
    out = bytearray()
    rest = data
    for _member in range(MAX_GZIP_MEMBERS):
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += decompressor.decompress(rest, limit + 1 - len(out))
        except zlib.error as exc:
            raise InputError(name, f"corrupt gzip data: {exc}") from None
        if len(out) > limit or decompressor.unconsumed_tail:
            raise InputError(
                name, f"decompressed size is over the {limit:,}-byte limit (gzip bomb?)"
            )
        if not decompressor.eof:
            raise InputError(name, "truncated gzip data (the file ends inside the stream)")
        rest = decompressor.unused_data.lstrip(b"\0")  # gzip allows zero padding
        if not rest:
            return bytes(out)
    raise InputError(name, f"more than {MAX_GZIP_MEMBERS} gzip members")


def read_limited_file(path: Path, limits: Limits) -> bytes:
    name = str(path)
    try:
        size = path.stat().st_size
        if size > limits.max_input_bytes:
            raise InputError(
                name, f"file is {size:,} bytes, over the {limits.max_input_bytes:,}-byte limit"
            )
        with path.open("rb") as handle:
            data = _read_stream(handle, name, limits.max_input_bytes)
    except OSError as exc:
        raise InputError(name, exc.strerror or str(exc)) from None
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, name, limits.max_decompressed_bytes)
    return data


def _walk(directory: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(directory, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for filename in sorted(files):
            if not filename.startswith("."):
                yield Path(root) / filename


def _item_for_path(path: Path, limits: Limits) -> SourceItem:
    name = str(path)
    try:
        return SourceItem(name, RawInput(name=name, data=read_limited_file(path, limits)))
    except InputError as exc:
        return SourceItem(name, error=exc)


def expand_sources(
    sources: list[str], limits: Limits, stdin: BinaryIO | None = None
) -> Iterator[SourceItem]:
    """Yield one :class:`SourceItem` per file, URL or stdin named by ``sources``.

    Directories are walked recursively (hidden files and folders skipped,
    symbolic links to folders not followed), in sorted order so runs repeat.
    """
    for source in sources:
        if source == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            try:
                data = _read_stream(stream, "-", limits.max_input_bytes)
                if data[:2] == b"\x1f\x8b":
                    data = _gunzip(data, "-", limits.max_decompressed_bytes)
                yield SourceItem("-", RawInput(name="-", data=data))
            except InputError as exc:
                yield SourceItem("-", error=exc)
        elif is_url(source):
            try:
                from corroborate.fetch import fetch_url  # httpx: loaded only for URLs

                page = fetch_url(source, limits)
            except InputError as exc:
                yield SourceItem(source, error=exc)
                continue
            yield SourceItem(
                source,
                RawInput(
                    name=source,
                    data=page.data,
                    url=page.final_url,
                    media_type=page.media_type,
                    charset=page.charset,
                ),
            )
        else:
            path = Path(source)
            if path.is_dir():
                found = False
                for file_path in _walk(path):
                    found = True
                    if file_path.exists() and not file_path.is_file():
                        # A named pipe would block open() forever; devices never end.
                        reason = "not a regular file (named pipe, socket or device); skipped"
                        yield SourceItem(str(file_path), error=InputError(str(file_path), reason))
                        continue
                    yield _item_for_path(file_path, limits)
                if not found:
                    yield SourceItem(source, error=InputError(source, "directory has no files"))
            elif path.exists():
                yield _item_for_path(path, limits)
            else:
                yield SourceItem(source, error=InputError(source, "no such file, directory or URL"))
