"""Figures of different kinds are no conflict: a part and a whole, different dates, a
description ("a 60-minute game") and an amount ("55 minutes"); hand-made facts."""

from __future__ import annotations

from corroborate.facts.compare_quantities import StoryText, compare_quantities
from corroborate.facts.entities import StoryEntityIndex
from corroborate.facts.figure_kinds import attributive, different_kinds, is_part
from corroborate.facts.records import Quantity
from corroborate.text import Sentence
from facts_fixtures import facts_of, quantity

INDEX = StoryEntityIndex({}, {})
NONE: frozenset[str] = frozenset()


_q = quantity
_facts = facts_of


def _statuses(a: Quantity, b: Quantity, text: StoryText | None = None) -> list[str]:
    return [g.status for g in compare_quantities(_facts(a, b), INDEX, {}, text=text)]


def test_a_part_or_an_addition_is_not_the_whole() -> None:
    assert is_part(_q("a", 2, "two extra life sentences"))
    assert is_part(_q("a", 2, "another 20,000"))
    assert is_part(_q("a", 2, "two more victims"))
    assert not is_part(_q("a", 20, "more than 20 people"))  # a hedge, not an addition
    for part in ("two additional people", "another two people", "two new people"):
        assert "conflict" not in _statuses(_q("a", 2, part), _q("b", 3, "three people")), part
    assert _statuses(_q("a", 2, "two people"), _q("b", 3, "three people")) == ["conflict"]


def test_a_description_is_not_an_amount() -> None:
    game = _q("a", 60, "60-minute", unit="minute", kind="")
    played = _q("b", 55, "almost 55 minutes", unit="minute", kind="")
    assert attributive(game)
    assert not attributive(played)
    assert not attributive(_q("a", 39, "39-year-old", unit="age"))  # an age
    assert not attributive(_q("a", 3, "three co-workers"))  # a hyphenated noun
    assert different_kinds(game, played, NONE, NONE)
    assert "conflict" not in _statuses(game, played)
    # two descriptions, or two amounts, are the same kind
    assert not different_kinds(game, _q("b", 55, "55-minute", unit="minute"), NONE, NONE)
    assert not different_kinds(_q("a", 60, "60 minutes"), played, NONE, NONE)
    # a bare number is no amount written with its noun
    assert not different_kinds(_q("a", 5.9, "5.9-magnitude"), _q("b", 6.1, "6.1"), NONE, NONE)


def _dated(a: Quantity, sa: str, b: Quantity, sb: str) -> StoryText:
    return StoryText(
        {
            a.evidence.article: [Sentence(0, 0, 0, len(sa), sa)],
            b.evidence.article: [Sentence(0, 0, 0, len(sb), sb)],
        }
    )


def test_figures_of_different_dates_are_not_a_conflict() -> None:
    a = _q("a", 120, "120 people", kind="arrested")
    b = _q("b", 90, "90 people", kind="arrested")
    text = _dated(a, "In 2005 police arrested 120 people.", b, "In 2008 police arrested 90 people.")
    assert "conflict" not in _statuses(a, b, text)
    # a date on one side only is no clash
    text = _dated(a, "In 2005 police arrested 120 people.", b, "Police arrested 90 people.")
    assert _statuses(a, b, text) == ["conflict"]
