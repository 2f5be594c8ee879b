"""Running aggregates of one story and the per-article data the index keeps.

A :class:`StoryProfile` sums what its members say (term vectors, embeddings,
mention counts, time span) so an incoming article is compared with the story
in time independent of the story's size; members can be added and taken out
again (split, move) without recomputing from scratch.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np

from corroborate.stories.features import EMBEDDING_DIM, StoryFeatures
from corroborate.stories.stats import CorpusStats, TermVector


def mention_group(key: str) -> str:
    """The group of a mention key: "person:x" -> person, "misc:x" -> org, "num:3" -> num."""
    kind = key.partition(":")[0]
    return "org" if kind == "misc" else kind


__all__ = [
    "Entry",
    "MemberBlock",
    "ProfileLimits",
    "StoryProfile",
    "mention_group",
    "mention_weights",
    "slim_features",
    "timestamp",
]


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


def slim_features(features: StoryFeatures) -> StoryFeatures:
    """What the index keeps of an article's features: no term dict, a float16 embedding.

    The terms live on as the entry's compact :class:`TermVector` (and can be
    given back from it); halving the embedding changes cosines by about 1e-3.
    """
    return replace(features, terms={}, embedding=np.asarray(features.embedding, dtype=np.float16))


@dataclass(slots=True)
class Entry:
    """One indexed article: its slim features, term vector and story.

    Mention weights are recomputed from the features when needed (cheap, and
    only at add, move and explain time) rather than kept per article.
    """

    features: StoryFeatures
    vector: TermVector
    story_id: str
    pinned: bool = False
    time: float | None = None

    @property
    def mentions(self) -> dict[str, float]:
        return mention_weights(self.features)


@dataclass(frozen=True, slots=True)
class MemberBlock:
    """Some members of a story laid out for comparison: term vectors end to end, embeddings.

    Built once and reused while the story's recent members stay the same, so
    scoring an article against a story does not restack its members each time.
    """

    ids: tuple[str, ...]
    term_ids: np.ndarray  # every member's term ids, end to end
    term_tf: np.ndarray  # their tf values
    lengths: np.ndarray  # terms per member
    embeddings64: np.ndarray  # one row per member, as float64 (what scoring multiplies)

    @classmethod
    def of(cls, entries: list[Entry]) -> MemberBlock:
        if not entries:
            return cls(
                (),
                np.zeros(0, np.int32),
                np.zeros(0, np.float32),
                np.zeros(0, int),
                np.zeros((0, EMBEDDING_DIM), np.float64),
            )
        return cls(
            tuple(e.features.article_id for e in entries),
            np.concatenate([e.vector.ids for e in entries]),
            np.concatenate([e.vector.tf for e in entries]),
            np.array([e.vector.ids.size for e in entries]),
            np.stack([e.features.embedding for e in entries]).astype(np.float64),
        )


@dataclass(frozen=True, slots=True)
class ProfileLimits:
    """Bounds of every per-story aggregate, so comparing with a story costs the same at any size.

    The centroid keeps its ``terms`` heaviest terms and each mention group its
    ``keys_per_group`` heaviest keys; both are pruned back when they reach
    twice that (amortised O(1) per added article).
    """

    terms: int = 800
    keys_per_group: int = 64


@dataclass
class StoryProfile:
    """Bounded sums over a story's members, kept up to date as members come and go."""

    story_id: str
    limits: ProfileLimits = field(default_factory=ProfileLimits)
    members: list[str] = field(default_factory=list)
    term_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))  # sorted
    term_sum: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    emb_sum: np.ndarray = field(default_factory=lambda: np.zeros(EMBEDDING_DIM, np.float32))
    key_weights: dict[str, float] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)
    _span: tuple[float, float] | None = field(default=None, repr=False)
    _top: dict[str, list[tuple[str, float]]] | None = field(default=None, repr=False)
    _mains: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _emb_norm: float | None = field(default=None, repr=False)
    _emb64: np.ndarray | None = field(default=None, repr=False)
    _block: tuple[CorpusStats, np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return len(self.members)

    def add(self, article_id: str, entry: Entry, mentions: dict[str, float] | None = None) -> None:
        """Count one member in (``mentions``: its :attr:`Entry.mentions`, when known)."""
        self.members.append(article_id)
        self._change(entry, +1.0, mentions)

    def remove(self, article_id: str, entry: Entry) -> None:
        """Take one member out again (split or move)."""
        self.members.remove(article_id)
        self._change(entry, -1.0)

    def absorb(self, other: StoryProfile) -> None:
        """Take over every member of ``other`` by adding its sums (a merge, O(bounds))."""
        self.members.extend(other.members)
        self._terms(other.term_ids, other.term_sum, 1.0)
        self.emb_sum += other.emb_sum
        _merge(self.key_weights, other.key_weights.items(), 1.0)
        self.times.extend(other.times)
        if other._span is not None:
            lo, hi = other._span
            self._span = (
                (lo, hi)
                if self._span is None
                else (
                    min(lo, self._span[0]),
                    max(hi, self._span[1]),
                )
            )
        self._bound()

    def _change(self, entry: Entry, sign: float, mentions: dict[str, float] | None = None) -> None:
        self._terms(entry.vector.ids, entry.vector.tf, sign)
        self.emb_sum += sign * entry.features.embedding.astype(np.float32)
        if mentions is None:
            mentions = entry.mentions
        _merge(self.key_weights, mentions.items(), sign)
        when = entry.time
        if when is not None:
            if sign > 0:
                self.times.append(when)
                lo, hi = self._span or (when, when)
                self._span = (min(lo, when), max(hi, when))
            else:
                self.times.remove(when)
                self._span = (min(self.times), max(self.times)) if self.times else None
        top = self._top
        if not self._bound() and sign > 0 and top is not None:
            # Weights only grew, and only the article's keys': the new top keys are
            # among the old top ones and the article's, so rank just those.
            self._top = _rerank(top, self.key_weights, mentions)

    def _terms(self, ids: np.ndarray, values: np.ndarray, sign: float) -> None:
        """Add (or subtract) a term vector into the summed one (sorted compact arrays).

        Subtracting a term the sum no longer holds (pruned) is a no-op; terms
        whose sum reaches zero are dropped.
        """
        if sign > 0:
            # Both sides are sorted with unique ids: add the shared terms in place
            # (in float64, then back to float32, as summing both in float64 would)
            # and insert the new ones where they sort.
            held = self.term_ids
            pos = np.searchsorted(held, ids)
            hit = held[np.minimum(pos, held.size - 1)] == ids if held.size else pos < 0
            sums = self.term_sum.astype(np.float32, copy=True)
            at = pos[hit]
            sums[at] = sums[at].astype(np.float64) + values[hit].astype(np.float64)
            new = ~hit
            fresh = pos[new]
            slots = fresh + np.arange(fresh.size)  # where the new terms land in the result
            kept = np.ones(held.size + fresh.size, bool)
            kept[slots] = False
            term_ids = np.empty(kept.size, np.int32)
            term_ids[kept] = held
            term_ids[slots] = ids[new]
            term_sum = np.empty(kept.size, np.float32)
            term_sum[kept] = sums
            term_sum[slots] = values[new]
            self.term_ids, self.term_sum = term_ids, term_sum
            return
        if not self.term_ids.size or not ids.size:
            return
        pos = np.minimum(np.searchsorted(self.term_ids, ids), self.term_ids.size - 1)
        hit = self.term_ids[pos] == ids
        sums = self.term_sum.copy()
        sums[pos[hit]] -= values[hit]
        keep = sums > 1e-6
        self.term_ids, self.term_sum = self.term_ids[keep], sums[keep]

    def _bound(self) -> bool:
        """Prune the centroid and mention weights back to their limits when they double;
        drop every cached view. True when mention weights were pruned."""
        cap = self.limits.terms
        if self.term_ids.size > 2 * cap:
            top = np.sort(np.argsort(-self.term_sum, kind="stable")[:cap])
            self.term_ids, self.term_sum = self.term_ids[top], self.term_sum[top]
        per_group = self.limits.keys_per_group
        pruned = len(self.key_weights) > 2 * per_group * len(GROUPS)
        if pruned:
            kept = _top_of(self.key_weights.items(), per_group)
            self.key_weights = {k: w for items in kept.values() for k, w in items}
        self._top = None
        self._mains = {}
        self._emb_norm = None
        self._emb64 = None
        self._block = None
        return pruned

    def top_mentions(self) -> dict[str, list[tuple[str, float]]]:
        """The story's :data:`TOP_KEYS` most mentioned keys per group ("person", "num", ...),
        heaviest first, ties by key; cached, and kept up to date as members are added.

        Comparing with the top few keys only keeps the cost per candidate flat
        however many members (and stray mentions) a story collects.
        """
        if self._top is None:
            self._top = _top_of(self.key_weights.items())
        return self._top

    def main_keys(self, group: str, prefix: str) -> list[str]:
        """The two most mentioned top keys of ``group`` starting with ``prefix``, cached."""
        keys = self._mains.get(prefix)
        if keys is None:
            top = self.top_mentions().get(group, ())
            keys = self._mains[prefix] = [k for k, _ in top if k.startswith(prefix)][:2]
        return keys

    def top_block(self, stats: CorpusStats) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`top_mentions` as two (groups x :data:`TOP_KEYS`) arrays: key ids in
        ``stats``, and weights divided by the story size (scoring needs ``weight / size``).

        Rows follow :data:`GROUPS`; unused cells hold key id -1 and weight 0.
        Cached until the story changes, so scoring stacks candidates instead of
        looping over their keys.
        """
        if self._block is None or self._block[0] is not stats:
            ids = np.full((len(GROUPS), TOP_KEYS), -1, np.int64)
            weights = np.zeros((len(GROUPS), TOP_KEYS))
            top = self.top_mentions()
            for row, group in enumerate(GROUPS):
                items = top.get(group)
                if items:
                    ids[row, : len(items)] = [stats.key_id(key) for key, _ in items]
                    weights[row, : len(items)] = [weight for _, weight in items]
            weights /= max(1, self.size)  # IEEE division: the bits of w / size per cell
            self._block = (stats, ids, weights)
        return self._block[1], self._block[2]

    def emb_norm(self) -> float:
        """Length of the summed embedding, cached until the story changes."""
        if self._emb_norm is None:
            self._emb_norm = float(np.linalg.norm(self.emb_sum))
        return self._emb_norm

    def emb_sum64(self) -> np.ndarray:
        """The summed embedding as float64 (what scoring multiplies), cached until it changes."""
        if self._emb64 is None:
            self._emb64 = self.emb_sum.astype(np.float64)
        return self._emb64

    def term_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The summed term vector as sorted (ids, values) arrays."""
        return self.term_ids, self.term_sum

    def time_span(self) -> tuple[float, float] | None:
        """First and last publication time of members with a known time (O(1))."""
        return self._span


# Mention groups a profile bounds separately (see mention_group).
GROUPS = ("person", "place", "org", "num", "date")


# Keys per mention group that :meth:`StoryProfile.top_mentions` keeps.
TOP_KEYS = 20


def _top_of(
    pairs: Iterable[tuple[str, float]], limit: int = TOP_KEYS
) -> dict[str, list[tuple[str, float]]]:
    """The ``limit`` heaviest (key, weight) pairs of each mention group, heaviest first.

    Sorted as (-weight, key) tuples, ties by key, without a key function per item
    (keys are unique, so the order is total); grouped by the key's kind prefix
    inline, "misc" folded into "org" after (a mention_group call per key cost
    more than the sort).
    """
    groups: dict[str, list[tuple[float, str]]] = {}
    for key, weight in pairs:
        kind = key.partition(":")[0]
        items = groups.get(kind)
        if items is None:
            items = groups[kind] = []
        items.append((-weight, key))
    misc = groups.pop("misc", None)
    if misc is not None:
        groups.setdefault("org", []).extend(misc)
    return {g: [(k, -w) for w, k in sorted(items)[:limit]] for g, items in groups.items()}


def _rerank(
    top: dict[str, list[tuple[str, float]]], weights: dict[str, float], grown: Iterable[str]
) -> dict[str, list[tuple[str, float]]]:
    """:func:`_top_of` over ``top``'s keys and the ``grown`` ones, at their ``weights``, when
    only the grown keys' weights changed (and only upwards).

    A group none of the grown keys is in keeps its list; in the others the grown keys
    are taken out of the old (sorted) list and ranked back in, by the same
    (-weight, key) order.
    """
    fresh: dict[str, list[tuple[float, str]]] = {}
    for key in grown:
        fresh.setdefault(mention_group(key), []).append((-weights[key], key))
    out = dict(top)
    for group, items in fresh.items():
        moved = {key for _, key in items}
        items.extend((-weight, key) for key, weight in top.get(group, ()) if key not in moved)
        out[group] = [(key, -weight) for weight, key in sorted(items)[:TOP_KEYS]]
    return out


def _merge(sums: dict[Any, float], items: Iterable[tuple[Any, float]], sign: float) -> None:
    """Add (or subtract) weights into running sums, dropping keys that reach zero.

    Subtracting a key the sums no longer hold (pruned) is a no-op.
    """
    for key, value in items:
        if sign < 0 and key not in sums:
            continue
        total = sums.get(key, 0.0) + sign * value
        if total <= 1e-9:
            sums.pop(key, None)
        else:
            sums[key] = total
