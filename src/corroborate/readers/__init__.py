"""Readers, one module per format, collected into a registry on demand.

``default_registry()`` builds a fresh :class:`ReaderRegistry` from the built-in
reader modules; a caller adds its own readers with ``registry.register``.
Nothing is registered at import time.
"""

from __future__ import annotations

import importlib

from corroborate.readers.base import RawInput, Reader, ReaderOutput, ReaderRegistry

__all__ = [
    "BUILTIN_READER_MODULES",
    "RawInput",
    "Reader",
    "ReaderOutput",
    "ReaderRegistry",
    "default_registry",
]

BUILTIN_READER_MODULES: tuple[str, ...] = (
    "corroborate.readers.markdown",
    "corroborate.readers.html",
    "corroborate.readers.feed",
    "corroborate.readers.jsonlines",
    "corroborate.readers.plaintext",
)


def default_registry() -> ReaderRegistry:
    """A registry holding every built-in reader (each module exposes ``READER``)."""
    registry = ReaderRegistry()
    for module_name in BUILTIN_READER_MODULES:
        registry.register(importlib.import_module(module_name).READER)
    return registry
