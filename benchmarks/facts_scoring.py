"""Score story facts against the ECB+ hand labels (numeric conflicts and altered quotes).

Two matchings are reported:

* ``strict`` (the headline figures): a flagged quantity group finds a labelled
  conflict when two *different* labelled values appear in the group, each
  given by a labelled document; a flagged quote group finds a labelled altered
  quote when the two labelled documents print *different* variants of the group.
* ``lenient`` (the matching of the first benchmark, kept for comparison): values
  only for conflicts (any two labelled values in the group), documents only for
  quotes (both labelled documents somewhere in the group).

Flagged groups that match a label in ``ambiguous`` (the dev labels and the blind
test labels have such a list; the first test labels do not) are neither credited
nor counted as false alarms.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corroborate.facts import StoryFacts
from corroborate.facts.compare_quantities import QuantityGroup
from corroborate.facts.compare_quotes import QuoteGroup

__all__ = [
    "DEV_LABELS",
    "TEST_BLIND_LABELS",
    "TEST_LABELS",
    "Scores",
    "conflict_matches",
    "load_labels",
    "quote_matches",
    "score",
]

DATA = Path(__file__).resolve().parent / "data" / "facts"
DEV_LABELS = DATA / "ecbplus_dev_labels.json"
TEST_LABELS = DATA / "ecbplus_test_labels.json"
TEST_BLIND_LABELS = DATA / "ecbplus_test_labels_blind.json"
FLAGGED_STATUS = ("conflict", "update")
FLAGGED_FIDELITY = ("altered", "paraphrase-in-quotes")


def load_labels(path: Path) -> dict[str, Any]:
    """The label file as a dict (see the ``about`` field of each file)."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


@dataclass(frozen=True, slots=True)
class _Flag:
    story: str
    pairs: tuple[tuple[float, str], ...]  # (value, article) for every value and article


def _conflict_strict(flag: _Flag, label: dict[str, Any]) -> bool:
    docs = set(label["docs"])
    hits: dict[float, set[str]] = {}
    for value, article in flag.pairs:
        if article not in docs:
            continue
        for lv in label["values"]:
            if _same(value, lv):
                hits.setdefault(lv, set()).add(article)
    found = list(hits.items())
    return any(
        a != b and (len(da | db) >= 2)
        for i, (a, da) in enumerate(found)
        for b, db in found[i + 1 :]
    )


def _conflict_lenient(flag: _Flag, label: dict[str, Any]) -> bool:
    hits = {lv for lv in label["values"] if any(_same(lv, v) for v, _a in flag.pairs)}
    return len(hits) >= 2


def _quote_strict(variants: list[set[str]], label: dict[str, Any]) -> bool:
    a, b = label["docs"][:2]
    in_a = [k for k, arts in enumerate(variants) if a in arts]
    in_b = [k for k, arts in enumerate(variants) if b in arts]
    return any(x != y for x in in_a for y in in_b)


def conflict_matches(story: str, group: QuantityGroup, label: dict[str, Any]) -> bool:
    """A quantity group of ``story`` finds a labelled conflict (strict matching)."""
    flag = _Flag(story, tuple((v.value, a) for v in group.values for a in v.articles))
    return story == label["story"] and _conflict_strict(flag, label)


def quote_matches(story: str, group: QuoteGroup, label: dict[str, Any]) -> bool:
    """A quote group of ``story`` finds a labelled altered quote (strict matching)."""
    variants = [set(v.articles) for v in group.variants]
    return story == label["story"] and _quote_strict(variants, label)


@dataclass(frozen=True, slots=True)
class Scores:
    """Counts and rates for one split; ``*_lenient`` use the first benchmark's matching."""

    stories: int
    conflicts_flagged: int
    conflicts_ambiguous: int
    conflict_recall: float
    conflict_precision: float
    false_conflicts_per_10_stories: float
    altered_flagged: int
    altered_recall: float
    altered_precision: float
    conflict_recall_lenient: float
    conflict_precision_lenient: float
    altered_recall_lenient: float
    altered_precision_lenient: float

    def to_dict(self) -> dict[str, float]:
        return {k: getattr(self, k) for k in self.__slots__}


def _rate(num: int, den: int) -> float:
    return round(num / den, 3) if den else 0.0


def score(results: dict[str, StoryFacts], labels: dict[str, Any]) -> Scores:
    """Precision/recall of numeric conflicts and altered quotes; false conflicts per 10 stories."""
    flags = [
        _Flag(sid, tuple((v.value, a) for v in g.values for a in v.articles))
        for sid, sf in results.items()
        for g in sf.quantities
        if g.status in FLAGGED_STATUS
    ]
    gold = [lab for lab in labels["numeric_conflicts"] if lab["story"] in results]
    vague = [lab for lab in labels.get("ambiguous", []) if lab["story"] in results]

    def matches(flag: _Flag, pool: list[dict[str, Any]], strict: bool) -> bool:
        test = _conflict_strict if strict else _conflict_lenient
        return any(flag.story == lab["story"] and test(flag, lab) for lab in pool)

    found = sum(
        any(f.story == lab["story"] and _conflict_strict(f, lab) for f in flags) for lab in gold
    )
    correct = sum(matches(f, gold, True) for f in flags)
    ambiguous = sum(not matches(f, gold, True) and matches(f, vague, True) for f in flags)
    found_l = sum(
        any(f.story == lab["story"] and _conflict_lenient(f, lab) for f in flags) for lab in gold
    )
    correct_l = sum(matches(f, gold, False) for f in flags)
    judged = len(flags) - ambiguous

    quote_flags = [
        (sid, [set(v.articles) for v in g.variants])
        for sid, sf in results.items()
        for g in sf.quotes
        if g.fidelity in FLAGGED_FIDELITY
    ]
    qgold = [lab for lab in labels["altered_quotes"] if lab["story"] in results]
    qfound = sum(
        any(sid == lab["story"] and _quote_strict(vs, lab) for sid, vs in quote_flags)
        for lab in qgold
    )
    qcorrect = sum(
        any(sid == lab["story"] and _quote_strict(vs, lab) for lab in qgold)
        for sid, vs in quote_flags
    )

    def covers(sid: str, vs: list[set[str]], lab: dict[str, Any]) -> bool:
        return sid == lab["story"] and set(lab["docs"]) <= set().union(*vs)

    qfound_l = sum(any(covers(sid, vs, lab) for sid, vs in quote_flags) for lab in qgold)
    qcorrect_l = sum(any(covers(sid, vs, lab) for lab in qgold) for sid, vs in quote_flags)
    n = len(results)
    return Scores(
        stories=n,
        conflicts_flagged=len(flags),
        conflicts_ambiguous=ambiguous,
        conflict_recall=_rate(found, len(gold)),
        conflict_precision=_rate(correct, judged),
        false_conflicts_per_10_stories=round(10 * (judged - correct) / n, 2) if n else 0.0,
        altered_flagged=len(quote_flags),
        altered_recall=_rate(qfound, len(qgold)),
        altered_precision=_rate(qcorrect, len(quote_flags)),
        conflict_recall_lenient=_rate(found_l, len(gold)),
        conflict_precision_lenient=_rate(correct_l, len(flags)),
        altered_recall_lenient=_rate(qfound_l, len(qgold)),
        altered_precision_lenient=_rate(qcorrect_l, len(quote_flags)),
    )
