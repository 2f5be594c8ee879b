"""Property-based tests (Hypothesis) for the quote and quantity extractors (issue 9).

Inputs mix quotation marks of every kind (straight, curly, low-9, guillemets,
corner brackets, unbalanced and nested), numbers in every form (1,234.5;
1.234,5; "two dozen"; fractions; percentages; currencies; ranges; exponents;
hundreds of digits), NUL bytes and bidirectional overrides. The contract: no
exception (other than corroborate's own errors), no slow path (each example has
a deadline), every evidence span lies inside the article body and its text is
that slice, and every number read is finite.

Two inputs once broke the contract and are pinned below: a number of hundreds
of digits (no longer read as a quantity, rather than ``inf``) and a sentence
longer than spaCy's ``max_length`` (a 10 MB line of digits, now cut into pieces
before spaCy, with offsets kept).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from corroborate.config import Context
from corroborate.errors import CorroborateError
from corroborate.facts import ArticleFacts, Evidence, extract_facts
from corroborate.facts.extract import FactOptions
from corroborate.facts.numbers import parse_number
from corroborate.facts.quotes import find_quote_spans
from corroborate.model import Article

EXAMPLES = int(os.environ.get("CORROBORATE_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=5),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PURE = settings(FUZZ, max_examples=EXAMPLES * 4, deadline=timedelta(seconds=1))

QUOTES = [
    '"', "'", "\u201c", "\u201d", "\u201e", "\u201f", "\u2018", "\u2019", "\u201a", "\u201b",
    "\u00ab", "\u00bb", "\u2039", "\u203a", "\u300c", "\u300d", "\u300e", "\u300f", "\u301d",
    "\u301e", "\uff02", "``", "''", "\u00bb\u00bb", "\u201c\u2018", "\u2019\u201d",
]  # fmt: skip
SPECIALS = [
    "\x00", "\u202e", "\u202d", "\u2066", "\u2069", "\u200f", "\u200b", "\ufeff", "\u00a0",
    "\u2028", "\n", "\t", "\u0301", "\U0001f600", "\x1b", "\r",
]  # fmt: skip
NUMBER_FORMS = [
    "1,234.5", "1.234,5", "1 234,5", "12,345,678", "0.5", ".75", "-5", "\u22125", "+3",
    "two dozen", "dozens", "hundreds", "twenty-five", "three hundred and twelve",
    "a third of", "three-quarters", "two thirds", "four and a half", "1/2", "2 1/2", "2-1/2",
    "\u00bd", "12\u00bd", "45%", "45 per cent", "45 percent", "$3.5bn", "\u20ac4.2m",
    "\u00a312", "\u00a51,000", "US$80m.", "4-5 million", "between 10 and 20", "10\u201320",
    "1e308", "1E-9", "10^400", "2.5 billion", "169 seats", "172 needed", "lost 12 seats",
    "at least 6", "about 170", "nearly 1,000 people", "3rd", "1990s", "No. 7", "#5",
    "12:30", "2025-04-29", "(85 million euros ($108 million))", "58km (36 miles)", "0",
    "000", "1" * 40, "9" * 300,
]  # fmt: skip
# Up to 308 digits a float holds the value; longer numbers are the known failure below.
WORDS = [
    "Carney", "Trump", "Mark Carney", "the prime minister", "he", "she", "said", "told",
    "according to", "added", ":", ",", ".", ";", "!", "?", "\u2026", "\u2014", "-", "(",
    ")", "seats", "people", "voters", "dollars", "tariffs", "per cent", "of", "the", "a",
    "and", "We will win", "it is", "Canada", "Reuters", "million", "billion",
]  # fmt: skip

piece = st.one_of(
    st.sampled_from(QUOTES),
    st.sampled_from(NUMBER_FORMS),
    st.sampled_from(WORDS),
    st.sampled_from(SPECIALS),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.text(st.characters(codec="utf-8"), max_size=12),
)
separators = st.sampled_from([" ", "", " ", "  ", "\n"])


@st.composite
def hostile_text(draw: st.DrawFn, max_pieces: int = 40) -> str:
    parts = draw(st.lists(piece, max_size=max_pieces))
    seps = draw(st.lists(separators, min_size=len(parts), max_size=len(parts)))
    return "".join(p + s for p, s in zip(parts, seps, strict=True))


paragraph_lists = st.lists(hostile_text(), min_size=1, max_size=4)


@pytest.fixture(scope="module")
def ctx() -> Iterator[Context]:
    """One context for the module: spaCy loads once."""
    context = Context()
    context.nlp.spacy()
    yield context


def _article(paragraphs: list[str]) -> Article:
    return Article(title="Hostile facts", paragraphs=paragraphs, id="fuzz")


_FOLD = re.compile(r"[\s\"'\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b\u00ab\u00bb]+")


def _check_evidence(evidence: Evidence, body: str, exact: bool = True) -> None:
    assert evidence.article == "fuzz"
    assert 0 <= evidence.start <= evidence.end <= len(body), evidence
    span = body[evidence.start : evidence.end]
    if exact:
        assert span == evidence.text, (span, evidence.text)
    else:
        # A quotation's text joins its parts (a quote running over paragraphs loses the
        # marks that reopen it): the same characters once spacing and marks are folded.
        assert _FOLD.sub("", span) == _FOLD.sub("", evidence.text), (span, evidence.text)


def _check_facts(facts: ArticleFacts, article: Article) -> None:
    body = article.body
    for quantity in facts.quantities:
        _check_evidence(quantity.evidence, body)
        assert math.isfinite(quantity.value), quantity
        assert not math.isnan(quantity.lo) and not math.isnan(quantity.hi), quantity
        assert quantity.lo <= quantity.hi, quantity
        assert quantity.text == quantity.evidence.text
    for quote in facts.quotes:
        _check_evidence(quote.evidence, body, exact=False)
        assert quote.text.strip(), quote
    for mention in [*facts.entities, *facts.dates]:
        _check_evidence(mention.evidence, body)
    for claim in facts.claims:
        _check_evidence(claim.evidence, body)


def _extract(article: Article, ctx: Context) -> ArticleFacts | None:
    try:
        return extract_facts(article, ctx)
    except CorroborateError:
        return None  # our own errors are an accepted answer


@FUZZ
@given(paragraphs=paragraph_lists)
@example(paragraphs=["He said \u201cwe will \u2018win\u2019 172 seats\u201d, Carney added."])
@example(paragraphs=["\u00ab\u00ab nested \u00bb and \u201eunbalanced 1.234,5 \u20ac"])
@example(paragraphs=['"It runs on', '"and on,\u201d he said of the 45% rise.'])
@example(paragraphs=["\x00\u202e 45 \u202d%\x00 of \u00a312bn \u201c\x00\u201d"])
def test_extract_facts_on_hostile_text(paragraphs: list[str], ctx: Context) -> None:
    article = _article(paragraphs)
    facts = _extract(article, ctx)
    if facts is not None:
        _check_facts(facts, article)


@PURE
@given(paragraph=hostile_text(max_pieces=80))
@example(paragraph="\u201c" * 500 + '"' * 501)
@example(paragraph="\u2018a\u2019 " * 300 + "\u2018")
def test_find_quote_spans_stay_inside_the_paragraph(paragraph: str) -> None:
    spans = find_quote_spans(paragraph)
    last_end = 0
    for span in spans:
        assert 0 <= span.start <= span.end <= len(paragraph), span
        assert span.start >= last_end, spans  # in order, not overlapping
        last_end = span.end


number_tokens = st.lists(
    st.one_of(
        st.sampled_from([t for form in NUMBER_FORMS for t in form.lower().split()]),
        st.sampled_from(["-", "/", "and", "a", "of", "half", "quarter", "thousand"]),
        st.integers(0, 10**6).map(str),
        st.text(max_size=6),
    ),
    max_size=12,
)


@PURE
@given(tokens=number_tokens, data=st.data())
def test_parse_number_reads_finite_values_within_the_tokens(
    tokens: list[str], data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(tokens)))
    parsed = parse_number(tokens, i)
    if parsed is not None:
        assert math.isfinite(parsed.value), parsed
        assert 1 <= parsed.length <= len(tokens) - i, parsed


HUGE = "9" * 400


def test_a_number_of_hundreds_of_digits_is_not_read_as_infinite(ctx: Context) -> None:
    assert parse_number([HUGE], 0) is None or math.isfinite(parse_number([HUGE], 0).value)  # type: ignore[union-attr]
    article = _article([f"The deficit reached {HUGE} dollars, officials said."])
    _check_facts(extract_facts(article, ctx), article)


def test_a_10_mb_line_of_digits_is_no_crash(ctx: Context) -> None:
    article = _article(["1" * (10 * 1024 * 1024)])
    _check_facts(_extract(article, ctx) or ArticleFacts("fuzz", ""), article)


def test_a_sentence_cut_into_pieces_keeps_its_quantities_and_offsets(ctx: Context) -> None:
    text = "word " * 40 + "Officials said 12 people were injured and 3 people died in the fire"
    article = _article([text])
    facts = extract_facts(article, ctx, FactOptions(max_piece_chars=60))
    _check_facts(facts, article)
    values = sorted(q.value for q in facts.quantities)
    assert values == [3.0, 12.0]
