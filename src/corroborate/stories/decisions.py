"""Records of what a person decided about stories, kept so nothing undoes them.

Every decision is stated in article ids, not only story ids, so it can be
replayed on an index rebuilt from scratch (where story ids may differ):
"put these articles with those articles" (merge, move) or "put these articles
together in a story of their own" (split).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corroborate.errors import InputError

__all__ = ["DECISION_KINDS", "Decision"]

DECISION_KINDS = ("merge", "split", "move")


@dataclass(frozen=True, slots=True)
class Decision:
    """One merge, split or move.

    ``article_ids`` are the articles that changed story; ``target_ids`` the
    articles of the story they joined (empty for a split, which makes a new
    story). ``story_id`` is the story they ended in, ``from_story_id`` the one
    they left (merge: the absorbed story; split and move: the source story).
    ``seq`` orders decisions.
    """

    kind: str
    article_ids: tuple[str, ...]
    target_ids: tuple[str, ...]
    story_id: str
    from_story_id: str
    seq: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "article_ids": list(self.article_ids),
            "target_ids": list(self.target_ids),
            "story_id": self.story_id,
            "from_story_id": self.from_story_id,
            "seq": self.seq,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Decision:
        try:
            kind = str(data["kind"])
            if kind not in DECISION_KINDS:
                raise ValueError(f"unknown decision kind {kind!r}")
            return cls(
                kind=kind,
                article_ids=tuple(str(a) for a in data["article_ids"]),
                target_ids=tuple(str(a) for a in data.get("target_ids", [])),
                story_id=str(data["story_id"]),
                from_story_id=str(data.get("from_story_id", "")),
                seq=int(data.get("seq", 0)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError("story decision", f"malformed record: {exc}") from exc
