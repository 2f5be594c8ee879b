"""Reasons a person can check for why an article sits in a story."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from corroborate.stories.profile import StoryProfile
from corroborate.stories.scoring import ScoreModel
from corroborate.stories.signals import (
    MAIN_KEYS,
    SIGNALS,
    ArticleQuery,
    main_match,
    mention_group,
)

__all__ = ["Reason", "decision_reason", "explain_match", "first_article_reason"]


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason: a machine ``kind``, a sentence for people, the figure behind it.

    ``weight`` is the reason's part in the log-odds of the match (positive pulls
    the article into the story); ``details`` lists the shared names or figures.
    """

    kind: str
    text: str
    value: float = 0.0
    weight: float = 0.0
    details: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reason:
        return cls(
            kind=str(data["kind"]),
            text=str(data["text"]),
            value=float(data.get("value", 0.0)),
            weight=float(data.get("weight", 0.0)),
            details=[str(d) for d in data.get("details", [])],
        )


_GROUP_WORDS = {
    "person": "people",
    "place": "places",
    "org": "organisations",
    "num": "figures",
    "date": "dates",
}
# The org group also holds spaCy's NORP, EVENT, LAW... ("Canadian", "Liberals").
_GROUP_TEXT = {"org": "organisations and groups"}


def _shared(query: ArticleQuery, profile: StoryProfile, limit: int = 5) -> dict[str, list[str]]:
    """Per mention group, the names of up to ``limit`` keys the article shares with the
    story, rarest and most mentioned first (one pass over the article's mentions)."""
    story_keys = profile.key_weights
    found: dict[str, list[tuple[float, str]]] = {}
    for key, weight in query.mentions.items():
        if key in story_keys:
            found.setdefault(mention_group(key), []).append((query.mention_idf[key] * weight, key))
    names: dict[str, str] | None = None
    out: dict[str, list[str]] = {}
    for group, shared in found.items():
        shared.sort(key=lambda t: (-t[0], t[1]))
        if group in ("num", "date"):
            out[group] = [
                key.split(":", 1)[1].removeprefix("y:").removeprefix("ym:").removeprefix("md:")
                for _, key in shared[:limit]
            ]
            continue
        if names is None:
            names = {m.key: m.name for m in query.entry.features.entities}
        out[group] = [names.get(key, key.split(":", 1)[1]) for _, key in shared[:limit]]
    return out


def explain_match(
    query: ArticleQuery, profile: StoryProfile, row: np.ndarray, model: ScoreModel, limit: int = 4
) -> list[Reason]:
    """The strongest reasons (by their part in the score) an article matches a story."""
    parts = model.contributions(row)
    col = {name: i for i, name in enumerate(SIGNALS)}
    reasons: list[Reason] = []
    shared = _shared(query, profile)
    for group, word in _GROUP_WORDS.items():
        names = [f"{group}_a", f"{group}_s"]
        idx = [col[n] for n in names if n in col]
        details = shared.get(group)
        if not details:
            continue
        value = float(row[idx[0]])
        weight = float(sum(parts[i] for i in idx))
        reasons.append(
            Reason(
                f"shared-{word}",
                f"shares {_GROUP_TEXT.get(group, word)}: {', '.join(details)} "
                f"({value:.0%} of the article's, by rarity)",
                value,
                weight,
                details,
            )
        )
    reasons.extend(_main_reasons(query, profile, row, parts))
    lex = (float(row[col["lex_centroid"]]), float(row[col["lex_best"]]))
    reasons.append(
        Reason(
            "similar-wording",
            f"wording similarity (tf-idf cosine) {lex[0]:.2f} with the story, "
            f"{lex[1]:.2f} with its closest article",
            lex[1],
            float(parts[col["lex_centroid"]] + parts[col["lex_best"]]),
        )
    )
    emb = (float(row[col["emb_centroid"]]), float(row[col["emb_best"]]))
    reasons.append(
        Reason(
            "similar-meaning",
            f"meaning similarity (embedding cosine) {emb[0]:.2f} with the story, "
            f"{emb[1]:.2f} with its closest article",
            emb[1],
            float(parts[col["emb_centroid"]] + parts[col["emb_best"]]),
        )
    )
    if row[col["time_known"]]:
        days = math.expm1(float(row[col["time_gap"]]))
        gap = "within the story's time span" if days == 0 else f"{_duration(days)} from the story"
        reasons.append(
            Reason(
                "time-gap",
                f"published {gap}",
                days,
                float(parts[col["time_gap"]] + parts[col["time_known"]]),
            )
        )
    reasons.sort(key=lambda r: (-r.weight, r.kind))
    return reasons[:limit]


_MAIN_WORDS = {
    "person_top": "person",
    "place_top": "place",
    "year_top": "year",
    "month_top": "month",
}


def _main_reasons(
    query: ArticleQuery, profile: StoryProfile, row: np.ndarray, parts: np.ndarray
) -> list[Reason]:
    """Same or different main person, place, year of article and story (when it counts)."""
    names = {m.key: m.name for m in query.entry.features.entities}
    col = {name: i for i, name in enumerate(SIGNALS)}
    out = []
    for signal, (group, prefix) in MAIN_KEYS.items():
        value = float(row[col[signal]])
        if value == 0.0:
            continue
        _, mine, theirs = main_match(query, profile.top_mentions().get(group, []), group, prefix)
        word = _MAIN_WORDS[signal]
        shown = [names.get(k, k.removeprefix(prefix)) for k in (mine, theirs)]
        if value > 0:
            text = f"same main {word}: {shown[0]}"
            details = shown[:1]
        else:
            text = f"different main {word}: {shown[0]} in the article, {shown[1]} in the story"
            details = shown
        out.append(Reason(f"main-{word}", text, value, float(parts[col[signal]]), details))
    return out


def _duration(days: float) -> str:
    hours = days * 24.0
    if hours < 1.0:
        return f"{max(1, round(hours * 60))} min"
    if hours < 48.0:
        return f"{hours:.0f} h"
    return f"{days:.0f} days"


def first_article_reason(best: float | None, threshold: float) -> Reason:
    """Why an article started a new story: no earlier story scored high enough."""
    if best is None:
        text = "started a new story: no earlier story shares its names or rare words"
        value = 0.0
    else:
        text = (
            f"started a new story: the closest earlier story scored {best:.2f}, "
            f"below the {threshold:.2f} needed to join"
        )
        value = best
    return Reason("new-story", text, value, 0.0)


def decision_reason(kind: str, detail: str) -> Reason:
    """An article is where it is because a person put it there."""
    return Reason("user-decision", f"placed here by a person ({kind}): {detail}", 1.0, 0.0)
