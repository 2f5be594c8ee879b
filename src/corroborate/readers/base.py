"""The reader interface and registry.

A reader turns one :class:`RawInput` (bytes plus where they came from) into
articles that have not been cleaned yet, and links still to fetch. Readers
register themselves with a :class:`ReaderRegistry`; the registry picks one by
sniffing the content first and the file suffix second, and an unknown reader
name fails with the list of valid ones.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from corroborate.config import Context
from corroborate.errors import InputError, UsageError
from corroborate.model import Article

if TYPE_CHECKING:  # pragma: no cover
    from corroborate.budget import ReaderWorker

__all__ = [
    "RawInput",
    "Reader",
    "ReaderOutput",
    "ReaderRegistry",
]


@dataclass(frozen=True, slots=True)
class RawInput:
    """Bytes to read and where they came from.

    ``name`` is what outcomes and articles report as the input (a path, URL, or
    ``-``); ``url`` is set when the bytes were fetched from the web, and
    ``media_type`` when a server or caller declared one.
    """

    name: str
    data: bytes
    url: str | None = None
    media_type: str | None = None
    charset: str | None = None

    @property
    def suffix(self) -> str:
        base = self.name.rsplit("/", 1)[-1].lower()
        if base.endswith(".gz"):
            base = base[:-3]
        return "." + base.rsplit(".", 1)[-1] if "." in base else ""

    def head(self, size: int = 4096) -> bytes:
        return self.data[:size].lstrip(b"\xef\xbb\xbf \t\r\n")


@dataclass(slots=True)
class ReaderOutput:
    """What a reader found: articles (not yet cleaned) and links to fetch later.

    ``errors`` holds per-item failures inside a multi-item input (one bad line of
    a JSON Lines file) so that the good items are still ingested.
    """

    articles: list[Article] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


ReadFunction = Callable[[RawInput, Context], ReaderOutput]
SniffFunction = Callable[[RawInput], float]


@dataclass(frozen=True, slots=True)
class Reader:
    """A registered reader: ``sniff`` scores content from 0 (no) to 1 (certain)."""

    name: str
    description: str
    suffixes: tuple[str, ...]
    sniff: SniffFunction
    read: ReadFunction
    media_types: tuple[str, ...] = ()


class ReaderRegistry:
    """Readers by name, with content sniffing and a helpful failure for unknown names."""

    def __init__(self, readers: Iterable[Reader] = ()) -> None:
        self._readers: dict[str, Reader] = {}
        self._worker: ReaderWorker | None = None
        self._worker_lock = threading.Lock()
        for reader in readers:
            self.register(reader)

    def register(self, reader: Reader) -> Reader:
        if reader.name in self._readers:
            raise UsageError(f"a reader named {reader.name!r} is already registered")
        self._readers[reader.name] = reader
        if self._worker is not None:
            self._worker.stop()  # its copy of the registry lacks this reader; refork on next read
        return reader

    def worker(self) -> ReaderWorker:
        """The worker process that runs this registry's readers under the time budget.

        Created on first use (the process itself on the first read) and stopped by
        :meth:`close`, when the registry is garbage-collected, or at exit.
        """
        with self._worker_lock:
            if self._worker is None:
                from corroborate.budget import ReaderWorker

                self._worker = ReaderWorker()
                weakref.finalize(self, self._worker.stop)
            return self._worker

    def close(self) -> None:
        """Stop the reader worker process, if one is running (reads start a new one)."""
        if self._worker is not None:
            self._worker.stop()

    def names(self) -> list[str]:
        return sorted(self._readers)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._readers.values())

    def get(self, name: str) -> Reader:
        try:
            return self._readers[name]
        except KeyError:
            raise UsageError(
                f"unknown reader {name!r}; valid readers: {', '.join(self.names())}"
            ) from None

    def choose(self, raw: RawInput) -> Reader:
        """The reader for ``raw``: best content sniff, ties and weak sniffs broken by suffix."""
        best: tuple[float, Reader] | None = None
        for reader in self._readers.values():
            score = reader.sniff(raw)
            if raw.suffix in reader.suffixes:
                score += 0.3
            if raw.media_type and raw.media_type in reader.media_types:
                score += 0.4
            if best is None or score > best[0]:
                best = (score, reader)
        if best is None or best[0] <= 0:
            raise InputError(
                raw.name, f"no reader recognises this input (readers: {', '.join(self.names())})"
            )
        return best[1]
