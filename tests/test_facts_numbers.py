"""Pure number, hedge, date and entity-key rules of the facts package."""

from __future__ import annotations

from datetime import date

import pytest

from corroborate.facts.dates import resolve_date
from corroborate.facts.entities import StoryEntityIndex, display_name, entity_key
from corroborate.facts.numbers import granularity, parse_number
from corroborate.facts.quantities import hedge_interval, unit_key


@pytest.mark.parametrize(
    ("tokens", "value", "length"),
    [
        (["172"], 172, 1),
        (["1,200", "people"], 1200, 1),
        (["2.5", "billion"], 2.5e9, 2),
        (["three", "-", "quarters"], 0.75, 3),
        (["twenty", "-", "five"], 25, 3),
        (["three", "hundred"], 300, 2),
        (["a", "third", "of"], 1 / 3, 2),
        (["two", "million"], 2e6, 2),
    ],
)
def test_parse_number(tokens: list[str], value: float, length: int) -> None:
    parsed = parse_number(tokens, 0)
    assert parsed is not None
    assert parsed.value == pytest.approx(value)
    assert parsed.length == length


def test_parse_number_rejects_words_and_ordinal_fractions() -> None:
    assert parse_number(["seats"], 0) is None
    assert parse_number(["a", "third", "person"], 0) is None
    vague = parse_number(["hundreds"], 0)
    assert vague is not None and vague.vague


def test_granularity_and_hedges() -> None:
    assert granularity("170", 170) == 10
    assert granularity("168", 168) == 1
    assert granularity("2.5", 2.5e9) == pytest.approx(0.1e9)
    lo, hi = hedge_interval(168, "168", "approx")
    assert not lo <= 169 <= hi  # "roughly 168" does not cover 169
    lo, hi = hedge_interval(170, "170", "approx")
    assert lo <= 169 <= hi  # "about 170" does
    assert hedge_interval(6, "6", "min") == (6, float("inf"))
    assert hedge_interval(7, "7", "max") == (0.0, 7)


def test_unit_keys() -> None:
    assert unit_key("seats") == unit_key("seat") == "seat"
    assert unit_key("persons") == "people"
    assert unit_key("casualties") == "casualty"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tuesday", date(2025, 4, 29)),
        ("Monday", date(2025, 4, 28)),
        ("next Monday", date(2025, 5, 5)),
        ("yesterday", date(2025, 4, 28)),
        ("May 3", date(2025, 5, 3)),
        ("April 28, 2024", date(2024, 4, 28)),
        ("last month", None),
    ],
)
def test_resolve_date(text: str, expected: date | None) -> None:
    assert resolve_date(text, date(2025, 4, 29)) == expected


def test_resolve_date_needs_a_reference_for_weekdays() -> None:
    assert resolve_date("Tuesday", None) is None
    assert resolve_date("May 3, 2013", None) == date(2013, 5, 3)


def test_entity_keys_normalise_across_articles() -> None:
    assert entity_key("Mr. Carney", "PERSON") == entity_key("Mark Carney", "PERSON") == "carney"
    assert entity_key("U.S.", "GPE") == entity_key("United States", "GPE") == "united states"
    assert entity_key("Liberals", "NORP") == entity_key("the Liberal Party", "ORG") == "liberal"
    assert entity_key("Carney’s Liberal Party", "ORG") == "liberal"
    assert entity_key("the Prime Minister’s Office", "ORG") == "prime minister s office"
    assert entity_key("Bloc Québécois", "ORG") == entity_key("Bloc Quebecois", "ORG")
    assert display_name("the Liberal Party’s") == "Liberal Party"


def test_story_index_resolves_acronyms() -> None:
    index = StoryEntityIndex.build(
        [("the New Democratic Party", "ORG", "new democratic"), ("NDP", "ORG", "ndp")]
    )
    assert index.canonical("ndp") == "new democratic"
    assert index.show("ndp") == "New Democratic Party"
