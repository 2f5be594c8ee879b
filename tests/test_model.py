from datetime import UTC, datetime, timedelta, timezone

from corroborate.model import Article, Removal, content_hash


def _article() -> Article:
    return Article(
        title="Minister opens bridge",
        paragraphs=["The bridge opened “on time”.", "It cost 4 million."],
        source="Example Gazette",
        authors=["A. Writer"],
        published_at=datetime(2026, 1, 2, 3, 4, tzinfo=timezone(timedelta(hours=2))),
        removed=[Removal("Share this", "share-buttons", "share button", 3)],
        wire=["Associated Press"],
        meta={"k": "v"},
    )


def test_json_round_trip_keeps_every_field() -> None:
    article = _article()
    again = Article.from_dict(article.to_dict())
    assert again == article
    assert again.published_at is not None and again.published_at.utcoffset() == timedelta(hours=2)


def test_naive_date_stays_naive() -> None:
    article = Article(title="t", paragraphs=["p"], published_at=datetime(2025, 4, 29, 22, 5))
    again = Article.from_dict(article.to_dict())
    assert again.published_at == datetime(2025, 4, 29, 22, 5)
    assert again.published_at.tzinfo is None


def test_content_hash_ignores_typography_but_not_words() -> None:
    a = content_hash("Title", ["He said “yes” — twice."])
    b = content_hash("Title", ['He said "yes" -  twice.'])
    c = content_hash("Title", ['He said "no" - twice.'])
    assert a == b
    assert a != c
    assert len(a) == 16


def test_outlet_falls_back_to_input_name() -> None:
    assert Article(title="t", paragraphs=["p"], input="/x/y/post.md").outlet == "post.md"
    assert Article(title="t", paragraphs=["p"], source="Gazette").outlet == "Gazette"


def test_to_dict_includes_content_hash() -> None:
    data = _article().to_dict()
    assert data["content_hash"] == _article().content_hash
    assert data["published_at"].endswith("+02:00")
    assert datetime.fromisoformat(data["published_at"]).astimezone(UTC).hour == 1
