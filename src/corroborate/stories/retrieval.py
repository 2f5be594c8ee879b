"""Candidate retrieval: which stories a new article is compared with.

An inverted index from rare keys (named entities and the article's highest
tf-idf terms) to the stories that used them most recently. Each posting list
keeps at most ``max_postings`` stories, so a lookup costs the same whether the
archive holds a thousand articles or a million.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

import numpy as np

from corroborate.stories.signals import ArticleQuery, mention_group

__all__ = ["CandidateIndex", "RetrievalOptions", "retrieval_keys"]


@dataclass(frozen=True, slots=True)
class RetrievalOptions:
    """Bounds of candidate retrieval (all per article, independent of archive size)."""

    query_terms: int = 12
    max_postings: int = 64
    max_candidates: int = 24


def retrieval_keys(query: ArticleQuery, options: RetrievalOptions) -> list[tuple[str, float]]:
    """(key, weight) pairs to look up: entities by idf, top terms by tf-idf weight."""
    keys: list[tuple[str, float]] = []
    for key, idf in query.mention_idf.items():
        if mention_group(key) in ("person", "place", "org"):
            keys.append((key, idf))
    if query.ids.size:
        k = min(options.query_terms, query.ids.size)
        top = np.argpartition(-query.weights, k - 1)[:k]
        keys.extend((f"t:{int(query.ids[i])}", float(query.weights[i]) * 4.0) for i in top)
    return keys


def _best_first(item: tuple[str, float]) -> tuple[float, str]:
    """Sort key: highest shared weight first, then story id (a stable, total order)."""
    return -item[1], item[0]


@dataclass
class CandidateIndex:
    """Key -> most recent stories that mention it, bounded per key."""

    options: RetrievalOptions = field(default_factory=RetrievalOptions)
    postings: dict[str, dict[str, None]] = field(default_factory=dict)

    def candidates(
        self,
        keys: Iterable[tuple[str, float]],
        resolve: Callable[[str], str | None],
        live_ids: Collection[str] = (),
    ) -> list[str]:
        """Stories sharing the most key weight with the article, best first.

        ``resolve`` maps a posted story id to its live id (after merges) or None;
        ids in ``live_ids`` (a set or dict, for a fast membership test) are their
        own live id and skip the call: most are.
        """
        scores: dict[str, float] = {}  # weight per live story, added key by key
        score = scores.get
        postings = self.postings.get
        gone: dict[str, str | None] = {}  # posted ids not live: their live story (or None)
        for key, weight in keys:
            for story_id in postings(key, ()):
                if story_id not in live_ids:  # merged away or gone: a few per lookup
                    if story_id not in gone:
                        gone[story_id] = resolve(story_id)
                    live = gone[story_id]
                    if live is None:
                        continue
                    story_id = live
                # A story and one merged into it both posted under a key add the weight
                # twice, as two postings of the one story.
                scores[story_id] = score(story_id, 0.0) + weight
        wanted = self.options.max_candidates
        ids = list(scores)
        if len(ids) > wanted:
            # Only stories scoring at least the wanted-th best can rank: sort just those.
            totals = np.fromiter(scores.values(), np.float64, len(ids))
            floor = np.partition(totals, len(ids) - wanted)[len(ids) - wanted]
            ids = [ids[i] for i in np.flatnonzero(totals >= floor).tolist()]
        ranked = sorted(((sid, scores[sid]) for sid in ids), key=_best_first)
        return [sid for sid, _ in ranked[:wanted]]

    def post(self, story_id: str, keys: Iterable[tuple[str, float]]) -> None:
        """Record that ``story_id`` now uses these keys (most recent last)."""
        cap = self.options.max_postings
        for key, _ in keys:
            stories = self.postings.setdefault(key, {})
            stories.pop(story_id, None)
            stories[story_id] = None
            if len(stories) > cap:
                del stories[next(iter(stories))]
