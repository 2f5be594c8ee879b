"""Spelling variants, contractions and editorial insertions do not make a quote "altered"."""

from __future__ import annotations

from corroborate.facts.compare_quotes import quote_words, relate
from corroborate.facts.records import Evidence, Quotation
from corroborate.facts.spelling import expand_contractions, fold_word, same_letters


def _q(text: str, partial: bool = False) -> Quotation:
    return Quotation(text, "x", "x", partial, Evidence("a", 0, 0, len(text), text))


def test_fold_word_british_american_numbers_and_keeps_other_words() -> None:
    assert fold_word("realised") == fold_word("realized")
    assert fold_word("neighbourhood") == fold_word("neighborhood")
    assert fold_word("centre") == fold_word("center")
    assert fold_word("travelled") == fold_word("traveled")
    assert fold_word("eleventh") == fold_word("11th") == "11"
    assert fold_word("two") == "2"
    # words that only look like variants stay as they are
    assert fold_word("promise") == "promise"
    assert fold_word("filled") == "filled"
    assert fold_word("wise") == "wise"


def test_contractions_expand() -> None:
    assert expand_contractions("i’m") == ("i", "am")  # input is lower-cased
    assert expand_contractions("didn't") == ("did", "not")
    assert expand_contractions("won't") == ("will", "not")
    assert expand_contractions("house") == ("house",)
    assert same_letters(["pick", "up"], ["pickup"])
    assert not same_letters(["pick"], ["pickup"])


def test_quote_words_drop_bracketed_insertions() -> None:
    assert quote_words("[The police] have a hard time") == quote_words("have a hard time")
    assert quote_words("at 6:00 p.m.") == quote_words("at 6 p.m.")


def test_variants_are_not_alterations_but_word_changes_are() -> None:
    a = _q("We realised we're in the centre of it.")
    assert relate(a, _q("We realized we are in the center of it.")) == "verbatim"
    assert relate(_q("[They] have a hard time here."), _q("They have a hard time here.")) in (
        "verbatim",
        "trimmed",
    )
    assert relate(a, _q("We knew we're at the edge of it.")) == "altered"
