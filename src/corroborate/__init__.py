"""corroborate: what many reports of one event really say.

The public API is pinned by ``__all__`` (and by a test); the CLI and the web
reader are thin shells over these functions.
"""

from __future__ import annotations

from corroborate.config import Context, Limits
from corroborate.errors import CorroborateError, InputError, NotFoundError, UsageError
from corroborate.model import Article, Removal

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Context",
    "CorroborateError",
    "InputError",
    "Limits",
    "NotFoundError",
    "Removal",
    "UsageError",
    "__version__",
]
