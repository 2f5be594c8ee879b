"""Compare the facts of a story's articles: quantities, quotes, single-source claims, omissions.

``compare_story`` is the entry point: it extracts facts for every article in one
batched spaCy pass, then aligns quantities and quotations and finds claims that
only one outlet makes and facts most outlets report that one leaves out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from corroborate.errors import UsageError
from corroborate.facts.compare_quantities import (
    QuantityGroup,
    QuantityOptions,
    StoryText,
    compare_quantities,
)
from corroborate.facts.compare_quotes import QuoteGroup, QuoteOptions, compare_quotes
from corroborate.facts.entities import StoryEntityIndex
from corroborate.facts.extract import FactOptions, article_key, extract_facts_batch
from corroborate.facts.records import ArticleFacts, Claim, Evidence
from corroborate.model import Article
from corroborate.text import Sentence, article_sentences, content_words

if TYPE_CHECKING:  # pragma: no cover
    from corroborate.config import Context

__all__ = [
    "ClaimMatchOptions",
    "Omission",
    "StoryFacts",
    "compare_facts",
    "compare_story",
    "story_index",
    "story_text",
]


@dataclass(frozen=True, slots=True)
class ClaimMatchOptions:
    """When a claim counts as also made elsewhere: share of its content words another
    article's sentence contains (``min_cover``)."""

    min_cover: float = 0.5


@dataclass(slots=True)
class Omission:
    """A fact most outlets report that some leave out."""

    text: str
    reported_by: list[str]
    omitted_by: list[str]
    evidence: list[Evidence]

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "reported_by": list(self.reported_by),
            "omitted_by": list(self.omitted_by),
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(slots=True)
class StoryFacts:
    """What the articles of one story say and where they differ."""

    articles: list[str]
    quantities: list[QuantityGroup]
    quotes: list[QuoteGroup]
    single_source: list[Claim]
    omissions: list[Omission]
    facts: list[ArticleFacts] = field(default_factory=list)

    @property
    def conflicts(self) -> list[QuantityGroup]:
        return [g for g in self.quantities if g.status == "conflict"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": list(self.articles),
            "quantities": [g.to_dict() for g in self.quantities],
            "quotes": [g.to_dict() for g in self.quotes],
            "single_source": [c.to_dict() for c in self.single_source],
            "omissions": [o.to_dict() for o in self.omissions],
        }


def _claim_words(claim: Claim) -> set[str]:
    return set(claim.keys)


def _figures(words: set[str]) -> set[str]:
    """The numbers among content words, without commas or signs ("1,500" and "1500")."""
    return {w.replace(",", "").strip("%$€£.") for w in words if any(ch.isdigit() for ch in w)}


def _told_elsewhere(
    claims: list[Claim], sentences: dict[str, list[Sentence]], options: ClaimMatchOptions
) -> list[dict[str, Evidence]]:
    """For each claim, the other articles with a sentence holding at least ``min_cover``
    of its content words and every number it states (the first such sentence of each,
    as evidence): a claim can be repeated in a sentence that is not a claim itself (a
    quotation, a sentence naming one actor), but "turnout was 67%" is not told by "a
    surge in voter turnout"."""
    index: dict[str, set[tuple[str, int]]] = {}
    # each sentence, with the numbers it states, by (article, sentence index)
    found: dict[tuple[str, int], tuple[Sentence, set[str]]] = {}
    for article, in_article in sentences.items():
        for s in in_article:
            ws = set(content_words(s.text))
            found[(article, s.index)] = (s, _figures(ws))
            for w in ws:
                index.setdefault(w, set()).add((article, s.index))
    out: list[dict[str, Evidence]] = []
    for claim in claims:
        own = set(content_words(claim.evidence.text))
        numbers = _figures(own)
        counts: Counter[tuple[str, int]] = Counter()
        for w in own:
            counts.update(hit for hit in index.get(w, ()) if hit[0] != claim.evidence.article)
        need = options.min_cover * len(own)
        told: dict[str, Evidence] = {}
        for article, i in sorted(h for h, n in counts.items() if n >= need):
            s, stated = found[(article, i)]
            if article not in told and numbers <= stated:
                told[article] = Evidence(article, s.index, s.start, s.end, s.text)
        out.append(told)
    return out


@dataclass(slots=True)
class _ClaimCluster:
    """One claim as several articles make it, and where each other article tells it."""

    claims: list[Claim] = field(default_factory=list)
    told: dict[str, Evidence] = field(default_factory=dict)

    @property
    def articles(self) -> set[str]:
        return {c.evidence.article for c in self.claims} | set(self.told)


def _match_claims(
    facts: list[ArticleFacts],
    sentences: dict[str, list[Sentence]],
    options: ClaimMatchOptions,
) -> tuple[list[Claim], list[_ClaimCluster]]:
    """Claims made by one article only, and clusters of the same claim across articles
    (made as a claim, or told in any other sentence)."""
    claims = [c for f in facts for c in f.claims]
    words = [_claim_words(c) for c in claims]
    elsewhere = _told_elsewhere(claims, sentences, options)
    index: dict[str, list[int]] = {}
    for i, ws in enumerate(words):
        for w in ws:
            index.setdefault(w, []).append(i)
    parent = list(range(len(claims)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    matched = [bool(e) for e in elsewhere]
    for i, ws in enumerate(words):
        if not ws:
            continue
        counts: dict[int, int] = {}
        for w in ws:
            for j in index[w]:
                if claims[j].evidence.article != claims[i].evidence.article:
                    counts[j] = counts.get(j, 0) + 1
        for j, shared in counts.items():
            if shared / len(ws) >= options.min_cover or shared / max(1, len(words[j])) >= (
                options.min_cover
            ):
                matched[i] = matched[j] = True
                parent[find(i)] = find(j)
    single = [c for i, c in enumerate(claims) if not matched[i]]
    clusters: dict[int, _ClaimCluster] = {}
    for i, c in enumerate(claims):
        if matched[i]:
            cluster = clusters.setdefault(find(i), _ClaimCluster())
            cluster.claims.append(c)
            for article, evidence in elsewhere[i].items():
                cluster.told.setdefault(article, evidence)
    return single, list(clusters.values())


def _omissions(articles: list[str], clusters: list[_ClaimCluster]) -> list[Omission]:
    out: list[Omission] = []
    if len(articles) < 3:
        return out
    for cluster in clusters:
        reported = sorted(cluster.articles)
        if len(reported) * 2 <= len(articles) or len(reported) == len(articles):
            continue
        first = min(cluster.claims, key=lambda c: len(c.evidence.text))
        claimed = {c.evidence.article for c in cluster.claims}
        told = [e for a, e in sorted(cluster.told.items()) if a not in claimed]
        out.append(
            Omission(
                text=first.evidence.text,
                reported_by=reported,
                omitted_by=[a for a in articles if a not in reported],
                evidence=[c.evidence for c in cluster.claims] + told,
            )
        )
    return out


def story_index(facts: list[ArticleFacts]) -> StoryEntityIndex:
    """Entity keys merged across the story's articles (acronyms, display names)."""
    mentions = [(e.text, e.label, e.key) for f in facts for e in f.entities]
    mentions += [(q.entity, "", q.entity_key) for f in facts for q in f.quantities if q.entity]
    return StoryEntityIndex.build(mentions)


def story_text(articles: list[Article], facts: list[ArticleFacts]) -> StoryText:
    """Sentences and named entities of each article, for the words around each number."""
    return _story_text({article_key(a): article_sentences(a.paragraphs) for a in articles}, facts)


def _story_text(sentences: dict[str, list[Sentence]], facts: list[ArticleFacts]) -> StoryText:
    names = {
        f.article: [(e.evidence.start, e.evidence.end, e.label, e.key) for e in f.entities]
        for f in facts
    }
    return StoryText(sentences, names)


def compare_facts(
    articles: list[Article],
    facts: list[ArticleFacts],
    quote_options: QuoteOptions | None = None,
    claim_options: ClaimMatchOptions | None = None,
    quantity_options: QuantityOptions | None = None,
) -> StoryFacts:
    """Compare already extracted facts (pure: no model is loaded here)."""
    ids = [f.article for f in facts]
    index = story_index(facts)
    published: dict[str, datetime | None] = {article_key(a): a.published_at for a in articles}
    by_article = {article_key(a): article_sentences(a.paragraphs) for a in articles}
    sentences = [s.text for found in by_article.values() for s in found]
    quantities = compare_quantities(
        facts, index, published, quantity_options, _story_text(by_article, facts)
    )
    quotes = compare_quotes(facts, sentences, quote_options)
    single, clusters = _match_claims(facts, by_article, claim_options or ClaimMatchOptions())
    if len(facts) < 2:
        single = []
    return StoryFacts(
        articles=ids,
        quantities=quantities,
        quotes=quotes,
        single_source=single,
        omissions=_omissions(ids, clusters),
        facts=facts,
    )


def compare_story(
    articles: list[Article], ctx: Context, options: FactOptions | None = None
) -> StoryFacts:
    """Facts of a story (a list of articles about one event) and how the outlets differ."""
    if not articles:
        raise UsageError("compare_story needs at least one article")
    keys = [article_key(a) for a in articles if isinstance(a, Article)]
    if len(set(keys)) != len(keys):
        raise UsageError("compare_story got the same article id twice; ids must be unique")
    facts = extract_facts_batch(articles, ctx, options)
    return compare_facts(articles, facts)
