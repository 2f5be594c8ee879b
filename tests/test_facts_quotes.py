"""Quote spans, speakers and fidelity rules on small fixtures (no model needed)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from corroborate.facts.compare_quotes import relate
from corroborate.facts.entities import NamedSpan
from corroborate.facts.quotes import extract_quotes, find_quote_spans
from corroborate.facts.records import Evidence, Quotation
from corroborate.text import article_sentences


def _spans(paragraph: str) -> list[str]:
    return [paragraph[s.start : s.end] for s in find_quote_spans(paragraph)]


def test_quote_spans_straight_curly_single_and_nested() -> None:
    assert _spans('He said "it is over" today.') == ["it is over"]
    assert _spans("“We won,” she said. “And ‘truly’ so.”") == ["We won,", "And ‘truly’ so."]
    assert _spans("Leaders agree to meet ‘in near future’ - Outlet") == ["in near future"]
    assert _spans("It's Carney's win.") == []


def test_straight_single_quotes_when_a_paragraph_has_no_double_ones() -> None:
    assert _spans("Leaders agree to meet 'in near future' - Outlet") == ["in near future"]
    assert _spans("The players' union said 'no deal' today.") == ["no deal"]
    assert _spans("Quill's plan is Tolle's too.") == []
    assert _spans("He said \"it is over\" and left 'quietly'.") == ["it is over"]


def _ents(body: str, names: list[tuple[str, str]]) -> list[NamedSpan]:
    out = []
    for name, label in names:
        start = body.index(name)
        out.append(NamedSpan(start, start + len(name), label, name, 0))
    return out


def _curly(text: str) -> str:
    return text


def _newswire(text: str) -> str:
    """The same text with the ``…'' quotation marks of AP and NYT wire copy."""
    return text.replace("“", "``").replace("”", "''")


QUOTE_STYLES = pytest.mark.parametrize("style", [_curly, _newswire])


def test_newswire_double_backticks_delimit_quotes() -> None:
    assert _spans("He said ``it is over'' today.") == ["it is over"]
    assert _spans("``Runs on to the next paragraph.") == ["Runs on to the next paragraph."]


@QUOTE_STYLES
def test_speakers_said_x_x_said_colon_pronoun_and_statement(style: Callable[[str], str]) -> None:
    paragraphs = [
        "“We will win,” Jane Doe said on Monday.",
        "“It is not over,” she told reporters.",
        "Police chief Tom Roe said: “Nobody was hurt.”",
        "“Stay home,” said Tom Roe.",
        "According to the city's press office, the roads were closed.",
        "“Roads reopen Friday,” the statement said.",
        "“Buses run as usual.”",
        "Roe said the crash was “a terrible accident” for the town.",
    ]
    paragraphs = [style(p) for p in paragraphs]
    body = "\n\n".join(paragraphs)
    ents = _ents(body, [("Jane Doe", "PERSON"), ("Tom Roe", "PERSON")])
    ents += [
        NamedSpan(
            body.index("Tom Roe", body.index("said Tom")),
            body.index("Tom Roe", body.index("said Tom")) + 7,
            "PERSON",
            "Tom Roe",
            3,
        )
    ]
    quotes = extract_quotes("a", paragraphs, article_sentences(paragraphs), ents)
    got = [(q.text, q.speaker_key, q.partial) for q in quotes]
    assert got[0] == ("We will win,", "doe", False)
    assert got[1] == ("It is not over,", "doe", False)
    assert got[2] == ("Nobody was hurt.", "roe", False)
    assert got[3] == ("Stay home,", "roe", False)
    assert got[4][1] == got[5][1] and "office" in got[4][1]
    assert got[6] == ("a terrible accident", "roe", True)
    for q in quotes:
        assert body[q.evidence.start : q.evidence.end] == q.text or q.text in body


def _speakers(paragraphs: list[str], people: list[str]) -> list[str]:
    """Speaker keys of the quotes in ``paragraphs``, with ``people`` found as PERSON entities."""
    body = "\n\n".join(paragraphs)
    ents = _ents(body, [(name, "PERSON") for name in people])
    quotes = extract_quotes("a", paragraphs, article_sentences(paragraphs), ents)
    return [q.speaker_key for q in quotes]


def test_he_said_refers_to_the_person_a_later_sentence_opens_with() -> None:
    paragraphs = [
        "“It was chaos,” said Ann Lee.",
        "Bob Cray went back to the shop the next morning. He said little.",
        "“We pray for the family,” he said.",
        "“They need help,” he added.",
    ]
    assert _speakers(paragraphs, ["Ann Lee", "Bob Cray"]) == ["lee", "cray", "cray"]
    # without a person opening a sentence in between, "he" is still the last speaker
    assert _speakers(paragraphs[:1] + paragraphs[2:], ["Ann Lee"]) == ["lee", "lee", "lee"]
    # a surname alone opens the sentence (no entity found there): a person named earlier
    paragraphs = [
        "“It was chaos,” said Ann Lee, who runs the shop with Bob Cray.",
        "Cray went back to the shop the next morning.",
        "“We pray for the family,” he said.",
    ]
    assert _speakers(paragraphs, ["Ann Lee", "Bob Cray"]) == ["lee", "cray"]


def test_a_role_before_the_name_names_the_speaker() -> None:
    paragraphs = [
        "“Twelve firefighters were hurt,” fire chief Bram Tolle told reporters.",
        "“The road is closed,” harbour police spokeswoman Ann Lee said on Monday.",
    ]
    assert _speakers(paragraphs, ["Bram Tolle", "Ann Lee"]) == ["tolle", "lee"]
    # a role alone, or words that are no role, do not name anyone after the quote
    paragraphs = ["“It was chaos,” said Ann Lee.", "“We pray,” the officer said."]
    assert _speakers(paragraphs, ["Ann Lee"]) == ["lee", "lee"]
    assert _speakers(["“We pray,” angry crowds near Ann Lee said."], ["Ann Lee"]) == [""]


@QUOTE_STYLES
def test_quote_running_over_paragraphs_is_one_quote(style: Callable[[str], str]) -> None:
    paragraphs = [style("“First part of it."), style("“Second part,” Ann Lee said.")]
    body = "\n\n".join(paragraphs)
    quotes = extract_quotes("a", paragraphs, article_sentences(paragraphs), [])
    assert len(quotes) == 1
    assert quotes[0].text == "First part of it. Second part,"
    assert body[quotes[0].evidence.start :].startswith("First part")


def _q(text: str, partial: bool = False) -> Quotation:
    return Quotation(text, "x", "x", partial, Evidence("a", 0, 0, len(text), text))


def test_fidelity_relations() -> None:
    full = _q("The election does not affect the plan to make Canada a state.")
    assert relate(_q("The election does not affect the plan to make Canada a state."), full) == (
        "verbatim"
    )
    assert relate(_q("does not affect the plan", partial=True), full) == "verbatim"
    assert relate(_q("The election does not affect the plan."), full) == "trimmed"
    assert relate(_q("The election does not affect ... Canada a state."), full) == "trimmed"
    assert relate(_q("The election will change the plan to make Canada a state."), full) == (
        "altered"
    )
    # typography only: curly vs straight apostrophes are not an alteration
    assert relate(_q("Trump’s plan", partial=True), _q("Trump's plan", partial=True)) == "verbatim"


def test_fidelity_of_sentence_selections_acronyms_and_tense() -> None:
    # Two outlets print different sentences of one statement: a selection, not a change.
    a = _q("The barn burned down fast. Nobody was hurt inside it.")
    b = _q("The barn burned down fast. Farmers were told to stay away.")
    assert relate(a, b) == "trimmed"
    # ... but a changed word inside a shared sentence is still an alteration.
    c = _q("The barn burned down slowly. Farmers were told to stay away.")
    assert relate(a, c) == "altered"
    # An acronym for the words it stands for is the same quote.
    assert relate(
        _q("urges all FDA staff to test it", partial=True),
        _q("urges all Food Drug Administration staff to test it", partial=True),
    ) in ("verbatim", "trimmed")
    # A tense or negation swap in small words is an alteration.
    assert relate(_q("This is a strange season"), _q("It was a strange season")) == "altered"
    assert relate(_q("We will sign the deal today"), _q("We did sign the deal today")) == (
        "altered"
    )
    # A quote's first pronoun standing for a longer subject ("It is a dream" from
    # "... this moment is a dream") is no alteration.
    long = _q("To play one more season here is a dream come true for me")
    assert relate(_q("It is a dream come true for me"), long) in ("verbatim", "trimmed")
