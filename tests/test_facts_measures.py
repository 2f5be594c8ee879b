"""The measure key of a number: reports of one measure worded differently share it, and
the link features say so (pure functions, no spaCy)."""

from __future__ import annotations

from dataclasses import replace

from corroborate.facts.mentions import (
    LINK_FEATURES,
    MentionInfo,
    link_features,
    measure_keys,
    mention_info,
)
from corroborate.facts.records import Evidence, Quantity


def _mention(article: str, sentence: str, number: str) -> MentionInfo:
    start = sentence.index(number)
    value = float(number)
    q = Quantity(
        value,
        number,
        "people",
        None,
        "exact",
        value,
        value,
        None,
        "",
        "level",
        "",
        None,
        Evidence(article, 0, start, start + len(number), sentence),
    )
    return mention_info(q, sentence, 0, "", 1)


def test_worded_differently_the_same_measure_has_one_key() -> None:
    assert measure_keys("The quake killed", "people") == measure_keys("The death toll rose to", "")
    assert measure_keys("Police said", "marchers filled the square") == frozenset({"protest"})
    assert measure_keys("after", "hours of deliberation") == measure_keys("jurors deliberated", "")
    assert measure_keys("The jury heard from", "witnesses") == frozenset()


def test_the_key_is_read_near_the_number_only() -> None:
    far = " ".join(["word"] * 12)
    assert measure_keys(f"killed {far}", "people") == frozenset()


def test_link_features_share_or_clash_on_the_measure_key() -> None:
    same = LINK_FEATURES.index("measure_same")
    clash = LINK_FEATURES.index("measure_clash")
    a = _mention("a", "The death toll rose to 31 on Monday.", "31")
    b = _mention("b", "At least 30 people died in the blast.", "30")
    c = _mention("c", "About 40 protesters marched to the palace.", "40")
    ab, ac = link_features(a, b), link_features(a, c)
    assert (ab[same], ab[clash]) == (1.0, 0.0)
    assert (ac[same], ac[clash]) == (0.0, 1.0)


def test_the_kind_of_a_count_is_part_of_its_measure_key() -> None:
    m = _mention("a", "Officials gave 12 as the figure.", "12")
    assert m.measures == frozenset()
    killed = mention_info(replace(m.quantity, kind="killed"), "Officials gave 12.", 0, "", 1)
    assert killed.measures == frozenset({"killed"})
