"""Abstractive ``summarize``/``compare`` text whose every sentence is checked against its sources.

:func:`abstractive_blocks` numbers the source sentences in a prompt, asks
the model for cited sentences, and verifies each one
(:mod:`corroborate.llm.verify`): supported sentences become text blocks
citing the sentences that support them; unsupported ones are flagged
(``TextBlock.flag = "unsupported"``, reason in the notes) or dropped.
:func:`with_llm_fallback` and :func:`run_with_llm` turn any
:class:`LlmError` into the extractive result plus a note, and with no
backend configured they return the extractive result without opening a
connection.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import httpx

from corroborate.actions.base import ActionResult, TextBlock
from corroborate.errors import UsageError
from corroborate.llm.client import LlmClient, LlmError
from corroborate.llm.config import LlmConfig
from corroborate.llm.prompt import (
    COMPARE_SECTIONS,
    DraftSentence,
    SourceSentence,
    Task,
    build_messages,
    parse_answer,
)
from corroborate.llm.verify import SourceFeatures, Verdict, VerifyOptions, features, verify_sentence
from corroborate.model import Article
from corroborate.summarize.records import Citation, Digest
from corroborate.summarize.units import Stemmer
from corroborate.text import article_sentences

__all__ = [
    "COMPARE_IGNORE_WORDS",
    "LlmOptions",
    "LlmOutcome",
    "abstractive_blocks",
    "run_with_llm",
    "sources_from_articles",
    "sources_from_digest",
    "with_llm_fallback",
]

# Words a comparison uses to talk about the reports rather than the event.
COMPARE_IGNORE_WORDS = frozenset(
    {
        "article",
        "articles",
        "report",
        "reports",
        "reported",
        "reporting",
        "outlet",
        "outlets",
        "source",
        "sources",
        "mention",
        "mentions",
        "mentioned",
        "mentioning",
        "state",
        "states",
        "stated",
        "add",
        "adds",
        "added",
        "omit",
        "omits",
        "omitted",
        "disagree",
        "disagrees",
        "unlike",
        "whereas",
        "include",
        "includes",
        "give",
        "gives",
        "put",
        "puts",
        "others",
        "b",
    }
)


@dataclass(frozen=True, slots=True)
class LlmOptions:
    """How the abstractive text is asked for and checked.

    - ``max_words``: length asked of the model (a note says when it writes more).
    - ``unsupported``: ``"flag"`` keeps an unsupported sentence with
      ``flag="unsupported"`` and no citations; ``"drop"`` leaves it out. The
      reason is in the notes either way.
    - ``target_article``: for ``compare``, the id of the article compared
      with the others.
    - ``max_prompt_chars``: source text allowed in the prompt; sentences past
      it are left out (with a note), for ``compare`` half the budget per side.
    - ``verify``: the verification rule's settings.
    """

    max_words: int = 150
    unsupported: Literal["flag", "drop"] = "flag"
    target_article: str | None = None
    max_prompt_chars: int = 24_000
    verify: VerifyOptions = field(default_factory=VerifyOptions)

    def __post_init__(self) -> None:
        if self.max_words <= 0:
            raise UsageError(f"max_words must be positive, got {self.max_words}")
        if self.unsupported not in ("flag", "drop"):
            raise UsageError(f"unsupported must be 'flag' or 'drop', got {self.unsupported!r}")
        if self.max_prompt_chars < 200:
            raise UsageError("max_prompt_chars must be at least 200")


@dataclass(slots=True)
class LlmOutcome:
    """The verified blocks, notes for the reader, and the engine name (``llm:<model>``)."""

    blocks: list[TextBlock]
    notes: list[str]
    engine: str
    kept: int = 0
    flagged: int = 0
    dropped: int = 0


def _fit(
    sources: Sequence[SourceSentence], budget: int, target: str | None
) -> tuple[list[SourceSentence], int]:
    """The sources that fit ``budget`` characters, in order, and how many were left out."""

    def take(items: Sequence[SourceSentence], chars: int) -> list[SourceSentence]:
        out, used = [], 0
        for item in items:
            used += len(item.text) + len(item.outlet) + 8
            if used > chars:
                break
            out.append(item)
        return out

    if target is None:
        kept = take(sources, budget)
    else:
        own = take([s for s in sources if s.citation.article_id == target], budget // 2)
        rest = take([s for s in sources if s.citation.article_id != target], budget // 2)
        keep = {id(s) for s in own + rest}
        kept = [s for s in sources if id(s) in keep]
    return kept, len(sources) - len(kept)


def _allowed(
    task: Task, section: str | None, sources: Sequence[SourceSentence], target: str | None
) -> list[int] | None:
    if task != "compare" or section not in ("adds", "omits"):
        return None
    own = section == "adds"
    return [i for i, s in enumerate(sources) if (s.citation.article_id == target) == own]


def _side_check(
    verdict: Verdict, section: str | None, sources: Sequence[SourceSentence], target: str | None
) -> Verdict:
    """A disagreement must rest on article A and on another report."""
    if section != "disagrees" or not verdict.supported:
        return verdict
    sides = {sources[i].citation.article_id == target for i in verdict.support}
    if sides == {True, False}:
        return verdict
    reason = "a disagreement needs support from article A and from another report"
    return dataclasses.replace(verdict, supported=False, reasons=(reason,))


def _citations(sources: Sequence[SourceSentence], support: Sequence[int]) -> list[Citation]:
    out: dict[Citation, None] = {}
    for i in support:
        out[sources[i].citation] = None
        for extra in sources[i].also:
            out[extra] = None
    return list(out)


def _numbers(indices: Sequence[int]) -> str:
    return "".join(f"[{i + 1}]" for i in indices) or "none"


def abstractive_blocks(
    task: Task,
    sources: Sequence[SourceSentence],
    instruction: str,
    client: LlmClient,
    options: LlmOptions | None = None,
) -> LlmOutcome:
    """Ask the model for ``task`` over ``sources`` and verify every sentence of its answer.

    Raises :class:`LlmError` when the model fails or when none of its
    sentences is supported (so the caller falls back to the extractive
    result), :class:`UsageError` for a request that cannot be made (no
    sources; ``compare`` without a valid ``target_article``).
    """
    options = options or LlmOptions()
    target = options.target_article if task == "compare" else None
    fitted, left_out = _fit(sources, options.max_prompt_chars, target)
    messages = build_messages(task, fitted, instruction, options.max_words, target)
    answer = client.chat(messages)
    drafts = parse_answer(answer.text, task)
    engine = f"llm:{client.config.model}"
    notes: list[str] = []
    if left_out:
        notes.append(f"{left_out} source sentence(s) were left out to fit the prompt")
    if answer.finish_reason == "length":
        notes.append("the model's answer was cut off at its token limit")
    if not drafts:
        raise LlmError(f"the language model ({engine}) answered with no sentence", "unsupported")
    outcome = _verify_all(task, drafts, fitted, options, target)
    outcome.engine = engine
    outcome.notes[:0] = notes
    words = sum(len(b.text.split()) for b in outcome.blocks)
    if words > options.max_words * 1.2:
        outcome.notes.append(
            f"the model wrote {words} words, more than the {options.max_words} asked"
        )
    if not outcome.kept:
        raise LlmError(
            f"none of the {len(drafts)} sentence(s) the language model ({engine}) wrote is "
            "supported by the sources",
            "unsupported",
        )
    return outcome


def _verify_all(
    task: Task,
    drafts: Sequence[DraftSentence],
    sources: Sequence[SourceSentence],
    options: LlmOptions,
    target: str | None,
) -> LlmOutcome:
    stemmer = Stemmer()
    ignore = COMPARE_IGNORE_WORDS if task == "compare" else frozenset()
    verify = options.verify
    if ignore:
        verify = dataclasses.replace(verify, ignore_words=verify.ignore_words | ignore)
    source_features: list[SourceFeatures] = [features(s.text, stemmer) for s in sources]
    outcome = LlmOutcome(blocks=[], notes=[], engine="")
    for n, draft in enumerate(drafts, start=1):
        section = draft.section if draft.section in COMPARE_SECTIONS else None
        check = verify
        if section == "omits":
            check = dataclasses.replace(verify, check_negation=False)
        verdict = verify_sentence(
            features(draft.text, stemmer, check.ignore_words),
            [c - 1 for c in draft.cited],
            source_features,
            check,
            _allowed(task, section, sources, target),
        )
        verdict = _side_check(verdict, section, sources, target)
        if verdict.supported:
            outcome.kept += 1
            outcome.blocks.append(
                TextBlock(draft.text, _citations(sources, verdict.support), label=section)
            )
            if verdict.recited:
                outcome.notes.append(
                    f"sentence {n} cited {_numbers([c - 1 for c in draft.cited])} but is supported "
                    f"by {_numbers(verdict.support)}; its citations were corrected"
                )
            continue
        why = "; ".join(verdict.reasons)
        if options.unsupported == "drop":
            outcome.dropped += 1
            outcome.notes.append(f"dropped unsupported sentence {n} ({why}): {draft.text!r}")
        else:
            outcome.flagged += 1
            outcome.blocks.append(TextBlock(draft.text, [], label=section, flag="unsupported"))
            outcome.notes.append(f"sentence {n} is flagged as unsupported: {why}")
    return outcome


def sources_from_digest(
    digest: Digest,
    texts: Mapping[Citation, str] | None = None,
    outlets: Mapping[str, str] | None = None,
) -> list[SourceSentence]:
    """One source per digest sentence: its shown text, first citation, the others as ``also``.

    ``texts`` may give the full sentence text per citation (the digest shows a
    trimmed one); ``outlets`` maps article ids to outlet names for the prompt.
    """
    out = []
    for block in digest.blocks:
        if not block.citations:
            continue
        first = block.citations[0]
        text = (texts or {}).get(first, block.text)
        outlet = (outlets or {}).get(first.article_id, "")
        out.append(SourceSentence(text, first, outlet, tuple(block.citations[1:])))
    return out


def sources_from_articles(
    articles: Sequence[Article], max_per_article: int | None = None
) -> list[SourceSentence]:
    """Every sentence of each article (or its first ``max_per_article``) as a source.

    Citations use the article's id, or its content hash when it has none (as
    the extractive digest does).
    """
    out = []
    for article in articles:
        article_id = article.id or article.content_hash
        sentences = article_sentences(article.paragraphs)
        if max_per_article is not None:
            sentences = sentences[:max_per_article]
        outlet = article.outlet or ""
        for s in sentences:
            citation = Citation(article_id, s.index, s.start, s.end)
            out.append(SourceSentence(s.text, citation, outlet))
    return out


def with_llm_fallback(
    extractive: ActionResult, make_llm_blocks: Callable[[], LlmOutcome]
) -> ActionResult:
    """The LLM's verified blocks (engine ``llm:<model>``), or on :class:`LlmError` the extractive result with a note.

    The extractive result's notes are kept in both cases. Only
    :class:`LlmError` is caught: any other exception is a bug and propagates.
    """
    try:
        outcome = make_llm_blocks()
    except LlmError as exc:
        note = f"language model not used: {exc} — showing the extractive result"
        return dataclasses.replace(extractive, notes=[*extractive.notes, note])
    return dataclasses.replace(
        extractive,
        blocks=list(outcome.blocks),
        notes=[*extractive.notes, *outcome.notes],
        engine=outcome.engine,
    )


def run_with_llm(
    extractive: ActionResult,
    config: LlmConfig | None,
    make_llm_blocks: Callable[[LlmClient], LlmOutcome],
    transport: httpx.BaseTransport | None = None,
) -> ActionResult:
    """``extractive`` untouched when ``config`` is None (no connection is made), else the LLM path with fallback."""
    if config is None:
        return extractive
    with LlmClient(config, transport) as client:
        return with_llm_fallback(extractive, lambda: make_llm_blocks(client))
