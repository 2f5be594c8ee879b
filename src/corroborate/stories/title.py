"""A readable headline for a story: the most central article's title, cleaned."""

from __future__ import annotations

import re
from collections.abc import Sequence

from corroborate.text import content_words, normalize_for_matching

__all__ = ["clean_headline", "story_title"]

_KEYWORDS = (
    r"(?:update[sd]?(?:\s*\d+)?|breaking(?:\s+news)?|live(?:\s+updates?)?|watch|video|"
    r"exclusive|just\s+in|developing|analysis|opinion|photos?|listen|corrected|correction|"
    r"urgent|factbox|explainer|wrapup(?:\s*\d+)?|refile)"
)
_PREFIX = re.compile(
    rf"^\s*(?:[\[(]\s*{_KEYWORDS}\s*[\])]\s*[:|\-\u2013\u2014]?|{_KEYWORDS}\s*[:|\-\u2013\u2014])\s*",
    re.IGNORECASE,
)
_SUFFIX = re.compile(r"\s+(?:[-\u2013\u2014|]|::)\s+[^-\u2013\u2014|]{2,60}$")


def clean_headline(title: str) -> str:
    """Drop "Update:"/"BREAKING:"/"Live:"/"WATCH:" prefixes and a trailing " - Outlet"/" | Outlet".

    A trailing part is only dropped when what remains still reads as a headline
    (at least three words), so "Trump - Carney call" keeps its dash.
    """
    text = " ".join(title.split())
    while True:
        stripped = _PREFIX.sub("", text, count=1)
        if stripped == text or not stripped:
            break
        text = stripped
    match = _SUFFIX.search(text)
    if match and len(text[: match.start()].split()) >= 3:
        text = text[: match.start()].rstrip()
    return text


def story_title(titles: Sequence[str], centrality: Sequence[float] | None = None) -> str:
    """The cleaned title of the most central article.

    ``centrality`` gives each title's article's closeness to the story (the
    index passes the cosine with the story centroid); without it the title
    sharing most words with the other titles wins. Ties go to the earlier title.
    """
    cleaned = [clean_headline(t) for t in titles]
    candidates = [i for i, t in enumerate(cleaned) if t]
    if not candidates:
        return ""
    if centrality is not None:
        if len(centrality) != len(titles):
            raise ValueError("story_title: one centrality value per title is needed")
        best = max(candidates, key=lambda i: (centrality[i], -i))
        return cleaned[best]
    sets = [set(content_words(normalize_for_matching(t))) for t in cleaned]

    def overlap(i: int) -> float:
        return sum(
            len(sets[i] & sets[j]) / (len(sets[i] | sets[j]) or 1) for j in candidates if j != i
        )

    best = max(candidates, key=lambda i: (overlap(i), -i))
    return cleaned[best]
