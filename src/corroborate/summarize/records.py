"""The summaries' records: cited sentences grouped into a digest, and the options.

Every sentence a summary shows carries citations (article id, sentence index,
character offsets into ``article.body``), so a reader can check each one
against its sources. All records convert to plain JSON with ``to_dict``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from corroborate.errors import UsageError

__all__ = [
    "ArticleSummaryOptions",
    "Citation",
    "Digest",
    "DigestOptions",
    "DigestSentence",
    "Section",
]

Section = Literal["common", "additional", "key"]


@dataclass(frozen=True, slots=True)
class Citation:
    """One source sentence: ``article.body[start:end]`` is its text exactly.

    ``sentence_index`` is the sentence's index in
    ``corroborate.text.article_sentences(article.paragraphs)``.
    """

    article_id: str
    sentence_index: int
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "sentence_index": self.sentence_index,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True, slots=True)
class DigestSentence:
    """A sentence of a summary with every article that reports it.

    ``text`` is the first citation's sentence as shown: ``spans`` are the pieces
    of that article's body it is made of (offsets into ``article.body``), joined
    by single spaces; trimming may drop a wire dateline or a leading connective
    (and, with ``compress``, attributions), capitalise the new first letter and
    end the text with a full stop. ``support`` counts the distinct articles
    among the citations. ``section`` is ``common`` (most outlets report it),
    ``additional`` (only some do) or ``key`` (a one-article summary).
    """

    text: str
    citations: list[Citation]
    support: int
    section: Section
    spans: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "support": self.support,
            "section": self.section,
            "spans": [list(span) for span in self.spans],
        }


@dataclass(slots=True)
class Digest:
    """An extractive summary: common facts first, then what only some outlets add.

    ``overflow`` is true when the last block was allowed past ``max_words``
    (``DigestOptions.overflow``) for a caller that truncates to the budget.
    """

    blocks: list[DigestSentence]
    articles: int
    max_words: int
    focus: str | None = None
    overflow: bool = False
    article_ids: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The summary as running text, blocks separated by spaces."""
        return " ".join(b.text for b in self.blocks)

    @property
    def words(self) -> int:
        return sum(len(b.text.split()) for b in self.blocks)

    def section(self, name: Section) -> list[DigestSentence]:
        return [b for b in self.blocks if b.section == name]

    def to_dict(self) -> dict[str, Any]:
        return {
            "blocks": [b.to_dict() for b in self.blocks],
            "articles": self.articles,
            "article_ids": list(self.article_ids),
            "max_words": self.max_words,
            "words": self.words,
            "focus": self.focus,
            "overflow": self.overflow,
        }


def _check_positive(name: str, value: float) -> None:
    if value <= 0:
        raise UsageError(f"{name} must be positive, got {value}")


def _check_unit(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise UsageError(f"{name} must be between 0 and 1, got {value}")


@dataclass(frozen=True, slots=True)
class DigestOptions:
    """How a multi-article digest is made; defaults tuned on DUC 2006 dev topics only.

    ``benchmarks/duc2006_tune.py`` prints the sweep behind them.

    - ``max_words``: length budget in words (whitespace-separated).
    - ``overflow``: let one last sentence cross the budget (for a caller that
      truncates to exactly ``max_words``, as DUC did); off by default.
    - ``min_sentence_words`` / ``max_sentence_words``: sentences outside this
      range are never chosen (fragments, run-ons).
    - ``min_concept_articles``: a content bigram counts as a concept only when at
      least this many articles use it (with two articles or fewer, 1).
    - ``focus_weight``: how much more a concept related to the focus query counts.
    - ``duplicate_threshold``: similarity (0-1) above which two sentences of
      different articles are the same fact (copy or paraphrase).
    - ``common_share``: share of the articles that must report a fact for it to
      be in the ``common`` section (and at least two articles).
    - ``use_embeddings``: use wordllama embeddings for paraphrases and focus.
    - ``trim``: drop datelines and leading connectives from shown sentences;
      ``compress``: also drop attributions, parentheticals and a leading weekday.
    - ``skip_quotes``: never choose a sentence that is a direct quotation.
    - ``length_power``: the greedy choice ranks sentences by new concept weight
      per ``words ** length_power`` (below 1 favours longer sentences).
    """

    max_words: int = 250
    overflow: bool = False
    min_sentence_words: int = 15
    max_sentence_words: int = 60
    min_concept_articles: int = 3
    focus_weight: float = 1.0
    duplicate_threshold: float = 0.6
    common_share: float = 0.5
    use_embeddings: bool = True
    trim: bool = True
    compress: bool = False
    skip_quotes: bool = True
    length_power: float = 0.8

    def __post_init__(self) -> None:
        _check_positive("max_words", self.max_words)
        _check_positive("min_sentence_words", self.min_sentence_words)
        if self.max_sentence_words < self.min_sentence_words:
            raise UsageError("max_sentence_words must be at least min_sentence_words")
        _check_positive("min_concept_articles", self.min_concept_articles)
        if self.focus_weight < 0:
            raise UsageError(f"focus_weight must not be negative, got {self.focus_weight}")
        _check_unit("duplicate_threshold", self.duplicate_threshold)
        _check_unit("common_share", self.common_share)
        _check_unit("length_power", self.length_power)


@dataclass(frozen=True, slots=True)
class ArticleSummaryOptions:
    """How one article's key sentences are chosen.

    ``max_words`` bounds the length, ``max_sentences`` the number of sentences;
    ``lead_weight`` is how much an early sentence is preferred (news puts the
    essentials first).
    """

    max_words: int = 100
    max_sentences: int = 3
    min_sentence_words: int = 6
    lead_weight: float = 1.0
    trim: bool = True

    def __post_init__(self) -> None:
        _check_positive("max_words", self.max_words)
        _check_positive("max_sentences", self.max_sentences)
        _check_positive("min_sentence_words", self.min_sentence_words)
        if self.lead_weight < 0:
            raise UsageError(f"lead_weight must not be negative, got {self.lead_weight}")
