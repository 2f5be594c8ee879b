"""Pair signals between an incoming article and a candidate story.

Each signal is a number in a small fixed range; :class:`~corroborate.stories.
model.ScoreModel` combines them into one calibrated probability. Computing them
is pure arithmetic over the features, the story profile and corpus statistics.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from corroborate.stories.profile import GROUPS, Entry, MemberBlock, StoryProfile, mention_group
from corroborate.stories.stats import CorpusStats

__all__ = [
    "MAIN_KEYS",
    "MENTION_GROUPS",
    "SIGNALS",
    "ArticleQuery",
    "main_match",
    "mention_group",
    "story_signals",
]

# Mention groups compared separately: who, where, which organisation/thing, figures, dates.
MENTION_GROUPS = GROUPS  # rows of StoryProfile.top_block

SIGNALS = (
    "lex_centroid",  # tf-idf cosine, article vs story centroid
    "lex_best",  # tf-idf cosine, article vs most similar member
    "emb_centroid",  # wordllama cosine vs story centroid
    "emb_best",  # wordllama cosine vs most similar member
    "lex_top3",  # mean tf-idf cosine with the three most similar members (not swayed by one)
    "emb_top3",  # the same for the wordllama cosine
    "person_a",  # share of the article's people (idf-weighted) the story mentions
    "person_s",  # share of the story's people the article mentions
    "place_a",
    "place_s",
    "org_a",
    "org_s",
    "num_a",
    "num_s",  # share of the story's main figures (magnitude, toll) the article mentions
    "date_a",
    "date_s",
    "person_x",  # both name people, none shared (1 - best share)
    "person_top",  # +1 same main person, -1 each side's main person absent from the other's top 2
    "place_top",  # the same for the main place
    "year_top",  # the same for the main year mentioned
    "month_top",  # the same for the main year-month mentioned (event time)
    "lead_a",  # share of the entities named in the article's lead that the story mentions
    "place_x",
    "num_x",
    "date_x",
    "time_gap",  # log1p(days) between article and story span; 0 when unknown
    "time_known",
)


@dataclass(frozen=True, slots=True)
class ArticleQuery:
    """An incoming article prepared once for comparison with every candidate."""

    entry: Entry
    ids: np.ndarray  # sorted term ids
    weights: np.ndarray  # tf-idf, unit length
    mentions: dict[str, float]  # key -> mention weight (profile.mention_weights)
    mention_idf: dict[str, float]
    groups: dict[str, list[tuple[str, float]]]  # group -> (key, weight x idf)
    main_memo: dict[str, list[str]] = field(default_factory=dict)  # prefix -> keys, main first
    totals: dict[str, float] = field(default_factory=dict)  # group -> sum of its weights
    lead: list[tuple[str, float]] = field(default_factory=list)  # lead entity keys, idf
    lead_total: float = 0.0

    @classmethod
    def build(
        cls, entry: Entry, stats: CorpusStats, mentions: dict[str, float] | None = None
    ) -> ArticleQuery:
        """The query of ``entry``; ``mentions``: its :attr:`Entry.mentions`, when known."""
        ids = entry.vector.ids
        w = entry.vector.tf * stats.idf(ids)
        norm = float(np.sqrt((w * w).sum()))
        if mentions is None:
            mentions = entry.mentions
        idf = {k: stats.key_idf(k) for k in mentions}
        groups: dict[str, list[tuple[str, float]]] = {}
        for key, weight in mentions.items():
            groups.setdefault(mention_group(key), []).append((key, weight * idf[key]))
        totals: dict[str, float] = {}
        for group, items in groups.items():
            total = 0.0
            for _, weight in items:
                total += weight
            totals[group] = total
        lead: list[tuple[str, float]] = []
        lead_total = 0.0
        for mention in entry.features.entities:
            if mention.lead:
                key_idf = idf.get(mention.key, 0.0)
                lead_total += key_idf
                lead.append((mention.key, key_idf))
        return cls(
            entry,
            ids,
            w / norm if norm > 0 else w,
            mentions,
            idf,
            groups,
            {},
            totals,
            lead,
            lead_total,
        )


def _cosines_flat(
    query: ArticleQuery,
    all_ids: np.ndarray,
    all_tf: np.ndarray,
    lengths: np.ndarray,
    stats: CorpusStats,
) -> np.ndarray:
    """Tf-idf cosine of the query with each of some vectors laid end to end (``lengths`` each).

    The query's weights are scattered into a dense scratch row once, so each
    stored term costs one gather instead of a binary search.
    """
    n = lengths.size
    if n == 0 or query.ids.size == 0:
        return np.zeros(n)
    all_tf = all_tf * stats.idf(all_ids)
    dense = stats.scratch()
    dense[query.ids] = query.weights
    prod = dense[all_ids] * all_tf
    dense[query.ids] = 0.0
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    if lengths.all():  # the usual case: every vector has terms
        dots = np.add.reduceat(prod, starts)
        norms = np.sqrt(np.add.reduceat(all_tf * all_tf, starts))
    else:
        nonempty = lengths > 0
        dots = np.zeros(n)
        norms = np.zeros(n)
        if nonempty.any():
            dots[nonempty] = np.add.reduceat(prod, starts[nonempty])
            norms[nonempty] = np.sqrt(np.add.reduceat(all_tf * all_tf, starts[nonempty]))
    return np.divide(dots, norms, out=np.zeros(n), where=norms > 0)


_ArticleSide = tuple[
    list[tuple[float, Sequence[tuple[str, float]]]], list[tuple[list[str], str, str]]
]


def _article_side(query: ArticleQuery) -> _ArticleSide:
    """What :func:`_share_values` needs of the article, looked up once per scoring call:
    per group its total and (key, weight) list, per main-key signal its keys (main first)."""
    groups: list[tuple[float, Sequence[tuple[str, float]]]] = [
        (query.totals.get(g, 0.0), query.groups.get(g, [])) for g in MENTION_GROUPS
    ]
    mains = [(_article_main(query, g, prefix), g, prefix) for g, prefix in MAIN_KEYS.values()]
    return groups, mains


def _share_values(
    query: ArticleQuery,
    side: _ArticleSide,
    profile: StoryProfile,
    s_totals: list[float],
    s_shared: list[float],
) -> list[float]:
    """Idf-weighted overlap of mentions per group, from the article's and the story's side,
    then the main-key matches and the lead share, in :data:`_SHARE_NAMES` order.

    The story side looks at the story's most mentioned keys of each group only;
    its sums (``s_totals``, ``s_shared`` per group) come from :func:`_story_sides`,
    the article's from :func:`_article_side`. Sums run in the order of a plain
    loop over the keys, so the values are bit for bit those of the
    straightforward computation.
    """
    story_keys = profile.key_weights
    groups, mains = side
    out: list[float] = []
    for (a_total, items), s_total, s_sum in zip(groups, s_totals, s_shared, strict=True):
        a_shared = 0.0
        if a_total:
            for key, w in items:
                if key in story_keys:
                    a_shared += w
        share_a = a_shared / a_total if a_total else 0.0
        share_s = s_sum / s_total if s_total else 0.0
        both = a_total > 0 and s_total > 0
        out += (share_a, share_s, 1.0 - max(share_a, share_s) if both else 0.0)
    for article_keys, group, prefix in mains:
        # No main key on the article's side: 0 whatever the story's (see _main_value).
        out.append(
            _main_value(article_keys, profile.main_keys(group, prefix)) if article_keys else 0.0
        )
    shared = 0.0
    if query.lead_total:
        for key, idf in query.lead:
            if key in story_keys:
                shared += idf
    out.append(shared / query.lead_total if query.lead_total else 0.0)
    return out


def _story_sides(
    query: ArticleQuery, profiles: list[StoryProfile], stats: CorpusStats
) -> tuple[np.ndarray, np.ndarray]:
    """Per candidate and group: idf-weighted total of the story's top keys, and of those
    the article mentions ((candidates x groups) arrays, for :func:`_share_values`).

    All candidates in one pass over stacked :meth:`StoryProfile.top_block` arrays;
    ``accumulate`` adds left to right, as a loop over the keys would.
    """
    tops = [p.top_block(stats) for p in profiles]
    # np.array of equal-shaped blocks: what np.stack gives, without its per-block overhead.
    ids = np.maximum(np.array([t[0] for t in tops]), 0)  # unused cells (-1) have weight 0
    weights = np.array([t[1] for t in tops]) * stats.df_idfs(stats.key_dfs()[ids])
    # Which cells hold a key the article mentions: a lookup table over key ids.
    mine_ids = [stats.key_id(k) for k in query.mentions]  # may add ids: size the table after
    mine = np.zeros(len(stats.key_ids) + 1, bool)
    mine[mine_ids] = True
    shared = np.where(mine[ids], weights, 0.0)
    return np.add.accumulate(weights, axis=2)[:, :, -1], np.add.accumulate(shared, axis=2)[:, :, -1]


# Signals that compare the single most mentioned key of a kind on both sides:
# signal -> (mention group, key prefix). Two reports naming different main
# places or years are evidence against one event (two earthquakes in one topic).
MAIN_KEYS = {
    "person_top": ("person", "person:"),
    "place_top": ("place", "place:"),
    "year_top": ("date", "date:y:"),
    "month_top": ("date", "date:ym:"),
}


def main_match(
    query: ArticleQuery, story_top: list[tuple[str, float]], group: str, prefix: str
) -> tuple[float, str, str]:
    """Same main key (+1), each side's main key absent from the other's top two (-1), else 0.

    Main = most mentioned (by mention weight) among the keys of ``group``
    starting with ``prefix``. Also returns the two main keys ("" when a side
    has none), which the reasons show.
    """
    article_keys = _article_main(query, group, prefix)
    story_keys = [k for k, _ in story_top if k.startswith(prefix)]
    if not article_keys or not story_keys:
        return 0.0, article_keys[0] if article_keys else "", story_keys[0] if story_keys else ""
    return _main_value(article_keys, story_keys), article_keys[0], story_keys[0]


def _article_main(query: ArticleQuery, group: str, prefix: str) -> list[str]:
    """The article's keys of ``group`` starting with ``prefix``, most mentioned first (memo)."""
    article_keys = query.main_memo.get(prefix)
    if article_keys is None:
        mentions = query.mentions
        article_keys = query.main_memo[prefix] = sorted(
            (k for k, _ in query.groups.get(group, ()) if k.startswith(prefix)),
            key=lambda k: (-mentions[k], k),
        )
    return article_keys


def _main_value(article_keys: list[str], story_keys: list[str]) -> float:
    """+1 same main key, -1 each main key outside the other's top two, else 0 (see main_match)."""
    if not article_keys or not story_keys:
        return 0.0
    a, s = article_keys[0], story_keys[0]
    if a == s:
        return 1.0
    if a not in story_keys[:2] and s not in article_keys[:2]:
        return -1.0
    return 0.0


def _best_top3(values: list[float]) -> tuple[float, float]:
    """The largest value and the mean of the three largest (all of them when fewer)."""
    top = sorted(values, reverse=True)[:3]
    return top[0], sum(top) / len(top)


def _time_gap(entry: Entry, profile: StoryProfile) -> tuple[float, float]:
    span = profile.time_span()
    if entry.time is None or span is None:
        return 0.0, 0.0
    lo, hi = span
    gap = max(0.0, lo - entry.time, entry.time - hi)
    return math.log1p(gap / 86400.0), 1.0


def story_signals(
    query: ArticleQuery,
    profiles: list[StoryProfile],
    members: Sequence[list[Entry] | MemberBlock],
    stats: CorpusStats,
) -> np.ndarray:
    """Signals (rows in :data:`SIGNALS` order) of the query against each candidate story.

    ``members[i]`` are the members of ``profiles[i]`` to compare one by one
    (the index passes the most recent few, which bounds the cost), as entries
    or as a prepared :class:`MemberBlock`.
    """
    n = len(profiles)
    if n == 0:
        return np.zeros((0, len(SIGNALS)))
    blocks = [m if isinstance(m, MemberBlock) else MemberBlock.of(m) for m in members]
    parts = [p.term_arrays() for p in profiles]
    lengths = np.concatenate([[ids.size for ids, _ in parts], *(b.lengths for b in blocks)])
    cosines = _cosines_flat(
        query,
        np.concatenate([ids for ids, _ in parts] + [b.term_ids for b in blocks]),
        np.concatenate([tf for _, tf in parts] + [b.term_tf for b in blocks]),
        lengths.astype(int),
        stats,
    )
    centroid = cosines[:n].tolist()
    member_cos = cosines[n:].tolist()
    emb = query.entry.features.embedding.astype(np.float64)
    bounds = [0, *itertools.accumulate(b.lengths.size for b in blocks)]
    # One product per block (one product over all rows is not the same bits: BLAS
    # may sum in another order).
    sims = np.concatenate([b.embeddings64 @ emb for b in blocks] or [np.zeros(0)]).tolist()
    s_totals, s_shared = (a.tolist() for a in _story_sides(query, profiles, stats))
    side = _article_side(query)
    rows: list[list[float]] = []
    for i, profile in enumerate(profiles):
        lo, hi = bounds[i], bounds[i + 1]
        lex_best = lex_top3 = emb_best = emb_top3 = 0.0
        if hi > lo:
            lex_best, lex_top3 = _best_top3(member_cos[lo:hi])
            emb_best, emb_top3 = _best_top3(sims[lo:hi])
        norm = profile.emb_norm()
        emb_centroid = float(emb @ profile.emb_sum64()) / norm if norm > 0 else 0.0
        head = [centroid[i], lex_best, emb_centroid, emb_best, lex_top3, emb_top3]
        rows.append(
            head
            + _share_values(query, side, profile, s_totals[i], s_shared[i])
            + list(_time_gap(query.entry, profile))
        )
    return np.ascontiguousarray(np.array(rows)[:, _PICK])


# Names of _share_values' values, in order; with the six similarity columns before
# them and time_gap, time_known after, they are SIGNALS.
_SHARE_NAMES = (
    *(f"{g}_{side}" for g in MENTION_GROUPS for side in ("a", "s", "x")),
    *MAIN_KEYS,
    "lead_a",
)


_ROW_NAMES = (*SIGNALS[:6], *_SHARE_NAMES, "time_gap", "time_known")
# Where each of SIGNALS sits in a row as story_signals builds it (org_x is computed, unused).
_PICK = np.array([_ROW_NAMES.index(name) for name in SIGNALS])
