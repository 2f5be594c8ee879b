"""Persisting the story index: features, membership, redirects, decisions, caches.

The in-memory :class:`~corroborate.stories.StoryIndex` is the engine; these
functions save what it decided (one transaction per change) and rebuild it from
the archive, so stories, a person's decisions and story ids survive between
runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from corroborate.archive.store import Archive
from corroborate.stories import Assignment, Decision, Reason, StoryFeatures, StoryIndex

__all__ = [
    "assigned_ids",
    "features_json",
    "load_index",
    "save_assignments",
    "save_decision",
    "story_member_ids",
    "sync_stories",
]


def assigned_ids(archive: Archive) -> set[str]:
    """Ids of the articles that already have a story."""
    return {r[0] for r in archive.conn.execute("SELECT article_id FROM story_members")}


def story_member_ids(archive: Archive, story_id: str) -> list[str]:
    rows = archive.conn.execute(
        "SELECT article_id FROM story_members WHERE story_id=? ORDER BY seq", (story_id,)
    )
    return [r[0] for r in rows]


def features_json(features: StoryFeatures) -> str:
    """The stored text of an article's features (a pure function of them: a process
    that computes features can take it along)."""
    return json.dumps(features.to_dict())


def save_assignments(
    archive: Archive,
    features: Iterable[StoryFeatures],
    assignments: Iterable[Assignment],
    texts: Sequence[str] | None = None,
) -> None:
    """Store new articles' features and stories (one transaction for the batch).

    ``texts``: the features' :func:`features_json`, when already made.
    """
    features = list(features)
    texts = [features_json(f) for f in features] if texts is None else texts
    features_rows: list[tuple[str, str]] = []
    member_rows: list[tuple[str, str, int, float, str]] = []
    for feature, text, assignment in zip(features, texts, assignments, strict=True):
        features_rows.append((feature.article_id, text))
        member_rows.append(
            (
                assignment.article_id,
                assignment.story_id,
                int(assignment.pinned),
                assignment.score,
                json.dumps([r.to_dict() for r in assignment.reasons]),
            )
        )
    with archive.transaction() as conn:
        conn.executemany(
            "INSERT OR REPLACE INTO story_features(article_id, data) VALUES (?, ?)", features_rows
        )
        conn.executemany(
            "INSERT INTO story_members(article_id, story_id, pinned, score, reasons)"
            " VALUES (?,?,?,?,?) ON CONFLICT(article_id) DO UPDATE SET"
            " story_id=excluded.story_id, pinned=excluded.pinned, score=excluded.score,"
            " reasons=excluded.reasons",
            member_rows,
        )


def sync_stories(archive: Archive, index: StoryIndex, story_ids: Iterable[str]) -> None:
    """Store the current story of every member of ``story_ids`` and the id redirects.

    Needed after the engine merged stories on its own (a bridging article): the
    absorbed stories' articles now belong to the surviving story.
    """
    with archive.transaction() as conn:
        for story_id in sorted(set(story_ids)):
            live, members = index.members(story_id)  # not index.story(): no reasons needed
            conn.executemany(
                "UPDATE story_members SET story_id=? WHERE article_id=? AND story_id<>?",
                [(live, article_id, live) for article_id in members],
            )
        conn.executemany(
            "INSERT INTO story_redirects(old_id, new_id) VALUES (?,?)"
            " ON CONFLICT(old_id) DO UPDATE SET new_id=excluded.new_id",
            list(index.redirect.items()),
        )


def save_decision(archive: Archive, index: StoryIndex, decision: Decision) -> None:
    """Store a person's decision and the membership it changed, atomically."""
    touched = set(decision.article_ids) | set(decision.target_ids)
    touched |= {
        a for a, sid in index.labels().items() if sid in (decision.story_id, decision.from_story_id)
    }
    with archive.transaction() as conn:
        conn.execute(
            "INSERT INTO story_decisions(seq, data, made_at) VALUES (?,?,?)",
            (decision.seq, json.dumps(decision.to_dict()), datetime.now(UTC).isoformat()),
        )
        for article_id in sorted(touched):
            if article_id not in index.entries:
                continue
            entry = index.entries[article_id]
            conn.execute(
                "UPDATE story_members SET story_id=?, pinned=?, reasons=? WHERE article_id=?",
                (
                    entry.story_id,
                    int(entry.pinned),
                    json.dumps([r.to_dict() for r in index.reasons.get(article_id, [])]),
                    article_id,
                ),
            )
        for old, new in index.redirect.items():
            conn.execute(
                "INSERT INTO story_redirects(old_id, new_id) VALUES (?,?)"
                " ON CONFLICT(old_id) DO UPDATE SET new_id=excluded.new_id",
                (old, new),
            )


def load_index(archive: Archive, index: StoryIndex | None = None) -> StoryIndex:
    """Rebuild the story index from the archive: same stories, ids, pins and reasons."""
    index = index or StoryIndex()
    rows = archive.conn.execute(
        "SELECT m.article_id, m.story_id, m.pinned, m.score, m.reasons, f.data"
        " FROM story_members m JOIN story_features f ON f.article_id = m.article_id"
        " ORDER BY m.seq"
    ).fetchall()
    highest = 0
    for row in rows:
        features = StoryFeatures.from_dict(json.loads(row["data"]))
        index.place(features, row["story_id"])
        index.entries[row["article_id"]].pinned = bool(row["pinned"])
        index.scores[row["article_id"]] = float(row["score"])
        index.reasons[row["article_id"]] = [Reason.from_dict(r) for r in json.loads(row["reasons"])]
        highest = max(highest, _number(row["story_id"]))
    for old, new in archive.conn.execute("SELECT old_id, new_id FROM story_redirects"):
        index.redirect[old] = new
        highest = max(highest, _number(old))
    decisions = archive.conn.execute("SELECT data FROM story_decisions ORDER BY seq").fetchall()
    index.decisions = [Decision.from_dict(json.loads(r[0])) for r in decisions]
    for decision in index.decisions:
        highest = max(highest, _number(decision.story_id))
    index.next_id = highest + 1
    return index


def _number(story_id: str) -> int:
    digits = story_id.lstrip("s")
    return int(digits) if digits.isdigit() else 0
