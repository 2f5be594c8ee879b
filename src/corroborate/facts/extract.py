"""Extract the facts of articles: quantities, quotations, entities, dates and claims.

spaCy runs once over all the sentences that can hold a fact (numbers, quotes,
dates, speech verbs and their neighbours), batched with ``nlp.pipe`` and with
only the tokenizer, tagger and entity recogniser; everything else is rules over
its output, so the cost is one pass of the small model over those sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from corroborate.errors import UsageError
from corroborate.facts.claims import claims_for_sentences
from corroborate.facts.dates import resolve_date
from corroborate.facts.entities import ENTITY_LABELS, NamedSpan, entity_key
from corroborate.facts.lexicon import MONTHS, SPEECH_VERBS, WEEKDAYS
from corroborate.facts.numbers import TENS, UNITS, VAGUE
from corroborate.facts.quantities import SentenceRef, quantities_in_sentence
from corroborate.facts.quotes import extract_quotes
from corroborate.facts.records import ArticleFacts, DateMention, EntityMention, Evidence
from corroborate.model import Article
from corroborate.text import Sentence, article_sentences

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

    from corroborate.config import Context

__all__ = ["FactOptions", "article_key", "extract_facts", "extract_facts_batch"]

_NUMBER_WORDS = "|".join(sorted({*UNITS, *TENS, *VAGUE, "half", "third", "quarter"} - {"one"}))
_NUMBERISH = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE)
_QUOTEISH = re.compile('["“”„«»‘`]')
_DATEISH = re.compile(
    rf"\b(?:{'|'.join(sorted({*MONTHS, *WEEKDAYS}, key=len, reverse=True))}|today|yesterday"
    r"|tomorrow|tonight)\b",
    re.IGNORECASE,
)
_SPEECHISH = re.compile(rf"\b(?:{'|'.join(sorted(SPEECH_VERBS))})\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FactOptions:
    """How much text spaCy reads.

    ``all_sentences`` runs the entity recogniser on every sentence (complete
    entity lists, about twice the time); by default only sentences that can
    hold a quantity, quote, date or attribution, and the sentence before each.
    """

    all_sentences: bool = False
    batch_size: int = 256
    max_piece_chars: int = 100_000


def _pieces(text: str, limit: int) -> list[tuple[int, str]]:
    """``text`` cut into (offset, piece) runs of at most ``limit`` characters.

    spaCy refuses texts over ``nlp.max_length`` (E088) and a sentence that long is
    not prose; cutting at the last space before the limit keeps offsets exact.
    """
    if len(text) <= limit:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text):
            space = text.rfind(" ", start + limit // 2, end)
            end = space + 1 if space > 0 else end
        out.append((start, text[start:end]))
        start = end
    return out


def article_key(article: Article) -> str:
    """The id findings cite: the article's id, else its content hash."""
    return article.id or article.content_hash


def _wanted(sentences: list[Sentence], options: FactOptions) -> list[bool]:
    if options.all_sentences:
        return [True] * len(sentences)
    flags = [False] * len(sentences)
    for k, s in enumerate(sentences):
        if _NUMBERISH.search(s.text) or _DATEISH.search(s.text) or _SPEECHISH.search(s.text):
            flags[k] = True
        if _QUOTEISH.search(s.text):
            flags[k] = True
            if k > 0:
                flags[k - 1] = True
            if k + 1 < len(sentences):
                flags[k + 1] = True
    return flags


def _pipeline_disable(nlp_names: list[str]) -> list[str]:
    keep = {"tok2vec", "tagger", "ner"}
    return [name for name in nlp_names if name not in keep]


def _facts_from_docs(
    article: Article, sentences: list[Sentence], docs: dict[int, list[tuple[int, Doc]]]
) -> ArticleFacts:
    key = article_key(article)
    published: date | None = article.published_at.date() if article.published_at else None
    facts = ArticleFacts(article=key, outlet=article.outlet)
    spans: list[NamedSpan] = []
    for sentence in sentences:
        for offset, doc in docs.get(sentence.index, ()):
            base = sentence.start + offset
            for ent in doc.ents:
                start = base + ent.start_char
                end = base + ent.end_char
                evidence = Evidence(key, sentence.index, start, end, ent.text)
                if ent.label_ in ENTITY_LABELS:
                    spans.append(NamedSpan(start, end, ent.label_, ent.text, sentence.index))
                    label_key = entity_key(ent.text, ent.label_)
                    facts.entities.append(EntityMention(ent.text, ent.label_, label_key, evidence))
                elif ent.label_ == "DATE":
                    facts.dates.append(
                        DateMention(ent.text, resolve_date(ent.text, published), evidence)
                    )
            if _NUMBERISH.search(doc.text):
                ref = SentenceRef(key, sentence.index, base)
                facts.quantities.extend(quantities_in_sentence(doc, ref))
    facts.quotes = extract_quotes(key, article.paragraphs, sentences, spans)
    facts.claims = claims_for_sentences(
        key, sentences, facts.quantities, facts.dates, facts.entities
    )
    return facts


def extract_facts_batch(
    articles: list[Article], ctx: Context, options: FactOptions | None = None
) -> list[ArticleFacts]:
    """Facts of many articles with one batched spaCy pass (the fast way for a story)."""
    options = options or FactOptions()
    for article in articles:
        if not isinstance(article, Article):
            raise UsageError(f"extract_facts needs Article records, got {type(article).__name__}")
    nlp = ctx.nlp.spacy()
    limit = max(1, min(options.max_piece_chars, nlp.max_length - 1))
    plan: list[tuple[int, list[Sentence], list[tuple[int, int]]]] = []
    texts: list[str] = []
    for a_index, article in enumerate(articles):
        sentences = article_sentences(article.paragraphs)
        flags = _wanted(sentences, options)
        chosen: list[tuple[int, int]] = []  # (sentence, offset of the piece in it)
        for k, flag in enumerate(flags):
            if flag:
                for offset, piece in _pieces(sentences[k].text, limit):
                    chosen.append((k, offset))
                    texts.append(piece)
        plan.append((a_index, sentences, chosen))
    docs_iter = iter(
        nlp.pipe(texts, disable=_pipeline_disable(nlp.pipe_names), batch_size=options.batch_size)
    )
    out: list[ArticleFacts] = []
    for a_index, sentences, chosen in plan:
        docs: dict[int, list[tuple[int, Doc]]] = {}
        for k, offset in chosen:
            docs.setdefault(sentences[k].index, []).append((offset, next(docs_iter)))
        out.append(_facts_from_docs(articles[a_index], sentences, docs))
    return out


def extract_facts(
    article: Article, ctx: Context, options: FactOptions | None = None
) -> ArticleFacts:
    """Facts of one article (quantities, quotes, entities, dates, claims) with evidence."""
    return extract_facts_batch([article], ctx, options)[0]
