"""A person's merge, split and move on a :class:`~corroborate.stories.assign.StoryIndex`.

Each edit moves articles between story profiles, pins them (automatic
assignment never moves a pinned article again) and is recorded as a
:class:`~corroborate.stories.decisions.Decision` in article ids, so it can be
replayed on an index rebuilt from scratch. :func:`move_entry` is the one
place an indexed article changes story; the index's automatic re-check
(split of a story that held two events) uses it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from corroborate.errors import NotFoundError, UsageError
from corroborate.stories.decisions import Decision
from corroborate.stories.profile import Entry, StoryProfile
from corroborate.stories.reasons import decision_reason
from corroborate.stories.retrieval import retrieval_keys
from corroborate.stories.signals import ArticleQuery

if TYPE_CHECKING:  # pragma: no cover
    from corroborate.stories.assign import StoryIndex

__all__ = ["apply_decision", "merge_stories", "move_article", "move_entry", "split_story"]


def move_entry(index: StoryIndex, entry: Entry, target: StoryProfile) -> None:
    """Move one indexed article from its story's profile into ``target`` (sums, retrieval).

    A story left without members is dropped.
    """
    article_id = entry.features.article_id
    source = index.profiles[entry.story_id]
    source.remove(article_id, entry)
    if source.size == 0 and source is not target:
        del index.profiles[source.story_id]
    target.add(article_id, entry)
    entry.story_id = target.story_id
    query = ArticleQuery.build(entry, index.stats)
    index.retrieval.post(target.story_id, retrieval_keys(query, index.options.retrieval))


def merge_stories(index: StoryIndex, story_a: str, story_b: str) -> Decision:
    """Move every article of ``story_b`` into ``story_a``; b's id then points to a."""
    a, b = need_story(index, story_a), need_story(index, story_b)
    if a == b:
        raise UsageError(f"stories {story_a} and {story_b} are the same story")
    moved = tuple(index.profiles[b].members)
    target = tuple(index.profiles[a].members)
    _relocate(index, moved, a, f"merged story {b} into {a}")
    for article_id in target:
        index.entries[article_id].pinned = True
    index.redirect[b] = a
    return _record(index, "merge", moved, target, a, b)


def split_story(index: StoryIndex, story_id: str, article_ids: Sequence[str]) -> Decision:
    """Take some articles out of a story into a new story of their own."""
    source = need_story(index, story_id)
    chosen = tuple(dict.fromkeys(article_ids))
    members = index.profiles[source].members
    if not chosen:
        raise UsageError("split needs at least one article")
    missing = [a for a in chosen if a not in members]
    if missing:
        raise UsageError(f"not in story {source}: {', '.join(missing)}")
    if len(chosen) == len(members):
        raise UsageError(f"split would take every article out of story {source}")
    new_id = index.new_story_id()
    _relocate(index, chosen, new_id, f"split out of story {source}")
    for article_id in index.profiles[source].members:
        index.entries[article_id].pinned = True
    return _record(index, "split", chosen, (), new_id, source)


def move_article(index: StoryIndex, article_id: str, story_id: str) -> Decision:
    """Move one article into another story."""
    source = index.story_of(article_id)
    target = need_story(index, story_id)
    if source == target:
        raise UsageError(f"article {article_id} is already in story {target}")
    members = tuple(index.profiles[target].members)
    _relocate(index, (article_id,), target, f"moved from story {source}")
    return _record(index, "move", (article_id,), members, target, source)


def apply_decision(index: StoryIndex, decision: Decision) -> Decision:
    """Replay a recorded decision (e.g. on an index rebuilt from scratch).

    Works in article ids: the moved articles go to the story now holding most
    of the decision's target articles (a new story for a split or when none
    is indexed). Articles the index does not hold are skipped.
    """
    moved = tuple(a for a in decision.article_ids if a in index.entries)
    if not moved:
        raise NotFoundError("none of the decision's articles is in the story index")
    votes: dict[str, int] = {}
    for article_id in decision.target_ids:
        if article_id in index.entries and article_id not in moved:
            sid = index.entries[article_id].story_id
            votes[sid] = votes.get(sid, 0) + 1
    if decision.kind == "split" or not votes:
        target = index.new_story_id()
    else:
        target = max(sorted(votes), key=lambda s: votes[s])
    sources = {index.entries[a].story_id for a in moved}
    _relocate(index, moved, target, f"{decision.kind} replayed")
    for article_id in decision.target_ids:
        if article_id in index.entries:
            index.entries[article_id].pinned = True
    return _record(
        index, decision.kind, moved, decision.target_ids, target, ",".join(sorted(sources))
    )


def need_story(index: StoryIndex, story_id: str) -> str:
    """The live id of ``story_id`` (following merges); NotFoundError when there is none."""
    live = index.live_story(story_id)
    if live is None:
        raise NotFoundError(f"no story {story_id!r}")
    return live


def _relocate(index: StoryIndex, article_ids: Sequence[str], target: str, detail: str) -> None:
    profile = index.profiles.get(target)
    if profile is None:
        profile = index.profiles[target] = StoryProfile(target, index.options.profile)
    kind = detail.split()[0]
    for article_id in article_ids:
        entry = index.entries[article_id]
        move_entry(index, entry, profile)
        entry.pinned = True
        index.reasons[article_id] = [decision_reason(kind, detail)]


def _record(
    index: StoryIndex,
    kind: str,
    moved: tuple[str, ...],
    target: tuple[str, ...],
    story: str,
    source: str,
) -> Decision:
    decision = Decision(kind, moved, target, story, source, len(index.decisions) + 1)
    index.decisions.append(decision)
    return decision
