"""Extractive summaries with citations: one article's key sentences, a story's digest.

The engine behind the ``summarize`` action: pure functions over
:class:`corroborate.model.Article` records, offline, every sentence cited.
"""

from __future__ import annotations

from corroborate.summarize.engine import digest_story, summarize_article
from corroborate.summarize.records import (
    ArticleSummaryOptions,
    Citation,
    Digest,
    DigestOptions,
    DigestSentence,
)

__all__ = [
    "ArticleSummaryOptions",
    "Citation",
    "Digest",
    "DigestOptions",
    "DigestSentence",
    "digest_story",
    "summarize_article",
]
