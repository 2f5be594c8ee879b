"""The built-in actions, offline and extractive: every sentence shown is a source sentence.

Each action is a function of (workspace, target, options) returning an
:class:`~corroborate.actions.base.ActionResult`. They read the same data the
story page shows (facts, provenance, digest), so an action never disagrees
with the page it is run from.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from corroborate.actions.base import (
    ActionResult,
    ActionSet,
    ActionTarget,
    Citation,
    ListBlock,
    TableBlock,
    TextBlock,
)
from corroborate.errors import UsageError
from corroborate.model import Article
from corroborate.text import article_sentences
from corroborate.workspace import Workspace

__all__ = ["BUILTIN"]

BUILTIN = ActionSet()


def _sentence_citation(article: Article, index: int) -> Citation:
    sentences = article_sentences(article.paragraphs)
    if not 0 <= index < len(sentences):
        raise UsageError(f"article {article.id} has no sentence {index}")
    s = sentences[index]
    return Citation(article.id, s.index, s.start, s.end)


class _Sources:
    """Articles by id, for turning evidence records into citations and outlet names."""

    def __init__(self, articles: list[Article]) -> None:
        self.by_id = {a.id: a for a in articles}

    def cite(self, evidence: dict[str, Any]) -> Citation:
        return _sentence_citation(self.by_id[evidence["article"]], int(evidence["sentence"]))

    def outlet(self, article_id: str) -> str:
        article = self.by_id.get(article_id)
        return article.outlet if article else article_id


def _story_scope(ws: Workspace, target: ActionTarget) -> tuple[str, list[Article]]:
    """The story to work on: the target story, or the story of the target article."""
    if target.kind == "story":
        return ws.story(target.id).id, ws.story_articles(target.id)
    view = ws.story_of(target.id)
    return view.id, ws.story_articles(view.id)


def _target_articles(ws: Workspace, target: ActionTarget) -> list[Article]:
    """The article itself, or every article of the story."""
    return [ws.article(target.id)] if target.kind == "article" else ws.story_articles(target.id)


def _digest_blocks(digest: Any) -> list[TextBlock]:
    blocks = []
    for sentence in digest.blocks:
        label = {"common": "most outlets", "additional": "some outlets", "key": None}.get(
            sentence.section
        )
        blocks.append(TextBlock(sentence.text, list(sentence.citations), label=label))
    return blocks


# -- summarize -----------------------------------------------------------------


@dataclass(frozen=True)
class SummarizeOptions:
    words: int = field(default=120, metadata={"help": "length of the summary in words"})
    focus: str = field(default="", metadata={"help": "a question or topic to focus on"})


@BUILTIN.action(
    "summarize",
    "Key sentences of an article, or a cited multi-source digest of a story",
    ("article", "story"),
    SummarizeOptions,
)
def summarize(ws: Workspace, target: ActionTarget, options: SummarizeOptions) -> ActionResult:
    from corroborate.summarize import ArticleSummaryOptions, summarize_article

    if options.words < 10:
        raise UsageError("words must be at least 10")
    if target.kind == "article":
        article = ws.article(target.id)
        digest = summarize_article(article, ArticleSummaryOptions(max_words=options.words))
        title = f"Summary of “{article.title}”"
        articles = [article]
    else:
        digest = ws.digest(target.id, options.words, options.focus or None)
        title = f"Digest of story {target.id}: {ws.story(target.id).title}"
        articles = ws.story_articles(target.id)
    result = ActionResult("summarize", target, title, list(_digest_blocks(digest)))
    if not result.blocks:
        result.notes.append("no sentence long enough to summarise")
    if ws.ctx.llm is None or not result.blocks:
        return result
    from corroborate.llm import (
        LlmOptions,
        abstractive_blocks,
        run_with_llm,
        sources_from_articles,
        sources_from_digest,
    )

    # The model gets more than the extractive answer to work from.
    if target.kind == "story":
        sources = sources_from_digest(
            ws.digest(target.id, options.words * 3, options.focus or None),
            outlets={a.id: a.outlet for a in articles},
        )
    else:
        sources = sources_from_articles(articles)
    return run_with_llm(
        result,
        ws.ctx.llm,
        lambda client: abstractive_blocks(
            "summarize", sources, options.focus, client, LlmOptions(max_words=options.words)
        ),
    )


# -- key facts ---------------------------------------------------------------------


@BUILTIN.action(
    "key-facts",
    "The figures reported, whether outlets agree, and claims only one outlet makes",
    ("article", "story"),
)
def key_facts(ws: Workspace, target: ActionTarget, options: None) -> ActionResult:
    if target.kind == "article":
        from corroborate.facts import extract_facts

        article = ws.article(target.id)
        sources = _Sources([article])
        facts = extract_facts(article, ws.ctx).to_dict()
        items = [
            TextBlock(
                f"{q['text']}"
                + (f" ({q['hedge']})" if q.get("hedge") else "")
                + (f" — {q['entity']}" if q.get("entity") else ""),
                [sources.cite(q["evidence"])],
            )
            for q in facts["quantities"]
        ]
        return ActionResult(
            "key-facts", target, f"Figures in “{article.title}”", [ListBlock(items, "Figures")]
        )
    story_id, articles = _story_scope(ws, target)
    sources = _Sources(articles)
    data = ws.facts_data(story_id)
    rows, cites, flags = [], [], []
    for group in data["quantities"]:
        values = "; ".join(
            f"{v['text']}"
            + (f" ({v['hedge']})" if v.get("hedge") else "")
            + f" [{', '.join(sources.outlet(a) for a in v['articles'])}]"
            for v in group["values"]
        )
        rows.append([group["measure"], group["status"], values])
        cites.append([sources.cite(e) for v in group["values"] for e in v.get("evidence", [])])
        flags.append("conflict" if group["status"] == "conflict" else None)
    table = TableBlock(
        ["measure", "status", "values (outlets)"], rows, "Figures across outlets", cites, flags
    )
    single = [
        TextBlock(
            c["evidence"]["text"],
            [sources.cite(c["evidence"])],
            label=sources.outlet(c["evidence"]["article"]),
        )
        for c in data["single_source"]
    ]
    blocks: list[Any] = [table]
    if single:
        blocks.append(ListBlock(single, "Claims only one outlet makes"))
    return ActionResult("key-facts", target, f"Key facts of story {story_id}", blocks)


# -- quotes --------------------------------------------------------------------------


@BUILTIN.action(
    "quotes", "Who said what, and how faithfully each outlet quotes it", ("article", "story")
)
def quotes(ws: Workspace, target: ActionTarget, options: None) -> ActionResult:
    story_id, articles = _story_scope(ws, target)
    sources = _Sources(articles)
    blocks: list[Any] = []
    for group in ws.facts_data(story_id)["quotes"]:
        if target.kind == "article" and not any(
            target.id in v["articles"] for v in group["variants"]
        ):
            continue
        items = [
            TextBlock(
                f"“{v['text']}”",
                [sources.cite(e) for e in v.get("evidence", [])],
                label=", ".join(sources.outlet(a) for a in v["articles"]),
                flag=None if v.get("fidelity") in (None, "verbatim") else v["fidelity"],
            )
            for v in group["variants"]
        ]
        blocks.append(
            ListBlock(items, f"{group['speaker'] or 'unknown speaker'} — {group['fidelity']}")
        )
    if target.kind == "article":
        from corroborate.facts import extract_facts

        own = extract_facts(ws.article(target.id), ws.ctx).to_dict()["quotes"]
        items = [
            TextBlock(
                f"“{q['text']}”",
                [sources.cite(q["evidence"])],
                label=q["speaker"] or "unknown speaker",
            )
            for q in own
        ]
        if items:
            blocks.append(ListBlock(items, "Every quotation in this article"))
    result = ActionResult("quotes", target, "Quotations and their fidelity", blocks)
    if not blocks:
        result.notes.append("no quotation found")
    return result


# -- entities ------------------------------------------------------------------------


@BUILTIN.action(
    "entities", "Who and what is involved, with counts per outlet", ("article", "story")
)
def entities(ws: Workspace, target: ActionTarget, options: None) -> ActionResult:
    from corroborate.facts import extract_facts_batch

    articles = _target_articles(ws, target)
    facts = [f.to_dict() for f in extract_facts_batch(articles, ws.ctx)]
    outlets = [a.outlet for a in articles]
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    labels: dict[str, str] = {}
    first: dict[str, dict[str, Any]] = {}
    for article, data in zip(articles, facts, strict=True):
        for entity in data["entities"]:
            key = entity["key"]
            counts[key][article.outlet] += 1
            names[key][entity["text"]] += 1
            labels.setdefault(key, entity["label"])
            first.setdefault(key, entity["evidence"])
    sources = _Sources(articles)
    ranked = sorted(counts, key=lambda k: (-sum(counts[k].values()), k))[:40]
    columns = ["name", "kind", "total", *dict.fromkeys(outlets)]
    rows = [
        [names[k].most_common(1)[0][0], labels[k], str(sum(counts[k].values()))]
        + [str(counts[k].get(o, 0)) for o in dict.fromkeys(outlets)]
        for k in ranked
    ]
    cites = [[sources.cite(first[k])] for k in ranked]
    return ActionResult(
        "entities",
        target,
        "People, places and organisations",
        [TableBlock(columns, rows, None, cites)],
    )


# -- timeline ------------------------------------------------------------------------


@BUILTIN.action(
    "timeline", "Dated events of the story in order, with their sources", ("article", "story")
)
def timeline(ws: Workspace, target: ActionTarget, options: None) -> ActionResult:
    from corroborate.facts import extract_facts_batch

    articles = _target_articles(ws, target)
    sources = _Sources(articles)
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for data in (f.to_dict() for f in extract_facts_batch(articles, ws.ctx)):
        for date in data["dates"]:
            if date.get("resolved"):
                events[date["resolved"]].append(date["evidence"])
    for article in articles:
        if article.published_at is not None:
            events.setdefault(article.published_at.date().isoformat(), [])
    items: list[TextBlock] = []
    for day in sorted(events):
        seen: set[tuple[str, int]] = set()
        evidence = []
        for e in events[day]:
            key = (e["article"], e["sentence"])
            if key not in seen:
                seen.add(key)
                evidence.append(e)
        published = [
            a.outlet
            for a in articles
            if a.published_at and a.published_at.date().isoformat() == day
        ]
        if evidence:
            sentence = sources.by_id[evidence[0]["article"]]
            text = article_sentences(sentence.paragraphs)[int(evidence[0]["sentence"])].text
            items.append(TextBlock(text, [sources.cite(e) for e in evidence], label=day))
        if published:
            items.append(
                TextBlock(f"Published by {', '.join(published)}", [], label=day, flag="publication")
            )
    result = ActionResult("timeline", target, "Timeline", [ListBlock(items, None)])
    if not items:
        result.notes.append("no dated event found (dates are resolved against publication dates)")
    return result
