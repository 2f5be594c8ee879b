"""Per-article story signals: terms, embedding, entities, figures, dates, time.

:func:`extract_features` turns articles into :class:`StoryFeatures`, the only
thing the story index needs to place an article. They are pure functions of the
article (plus the shipped spaCy and wordllama models), carry no corpus
statistics (document frequencies live in the index) and round-trip through
``to_dict``/``from_dict`` so the archive can store them and rebuild an index
without re-running the models.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from corroborate.errors import InputError, UsageError
from corroborate.model import Article, format_datetime, parse_datetime
from corroborate.stories.mentions import (
    Mention,
    extract_dates,
    extract_numbers,
    normalize_entities,
)
from corroborate.stories.quick import capitalised_entities
from corroborate.text import content_words, normalize_for_matching

if TYPE_CHECKING:  # pragma: no cover
    from corroborate.config import Context

__all__ = [
    "FEATURES_VERSION",
    "INGEST_FEATURES",
    "FeatureOptions",
    "StoryFeatures",
    "article_terms",
    "extract_features",
    "lead_text",
    "load_feature_models",
]

FEATURES_VERSION = 1
ENTITY_SOURCES = ("spacy", "quick")
EMBEDDING_DIM = 256


@dataclass(frozen=True, slots=True)
class FeatureOptions:
    """How much of an article each signal reads, and how the title counts.

    The title and lead say what the event is, so their words count extra in the
    term vector; entity extraction reads at most ``ner_chars`` characters, which
    bounds the spaCy cost of very long articles.
    """

    title_weight: float = 2.0
    lead_weight: float = 1.0
    lead_words: int = 60
    embed_words: int = 400
    ner_chars: int = 8000
    batch_size: int = 32
    entities: str = "spacy"

    def __post_init__(self) -> None:
        if self.entities not in ENTITY_SOURCES:
            raise UsageError(f"entities must be one of {', '.join(ENTITY_SOURCES)}")


# What ingest computes by default: no spaCy parse (quick entities), so ingest with
# stories keeps pace with storing; FeatureOptions(entities="spacy") is the full path.
INGEST_FEATURES = FeatureOptions(entities="quick")


@dataclass(slots=True)
class StoryFeatures:
    """What the story engine knows of one article.

    ``terms`` are weighted content-word counts (title and lead count extra);
    ``embedding`` is the unit-length wordllama mean embedding (float32);
    ``entities`` the normalised people, places, organisations; ``numbers`` and
    ``dates`` the figures and calendar dates mentioned, with counts.
    """

    article_id: str
    title: str
    outlet: str = ""
    published_at: datetime | None = None
    terms: dict[str, float] = field(default_factory=dict)
    embedding: np.ndarray = field(default_factory=lambda: np.zeros(EMBEDDING_DIM, np.float32))
    entities: list[Mention] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)
    dates: dict[str, int] = field(default_factory=dict)
    version: int = FEATURES_VERSION

    def __reduce__(self) -> tuple[type[StoryFeatures], tuple[Any, ...]]:
        """Pickle as the constructor's arguments (cheaper than the generic slots path;
        the feature helper sends every article's features back)."""
        return (
            StoryFeatures,
            (
                self.article_id,
                self.title,
                self.outlet,
                self.published_at,
                self.terms,
                self.embedding,
                self.entities,
                self.numbers,
                self.dates,
                self.version,
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; the embedding is base64 of little-endian float32."""
        emb = np.asarray(self.embedding, dtype="<f4")
        return {
            "article_id": self.article_id,
            "title": self.title,
            "outlet": self.outlet,
            "published_at": format_datetime(self.published_at),
            "terms": dict(self.terms),
            "embedding": base64.b64encode(emb.tobytes()).decode("ascii"),
            "entities": [[m.key, m.kind, m.name, m.count, m.lead] for m in self.entities],
            "numbers": dict(self.numbers),
            "dates": dict(self.dates),
            "version": self.version,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoryFeatures:
        """Inverse of :meth:`to_dict`; raises InputError on a malformed record."""
        try:
            raw = base64.b64decode(data["embedding"])
            emb = np.frombuffer(raw, dtype="<f4").astype(np.float32)
            if emb.shape != (EMBEDDING_DIM,):
                raise ValueError(f"embedding has {emb.size} values, not {EMBEDDING_DIM}")
            return cls(
                article_id=str(data["article_id"]),
                title=str(data["title"]),
                outlet=str(data.get("outlet", "")),
                published_at=parse_datetime(data.get("published_at")),
                terms={str(k): float(v) for k, v in data["terms"].items()},
                embedding=emb,
                entities=[
                    Mention(str(e[0]), str(e[1]), str(e[2]), int(e[3]), int(e[4]))
                    for e in data["entities"]
                ],
                numbers={str(k): int(v) for k, v in data["numbers"].items()},
                dates={str(k): int(v) for k, v in data["dates"].items()},
                version=int(data.get("version", FEATURES_VERSION)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            name = data.get("article_id", "?") if isinstance(data, dict) else "?"
            raise InputError(f"story features {name}", f"malformed record: {exc}") from exc


def _stem(word: str) -> str:
    """A light plural fold ("earthquakes" -> "earthquake") so counts line up."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def lead_text(article: Article, n_words: int) -> str:
    """The first ``n_words`` words of the body: where news states the event."""
    out: list[str] = []
    count = 0
    for paragraph in article.paragraphs:
        tokens = paragraph.split()
        out.append(" ".join(tokens[: max(0, n_words - count)]))
        count += len(tokens)
        if count >= n_words:
            break
    return " ".join(out)


def article_terms(article: Article, options: FeatureOptions) -> dict[str, float]:
    """Weighted content-word counts over title, lead and body (numbers excluded)."""
    counts: dict[str, float] = {}

    def add(text: str, weight: float) -> None:
        for word in content_words(normalize_for_matching(text)):
            word = word.removesuffix("'s")
            if len(word) < 2 or word[0].isdigit():
                continue
            key = _stem(word)
            counts[key] = counts.get(key, 0.0) + weight

    add(article.title, options.title_weight)
    if options.lead_weight:
        add(lead_text(article, options.lead_words), options.lead_weight)
    add(article.body, 1.0)
    return counts


def _embed_text(article: Article, options: FeatureOptions) -> str:
    return f"{article.title}. {lead_text(article, options.embed_words)}"


def _check(article: Article) -> None:
    if not isinstance(article, Article):
        raise InputError(repr(article)[:60], "not an Article")
    if not article.id:
        raise InputError(article.title[:60] or "article", "article has no id")
    if not (article.title.strip() or article.body.strip()):
        raise InputError(article.id, "article has neither title nor text")


def extract_features(
    articles: Sequence[Article],
    ctx: Context,
    options: FeatureOptions | None = None,
) -> list[StoryFeatures]:
    """Story features for a batch of articles (spaCy and wordllama run batched).

    Entities come from spaCy's NER or, with ``options.entities == "quick"``,
    from :func:`~corroborate.stories.quick.capitalised_entities`. Raises
    InputError naming the article when one has no id or no text at all.
    """
    opts = options or FeatureOptions()
    for article in articles:
        _check(article)
    if not articles:
        return []
    texts = [f"{a.title}\n\n{a.body}"[: opts.ner_chars] for a in articles]
    lead_ends = [len(a.title) + 2 + len(lead_text(a, opts.lead_words)) for a in articles]
    raw_entities = _raw_entities(texts, lead_ends, ctx, opts)
    vectors = ctx.nlp.wordllama().embed(
        [_embed_text(a, opts) for a in articles], norm=True, batch_size=opts.batch_size
    )
    out: list[StoryFeatures] = []
    for article, ents, vector in zip(articles, raw_entities, vectors, strict=True):
        text = f"{article.title}\n{article.body}"
        out.append(
            StoryFeatures(
                article_id=article.id,
                title=article.title,
                outlet=article.outlet,
                published_at=article.published_at,
                terms=article_terms(article, opts),
                embedding=np.asarray(vector, dtype=np.float32),
                entities=normalize_entities(ents),
                numbers=extract_numbers(text),
                dates=extract_dates(text),
            )
        )
    return out


def load_feature_models(ctx: Context, options: FeatureOptions | None = None) -> None:
    """Load the models :func:`extract_features` uses (wordllama; spaCy unless the
    entities are the quick ones), so a caller can do it while it waits on other work."""
    ctx.nlp.wordllama()
    if (options or FeatureOptions()).entities != "quick":
        ctx.nlp.spacy()


def _raw_entities(
    texts: list[str], lead_ends: list[int], ctx: Context, opts: FeatureOptions
) -> list[list[tuple[str, str, bool]]]:
    """(text, label, in title or lead) per entity of each text, from spaCy or the quick rules."""
    if opts.entities == "quick":
        return [capitalised_entities(t, end) for t, end in zip(texts, lead_ends, strict=True)]
    nlp = ctx.nlp.spacy()
    others = [p for p in nlp.pipe_names if p != "ner"]
    docs = nlp.pipe(texts, batch_size=opts.batch_size, disable=others)
    return [
        [(e.text, e.label_, e.start_char < end) for e in doc.ents]
        for doc, end in zip(docs, lead_ends, strict=True)
    ]
