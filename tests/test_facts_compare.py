"""Quantity alignment and status rules on hand-made facts (no model needed)."""

from __future__ import annotations

from datetime import datetime

import pytest

from corroborate.errors import UsageError
from corroborate.facts import StoryFacts, compare_story
from corroborate.facts.compare import compare_facts
from corroborate.facts.compare_quantities import compare_quantities, compatible
from corroborate.facts.entities import StoryEntityIndex
from corroborate.facts.records import ArticleFacts, Claim, Evidence, Quantity
from corroborate.model import Article
from corroborate.text import content_words
from facts_fixtures import facts_of, quantity

CONTEXT = ("earthquake", "kill", "province", "struck", "village")


def _q(article: str, value: float, hedge: str | None = None, bound: str = "exact") -> Quantity:
    return quantity(article, value, f"{value:g}", hedge=hedge, bound=bound, context=CONTEXT)


_facts = facts_of


INDEX = StoryEntityIndex({}, {})


def test_compatible_uses_hedges() -> None:
    assert compatible(_q("a", 7), _q("b", 6, "at least", "min"))
    assert not compatible(_q("a", 7), _q("b", 6))
    assert compatible(_q("a", 170, "about", "approx"), _q("b", 169))


def test_conflict_agree_single_and_update() -> None:
    groups = compare_quantities(_facts(_q("a", 6), _q("b", 7)), INDEX, {})
    assert [g.status for g in groups] == ["conflict"]
    groups = compare_quantities(_facts(_q("a", 6), _q("b", 6, "at least", "min")), INDEX, {})
    assert [g.status for g in groups] == ["agree"]
    groups = compare_quantities(_facts(_q("a", 6)), INDEX, {})
    assert [g.status for g in groups] == ["single-source"]
    published = {"a": datetime(2013, 5, 1), "b": datetime(2013, 5, 2)}
    groups = compare_quantities(_facts(_q("a", 6), _q("b", 8)), INDEX, published)
    assert [g.status for g in groups] == ["update"]
    # a later article with a smaller toll is a conflict, not an update
    groups = compare_quantities(_facts(_q("a", 8), _q("b", 6)), INDEX, published)
    assert [g.status for g in groups] == ["conflict"]


def test_far_apart_values_are_not_conflicts() -> None:
    groups = compare_quantities(_facts(_q("a", 6), _q("b", 600)), INDEX, {})
    assert all(g.status != "conflict" for g in groups)


def test_one_article_never_gives_two_values_of_one_group() -> None:
    groups = compare_quantities(_facts(_q("a", 6), _q("a", 9), _q("b", 7)), INDEX, {})
    for g in groups:
        by_article: dict[str, set[float]] = {}
        for v in g.values:
            for article in v.articles:
                by_article.setdefault(article, set()).add(v.value)
        assert all(len(values) == 1 for values in by_article.values()), g


def test_compare_story_rejects_bad_input() -> None:
    from corroborate.config import Context

    with pytest.raises(UsageError):
        compare_story([], Context())


def _claim_story(first: str, second: str) -> StoryFacts:
    """Article ``a`` states ``first`` as a claim; ``b``'s only sentence is ``second``,
    which is no claim of its own (it opens with a quotation mark)."""
    a = Article(id="a", title="A", paragraphs=[first])
    b = Article(id="b", title="B", paragraphs=[second])
    evidence = Evidence("a", 0, 0, len(first), first)
    claim = Claim(("quantity",), tuple(sorted(set(content_words(first)))), evidence)
    facts = [ArticleFacts("a", "A", claims=[claim]), ArticleFacts("b", "B")]
    return compare_facts([a, b], facts)


def test_a_claim_told_in_any_sentence_elsewhere_is_not_single_source() -> None:
    first = "The ministry said 40 villages were flooded after the dam broke on Sunday."
    told = _claim_story(
        first,
        "“Forty villages?” No: the ministry said 40 villages were flooded after the dam broke.",
    )
    assert told.single_source == []
    other_number = _claim_story(
        first, "“The ministry said 30 villages were flooded after the dam broke on Sunday.”"
    )
    assert [c.evidence.text for c in other_number.single_source] == [first]
    unrelated = _claim_story(first, "“Rain is expected again next week in the north.”")
    assert [c.evidence.text for c in unrelated.single_source] == [first]


def test_an_omission_cites_the_sentence_of_every_article_that_reports_it() -> None:
    first = "The ministry said 40 villages were flooded after the dam broke on Sunday."
    told = "“Forty villages?” No: the ministry said 40 villages were flooded after the dam broke."
    articles = [
        Article(id="a", title="A", paragraphs=[first]),
        Article(id="b", title="B", paragraphs=[told]),
        Article(id="c", title="C", paragraphs=["Rain is expected again next week in the north."]),
    ]
    claim = Claim(
        ("quantity",), tuple(sorted(set(content_words(first)))), Evidence("a", 0, 0, 72, first)
    )
    facts = [ArticleFacts("a", "A", claims=[claim]), ArticleFacts("b", "B"), ArticleFacts("c", "C")]
    (omission,) = compare_facts(articles, facts).omissions
    assert omission.reported_by == ["a", "b"] and omission.omitted_by == ["c"]
    (claimed, elsewhere) = omission.evidence
    assert (claimed.article, claimed.text) == ("a", first)
    # b's evidence is its sentence that tells the claim, with its place in b's body
    assert elsewhere.article == "b" and "40 villages were flooded" in elsewhere.text
    assert told[elsewhere.start : elsewhere.end] == elsewhere.text
