"""Pure parts of provenance: lexical features, quotes, markers, link and reuse rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.errors import UsageError
from corroborate.model import Article
from corroborate.provenance.align import (
    AlignOptions,
    PairAlignment,
    SentenceLink,
    classify_link,
    numbers_conflict,
)
from corroborate.provenance.lexical import (
    LEXICAL_FEATURES,
    NUMBER_AGREEMENT,
    lcs_length,
    lexical_features,
    number_disagreement,
    tokens_of,
)
from corroborate.provenance.markers import find_markers, unseen_source
from corroborate.provenance.quotes import QuotedSentence, quote_spans, quoted_sentences
from corroborate.provenance.reuse import (
    ReuseOptions,
    Shares,
    decide_direction,
    decide_kind,
    pair_reuse,
)
from corroborate.text import Sentence, article_sentences


def _lcs_table(a: list[str], b: list[str]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


@given(
    st.lists(st.sampled_from("abcde"), max_size=40), st.lists(st.sampled_from("abcde"), max_size=40)
)
def test_bit_parallel_lcs_matches_the_table(a: list[str], b: list[str]) -> None:
    assert lcs_length(a, b) == _lcs_table(a, b)


@settings(max_examples=60)
@given(st.text(max_size=80), st.text(max_size=80))
def test_lexical_features_are_symmetric_and_finite(a: str, b: str) -> None:
    ab = lexical_features(tokens_of(a), tokens_of(b))
    ba = lexical_features(tokens_of(b), tokens_of(a))
    assert len(ab) == len(LEXICAL_FEATURES)
    assert ab == pytest.approx(ba)
    assert all(v == v and abs(v) < 1e6 for v in ab)


def test_identical_sentences_overlap_fully() -> None:
    t = tokens_of("The council voted 7 to 2 on Tuesday to build the bridge.")
    f = dict(zip(LEXICAL_FEATURES, lexical_features(t, t), strict=True))
    assert f["word_jac"] == f["lcs_min"] == f["char4_jac"] == 1.0
    assert f["num_diff"] == 0.0 and f["num_same"] == 1.0


def test_numbers_are_normalised_and_compared() -> None:
    assert tokens_of("It cost 1,000 dollars, up 5%.").numbers == {"1000", "5"}
    assert tokens_of("two bridges").numbers == {"2"}
    assert numbers_conflict(
        tokens_of("Liberals won 169 seats."), tokens_of("Liberals won 168 seats.")
    )
    assert not numbers_conflict(tokens_of("won 169 seats"), tokens_of("won 169 of 343 seats"))
    assert not numbers_conflict(tokens_of("won 169 seats"), tokens_of("won many seats"))
    assert not numbers_conflict(
        tokens_of("won 169 seats in 2019"), tokens_of("won 169 of 343 seats")
    )


def test_number_disagreement_lists_the_differing_figures() -> None:
    def nd(a: str, b: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        return number_disagreement(tokens_of(a), tokens_of(b))

    assert nd("Shares fell 5 percent.", "Shares fell 7%.") == (("5",), ("7",))
    # One figure shared, another of the same kind changed.
    assert nd("fell 5 percent to 120 dollars", "fell 5% to 125 dollars") == (("120",), ("125",))
    assert nd("fell 5 percent", "fell 5 percent, or 7 dollars") is None  # added detail
    assert nd("five people died", "5 people died") is None  # number words normalised
    assert nd("Shares fell.", "Shares fell 7 percent.") is None  # only one side has figures
    assert tokens_of("It cost 1,000 dollars, up 5%.").quantities == {
        ("1000", "dollar"),
        ("5", "percent"),
    }


def test_number_agreement_features() -> None:
    def feats(a: str, b: str) -> dict[str, float]:
        return dict(
            zip(LEXICAL_FEATURES, lexical_features(tokens_of(a), tokens_of(b)), strict=True)
        )

    f = feats("won 169 seats", "won 169 of 343 seats")
    assert (f["num_miss_min"], f["num_miss_max"], f["num_clash"]) == (0.0, 0.5, 0.0)
    f = feats("won 169 seats", "won 168 seats")
    assert (f["num_miss_min"], f["num_miss_max"], f["num_clash"]) == (1.0, 1.0, 1.0)
    assert set(NUMBER_AGREEMENT) <= set(LEXICAL_FEATURES)


def test_quote_spans_curly_straight_and_unclosed() -> None:
    text = 'He said “yes” and "no" then “open'
    spans = quote_spans(text)
    assert [text[s:e] for s, e in spans] == ["“yes”", '"no"', "“open"]


def _article(paragraphs: list[str], **kw: object) -> Article:
    return Article(title="t", paragraphs=paragraphs, **kw)  # type: ignore[arg-type]


def test_quoted_words_follow_quotes_across_sentence_boundaries() -> None:
    paras = ["“We will build it. It will be done soon,” the mayor said."]
    sents = article_sentences(paras)
    q = quoted_sentences(paras, sents)
    assert len(q) == 2
    assert all(q[0].quoted)
    assert q[1].words[-2:] == ("mayor", "said") and q[1].quoted[-2:] == (False, False)
    assert q[1].quoted[0] is True


def _qs(words: str, quoted: str) -> QuotedSentence:
    w = tuple(words.split())
    return QuotedSentence(w, tuple(c == "q" for c in quoted))


def test_shared_quote_needs_the_same_words_inside_quotes_in_both() -> None:
    opts = AlignOptions()
    quote = "the election does not affect the plan to make canada a state"
    a = _qs(f"on tuesday spokesperson anna kelly said {quote}", "o" * 6 + "q" * 12)
    b = _qs(f"in a statement the white house wrote that {quote}", "o" * 8 + "q" * 12)
    assert classify_link(a, b, 0.9, opts)[0] == "shared-quote"
    # Nearly the same words without quotation marks are copying, not a shared quote.
    a2 = _qs(" ".join(a.words), "o" * 18)
    b2 = _qs(" ".join(a.words).replace("tuesday", "monday"), "o" * 18)
    assert classify_link(a2, b2, 0.0, opts)[0] == "verbatim"
    # Quoted the same, but the attribution copied word for word too: verbatim.
    b3 = _qs(" ".join(a.words).replace("tuesday", "monday"), "o" * 6 + "q" * 12)
    assert classify_link(a, b3, 0.9, opts)[0] == "verbatim"


def test_reworded_quote_is_a_paraphrase_not_a_shared_quote() -> None:
    opts = AlignOptions()
    a = _qs("the leaders agreed on the importance of working together as sovereign nations the statement said",
            "q" * 13 + "ooo")  # fmt: skip
    b = _qs("both leaders discussed the significance of ongoing collaboration as two independent nations",
            "q" * 12)  # fmt: skip
    assert classify_link(a, b, 0.3, opts)[0] == "paraphrase"
    assert classify_link(a, b, 0.05, opts)[0] is None


def test_short_sentences_align_only_when_identical() -> None:
    opts = AlignOptions()
    assert classify_link(_qs("pay april 15", "ooo"), _qs("pay april 15", "ooo"), 0.0, opts) == (
        "verbatim",
        1.0,
    )
    assert (
        classify_link(_qs("pay april 15", "ooo"), _qs("pay may 15", "ooo"), 0.99, opts)[0] is None
    )


def test_unseen_source_markers_and_known_outlets() -> None:
    paras = [
        "It has been recently reported that the mayor resigned.",
        "In an interview with the BBC, she said she was tired.",
        "The council meets on Monday.",
    ]
    sents = article_sentences(paras)
    verdict = unseen_source(sents)
    assert verdict.derived
    assert [h.sentence for h in verdict.evidence] == [0, 1]
    assert verdict.outlets == ("BBC",)
    # The BBC is in the set: only the unattributed report remains (weight 2: still derived).
    assert unseen_source(sents, ["BBC News"]).evidence[0].marker == "unattributed-report"
    assert not unseen_source(sents[1:], ["BBC"]).derived
    assert find_markers(article_sentences(["He told reporters on Tuesday that it was over."])) == []


def _alignment(
    a_words: tuple[int, ...], b_words: tuple[int, ...], links: list[SentenceLink]
) -> PairAlignment:
    sa = tuple(Sentence(i, i, 0, 1, f"a{i}") for i in range(len(a_words)))
    sb = tuple(Sentence(i, i, 0, 1, f"b{i}") for i in range(len(b_words)))
    return PairAlignment("A", "B", sa, sb, a_words, b_words, tuple(links))


def _link(a: int, b: int, kind: str) -> SentenceLink:
    return SentenceLink(a, b, kind, 0.9, 0.5, f"a{a}", f"b{b}")


def test_share_counts_words_of_linked_sentences() -> None:
    al = _alignment(
        (10, 10, 20), (10, 30), [_link(0, 0, "paraphrase"), _link(2, 1, "shared-quote")]
    )
    assert al.share("a") == pytest.approx(0.25)
    assert al.share("b") == pytest.approx(0.25)
    assert al.share("a", ("paraphrase", "shared-quote")) == pytest.approx(0.75)
    assert al.unaligned("a") == [1]
    with pytest.raises(UsageError):
        al.share("c")


def test_reworded_sentence_with_changed_figures_is_shown_not_counted() -> None:
    changed = SentenceLink(1, 1, "paraphrase", 0.9, 0.5, "a1", "b1", ("5",), ("7",))
    copied = SentenceLink(0, 0, "verbatim", 0.9, 0.9, "a0", "b0", ("3",), ("4",))
    al = _alignment((10, 30), (10, 30), [copied, changed])
    assert copied.derived and not changed.derived and changed.numbers_disagree
    assert al.share("a") == pytest.approx(0.25)  # the verbatim copy only
    a = Article(title="A", paragraphs=("x",), id="A")
    b = Article(title="B", paragraphs=("y",), id="B")
    reuse = pair_reuse(al, a, b)
    assert [e.from_index for e in reuse.evidence] == [0]
    figures = {(e.from_numbers, e.to_numbers) for e in reuse.changed_figures}
    assert figures in ({(("3",), ("4",)), (("5",), ("7",))}, {(("4",), ("3",)), (("7",), ("5",))})
    assert reuse.to_dict()["changed_figures"][0]["numbers_disagree"] is not None


def test_decide_kind_thresholds() -> None:
    opts = ReuseOptions()
    assert decide_kind(Shares(1.0, 1.0, 1.0, 1.0, 10), opts) == "copy"
    assert decide_kind(Shares(0.9, 0.1, 0.8, 0.1, 8), opts) == "rewrite"
    assert decide_kind(Shares(0.6, 0.6, 0.4, 0.4, 4), opts) == "partial"  # mostly copied, not all
    assert decide_kind(Shares(0.3, 0.1, 0.1, 0.0, 3), opts) == "partial"
    assert decide_kind(Shares(0.3, 0.1, 0.1, 0.0, 1), opts) == "independent"
    assert decide_kind(Shares(0.05, 0.05, 0.0, 0.0, 2), opts) == "independent"


def test_direction_prefers_credit_then_time_then_containment() -> None:
    opts = ReuseOptions()
    early, late = datetime(2024, 5, 1, 9), datetime(2024, 5, 1, 12)
    a = _article(["x"], source="Wire Service", published_at=late)
    b = _article(["x"], source="Paper", published_at=early, wire=["By Wire Service staff"])
    assert decide_direction(a, b, 0.5, 0.5, opts) == (True, "wire")
    a2 = _article(["x"], published_at=late)
    b2 = _article(["x"], published_at=early)
    assert decide_direction(a2, b2, 0.9, 0.1, opts) == (False, "published_at")
    # A naive and an aware time cannot be compared: containment decides.
    b3 = _article(["x"], published_at=early.replace(tzinfo=UTC))
    assert decide_direction(a2, b3, 0.2, 0.9, opts) == (True, "containment")
    assert decide_direction(_article(["long text"]), _article(["x"]), 0.5, 0.5, opts) == (
        True,
        "undetermined",
    )


def test_pair_reuse_orients_evidence_from_source_to_derivative() -> None:
    al = _alignment(
        (10, 10), (10, 10, 10, 10), [_link(0, 2, "verbatim"), _link(1, 3, "paraphrase")]
    )
    a = _article(["x"], id="A", published_at=datetime(2024, 1, 2))
    b = _article(["x"], id="B", published_at=datetime(2024, 1, 1))
    reuse = pair_reuse(al, a, b)
    assert (reuse.source, reuse.target, reuse.direction) == ("B", "A", "published_at")
    assert reuse.share == pytest.approx(1.0) and reuse.source_share == pytest.approx(0.5)
    d = reuse.to_dict()
    assert d["from"] == "B" and d["to"] == "A"
    assert d["evidence"][0] == {
        "from_sentence": "b2", "to_sentence": "a0", "kind": "verbatim", "score": 0.9,
        "from_index": 2, "to_index": 0, "numbers_disagree": None,
    }  # fmt: skip


def test_a_copied_sentence_takes_no_second_paraphrase_link() -> None:
    from corroborate.provenance.align import _select

    copy = SentenceLink(0, 0, "verbatim", 0.99, 1.0, "a0", "b0")
    weak = SentenceLink(0, 1, "paraphrase", 0.3, 0.2, "a0", "b1")
    other = SentenceLink(2, 2, "paraphrase", 0.3, 0.2, "a2", "b2")
    assert _select([copy, weak, other]) == (copy, other)
