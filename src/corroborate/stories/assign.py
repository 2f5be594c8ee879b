"""Incremental story assignment: each new article joins a recent story or starts one.

:class:`StoryIndex` keeps story profiles, corpus statistics and the candidate
index in memory. ``add`` compares a new article only with the stories candidate
retrieval returns (bounded per article), scores each with the calibrated model
and joins the best one if its probability reaches the threshold.

An article is compared with each candidate story in two ways, and the model
weighs both: with the story *centroid* (summed tf-idf term vector, mean
embedding, mention weights of all members), which says what the story as a
whole is about and is not swayed by one odd member; and with its *best member*
among the ``compare_members`` most recent ones, which catches an article that
closely follows one report (wire copy, a rewrite) when the centroid has
drifted. Mention overlaps are computed against the centroid only. Existing
articles are never moved automatically, so a person's merge, split or move
(recorded as :class:`~corroborate.stories.decisions.Decision`) always stands.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from corroborate.errors import NotFoundError, UsageError
from corroborate.stories.decisions import Decision
from corroborate.stories.edits import (
    apply_decision,
    merge_stories,
    move_article,
    move_entry,
    need_story,
    split_story,
)
from corroborate.stories.features import StoryFeatures
from corroborate.stories.profile import (
    Entry,
    MemberBlock,
    ProfileLimits,
    StoryProfile,
    slim_features,
    timestamp,
)
from corroborate.stories.reasons import (
    Reason,
    explain_match,
    first_article_reason,
)
from corroborate.stories.regroup import RegroupOptions, check_sizes, find_split
from corroborate.stories.retrieval import CandidateIndex, RetrievalOptions, retrieval_keys
from corroborate.stories.scoring import ScoreModel
from corroborate.stories.signals import SIGNALS, ArticleQuery, story_signals
from corroborate.stories.stats import CorpusStats
from corroborate.stories.title import story_title

__all__ = ["Assignment", "Candidate", "IndexOptions", "StoryIndex", "StoryView"]


@dataclass(frozen=True, slots=True)
class IndexOptions:
    """How stories are formed.

    ``join_threshold`` None uses the probability threshold shipped with the
    model (tuned on ECB+ development topics). ``bridge_threshold``: when an
    article that joins one story also scores at least this with another,
    the two stories are merged (never a story holding a person's decision);
    None uses the model's value, and a value above 1 turns this off.
    ``window_days`` bounds how far
    apart in publication time an article and a story may be, when both times
    are known. ``compare_members`` is how many recent members an article is
    compared with one by one (besides the story centroid). ``profile`` bounds
    each story's centroid and mention weights. ``regroup`` says when a
    growing story is re-checked for holding two events (and split).
    """

    join_threshold: float | None = None
    bridge_threshold: float | None = None
    window_days: float = 7.0
    compare_members: int = 16
    retrieval: RetrievalOptions = field(default_factory=RetrievalOptions)
    profile: ProfileLimits = field(default_factory=ProfileLimits)
    regroup: RegroupOptions = field(default_factory=RegroupOptions)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A story an incoming article was compared with, and the result."""

    story_id: str
    probability: float
    row: list[float]  # the signals in SIGNALS order

    @property
    def signals(self) -> dict[str, float]:
        """The signals by name (made on demand: most candidates are never looked at)."""
        return dict(zip(SIGNALS, self.row, strict=True))


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where ``add`` put an article: the story, whether it joined an existing one, why."""

    article_id: str
    story_id: str
    joined: bool
    score: float
    reasons: list[Reason]
    pinned: bool = False
    absorbed: tuple[str, ...] = ()  # stories merged into story_id because this article bridged them
    regrouped: tuple[str, ...] = ()  # stories whose members a split after this article changed

    def to_dict(self) -> dict[str, Any]:
        return {
            "absorbed": list(self.absorbed),
            "regrouped": list(self.regrouped),
            "article_id": self.article_id,
            "story_id": self.story_id,
            "joined": self.joined,
            "score": round(self.score, 4),
            "reasons": [r.to_dict() for r in self.reasons],
            "pinned": self.pinned,
        }


@dataclass(frozen=True, slots=True)
class StoryView:
    """A story as shown to people: headline, articles, outlets, time span, reasons."""

    id: str
    title: str
    article_ids: list[str]
    outlets: list[str]
    first_published: str | None
    last_published: str | None
    decided: bool
    reasons: dict[str, list[Reason]]

    @property
    def size(self) -> int:
        return len(self.article_ids)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "articles": list(self.article_ids),
            "size": self.size,
            "outlets": list(self.outlets),
            "first_published": self.first_published,
            "last_published": self.last_published,
            "decided": self.decided,
            "reasons": {a: [r.to_dict() for r in rs] for a, rs in self.reasons.items()},
        }


Chooser = Callable[[list[Candidate]], str]

# Stories whose recent members are kept stacked for comparison (recent stories are
# the candidates): up to ``compare_members`` float64 embeddings (2 KB each) plus
# term vectors per story, so at most about 150 MB when every cached story is full.
_BLOCK_CACHE = 4096


class StoryIndex:
    """Stories of an archive, built one article at a time, with a person's decisions kept."""

    def __init__(self, options: IndexOptions | None = None, model: ScoreModel | None = None):
        self.options = options or IndexOptions()
        self.model = model or ScoreModel.load()
        self.threshold = (
            self.model.threshold
            if self.options.join_threshold is None
            else self.options.join_threshold
        )
        self.bridge_threshold = (
            float(self.model.meta.get("bridge_threshold", 2.0))
            if self.options.bridge_threshold is None
            else self.options.bridge_threshold
        )
        regroup = self.options.regroup.threshold
        self.split_threshold = (
            float(self.model.meta.get("split_threshold", 0.0)) if regroup is None else regroup
        )
        self._check_sizes = check_sizes(self.options.regroup)
        self.stats = CorpusStats()
        self.retrieval = CandidateIndex(self.options.retrieval)
        self.entries: dict[str, Entry] = {}
        self.profiles: dict[str, StoryProfile] = {}
        self.order: list[str] = []
        self.redirect: dict[str, str] = {}
        self.reasons: dict[str, list[Reason]] = {}
        self.scores: dict[str, float] = {}
        self.decisions: list[Decision] = []
        self.next_id = 1
        self._blocks: OrderedDict[str, MemberBlock] = OrderedDict()

    # -- adding articles -------------------------------------------------

    def add(self, features: StoryFeatures, chooser: Chooser | None = None) -> Assignment:
        """Place one article: join the best recent story or start a new one.

        An article already in the index stays where it is (re-ingestion never
        moves it). ``chooser`` overrides the decision (it gets the scored
        candidates and returns a story id, or "" for a new story); the training
        script uses it to replay gold stories.
        """
        known = self.entries.get(features.article_id)
        if known is not None:
            return self._current(features.article_id)
        entry, query = self._prepare(features)
        keys = retrieval_keys(query, self.options.retrieval)  # looked up, then posted
        candidates, rows = self._score(query, keys)
        best = int(np.argmax([c.probability for c in candidates])) if candidates else -1
        if chooser is not None:
            story_id = chooser(candidates)
        elif best >= 0 and candidates[best].probability >= self.threshold:
            story_id = candidates[best].story_id
        else:
            story_id = ""
        if story_id and story_id in self.profiles:
            match = [i for i, c in enumerate(candidates) if c.story_id == story_id]
            profile = self.profiles[story_id]
            if match:
                row, score = rows[match[0]], candidates[match[0]].probability
            else:
                row = story_signals(query, [profile], [self._recent(profile)], self.stats)[0]
                score = float(self.model.probability(row[None, :])[0])
            reasons = explain_match(query, profile, row, self.model)
            joined = True
        else:
            story_id = self.new_story_id()
            score = candidates[best].probability if best >= 0 else 0.0
            reasons = [first_article_reason(score if best >= 0 else None, self.threshold)]
            joined = False
        self._insert(entry, query, story_id, keys)
        self.reasons[entry.features.article_id] = reasons
        self.scores[entry.features.article_id] = score
        absorbed: tuple[str, ...] = ()
        regrouped: tuple[str, ...] = ()
        if joined and chooser is None:
            story_id, absorbed = self._bridge(story_id, entry.features.article_id, candidates)
            regrouped = self._regroup(story_id)
            story_id = self.entries[features.article_id].story_id
        return Assignment(
            features.article_id, story_id, joined, score, reasons, False, absorbed, regrouped
        )

    def _regroup(self, story_id: str) -> tuple[str, ...]:
        """Split a story that just grew to a checked size if it holds two events.

        See :mod:`corroborate.stories.regroup`; returns (story, new story) when split.
        """
        profile = self.profiles[story_id]
        if (
            self.split_threshold <= 0.0
            or profile.size not in self._check_sizes
            or self._decided(story_id)
        ):
            return ()
        members = [self.entries[a] for a in profile.members]
        part = find_split(
            members,
            self.stats,
            self.model,
            self.split_threshold,
            self.options.regroup,
            self.options.compare_members,
        )
        if part is None:
            return ()
        new_id = self.new_story_id()
        moved = self.profiles[new_id] = StoryProfile(new_id, self.options.profile)
        for entry in (members[i] for i in part):
            move_entry(self, entry, moved)
            self.reasons.setdefault(entry.features.article_id, []).append(
                Reason("regrouped", f"split out of story {story_id}: it held two events")
            )
        return story_id, new_id

    def _bridge(
        self, story_id: str, article_id: str, candidates: list[Candidate]
    ) -> tuple[str, tuple[str, ...]]:
        """Merge other stories the new article also matches strongly (local, automatic).

        Two reports of one event can start two stories before anything links
        them; an article that matches both is that link. Stories with a
        person's decision in them are never merged automatically. Returns the
        story the article is in afterwards and the stories merged into it.
        """
        if self.bridge_threshold > 1.0 or self._decided(story_id):
            return story_id, ()
        absorbed: list[str] = []
        for cand in candidates:
            other = self.live_story(cand.story_id)
            if (
                other is None
                or other == story_id
                or cand.probability < self.bridge_threshold
                or self._decided(other)
            ):
                continue
            story_id, gone = self._join_stories(story_id, other, article_id, cand.probability)
            absorbed.append(gone)
        return story_id, tuple(absorbed)

    def _join_stories(
        self, first: str, second: str, article_id: str, score: float
    ) -> tuple[str, str]:
        """Merge two stories: the smaller goes into the larger (so an article moves
        O(log n) times at most), by adding profile sums; returns (survivor, absorbed)."""
        keep, gone = (first, second)
        if self.profiles[second].size > self.profiles[first].size:
            keep, gone = second, first
        moved = self.profiles.pop(gone)
        for member in moved.members:
            self.entries[member].story_id = keep
            if member != article_id:
                self.reasons.setdefault(member, []).append(
                    Reason(
                        "bridged",
                        f"its story {gone} was merged into {keep}: article {article_id} "
                        f"matches both (score {score:.2f})",
                        score,
                    )
                )
        self.profiles[keep].absorb(moved)
        self.redirect[gone] = keep
        return keep, gone

    def _decided(self, story_id: str) -> bool:
        """Whether a person's decision placed any article of the story (cheap: few are pinned)."""
        if not self.decisions:
            return False
        return any(e.pinned and e.story_id == story_id for e in self._pinned_entries())

    def _pinned_entries(self) -> list[Entry]:
        ids = {a for d in self.decisions for a in (*d.article_ids, *d.target_ids)}
        return [self.entries[a] for a in ids if a in self.entries]

    def add_many(self, features: Iterable[StoryFeatures]) -> list[Assignment]:
        """``add`` each article in turn (the order is the ingestion order)."""
        return [self.add(f) for f in features]

    def candidates(self, features: StoryFeatures) -> list[Candidate]:
        """Score an article against its candidate stories without adding it."""
        entry = self._entry(features, grow=False)
        return self._score(ArticleQuery.build(entry, self.stats))[0]

    def _entry(self, features: StoryFeatures, grow: bool) -> Entry:
        return Entry(
            features=slim_features(features),
            vector=self.stats.term_vector(features.terms, grow=grow),
            story_id="",
            time=timestamp(features.published_at),
        )

    def features_of(self, article_id: str) -> StoryFeatures:
        """An indexed article's features, terms given back from its compact vector.

        Counts come back to float32 precision and the embedding as the index
        keeps it (float16), so an index rebuilt from them assigns as this one.
        """
        entry = self.entries.get(article_id)
        if entry is None:
            raise NotFoundError(f"no article {article_id!r} in the story index")
        return replace(
            entry.features,
            terms=self.stats.terms_of(entry.vector),
            embedding=entry.features.embedding.astype(np.float32),
        )

    def _prepare(self, features: StoryFeatures) -> tuple[Entry, ArticleQuery]:
        entry = self._entry(features, grow=True)
        mentions = entry.mentions  # computed once for the stats, the query and the profile
        self.stats.add_document(entry.vector, list(mentions))
        return entry, ArticleQuery.build(entry, self.stats, mentions)

    def _score(
        self, query: ArticleQuery, keys: list[tuple[str, float]] | None = None
    ) -> tuple[list[Candidate], np.ndarray]:
        """The candidate stories scored; ``keys``: the query's :func:`retrieval_keys`."""
        if keys is None:
            keys = retrieval_keys(query, self.options.retrieval)
        found = self.retrieval.candidates(keys, self.live_story, self.profiles)
        ids, profiles = self._within_window(query, found)
        rows = story_signals(query, profiles, [self._recent(p) for p in profiles], self.stats)
        probs = self.model.probability(rows) if ids else np.zeros(0)
        out = [
            Candidate(s, p, r) for s, p, r in zip(ids, probs.tolist(), rows.tolist(), strict=True)
        ]
        return out, rows

    def _recent(self, profile: StoryProfile) -> MemberBlock:
        """The story's most recent members, stacked for comparison (cached, bounded LRU)."""
        ids = tuple(profile.members[-self.options.compare_members :])
        block = self._blocks.get(profile.story_id)
        if block is not None and block.ids == ids:
            self._blocks.move_to_end(profile.story_id)
            return block
        block = self._blocks[profile.story_id] = MemberBlock.of([self.entries[a] for a in ids])
        if len(self._blocks) > _BLOCK_CACHE:
            self._blocks.popitem(last=False)
        return block

    def _within_window(
        self, query: ArticleQuery, found: list[str]
    ) -> tuple[list[str], list[StoryProfile]]:
        """The found stories (and their profiles) whose time span, widened by the window,
        holds the article's time; all of them when either time is unknown."""
        ids: list[str] = []
        profiles: list[StoryProfile] = []
        when = query.entry.time
        window = self.options.window_days * 86400.0
        for story_id in found:
            profile = self.profiles[story_id]
            span = profile.time_span()
            if when is None or span is None or span[0] - window <= when <= span[1] + window:
                ids.append(story_id)
                profiles.append(profile)
        return ids, profiles

    def live_story(self, story_id: str) -> str | None:
        """The live id of a story (following merges), or None if it no longer exists."""
        if story_id in self.profiles:  # the common case: a story never merged away
            return story_id
        start = story_id
        seen = 0
        while story_id in self.redirect and seen < 1000:
            story_id = self.redirect[story_id]
            seen += 1
        if seen > 1:
            self.redirect[start] = story_id  # shorten the chain for next time
        return story_id if story_id in self.profiles else None

    def new_story_id(self) -> str:
        story_id = f"s{self.next_id}"
        self.next_id += 1
        return story_id

    def _insert(
        self,
        entry: Entry,
        query: ArticleQuery,
        story_id: str,
        keys: list[tuple[str, float]] | None = None,
    ) -> None:
        article_id = entry.features.article_id
        entry.story_id = story_id
        self.entries[article_id] = entry
        self.order.append(article_id)
        profile = self.profiles.get(story_id)
        if profile is None:
            profile = self.profiles[story_id] = StoryProfile(story_id, self.options.profile)
        profile.add(article_id, entry, query.mentions)
        if keys is None:
            keys = retrieval_keys(query, self.options.retrieval)
        self.retrieval.post(story_id, keys)

    def place(self, features: StoryFeatures, story_id: str) -> None:
        """Put an article in a known story id without scoring (rebuilding from state)."""
        if features.article_id in self.entries:
            raise UsageError(f"article {features.article_id} is already in the story index")
        entry, query = self._prepare(features)
        self._insert(entry, query, story_id)

    # -- saving ----------------------------------------------------------

    def to_state(self, include_features: bool = True) -> dict[str, Any]:
        """JSON-ready state; see :mod:`corroborate.stories.state`."""
        from corroborate.stories.state import index_to_state

        return index_to_state(self, include_features)

    @classmethod
    def from_state(
        cls,
        state: dict[str, Any],
        features: dict[str, StoryFeatures] | None = None,
        options: IndexOptions | None = None,
        model: ScoreModel | None = None,
    ) -> StoryIndex:
        """Rebuild an index saved with :meth:`to_state` (features inline or passed in)."""
        from corroborate.stories.state import index_from_state

        return index_from_state(state, features, options, model)

    # -- reading ---------------------------------------------------------

    def story_of(self, article_id: str) -> str:
        """The story an article is in; NotFoundError if the index does not know it."""
        entry = self.entries.get(article_id)
        if entry is None:
            raise NotFoundError(f"no article {article_id!r} in the story index")
        return entry.story_id

    def members(self, story_id: str) -> tuple[str, list[str]]:
        """A story's live id (following merges) and its article ids, without reasons (cheap)."""
        live = need_story(self, story_id)
        return live, list(self.profiles[live].members)

    def _current(self, article_id: str) -> Assignment:
        entry = self.entries[article_id]
        joined = self.profiles[entry.story_id].size > 1
        return Assignment(
            article_id,
            entry.story_id,
            joined,
            self.scores.get(article_id, 0.0),
            self.reasons.get(article_id, []),
            entry.pinned,
        )

    def story(self, story_id: str) -> StoryView:
        """One story with its title, members, outlets, time span and reasons."""
        live = self.live_story(story_id)
        if live is None:
            raise NotFoundError(f"no story {story_id!r}")
        profile = self.profiles[live]
        members = [self.entries[a] for a in profile.members]
        centroid = profile.emb_sum / (np.linalg.norm(profile.emb_sum) or 1.0)
        centrality = [float(m.features.embedding @ centroid) for m in members]
        title = story_title([m.features.title for m in members], centrality)
        times = sorted(
            (m.features.published_at for m in members if m.features.published_at is not None),
            key=lambda d: timestamp(d) or 0.0,
        )
        return StoryView(
            id=live,
            title=title,
            article_ids=list(profile.members),
            outlets=sorted({m.features.outlet for m in members if m.features.outlet}),
            first_published=times[0].isoformat() if times else None,
            last_published=times[-1].isoformat() if times else None,
            decided=any(m.pinned for m in members),
            reasons={a: self._member_reasons(a, profile.size) for a in profile.members},
        )

    def _member_reasons(self, article_id: str, size: int) -> list[Reason]:
        """Recorded reasons; the story's first article gets its match with the rest instead."""
        recorded = list(self.reasons.get(article_id, []))
        if size > 1 and recorded and recorded[0].kind == "new-story":
            return [*self.explain(article_id), *recorded]
        return recorded

    def stories(self) -> list[StoryView]:
        """Every story, largest first, then by id."""
        ids = sorted(self.profiles, key=lambda s: (-self.profiles[s].size, _id_order(s)))
        return [self.story(s) for s in ids]

    def labels(self) -> dict[str, str]:
        """Article id -> story id for every indexed article."""
        return {a: e.story_id for a, e in self.entries.items()}

    def explain(self, article_id: str) -> list[Reason]:
        """Reasons recomputed now: the article against the rest of its story."""
        story_id = self.story_of(article_id)
        entry = self.entries[article_id]
        others = [m for m in self.profiles[story_id].members if m != article_id]
        if not others:
            return [Reason("single-article", "the only article in its story")]
        profile = StoryProfile(story_id, self.options.profile)
        for other in others:
            profile.add(other, self.entries[other])
        query = ArticleQuery.build(entry, self.stats)
        row = story_signals(query, [profile], [self._recent(profile)], self.stats)[0]
        return explain_match(query, profile, row, self.model)

    # -- a person's decisions (see corroborate.stories.edits) ----------

    def merge(self, story_a: str, story_b: str) -> Decision:
        """Move every article of ``story_b`` into ``story_a``; b's id then points to a."""
        return merge_stories(self, story_a, story_b)

    def split(self, story_id: str, article_ids: Sequence[str]) -> Decision:
        """Take some articles out of a story into a new story of their own."""
        return split_story(self, story_id, article_ids)

    def move(self, article_id: str, story_id: str) -> Decision:
        """Move one article into another story."""
        return move_article(self, article_id, story_id)

    def apply(self, decision: Decision) -> Decision:
        """Replay a recorded decision on this index (see :func:`~corroborate.stories.edits.apply_decision`)."""
        return apply_decision(self, decision)


def _id_order(story_id: str) -> tuple[int, str]:
    digits = story_id.lstrip("s")
    return (int(digits), story_id) if digits.isdigit() else (0, story_id)
