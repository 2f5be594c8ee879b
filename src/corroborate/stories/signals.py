"""Pair signals between an incoming article and a candidate story.

Each signal is a number in a small fixed range; :class:`~corroborate.stories.
model.ScoreModel` combines them into one calibrated probability. Computing them
is pure arithmetic over the features, the story profile and corpus statistics.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from corroborate.stories.profile import Entry, MemberBlock, StoryProfile, mention_group
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
MENTION_GROUPS = ("person", "place", "org", "num", "date")

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
    idf_memo: dict[str, float]  # key idf looked up while scoring this article
    main_memo: dict[str, list[str]] = field(default_factory=dict)  # prefix -> keys, main first

    @classmethod
    def build(cls, entry: Entry, stats: CorpusStats) -> ArticleQuery:
        ids = entry.vector.ids
        w = entry.vector.tf * stats.idf(ids)
        norm = float(np.sqrt((w * w).sum()))
        mentions = entry.mentions
        idf = {k: stats.key_idf(k) for k in mentions}
        groups: dict[str, list[tuple[str, float]]] = {}
        for key, weight in mentions.items():
            groups.setdefault(mention_group(key), []).append((key, weight * idf[key]))
        return cls(entry, ids, w / norm if norm > 0 else w, mentions, idf, groups, dict(idf))


def _cosines(
    query: ArticleQuery, vectors: list[tuple[np.ndarray, np.ndarray]], stats: CorpusStats
) -> np.ndarray:
    """Tf-idf cosine of the query with each (ids, tf) vector, in one numpy pass."""
    if not vectors:
        return np.zeros(0)
    lengths = np.array([v[0].size for v in vectors])
    return _cosines_flat(
        query,
        np.concatenate([v[0] for v in vectors]),
        np.concatenate([v[1] for v in vectors]),
        lengths,
        stats,
    )


def _cosines_flat(
    query: ArticleQuery,
    all_ids: np.ndarray,
    all_tf: np.ndarray,
    lengths: np.ndarray,
    stats: CorpusStats,
) -> np.ndarray:
    """:func:`_cosines` of vectors laid end to end (``lengths`` each).

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
    nonempty = lengths > 0
    dots = np.zeros(n)
    norms = np.zeros(n)
    if nonempty.any():
        dots[nonempty] = np.add.reduceat(prod, starts[nonempty])
        norms[nonempty] = np.sqrt(np.add.reduceat(all_tf * all_tf, starts[nonempty]))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norms > 0, dots / np.where(norms > 0, norms, 1.0), 0.0)


def _shares(query: ArticleQuery, profile: StoryProfile, stats: CorpusStats) -> dict[str, float]:
    """Idf-weighted overlap of mentions per group, from the article's and the story's side.

    The story side looks at the story's most mentioned keys of each group only.
    """
    size = max(1, profile.size)
    story_top = profile.top_mentions()
    mentions = query.mentions
    idf_of = query.idf_memo  # idf of keys seen while scoring this article (same values)
    out: dict[str, float] = {}
    for group in MENTION_GROUPS:
        a_total = a_shared = 0.0
        for key, w in query.groups.get(group, ()):
            a_total += w
            if key in profile.key_weights:
                a_shared += w
        s_total = s_shared = 0.0
        for key, weight in story_top.get(group, ()):
            idf = idf_of.get(key)
            if idf is None:
                idf = idf_of[key] = stats.key_idf(key)
            w = (weight / size) * idf
            s_total += w
            if key in mentions:
                s_shared += w
        share_a = a_shared / a_total if a_total else 0.0
        share_s = s_shared / s_total if s_total else 0.0
        out[group + "_a"] = share_a
        out[group + "_s"] = share_s
        both = a_total > 0 and s_total > 0
        out[group + "_x"] = 1.0 - max(share_a, share_s) if both else 0.0
    for name, (group, prefix) in MAIN_KEYS.items():
        out[name] = main_match(query, story_top.get(group, []), group, prefix)[0]
    out["lead_a"] = _lead_share(query, profile)
    return out


def _lead_share(query: ArticleQuery, profile: StoryProfile) -> float:
    """Idf-weighted share of the entities in the article's title or lead that the story names.

    The lead names the event's actors and place; a report of another event of
    the same kind names other ones there even when the body shares background.
    """
    total = shared = 0.0
    for mention in query.entry.features.entities:
        if not mention.lead:
            continue
        idf = query.mention_idf.get(mention.key, 0.0)
        total += idf
        if mention.key in profile.key_weights:
            shared += idf
    return shared / total if total else 0.0


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
    article_keys = query.main_memo.get(prefix)
    if article_keys is None:
        mentions = query.mentions
        article_keys = query.main_memo[prefix] = sorted(
            (k for k, _ in query.groups.get(group, ()) if k.startswith(prefix)),
            key=lambda k: (-mentions[k], k),
        )
    story_keys = [k for k, _ in story_top if k.startswith(prefix)]
    if not article_keys or not story_keys:
        return 0.0, article_keys[0] if article_keys else "", story_keys[0] if story_keys else ""
    a, s = article_keys[0], story_keys[0]
    if a == s:
        return 1.0, a, s
    if a not in story_keys[:2] and s not in article_keys[:2]:
        return -1.0, a, s
    return 0.0, a, s


def _top_mean(values: np.ndarray, k: int) -> float:
    """Mean of the ``k`` largest values (all of them when fewer)."""
    top = sorted(values.tolist(), reverse=True)[:k]
    return sum(top) / len(top)


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
    out = np.zeros((n, len(SIGNALS)))
    if n == 0:
        return out
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
    centroid, member_cos = cosines[:n], cosines[n:]
    emb = query.entry.features.embedding.astype(np.float64)
    col = _COLUMNS
    offset = 0
    for i, (profile, block) in enumerate(zip(profiles, blocks, strict=True)):
        k = block.lengths.size
        row = out[i]
        row[col["lex_centroid"]] = centroid[i]
        if k:
            cos = member_cos[offset : offset + k]
            row[col["lex_best"]] = float(cos.max())
            row[col["lex_top3"]] = _top_mean(cos, 3)
        offset += k
        norm = float(np.linalg.norm(profile.emb_sum))
        row[col["emb_centroid"]] = float(emb @ profile.emb_sum) / norm if norm > 0 else 0.0
        if k:
            sims = block.embeddings.astype(np.float64) @ emb
            row[col["emb_best"]] = float(sims.max())
            row[col["emb_top3"]] = _top_mean(sims, 3)
        shares = _shares(query, profile, stats)
        for name, value in shares.items():
            if name in col:
                row[col[name]] = value
        row[col["time_gap"]], row[col["time_known"]] = _time_gap(query.entry, profile)
    return out


_COLUMNS = {name: i for i, name in enumerate(SIGNALS)}
