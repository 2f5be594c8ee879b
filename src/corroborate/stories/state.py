"""Saving and restoring a story index without re-running assignment.

The state is JSON-ready: which story each article is in (in ingestion order),
the reasons and scores recorded when each joined, pinned articles, a person's
decisions, merged-story redirects and the next story number. Features can be
included, or passed in from wherever the caller persisted them (the archive
stores each article's ``StoryFeatures.to_dict()``). Restoring re-counts the
corpus statistics and re-posts every article to candidate retrieval, so the
restored index assigns new articles exactly as the original would.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from corroborate.errors import InputError
from corroborate.stories.decisions import Decision
from corroborate.stories.features import StoryFeatures
from corroborate.stories.reasons import Reason

if TYPE_CHECKING:  # pragma: no cover
    from corroborate.stories.assign import IndexOptions, StoryIndex
    from corroborate.stories.scoring import ScoreModel

__all__ = ["STATE_FORMAT", "index_from_state", "index_to_state"]

STATE_FORMAT = "corroborate.stories/1"


def index_to_state(index: StoryIndex, include_features: bool = True) -> dict[str, Any]:
    """The index as a JSON-ready dict (see the module docstring)."""
    state: dict[str, Any] = {
        "format": STATE_FORMAT,
        "order": list(index.order),
        "stories": {a: index.entries[a].story_id for a in index.order},
        "pinned": [a for a in index.order if index.entries[a].pinned],
        "reasons": {a: [r.to_dict() for r in index.reasons.get(a, [])] for a in index.order},
        "scores": {a: index.scores.get(a, 0.0) for a in index.order},
        "redirect": dict(index.redirect),
        "decisions": [d.to_dict() for d in index.decisions],
        "next_id": index.next_id,
    }
    if include_features:
        state["features"] = {a: index.features_of(a).to_dict() for a in index.order}
    return state


def index_from_state(
    state: Mapping[str, Any],
    features: Mapping[str, StoryFeatures] | None = None,
    options: IndexOptions | None = None,
    model: ScoreModel | None = None,
) -> StoryIndex:
    """Rebuild an index from :func:`index_to_state` output (features inline or given)."""
    from corroborate.stories.assign import StoryIndex

    if state.get("format") != STATE_FORMAT:
        raise InputError("story index state", f"unknown format {state.get('format')!r}")
    inline = state.get("features", {})
    index = StoryIndex(options, model)
    try:
        for article_id in state["order"]:
            if features is not None and article_id in features:
                feats = features[article_id]
            elif article_id in inline:
                feats = StoryFeatures.from_dict(inline[article_id])
            else:
                raise InputError("story index state", f"no features for article {article_id}")
            index.place(feats, str(state["stories"][article_id]))
        for article_id in state.get("pinned", []):
            index.entries[article_id].pinned = True
        index.reasons = {
            a: [Reason.from_dict(r) for r in rs] for a, rs in state.get("reasons", {}).items()
        }
        index.scores = {a: float(v) for a, v in state.get("scores", {}).items()}
        index.redirect = {str(k): str(v) for k, v in state.get("redirect", {}).items()}
        index.decisions = [Decision.from_dict(d) for d in state.get("decisions", [])]
        index.next_id = int(state["next_id"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError("story index state", f"malformed: {exc}") from exc
    return index
