from corroborate.cleaning import clean_article, clean_headline, split_outlet_line
from corroborate.model import Article


def test_cruft_rules_record_every_removal() -> None:
    article = Article(
        title="Bridge reopens",
        paragraphs=[
            "Open this photo in gallery:Cars cross the bridge.Jo Smith/The Paper",
            "The bridge reopened on Friday.",
            "Image for illustrative purposes",
            "Share this article",
            "Click on the Summarise button below for an AI digest of this story",
            "With files from The Canadian Press.",
        ],
    )
    cleaned = clean_article(article)
    assert cleaned.paragraphs == ["The bridge reopened on Friday."]
    assert [r.rule for r in cleaned.removed] == [
        "photo-caption",
        "illustrative-image",
        "share-buttons",
        "reader-app",
        "wire-attribution",
    ]
    assert cleaned.wire == ["Canadian Press"]
    assert all(r.reason for r in cleaned.removed)


def test_trailing_outlet_line_gives_title_and_outlet() -> None:
    article = Article(
        title="",
        format="text",
        paragraphs=[
            "The mayor opened the new library on Monday, officials said in a statement.",
            "It has 40,000 books.",
            "Mayor opens new city library - The Example Gazette",
        ],
    )
    cleaned = clean_article(article)
    assert cleaned.title == "Mayor opens new city library"
    assert cleaned.source == "The Example Gazette"
    assert cleaned.paragraphs[-1] == "It has 40,000 books."
    assert cleaned.removed[-1].rule == "outlet-line"


def test_body_sentence_with_dash_is_not_an_outlet_line() -> None:
    assert split_outlet_line("Prices rose - and then fell again.") is None
    assert (
        split_outlet_line("The pact covers trade - Security And Defence Matters Too Now Here")
        is None
    )
    assert split_outlet_line("Leaders agree to meet soon - The Globe and Mail") == (
        "Leaders agree to meet soon",
        "The Globe and Mail",
    )


def test_mojibake_is_repaired_and_noted() -> None:
    cleaned = clean_article(Article(title="T", paragraphs=["The ministerâ€™s office said so."]))
    assert cleaned.paragraphs == ["The minister’s office said so."]
    assert cleaned.removed[0].rule == "text-repair"


def test_clean_headline_strips_prefixes() -> None:
    assert clean_headline("Update: BREAKING: Trump calls Carney") == "Trump calls Carney"
