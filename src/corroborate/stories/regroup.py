"""Local re-check of a growing story: split it when it holds two events.

Incremental assignment can let one report of a second, similar event (another
earthquake, another arrest of a player of the same team) into a story; later
reports of that event then match the story through it, and the two events
grow together. When a story reaches one of a few sizes, its members are
divided into the two most separate groups (average-linkage over tf-idf and
embedding cosines) and each group's members are scored, with the same model
that decides joins, against the other group as a story. If neither group
would join the other, the smaller one becomes a story of its own.

The cost is local and bounded: only the story that just grew is looked at,
only at sizes on a geometric schedule up to ``max_size`` members, so it does
not grow with the archive. Stories with a person's decision are never split.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from corroborate.stories.profile import Entry, MemberBlock, StoryProfile
from corroborate.stories.signals import ArticleQuery, story_signals
from corroborate.stories.stats import CorpusStats

if TYPE_CHECKING:  # pragma: no cover
    from corroborate.stories.scoring import ScoreModel

__all__ = [
    "RegroupOptions",
    "average_linkage_pair",
    "check_sizes",
    "find_split",
    "split_score",
    "two_groups",
]


@dataclass(frozen=True, slots=True)
class RegroupOptions:
    """When and how a story is re-checked for holding two events.

    ``threshold`` None uses the model's ``split_threshold`` (tuned on ECB+
    development topics); a value of 0 or less turns re-checking off. A story is
    split when the mean probability of either group's members joining the
    other group is below it and each group has at least ``min_part`` members;
    at most ``sample`` members of a group are scored (evenly spread), which
    bounds the cost of a check.
    """

    threshold: float | None = None
    min_size: int = 4
    max_size: int = 64
    growth: float = 1.5
    min_part: int = 2
    sample: int = 8


def check_sizes(options: RegroupOptions) -> frozenset[int]:
    """Story sizes at which a story is re-checked (geometric from min_size to max_size)."""
    sizes: set[int] = set()
    size = float(options.min_size)
    while size <= options.max_size:
        sizes.add(int(size))
        size = max(size + 1.0, size * options.growth)
    return frozenset(sizes)


def _similarity(entries: Sequence[Entry], stats: CorpusStats) -> np.ndarray:
    """Mean of the tf-idf cosine and the embedding cosine of every pair of members."""
    emb = np.stack([e.features.embedding for e in entries]).astype(np.float64)
    ids = np.unique(np.concatenate([e.vector.ids for e in entries]))
    terms = np.zeros((len(entries), ids.size))
    for i, entry in enumerate(entries):
        pos = np.searchsorted(ids, entry.vector.ids)
        terms[i, pos] = entry.vector.tf * stats.idf(entry.vector.ids)
    norms = np.linalg.norm(terms, axis=1, keepdims=True)
    terms /= np.where(norms > 0, norms, 1.0)
    return 0.5 * (terms @ terms.T) + 0.5 * (emb @ emb.T)


def two_groups(entries: Sequence[Entry], stats: CorpusStats) -> tuple[list[int], list[int]]:
    """Indices of the two groups average-linkage clustering leaves last (O(n^2) numpy)."""
    return average_linkage_pair(_similarity(entries, stats))


def average_linkage_pair(similarity: np.ndarray) -> tuple[list[int], list[int]]:
    """The two groups average linkage leaves last, merging the most similar pair of
    groups (the first in row order on a tie) until two remain; ``similarity``: an
    (n x n) symmetric matrix, n >= 2."""
    n = similarity.shape[0]
    sums = similarity.astype(np.float64, copy=True)
    counts = np.ones(n)
    alive = np.ones(n, dtype=bool)
    groups: list[list[int]] = [[i] for i in range(n)]
    # Average similarity of every pair of live groups, -inf on the diagonal and for
    # merged-away groups; a merge changes only the merged group's row and column,
    # so only those are recomputed (with the same operations as the whole matrix).
    avg = sums / np.outer(counts, counts)
    np.fill_diagonal(avg, -np.inf)
    for _ in range(n - 2):
        i, j = (int(v) for v in np.unravel_index(int(np.argmax(avg)), avg.shape))
        a, b = min(i, j), max(i, j)
        sums[a, :] += sums[b, :]
        sums[:, a] += sums[:, b]
        counts[a] += counts[b]
        alive[b] = False
        groups[a].extend(groups[b])
        groups[b] = []
        avg[a, :] = np.where(alive, sums[a, :] / (counts[a] * counts), -np.inf)
        avg[:, a] = np.where(alive, sums[:, a] / (counts * counts[a]), -np.inf)
        avg[a, a] = avg[b, :] = avg[:, b] = -np.inf
    left, right = (g for i, g in enumerate(groups) if alive[i])
    return sorted(left), sorted(right)


def split_score(
    source: Sequence[Entry],
    target: Sequence[Entry],
    stats: CorpusStats,
    model: ScoreModel,
    compare_members: int,
    sample: int = 8,
) -> float:
    """Mean probability that ``source`` members (up to ``sample``) would join ``target``."""
    profile = StoryProfile("regroup")
    for entry in target:
        profile.add(entry.features.article_id, entry)
    recent = MemberBlock.of(list(target[-compare_members:]))  # stacked once for all sources
    if len(source) > sample:
        source = [source[int(i)] for i in np.linspace(0, len(source) - 1, sample)]
    probs = [
        float(
            model.probability(
                story_signals(ArticleQuery.build(e, stats), [profile], [recent], stats)
            )[0]
        )
        for e in source
    ]
    return float(np.mean(probs)) if probs else 1.0


def find_split(
    entries: Sequence[Entry],
    stats: CorpusStats,
    model: ScoreModel,
    threshold: float,
    options: RegroupOptions,
    compare_members: int = 16,
) -> list[int] | None:
    """Indices of members to split off (the smaller group), or None to keep the story whole."""
    left, right = two_groups(entries, stats)
    if min(len(left), len(right)) < options.min_part:
        return None
    a = [entries[i] for i in left]
    b = [entries[i] for i in right]
    if split_score(a, b, stats, model, compare_members, options.sample) >= threshold:
        return None
    if split_score(b, a, stats, model, compare_members, options.sample) >= threshold:
        return None
    return left if len(left) < len(right) else right
