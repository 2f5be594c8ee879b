"""Running aggregates of one story and the per-article data the index keeps.

A :class:`StoryProfile` sums what its members say (term vectors, embeddings,
mention counts, time span) so an incoming article is compared with the story
in time independent of the story's size; members can be added and taken out
again (split, move) without recomputing from scratch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from corroborate.stories.features import EMBEDDING_DIM, StoryFeatures
from corroborate.stories.stats import TermVector


def mention_group(key: str) -> str:
    """The group of a mention key: "person:x" -> person, "misc:x" -> org, "num:3" -> num."""
    kind = key.split(":", 1)[0]
    return "org" if kind == "misc" else kind


__all__ = ["Entry", "StoryProfile", "mention_group", "mention_weights", "timestamp"]


def timestamp(when: datetime | None) -> float | None:
    """Seconds since the epoch; a naive time (zone unknown) is read as UTC."""
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


LEAD_BONUS = 1.0


def mention_weights(features: StoryFeatures) -> dict[str, float]:
    """Mention keys of an article with weight 1 + log(count), plus 1 if named in the lead.

    Entity keys keep their kind prefix ("person:carney"); figures become
    "num:12" and dates "date:y:2013", so one table serves all three.
    """
    out: dict[str, float] = {}
    for mention in features.entities:
        bonus = LEAD_BONUS if mention.lead else 0.0
        out[mention.key] = 1.0 + math.log(max(1, mention.count)) + bonus
    for key, count in features.numbers.items():
        out["num:" + key] = 1.0 + math.log(max(1, count))
    for key, count in features.dates.items():
        out["date:" + key] = 1.0 + math.log(max(1, count))
    return out


@dataclass(slots=True)
class Entry:
    """One indexed article: its features, term vector, mention weights and story."""

    features: StoryFeatures
    vector: TermVector
    mentions: dict[str, float]
    story_id: str
    pinned: bool = False
    time: float | None = None


@dataclass
class StoryProfile:
    """Sums over a story's members, kept up to date as members come and go."""

    story_id: str
    members: list[str] = field(default_factory=list)
    term_sum: dict[int, float] = field(default_factory=dict)
    emb_sum: np.ndarray = field(default_factory=lambda: np.zeros(EMBEDDING_DIM, np.float64))
    key_weights: dict[str, float] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)
    _arrays: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    _top: dict[str, list[tuple[str, float]]] | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return len(self.members)

    def add(self, article_id: str, entry: Entry) -> None:
        """Count one member in."""
        self.members.append(article_id)
        self._change(entry, +1.0)

    def remove(self, article_id: str, entry: Entry) -> None:
        """Take one member out again (split or move)."""
        self.members.remove(article_id)
        self._change(entry, -1.0)

    def _change(self, entry: Entry, sign: float) -> None:
        for tid, value in zip(entry.vector.ids.tolist(), entry.vector.tf.tolist(), strict=True):
            new = self.term_sum.get(tid, 0.0) + sign * value
            if abs(new) < 1e-9:
                self.term_sum.pop(tid, None)
            else:
                self.term_sum[tid] = new
        self.emb_sum += sign * entry.features.embedding.astype(np.float64)
        for key, weight in entry.mentions.items():
            total = self.key_weights.get(key, 0.0) + sign * weight
            if total <= 1e-9:
                self.key_weights.pop(key, None)
            else:
                self.key_weights[key] = total
        when = entry.time
        if when is not None:
            if sign > 0:
                self.times.append(when)
            else:
                self.times.remove(when)
        self._arrays = None
        self._top = None

    def top_mentions(self, limit: int = 20) -> dict[str, list[tuple[str, float]]]:
        """The story's most mentioned keys per group ("person", "num", ...), cached.

        Comparing with the top few keys only keeps the cost per candidate flat
        however many members (and stray mentions) a story collects.
        """
        if self._top is None:
            groups: dict[str, list[tuple[str, float]]] = {}
            for key, weight in self.key_weights.items():
                groups.setdefault(mention_group(key), []).append((key, weight))
            self._top = {
                g: sorted(items, key=lambda kv: (-kv[1], kv[0]))[:limit]
                for g, items in groups.items()
            }
        return self._top

    def term_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The summed term vector as sorted (ids, values) arrays (cached)."""
        if self._arrays is None:
            ids = np.fromiter(self.term_sum.keys(), dtype=np.int64, count=len(self.term_sum))
            vals = np.fromiter(self.term_sum.values(), dtype=np.float64, count=len(ids))
            order = np.argsort(ids)
            self._arrays = (ids[order], vals[order])
        return self._arrays

    def time_span(self) -> tuple[float, float] | None:
        """First and last publication time of members with a known time."""
        if not self.times:
            return None
        return min(self.times), max(self.times)
