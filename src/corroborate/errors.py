"""Exceptions with messages a person can act on."""

from __future__ import annotations

__all__ = ["CorroborateError", "InputError", "NotFoundError", "UsageError"]


class CorroborateError(Exception):
    """Base class for every error corroborate raises on purpose."""


class InputError(CorroborateError):
    """One input (file, URL, feed entry) could not be read; the others go on.

    ``source`` names the input and ``reason`` says what is wrong with it in words
    a user can act on ("binary file (NUL bytes)", "empty file", ...).
    """

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class NotFoundError(CorroborateError):
    """An article, story or other record named by the user does not exist."""


class UsageError(CorroborateError):
    """The caller asked for something that cannot be done as asked (bad name, option)."""
