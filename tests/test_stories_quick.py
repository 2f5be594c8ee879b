"""Quick entities (no parser) and the fast ingest path that uses them."""

from __future__ import annotations

from pathlib import Path

import pytest

from corroborate import workspace
from corroborate.analysis import demo_dir
from corroborate.archive import Archive
from corroborate.config import Context
from corroborate.errors import UsageError
from corroborate.model import Article
from corroborate.pipeline import ingest
from corroborate.stories import FeatureOptions, extract_features
from corroborate.stories.quick import capitalised_entities
from corroborate.workspace import Workspace


def test_capitalised_phrases_are_typed_and_split_at_titles() -> None:
    text = "They met on Monday. U.S. President Ada Quill met Bank of Tarsia staff in London."
    found = {(name, label) for name, label, _ in capitalised_entities(text, 20)}
    assert ("Ada Quill", "PERSON") in found
    assert ("Bank of Tarsia", "ORG") in found
    assert ("London", "GPE") in found
    assert ("U.S.", "GPE") in found
    assert not any(name in ("Monday", "They") for name, _ in found)


def test_lead_flag_follows_the_lead_end() -> None:
    text = "Ada Quill spoke. Then Bram Tolle answered."
    lead = {name: in_lead for name, _, in_lead in capitalised_entities(text, 10)}
    assert lead == {"Ada Quill": True, "Bram Tolle": False}


def test_a_phrase_never_runs_across_a_line_break() -> None:
    # A title-case headline and the body's first name are two phrases, not one.
    text = "Quill Thanks Tolle For Support\n\nBram Tolle spoke to Bank  of\tTarsia staff."
    names = [name for name, _, _ in capitalised_entities(text, 40)]
    assert names == ["Tolle", "Bram Tolle", "Bank of Tarsia"]


def test_a_title_case_headline_keeps_only_the_names_its_body_writes() -> None:
    text = "Quill Thanks Tolle As Tarsia Votes\n\nAda Quill thanked Bram Tolle in Tarsia."
    found = [(name, in_lead) for name, _, in_lead in capitalised_entities(text, 40)]
    assert found[:3] == [("Quill", True), ("Tolle", True), ("Tarsia", True)]
    # a headline in sentence case keeps its phrases as they are
    text = "Quill thanks Tolle Bank staff\n\nAda Quill spoke."
    assert capitalised_entities(text, 20)[1][0] == "Tolle Bank"


def test_names_keep_their_accented_letters() -> None:
    text = "Élodie Brûlé met Łukasz Żelazny of the Banque Québécoise in Zürich."
    names = [name for name, _, _ in capitalised_entities(text, 20)]
    assert names == ["Élodie Brûlé", "Łukasz Żelazny", "Banque Québécoise", "Zürich"]


def test_a_possessive_ends_a_phrase_and_hyphenated_names_are_people() -> None:
    text = "Tarsia's Ada Quill-Tolle praised the Harbour Board's plan for Tarsia."
    found = [(name, label) for name, label, _ in capitalised_entities(text, 20)]
    assert found[:3] == [
        ("Tarsia", "NORP"),
        ("Ada Quill-Tolle", "PERSON"),
        ("Harbour Board", "ORG"),
    ]


def test_quick_features_need_no_spacy(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_spacy() -> None:
        raise AssertionError("spaCy must not be loaded for quick features")

    monkeypatch.setattr(ctx.nlp, "spacy", no_spacy)
    article = Article(
        id="a1", title="Flood in Tarsia", paragraphs=["Mayor Ada Quill said Tarsia was flooded."]
    )
    (features,) = extract_features([article], ctx, FeatureOptions(entities="quick"))
    assert {m.kind for m in features.entities} >= {"person"}


def test_unknown_entity_source_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        FeatureOptions(entities="nope")


def test_demo_stories_alike_in_one_process_and_with_a_helper(
    tmp_path: Path, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workspace, "_FEATURE_BATCH", 2)  # several batches, so the helper runs
    monkeypatch.setattr(workspace, "_PARALLEL_MIN_BATCHES", 2)
    labels = []
    stored = []  # the features' stored text: made by the helper, or here when saved
    for workers in (1, 2):
        with Archive(tmp_path / f"w{workers}.db") as archive:
            ingest([str(demo_dir())], archive, ctx)
            ws = Workspace(archive, ctx, workers=workers)
            labels.append([(a.article_id, a.story_id) for a in ws.assign_stories()])
            query = "SELECT article_id, data FROM story_features ORDER BY article_id"
            stored.append(archive.conn.execute(query).fetchall())
    assert labels[0] == labels[1]
    assert [tuple(r) for r in stored[0]] == [tuple(r) for r in stored[1]]
    assert len(stored[0]) == len(labels[0])
    landslide = [a for a, s in labels[0] if s == dict(labels[0])["meridian-landslide-1"]]
    assert len(landslide) == 5


def test_assigning_inside_an_open_transaction_keeps_to_this_process(
    tmp_path: Path, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The helper reads committed articles only: with articles not yet committed, the
    features are made here (else it would not find them)."""
    monkeypatch.setattr(workspace, "_FEATURE_BATCH", 2)
    monkeypatch.setattr(workspace, "_PARALLEL_MIN_BATCHES", 2)
    with Archive(tmp_path / "open.db") as archive:
        with archive.transaction():
            report = ingest([str(demo_dir())], archive, ctx)
            assignments = Workspace(archive, ctx, workers=2).assign_stories(report.article_ids)
        assert len(assignments) == len(report.article_ids) > 4


def test_places_of_several_words_and_party_names_are_not_people() -> None:
    text = "Envoys of the United States met New Zealand officials, the Bloc Tarsien, Ada Quill."
    found = dict((name, label) for name, label, _ in capitalised_entities(text, 20))
    assert found["United States"] == "GPE"
    assert found["New Zealand"] == "GPE"
    assert found["Bloc Tarsien"] == "ORG"
    assert found["Ada Quill"] == "PERSON"


def test_a_name_does_not_keep_the_joining_word_before_a_title() -> None:
    found = capitalised_entities("Then Mr. Quill and Mr. Tolle met in Tarsia.", 10)
    assert [(name, label) for name, label, _ in found][:2] == [
        ("Quill", "PERSON"),
        ("Tolle", "PERSON"),
    ]


def test_a_lone_word_opening_a_sentence_is_a_name_only_if_capitalised_elsewhere() -> None:
    text = "Meanwhile, Quill spoke. Later Ada Quill left. Tarsia voted; Bram Tolle won in Tarsia."
    names = [name for name, _, _ in capitalised_entities(text, 10)]
    assert "Meanwhile" not in names and "Later" not in names
    assert names.count("Quill") == 1 and names.count("Tarsia") == 2


def test_a_run_of_separate_places_is_split_but_a_place_of_several_words_is_not() -> None:
    text = "Ada Quill wants to make France Europe's first power, said officials in New York."
    found = [(name, label) for name, label, _ in capitalised_entities(text, 20)]
    assert ("France", "GPE") in found and ("Europe", "GPE") in found
    assert ("New York", "GPE") in found
    assert not any(name == "France Europe" for name, _ in found)


def test_an_organisation_word_left_alone_by_a_title_is_not_a_name() -> None:
    text = "Ada Quill spoke to the Prime Minister's Office and to Congress in Tarsia."
    names = [name for name, _, _ in capitalised_entities(text, 20)]
    assert "Office" not in names
    assert "Congress" in names


def test_names_joined_by_and_are_split_but_a_name_with_and_in_it_is_not() -> None:
    text = (
        "Talks between Washington and Ottawa resumed, said Ada Quill and NDP aides. "
        "Aides said Quill met Tolle; Quill and Tolle agreed. The Globe and Mail said so."
    )
    names = [name for name, _, _ in capitalised_entities(text, 10)]
    assert {"Washington", "Ottawa", "Ada Quill", "NDP"} <= set(names)
    assert "Quill and Tolle" not in names and names.count("Tolle") == 2
    assert "Globe and Mail" in names


def test_hyphenated_titles_weekdays_and_quoted_conjunctions_end_names() -> None:
    text = "Ada Quill met Governor-General Bram Tolle Tuesday. “And the Tarsians won,” he said."
    found = dict((name, label) for name, label, _ in capitalised_entities(text, 10))
    assert found["Bram Tolle"] == "PERSON"
    assert "Tarsians" in found and "And the Tarsians" not in found


def test_place_words_prepositions_and_portfolios() -> None:
    text = (
        "A slide shut Brennick Pass near Ostrel, said Transport Minister Ada Quill, "
        "and the Red Cross sent aid to families in Feldmark."
    )
    found = dict((name, label) for name, label, _ in capitalised_entities(text, 10))
    assert found["Brennick Pass"] == "GPE"
    assert found["Ostrel"] == "GPE" and found["Feldmark"] == "GPE"
    assert found["Ada Quill"] == "PERSON" and "Transport" not in found
    assert found["Red Cross"] == "ORG"
