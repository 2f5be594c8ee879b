"""The embedded SQLite archive."""

from corroborate.archive.schema import MIGRATIONS, Migration, migrate
from corroborate.archive.store import AddResult, Archive, ArticleSummary, SearchHit

__all__ = [
    "MIGRATIONS",
    "AddResult",
    "Archive",
    "ArticleSummary",
    "Migration",
    "SearchHit",
    "migrate",
]
