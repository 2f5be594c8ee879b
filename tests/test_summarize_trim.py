"""Sentence trimming, similarity and selection: the pure pieces of the summariser."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.model import Article
from corroborate.summarize.concepts import (
    concept_stats,
    concept_weights,
    focus_stems,
    min_concept_df,
)
from corroborate.summarize.redundancy import SimilarityIndex, content_jaccard, similarity_matrix
from corroborate.summarize.select import Problem, extend_overflow, greedy_select
from corroborate.summarize.trim import TrimOptions, render, trim_spans
from corroborate.summarize.units import Stemmer, build_units

TRIM = TrimOptions(trim=True, compress=False)
COMPRESS = TrimOptions(trim=True, compress=True)


def _shown(text: str, first: bool = False, options: TrimOptions = TRIM) -> str:
    return render(text, trim_spans(text, first, options))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "PINE RIDGE, S.D. (AP) _ The tribe opened a new clinic on the reservation today.",
            "The tribe opened a new clinic on the reservation today.",
        ),
        (
            "MADRID, February 17 (Xinhua) -- Spanish officials confirmed the test result.",
            "Spanish officials confirmed the test result.",
        ),
        (
            "WASHINGTON -- The Senate passed the bill late on Thursday evening.",
            "The Senate passed the bill late on Thursday evening.",
        ),
    ],
)
def test_dateline_removed_from_first_sentence(text: str, expected: str) -> None:
    assert _shown(text, first=True) == expected
    # Only an article's first sentence has a dateline.
    assert _shown(text, first=False) == text


def test_leading_connective_removed_and_capitalised() -> None:
    assert _shown("But the council has not decided what to do with the bridge.") == (
        "The council has not decided what to do with the bridge."
    )
    assert _shown("However, repairs could take two years to finish.") == (
        "Repairs could take two years to finish."
    )
    # A sentence too short to stand without it is left alone.
    assert _shown("But why?") == "But why?"


def test_attributions_only_removed_when_compressing() -> None:
    text = "Repairs will cost three million euros, officials said on Monday."
    assert _shown(text) == text
    assert _shown(text, options=COMPRESS) == "Repairs will cost three million euros."
    inner = "Since 1990, the agency said, half of the wetlands have been lost to farming."
    assert _shown(inner, options=COMPRESS) == (
        "Since 1990 half of the wetlands have been lost to farming."
    )
    paren = "The plan (first proposed in 2019) was approved by the council yesterday."
    assert _shown(paren, options=COMPRESS) == "The plan was approved by the council yesterday."
    according = "According to the county, the repairs could take two years to complete."
    assert _shown(according, options=COMPRESS) == "The repairs could take two years to complete."


def test_nothing_trimmed_when_disabled() -> None:
    text = "RIVERTON (Wire) -- But the bridge, officials said, is safe."
    assert trim_spans(text, True, TrimOptions(trim=False, compress=False)) == [(0, len(text))]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.booleans(), st.booleans())
def test_spans_are_ordered_pieces_of_the_sentence(text: str, first: bool, compress: bool) -> None:
    spans = trim_spans(text, first, TrimOptions(trim=True, compress=compress))
    previous = 0
    for start, end in spans:
        assert previous <= start < end <= len(text)
        previous = end
    assert isinstance(render(text, spans), str)


def test_render_whole_sentence_is_the_sentence() -> None:
    text = "  The bridge will close in March.  "
    assert render(text, [(0, len(text))]) == text.strip()


def _units(paragraph_sets: list[list[str]]) -> list:
    articles = [
        Article(title="t", paragraphs=paragraphs, id=str(k))
        for k, paragraphs in enumerate(paragraph_sets)
    ]
    return build_units(articles, Stemmer(), TRIM)


def test_units_keep_offsets_and_concepts() -> None:
    units = _units([["The bridges were closed. Engineers found cracks in the arch."]])
    assert [u.text for u in units] == [
        "The bridges were closed.",
        "Engineers found cracks in the arch.",
    ]
    assert units[1].start == len("The bridges were closed. ")
    assert units[0].concepts == {("the", "bridg"), ("bridg", "were"), ("were", "close")}
    # Bigrams of two stopwords are not concepts.
    assert all(not (a == "in" and b == "the") for a, b in units[1].concepts)


def test_jaccard_and_similarity_index() -> None:
    units = _units(
        [
            ["Engineers found deep cracks in the old stone arch."],
            ["Engineers found deep cracks in the old stone arch."],
            ["The mayor will open a new library next spring."],
        ]
    )
    jac = content_jaccard(units)
    assert jac[0, 1] == pytest.approx(1.0)
    assert jac[0, 2] == pytest.approx(0.0)
    index = SimilarityIndex(units, None, 0.6)
    assert index.matches(0) == [1]
    assert index.matches(2) == []
    assert [index.support(i) for i in range(3)] == [2, 2, 1]
    assert index.same_fact(0, 1) and index.same_fact(1, 0) and not index.same_fact(2, 0)
    assert np.allclose(similarity_matrix(units, None), jac)
    assert content_jaccard([]).shape == (0, 0)


def test_similarity_with_embeddings_is_the_mean() -> None:
    units = _units([["Cracks were found in the arch."], ["The library opens in spring."]])
    vectors = np.eye(2, dtype=np.float32)
    matrix = similarity_matrix(units, vectors)
    assert matrix[0, 0] == pytest.approx(1.0)
    assert matrix[0, 1] == pytest.approx(0.0)


def test_concept_weights_count_articles_and_focus() -> None:
    units = _units([["Stone arch cracks."], ["Stone arch cracks again."], ["Library opens."]])
    stemmer = Stemmer()
    stats = concept_stats(units)
    weights = concept_weights(stats, 2, frozenset(), 1.0)
    assert weights == {("stone", "arch"): 2.0, ("arch", "crack"): 2.0}
    query = focus_stems("Discuss the cracks", stemmer)
    assert query == frozenset({"crack"})
    focused = concept_weights(stats, 2, query, 1.0)
    relevance = np.array([0.5, 1.0, 1.0], dtype=np.float32)
    assert concept_weights(concept_stats(units, relevance), 2, frozenset(), 1.0)[
        ("stone", "arch")
    ] == pytest.approx(1.5)
    assert focused[("arch", "crack")] == 4.0 and focused[("stone", "arch")] == 2.0
    assert min_concept_df(2, 3) == 1 and min_concept_df(3, 3) == 2 and min_concept_df(25, 3) == 3


def test_greedy_respects_budget_and_conflicts() -> None:
    units = _units(
        [
            [
                "Stone arch cracks were found by county engineers. "
                "Stone arch cracks were found by county engineers. "
                "Library opens soon."
            ]
        ]
    )
    weights = {c: 1.0 for u in units for c in u.concepts}
    problem = Problem(units, [0, 1, 2], weights, 100, lambda i, j: {i, j} == {0, 1}, {})
    chosen = greedy_select(problem)
    assert 0 in chosen and 1 not in chosen and 2 in chosen
    small = Problem(units, [0, 1, 2], weights, 3, lambda i, j: False, {})
    assert greedy_select(small) == [2]
    assert extend_overflow(small, [2]) is None  # no room left to fill
    roomy = Problem(units, [0, 1, 2], weights, 5, lambda i, j: {i, j} == {0, 1}, {})
    assert extend_overflow(roomy, [2]) == 0
