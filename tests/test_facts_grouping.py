"""What makes two quantities one fact: the whole in "28 of 41", parents' children, ages of
one named person, subgroups of the people counted (spaCy loaded once for the module)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from corroborate.config import Context
from corroborate.facts.compare_quantities import (
    StoryText,
    age_person,
    compare_quantities,
    counted_noun,
    same_person,
)
from corroborate.facts.entities import StoryEntityIndex
from corroborate.facts.quantities import SentenceRef, quantities_in_sentence
from corroborate.facts.records import Evidence, Quantity
from corroborate.text import Sentence
from facts_fixtures import facts_of, quantity


@pytest.fixture(scope="module")
def nlp(ctx: Context) -> Any:
    return ctx.nlp.spacy()


def _quantities(nlp: Any, sentence: str) -> list[Quantity]:
    return quantities_in_sentence(nlp(sentence), SentenceRef("a", 0, 0))


def _read(nlp: Any, sentence: str) -> list[tuple[float, str, str]]:
    return [(q.value, q.unit, q.role) for q in _quantities(nlp, sentence)]


def test_the_whole_a_part_is_counted_out_of_is_its_own_measure(nlp: Any) -> None:
    got = _read(nlp, "Garrard completed 28 of 41 passes for 329 yards.")
    assert (41.0, "passe", "total") in got
    assert (329.0, "yard", "level") in got
    assert (16.0, "game", "total") in _read(nlp, "He missed 10 of the Saints' 16 games.")
    # "one of 99 members" names the count itself
    assert (99.0, "member", "total") not in _read(nlp, "He was one of 99 members arrested.")


def test_an_event_word_across_a_clause_break_is_not_the_counts_kind(nlp: Any) -> None:
    """ "hurt" is what happened to the firefighters, not to the families."""
    found = _quantities(nlp, "Twelve firefighters were hurt and 40 families lost their homes.")
    kinds = {q.value: q.kind for q in found}
    assert kinds == {12.0: "injured", 40.0: ""}
    # nor is the other clause's subject what the families are
    about = {q.value: q.entity for q in found}
    assert about[40.0] is None
    # an event word after the count, in its own clause, still names its kind
    sentence = "The storm claimed four lives and caused 140 residents to be evacuated."
    kinds = {q.value: q.kind for q in _quantities(nlp, sentence)}
    assert kinds[140.0] == "displaced"


def test_the_speaker_is_not_what_a_figure_is_about(nlp: Any) -> None:
    def about(sentence: str) -> list[str | None]:
        return [q.entity for q in _quantities(nlp, sentence)]

    assert about("Some 40 families lost their homes, the Tarsia Harbour Board said.") == [None]
    assert about("Some 40 families lost their homes in the Tarsia Harbour district.") == [
        "the Tarsia Harbour"
    ]
    # nor is a speaker named by a plain noun before a speech verb
    assert about("Rescuers said 40 families lost their homes.") == [None]
    assert about("Volunteers told reporters that 40 families lost their homes.") == [None]
    # a noun before the figure in its own clause still is
    assert about("Rescuers said the harbour towns lost 40 boats.") == ["harbour towns"]


def test_a_mother_of_twelve_counts_children(nlp: Any) -> None:
    assert (12.0, "children", "level") in _read(nlp, "Horton, a mother of 12, was shot dead.")


_q = quantity
_facts = facts_of


INDEX = StoryEntityIndex({}, {})


def test_a_subgroup_of_the_dead_is_not_a_conflict_with_the_toll() -> None:
    assert counted_noun(_q("a", 2, "two women")) == "women"
    groups = compare_quantities(
        _facts(_q("a", 2, "two women"), _q("b", 3, "three people")), INDEX, {}
    )
    assert all(g.status != "conflict" for g in groups)
    groups = compare_quantities(
        _facts(_q("a", 2, "two people"), _q("b", 3, "three people")), INDEX, {}
    )
    assert [g.status for g in groups] == ["conflict"]


def test_officers_among_people_and_others_besides_someone_are_subgroups() -> None:
    for part, whole in (
        ("two officers", "three people"),
        ("two other people", "three people"),
        ("two more victims", "three victims"),
    ):
        groups = compare_quantities(_facts(_q("a", 2, part), _q("b", 3, whole)), INDEX, {})
        assert all(g.status != "conflict" for g in groups), (part, whole)
    groups = compare_quantities(
        _facts(_q("a", 2, "two victims"), _q("b", 3, "three people")), INDEX, {}
    )
    assert [g.status for g in groups] == ["conflict"]


def test_ages_of_one_named_person() -> None:
    smith = {"entity": "Sharron Smith", "entity_key": "smith", "kind": ""}
    a = _q("a", 60, "60", unit="age", **smith)
    b = _q("b", 61, "61", unit="age", **smith)
    other = _q("c", 61, "61", unit="age", entity="Gary Smith", entity_key="smith", kind="")
    assert same_person(a, b)
    assert not same_person(a, other)
    groups = compare_quantities(_facts(a, b), INDEX, {})
    assert [g.status for g in groups] == ["conflict"]
    far = _q("b", 68, "68", unit="age", **smith)
    assert all(g.status != "conflict" for g in compare_quantities(_facts(a, far), INDEX, {}))


def _described(sentence: str, age: str, names: list[str]) -> tuple[Quantity, StoryText]:
    """An unnamed age in ``sentence`` of article "b", whose other sentences name ``names``."""
    start = sentence.index(age)
    q = _q("b", float(age[:2]), age, unit="age", kind="")
    q = replace(q, evidence=Evidence("b", 0, start, start + len(age), age))
    spans = [(100 + 10 * k, 105 + 10 * k, "PERSON", key) for k, key in enumerate(names)]
    text = StoryText({"b": [Sentence(0, 0, 0, len(sentence), sentence)]}, {"b": spans})
    return q, text


def test_the_aged_man_is_the_person_the_article_is_about() -> None:
    q, text = _described(
        "Police said the 39-year-old local man fled.", "39-year-old", ["doe", "doe", "roe"]
    )
    assert age_person(q, text).entity_key == "doe"
    named = _q("a", 38, "38", unit="age", entity="John Doe", entity_key="doe", kind="")
    scored = compare_quantities(_facts(named, q), INDEX, {}, text=text)
    assert [g.status for g in scored] == ["conflict"]
    # no leading person, a new person ("a"), or a name after the age: left unnamed
    for sentence, names in (
        ("Police said the 39-year-old local man fled.", ["doe", "roe"]),
        ("Police said a 39-year-old local man fled.", ["doe", "doe"]),
        ("Police said the 39-year-old Jones fled.", ["doe", "doe"]),
    ):
        q, text = _described(sentence, "39-year-old", names)
        assert age_person(q, text).entity_key == "", sentence


def test_a_record_in_parentheses_after_an_age_is_read(nlp: Any) -> None:
    got = _read(nlp, "The 30-year-old Petrov (41-2, 35 KOs) won again.")
    assert (41.0, "score", "level") in got
    # a figure in parentheses after a measure is the same figure converted
    assert [v for v, _u, _r in _read(nlp, "The fine was 85 million euros ($108 million).")] == [
        85e6
    ]


def test_a_score_is_about_the_name_before_it_not_the_one_after(nlp: Any) -> None:
    doc = nlp("Champion Ivan Petrov, 41-2, 30 KO's, beat Karl Berg in Hamburg.")
    got = {q.value: q for q in quantities_in_sentence(doc, SentenceRef("a", 0, 0))}
    assert got[41.0].unit == "score"
    assert "petrov" in got[41.0].entity_key


def test_a_range_of_one_counted_thing_is_one_figure(nlp: Any) -> None:
    """ "20 to 25 hours" is one figure: any value in it agrees, none of its ends conflicts."""
    got = [
        (q.lo, q.hi, q.unit, q.bound)
        for q in _quantities(
            nlp, "Between 300 and 400 people left, and 5 or 6 were hurt in 20 to 25 hours."
        )
    ]
    assert (300.0, 400.0, "people", "range") in got
    assert (20.0, 25.0, "hour", "range") in got
    # a change, a score and a bare pair of numbers are not ranges
    for sentence in (
        "The toll rose from 20 to 25 people.",
        "The Tarsia Rams lost 1 to 3.",
        "The vote was 40 to 45.",
    ):
        assert all(q.bound != "range" for q in _quantities(nlp, sentence)), sentence


def test_a_written_fraction_of_something_is_a_share(nlp: Any) -> None:
    got = [
        (q.value, q.unit)
        for q in _quantities(nlp, "Three-quarters of the voters and a quarter of the towns agreed.")
    ]
    assert got == [(75.0, "%"), (25.0, "%")]
    # a fraction of a measure is not a share
    got = [(q.value, q.unit) for q in _quantities(nlp, "It took a third of a mile.")]
    assert all(unit != "%" for _, unit in got)


def test_the_number_of_a_place_counts_its_people(nlp: Any) -> None:
    got = [(q.value, q.unit) for q in _quantities(nlp, "Tarsia, a coastal town of 71,000, voted.")]
    assert got == [(71000.0, "people")]
    got = [(q.value, q.unit) for q in _quantities(nlp, "The ministry of 12 agencies met.")]
    assert got == [(12.0, "agency")]
