"""The answer parser and the per-sentence verification rule (pure functions)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.errors import UsageError
from corroborate.llm import VerifyOptions, build_messages, features, parse_answer, verify_sentence
from corroborate.llm.prompt import SourceSentence
from corroborate.summarize.records import Citation
from corroborate.summarize.units import Stemmer

STEMMER = Stemmer()
SOURCES = [
    "Prime Minister Mark Carney spoke with President Donald Trump on Tuesday.",
    "The Liberals won 169 seats, and so fell three short of the 172 a majority requires.",
    "Trump has repeatedly called for Canada to become the 51st U.S. state.",
    "The leaders agreed that they would meet in person soon.",
    "Carney said the threats to Canadian sovereignty were not over.",
]
FEATURES = [features(s, STEMMER) for s in SOURCES]
OPTIONS = VerifyOptions()


def _verify(
    text: str, cited: list[int], options: VerifyOptions = OPTIONS
) -> tuple[bool, tuple[int, ...], str]:
    verdict = verify_sentence(features(text, STEMMER), cited, FEATURES, options)
    return verdict.supported, verdict.support, "; ".join(verdict.reasons)


def test_parse_markers_bullets_and_reasoning() -> None:
    answer = (
        "<think>Let me look at [3].</think>\n"
        "Here is a summary:\n"
        "## Summary\n"
        "- Carney spoke with Trump on Tuesday [1].\n"
        "2. The Liberals won 169 seats. [2] They were three short [2, 4-5].\n"
        "```\n"
        "**They agreed to meet** [4][4]\n"
    )
    drafts = parse_answer(answer, "summarize")
    assert [(d.text, d.cited) for d in drafts] == [
        ("Carney spoke with Trump on Tuesday.", (1,)),
        ("The Liberals won 169 seats.", (2,)),
        ("They were three short.", (2, 4, 5)),
        ("They agreed to meet", (4,)),
    ]


def test_parse_compare_sections() -> None:
    answer = "ADDS: A fact [1].\nAnother added fact [2].\n**Omits:** A missing fact [3].\nDISAGREES: x [4]"
    drafts = parse_answer(answer, "compare")
    assert [d.section for d in drafts] == ["adds", "adds", "omits", "disagrees"]
    # Outside compare the prefix is just text.
    assert parse_answer("ADDS: A fact [1].", "summarize")[0].text == "ADDS: A fact."


def test_copied_and_reworded_sentences_are_supported() -> None:
    assert _verify(SOURCES[1], [1])[:2] == (True, (1,))
    assert _verify("Carney and Trump spoke on Tuesday.", [0])[0]
    assert _verify("The Liberals won 169 seats, three short of a majority.", [1])[0]
    # A number written in words matches its digits and the reverse.
    assert _verify("The Liberals fell 3 seats short of a majority.", [1])[0]
    # A demonym matches its country's name; a possessive its name.
    assert _verify("Carney said Canada's sovereignty was under threat.", [4])[0]


def test_fused_sentence_cites_every_source_it_needs() -> None:
    supported, support, _ = _verify(
        "Carney spoke with Trump on Tuesday and they agreed to meet in person.", [0]
    )
    assert supported and support == (0, 3)


@pytest.mark.parametrize(
    ("text", "cited", "reason"),
    [
        ("The Liberals won 170 seats.", [1], "number(s) not in the sources: 170"),
        (
            "Carney spoke with Keir Starmer on Tuesday.",
            [0],
            "name(s) not in the sources: Keir, Starmer",
        ),
        (
            "The leaders did not agree to meet in person.",
            [3],
            "negated but its main sources are not",
        ),
        ("Oil prices rose sharply on fears of a trade war with Mexico.", [0], "content words"),
        ("It is so.", [0], "no content words"),
        ("The Liberals won 170 seats.", [], "number(s) not in the sources: 170"),
    ],
)
def test_unsupported_sentences_say_why(text: str, cited: list[int], reason: str) -> None:
    supported, _, reasons = _verify(text, cited)
    assert not supported and reason in reasons


def test_numbers_and_names_must_come_from_a_related_source() -> None:
    # 172 and Trump are in the sources, but only in sentences unrelated to the claim.
    borrowed_number = "Carney spoke with Trump on Tuesday for 172 minutes."
    supported, _, reasons = _verify(borrowed_number, [0])
    assert not supported and "number(s) not in the sources: 172" in reasons
    borrowed_name = "The Liberals of Trump won 169 seats."
    supported, _, reasons = _verify(borrowed_name, [1])
    assert not supported and "name(s) not in the sources: Trump" in reasons
    # Without anchoring, any supporting sentence may lend the number or the name.
    loose = VerifyOptions(anchor_share=0.0)
    assert _verify(borrowed_number, [0], loose)[0]
    assert _verify(borrowed_name, [1], loose)[0]


def test_checks_can_be_switched_off() -> None:
    text = "The Liberals won 170 seats."
    assert _verify(text, [1], VerifyOptions(check_numbers=False))[0]
    assert not _verify(text, [1])[0]


def test_threshold_decides() -> None:
    text = "Carney spoke with Trump on Tuesday about tariffs."  # 'tariff' is not in the source
    assert not _verify(text, [0], VerifyOptions(min_recall=0.9))[0]
    assert _verify(text, [0], VerifyOptions(min_recall=0.75))[0]
    with pytest.raises(UsageError):
        VerifyOptions(min_recall=0)


def test_allowed_pool_limits_realignment() -> None:
    draft = features("The leaders agreed to meet in person.", STEMMER)
    assert not verify_sentence(draft, [3], FEATURES, OPTIONS, allowed=[0, 1]).supported
    assert verify_sentence(draft, [0], FEATURES, OPTIONS, allowed=[3]).support == (3,)


def test_prompt_numbers_sources_and_rejects_bad_requests() -> None:
    sources = [
        SourceSentence(text, Citation("x" if i < 2 else "y", i, 0, len(text)), "Out")
        for i, text in enumerate(SOURCES)
    ]
    system, user = build_messages("summarize", sources, "  ", 80)
    assert system.role == "system" and "[2] (Out) The Liberals won 169" in user.content
    assert "Request:" not in user.content and "at most 80 words" in user.content
    _, compare = build_messages("compare", sources, "focus on seats", 60, target_article="y")
    assert compare.content.index("[3]") < compare.content.index("Other reports (B)")
    assert compare.content.index("[1]") > compare.content.index("Other reports (B)")
    with pytest.raises(UsageError, match="at least one source"):
        build_messages("summarize", [], "", 80)
    with pytest.raises(UsageError, match="at least one other article"):
        build_messages("compare", sources[2:], "", 80, target_article="y")


WORDS = st.sampled_from(
    [
        "council",
        "budget",
        "mayor",
        "vote",
        "taxes",
        "Ortiz",
        "Patel",
        "river",
        "bridge",
        "million",
        "school",
        "Monday",
        "12",
        "45",
        "approved",
        "rejected",
        "plan",
        "city",
        "new",
        "two",
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(WORDS, min_size=3, max_size=15))
def test_a_source_sentence_supports_itself(tokens: list[str]) -> None:
    text = " ".join(tokens) + "."
    source = features(text, STEMMER)
    verdict = verify_sentence(features(text, STEMMER), [0], [source], OPTIONS)
    assert verdict.supported == bool(source.content)


@settings(max_examples=60, deadline=None)
@given(st.lists(WORDS, min_size=3, max_size=15), st.integers(100, 10_000))
def test_an_added_number_is_never_supported(tokens: list[str], number: int) -> None:
    text = " ".join(tokens) + "."
    source = features(text, STEMMER)
    draft = features(f"{' '.join(tokens)} {number}.", STEMMER)
    assert not verify_sentence(draft, [0], [source], OPTIONS).supported
