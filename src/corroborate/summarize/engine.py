"""The extractive engine behind the ``summarize`` action.

:func:`digest_story` makes a multi-source digest of a story: sentences chosen
to cover the content bigrams most articles share (optionally steered by a
focus query), copies and paraphrases across outlets merged into one fact with
all their sources, facts most outlets report first. :func:`summarize_article`
picks one article's key sentences. Both are pure functions of their input
(the wordllama embeddings come from ``ctx.nlp``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from corroborate.config import Context
from corroborate.errors import UsageError
from corroborate.model import Article
from corroborate.summarize.concepts import (
    concept_stats,
    concept_weights,
    focus_stems,
    min_concept_df,
)
from corroborate.summarize.records import (
    ArticleSummaryOptions,
    Citation,
    Digest,
    DigestOptions,
    DigestSentence,
    Section,
)
from corroborate.summarize.redundancy import SimilarityIndex
from corroborate.summarize.select import Problem, extend_overflow, greedy_select
from corroborate.summarize.trim import TrimOptions
from corroborate.summarize.units import Stemmer, Unit, build_units

__all__ = ["digest_story", "summarize_article"]


def _article_ids(articles: Sequence[Article]) -> list[str]:
    """Each article's id (its content hash when it has none); duplicates are an error."""
    ids = [a.id or a.content_hash for a in articles]
    seen: set[str] = set()
    for article_id in ids:
        if article_id in seen:
            raise UsageError(f"two articles share the id {article_id!r}; citations need unique ids")
        seen.add(article_id)
    return ids


def _embed(
    ctx: Context, units: Sequence[Unit], focus: str | None
) -> tuple[NDArray[np.float32], NDArray[np.float32] | None]:
    model = ctx.nlp.wordllama()
    texts = [u.text for u in units]
    if focus:
        texts.append(focus)
    vectors = np.asarray(model.embed(texts, norm=True), dtype=np.float32)
    if focus:
        return vectors[:-1], vectors[-1]
    return vectors, None


def _citation(unit: Unit) -> Citation:
    return Citation(unit.article_id, unit.index, unit.start, unit.end)


def _reading_order(articles: Sequence[Article]) -> list[int]:
    """Each article's rank by publication time (undated last, then input order)."""
    order = sorted(
        range(len(articles)),
        key=lambda k: (articles[k].published_at is None, str(articles[k].published_at or ""), k),
    )
    rank = [0] * len(articles)
    for position, k in enumerate(order):
        rank[k] = position
    return rank


def digest_story(
    ctx: Context,
    articles: Sequence[Article],
    focus: str | None = None,
    options: DigestOptions | None = None,
) -> Digest:
    """A cited multi-article digest of at most ``options.max_words`` words.

    Sentences are chosen to cover the stemmed content bigrams used by the most
    articles (weighted towards ``focus`` when given); every chosen sentence
    cites each article that reports the same fact, and facts reported by at
    least ``common_share`` of the articles come first.
    """
    options = options or DigestOptions()
    ids = _article_ids(articles)
    digest = Digest(
        blocks=[],
        articles=len(articles),
        max_words=options.max_words,
        focus=focus,
        article_ids=list(ids),
    )
    if not articles:
        return digest
    stemmer = Stemmer()
    units = build_units(articles, stemmer, TrimOptions(options.trim, options.compress))
    for unit in units:
        unit.article_id = ids[unit.article]
    if not units:
        return digest
    embeddings, query_vector = (None, None)
    if options.use_embeddings:
        embeddings, query_vector = _embed(ctx, units, focus)
    index = SimilarityIndex(units, embeddings, options.duplicate_threshold)
    query = focus_stems(focus, stemmer)
    relevance = None
    if query_vector is not None and embeddings is not None:
        relevance = np.clip(embeddings @ query_vector, 0.0, 1.0)
    stats = concept_stats(units, relevance)
    min_df = min_concept_df(len(articles), options.min_concept_articles)
    weights = concept_weights(stats, min_df, query, options.focus_weight)
    candidates = _candidates(units, options)
    problem = Problem(
        units=units,
        candidates=candidates,
        weights=weights,
        budget=options.max_words,
        conflict=index.same_fact,
        prior={},
        length_power=options.length_power,
    )
    chosen = greedy_select(problem)
    room = options.max_words - sum(units[i].n_words for i in chosen)
    if any(units[i].n_words <= room for i in candidates if i not in chosen):
        # Room left once the shared concepts are covered: add what fewer outlets say.
        problem.weights = concept_weights(stats, 1, query, options.focus_weight)
        chosen = greedy_select(problem, chosen)
    extra = extend_overflow(problem, chosen) if options.overflow else None
    common_min = max(2, math.ceil(options.common_share * len(articles)))
    blocks = [_block(units, index, i, common_min) for i in chosen]
    rank = _reading_order(articles)
    # Common facts first, the most widely reported first; then by publication and place.
    order = sorted(
        range(len(blocks)),
        key=lambda k: (
            blocks[k].section != "common",
            -blocks[k].support,
            rank[units[chosen[k]].article],
            units[chosen[k]].position,
        ),
    )
    digest.blocks = [blocks[k] for k in order]
    if extra is not None:
        # Last, so that a caller truncating to the budget cuts only this sentence.
        digest.blocks.append(_block(units, index, extra, common_min))
        digest.overflow = True
    return digest


def _candidates(units: Sequence[Unit], options: DigestOptions) -> list[int]:
    """Units a digest may show: not questions or quotations, of a reasonable length.

    When a story has no sentence in the length range (short items), any
    non-question sentence within ``max_sentence_words`` may be chosen.
    """
    usable = [
        i
        for i, u in enumerate(units)
        if u.n_words <= options.max_sentence_words
        and not u.text.rstrip().endswith("?")
        and not (options.skip_quotes and _is_quote(u.text))
    ]
    preferred = [i for i in usable if units[i].n_words >= options.min_sentence_words]
    return preferred or usable


_OPENING_QUOTES = frozenset({'"', "\u201c", "\u2018", "`", "'"})


def _is_quote(text: str) -> bool:
    """A quotation or a piece of one: opens with a quote mark, or its marks do not pair up.

    A quotation the sentence splitter cut in two leaves an unpaired mark in
    each piece; neither reads well without the other.
    """
    if text.lstrip()[:1] in _OPENING_QUOTES:
        return True
    if text.count('"') % 2 or text.count("\u201c") != text.count("\u201d"):
        return True
    return text.count("``") != text.count("''")


def _block(
    units: Sequence[Unit], index: SimilarityIndex, i: int, common_min: int
) -> DigestSentence:
    """Unit ``i`` as a digest sentence citing every article that says the same."""
    unit = units[i]
    citations = [_citation(unit)]
    citations.extend(_citation(units[j]) for j in index.matches(i))
    support = len({c.article_id for c in citations})
    section: Section = "common" if support >= common_min else "additional"
    return DigestSentence(unit.text, citations, support, section, list(unit.spans))


def summarize_article(article: Article, options: ArticleSummaryOptions | None = None) -> Digest:
    """One article's key sentences, in reading order, each citing its place in the body.

    Sentences are scored by how many of the article's recurring content words
    they cover (title words count double), with a preference for early
    sentences, and chosen greedily without repeating covered words.
    """
    options = options or ArticleSummaryOptions()
    ids = _article_ids([article])
    digest = Digest(blocks=[], articles=1, max_words=options.max_words, article_ids=ids)
    stemmer = Stemmer()
    units = build_units([article], stemmer, TrimOptions(options.trim, False))
    if not units:
        return digest
    frequency: dict[str, int] = {}
    for unit in units:
        for stem in unit.content:
            frequency[stem] = frequency.get(stem, 0) + 1
    title = focus_stems(article.title, stemmer)
    weights = {
        (stem, stem): float(count) * (2.0 if stem in title else 1.0)
        for stem, count in frequency.items()
        if count >= 2 or stem in title
    }
    # Reuse the bigram machinery with unigram "concepts" (stem, stem).
    unigram_units = [
        replace(u, article_id=ids[0], concepts=frozenset((s, s) for s in u.content)) for u in units
    ]
    candidates = [i for i, u in enumerate(units) if u.n_words >= options.min_sentence_words]
    if not candidates:
        candidates = list(range(len(units)))
    prior = {i: 1.0 + options.lead_weight / (1.0 + units[i].position) for i in candidates}
    problem = Problem(
        unigram_units, candidates, weights, options.max_words, lambda i, j: False, prior, 0.5
    )
    chosen = greedy_select(problem)[: options.max_sentences]
    if not chosen:
        # Only fragments recur: fall back to the first sentence that fits the budget.
        fitting = [i for i in range(len(units)) if units[i].n_words <= options.max_words]
        chosen = fitting[:1]
    for i in sorted(chosen):
        unit = unigram_units[i]
        block = DigestSentence(unit.text, [_citation(unit)], 1, "key", list(unit.spans))
        digest.blocks.append(block)
    return digest
