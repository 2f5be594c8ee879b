"""Ingestion as a pipeline of typed steps: read → clean → identify → archive.

Each :class:`ArticleStep` declares the fields it needs and the fields it adds,
and :func:`check_steps` verifies an ordering before anything runs. Pure steps
(cleaning, language) never touch the archive; the archive-dependent steps
(template lines, storing, story assignment hooks) run inside one transaction per
article so nothing is ever half-written.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from corroborate.archive import Archive
from corroborate.budget import Part, ReadAhead, budget_of, read_input
from corroborate.cleaning import clean_article
from corroborate.config import Context
from corroborate.errors import InputError, UsageError
from corroborate.model import Article, Removal
from corroborate.readers import ReaderRegistry, default_registry
from corroborate.readers.base import RawInput, ReaderOutput
from corroborate.sources import expand_sources

__all__ = [
    "STEPS",
    "ArticleStep",
    "IngestOptions",
    "IngestOutcome",
    "IngestReport",
    "check_steps",
    "detect_language",
    "ingest",
    "ingest_raw",
    "prepare",
]

OutcomeStatus = Literal["ingested", "duplicate", "new-version", "link", "error"]
READER_ADDS = frozenset({"paragraphs", "input", "format"})


@dataclass(frozen=True, slots=True)
class ArticleStep:
    """A pure step on one article, with what it needs and what it adds."""

    name: str
    needs: frozenset[str]
    adds: frozenset[str]
    run: Callable[[Article, Context], Article]


def detect_language(article: Article, ctx: Context) -> Article:
    """Set ``language`` (ISO 639-1) from the text when the input did not say."""
    if article.language:
        return article
    import py3langid

    sample = (article.title + "\n" + "\n".join(article.paragraphs[:4]))[:1200]
    code, _score = py3langid.classify(sample)
    return replace(article, language=str(code))


STEPS: tuple[ArticleStep, ...] = (
    ArticleStep(
        "clean",
        needs=frozenset({"paragraphs"}),
        adds=frozenset({"title", "dek", "source", "wire", "removed"}),
        run=lambda article, ctx: clean_article(article),
    ),
    ArticleStep(
        "language",
        needs=frozenset({"paragraphs", "title"}),
        adds=frozenset({"language"}),
        run=detect_language,
    ),
)


def check_steps(steps: Iterable[ArticleStep], available: frozenset[str] = READER_ADDS) -> None:
    """Raise :class:`UsageError` when a step needs a field no earlier step adds."""
    have = set(available)
    for step in steps:
        missing = step.needs - have
        if missing:
            raise UsageError(
                f"step {step.name!r} needs {sorted(missing)} which no earlier step adds"
            )
        have |= step.adds


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """How to ingest: reader choice, template-line learning, links, steps.

    ``warm_up``: work for the calling process while the reader worker starts on
    the first input (loading the models the caller's next step needs), run once.
    The worker then loads the language model itself, in parallel; without a
    warm-up this process loads it before the worker starts, so that worker and
    those of later runs in this process inherit it.
    """

    reader: str | None = None
    template_min_articles: int = 3
    batch_size: int = 200
    steps: tuple[ArticleStep, ...] = STEPS
    warm_up: Callable[[], None] | None = None


@dataclass(slots=True)
class IngestOutcome:
    """What happened to one input or one item of a multi-item input."""

    input: str
    status: OutcomeStatus
    article_id: str | None = None
    title: str | None = None
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "input": self.input,
            "status": self.status,
            "article_id": self.article_id,
            "title": self.title,
            "reason": self.reason,
            "warnings": list(self.warnings),
        }


@dataclass(slots=True)
class IngestReport:
    """All outcomes of one ingest run; exit code 1 when any input failed."""

    outcomes: list[IngestOutcome] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        return counts

    @property
    def errors(self) -> list[IngestOutcome]:
        return [o for o in self.outcomes if o.status == "error"]

    @property
    def article_ids(self) -> list[str]:
        ids = [o.article_id for o in self.outcomes if o.article_id and o.status != "link"]
        return list(dict.fromkeys(ids))

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0

    def to_dict(self) -> dict[str, object]:
        return {"counts": self.counts(), "outcomes": [o.to_dict() for o in self.outcomes]}


@dataclass(frozen=True, slots=True)
class StoreHashes:
    """What :func:`store` hashes of a cleaned article: its content hash and, when it
    has a source, each paragraph's :meth:`Archive.line_hash`.

    Pure functions of the text: the reader worker takes them along with the
    cleaning, so the storing process does not.
    """

    content: str
    lines: list[str] | None

    @classmethod
    def of(cls, article: Article) -> StoreHashes:
        lines = [Archive.line_hash(p) for p in article.paragraphs] if article.source else None
        return cls(article.content_hash, lines)


@dataclass(slots=True)
class CleanedOutput(ReaderOutput):
    """A reader's output after :func:`_clean_default`, with each article's hashes."""

    hashes: list[StoreHashes] = field(default_factory=list)


@dataclass(slots=True)
class Prepared:
    """Articles read and cleaned from one raw input, before the archive.

    ``hashes``: each article's :class:`StoreHashes`, when the reader worker took them.
    """

    articles: list[Article] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    hashes: list[StoreHashes] | None = None


def prepare(
    raw: RawInput, ctx: Context, registry: ReaderRegistry, options: IngestOptions
) -> Prepared:
    """Read and clean one input (no archive involved); errors are returned, not raised.

    The reader runs under ``ctx.limits.reader_time_budget_s`` in the registry's
    worker process (:mod:`corroborate.budget`): an overrun or a crashed worker
    is an :class:`InputError` for this input only.
    """
    check_steps(options.steps)
    try:
        reader_name, output = read_input(raw, ctx, registry, options.reader)
    except InputError as exc:
        return Prepared(errors=[exc])
    return _clean(raw, reader_name, output, ctx, options)


def _clean(
    raw: RawInput,
    reader_name: str,
    output: ReaderOutput,
    ctx: Context,
    options: IngestOptions,
    cleaned: bool = False,
) -> Prepared:
    """Run the cleaning steps on what the reader found (unless ``cleaned`` already by
    :func:`_clean_default`); articles and errors."""
    if not (output.articles or output.links or output.errors):
        detail = "; ".join(output.warnings)
        reason = f"no articles found by the {reader_name} reader" + (
            f" ({detail})" if detail else ""
        )
        return Prepared(errors=[InputError(raw.name, reason)])
    if not cleaned:
        output = _clean_articles(output, ctx, options.steps)
    return Prepared(
        articles=list(output.articles),
        errors=list(output.errors),
        links=list(output.links),
        warnings=list(output.warnings),
        hashes=output.hashes if isinstance(output, CleanedOutput) else None,
    )


def _clean_articles(
    output: ReaderOutput, ctx: Context, steps: tuple[ArticleStep, ...]
) -> ReaderOutput:
    """``output`` with its articles cleaned by ``steps``; an article left without text or
    headline, or that cannot be stored as UTF-8, becomes an error after the reader's."""
    kept: list[Article] = []
    errors = list(output.errors)
    for article in output.articles:
        for step in steps:
            article = step.run(article, ctx)
        if not article.paragraphs:
            errors.append(InputError(article.input, "nothing left after cleaning (only cruft)"))
            continue
        if not article.title:
            errors.append(InputError(article.input, "no headline found"))
            continue
        unpaired = _unpaired_surrogate(article)
        if unpaired:
            errors.append(InputError(article.input, unpaired))
            continue
        article.warnings = list(dict.fromkeys(article.warnings + output.warnings))
        kept.append(article)
    return replace(output, articles=kept, errors=errors)


def _load_language_model() -> None:
    """Load the language identifier's model in this process (once; about a second).

    Either here before the reader worker forks (it inherits the model), or as the
    worker's ``prepare`` step while this process warms up (``IngestOptions.warm_up``);
    both keep the load out of the first input's time budget.
    """
    import py3langid

    py3langid.classify("news")


def _clean_default(output: ReaderOutput, ctx: Context) -> CleanedOutput:
    """The default :data:`STEPS` on a reader's output (see :func:`_clean_articles`),
    with each kept article's :class:`StoreHashes`.

    Module-level so the reader worker can run it (:class:`~corroborate.budget.ReadAhead`
    sends it by reference): cleaning, language detection and the hashes then cost
    the storing process nothing.
    """
    cleaned = _clean_articles(output, ctx, STEPS)
    return CleanedOutput(
        articles=cleaned.articles,
        links=cleaned.links,
        errors=cleaned.errors,
        warnings=cleaned.warnings,
        hashes=[StoreHashes.of(article) for article in cleaned.articles],
    )


def _unpaired_surrogate(article: Article) -> str | None:
    """Why ``article`` cannot be stored as UTF-8, or None.

    A JSON or YAML escape such as ``"\\udc80"`` decodes to half a surrogate pair,
    which no UTF-8 text (SQLite, JSON output) can hold.
    """
    try:
        json.dumps(article.to_dict(), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end]
        return f"text is not valid Unicode (unpaired surrogate {bad!a} from a \\u escape)"
    return None


def _remove_template_lines(
    article: Article, archive: Archive, min_articles: int, hashes: list[str] | None = None
) -> Article:
    """Drop lines this outlet repeats in many articles (footers, promos), recording each.

    ``hashes``: the paragraphs' :meth:`Archive.line_hash`, when the caller has them.
    """
    if not article.source or min_articles <= 0:
        return article
    frequent = archive.template_lines(article.source, article.paragraphs, min_articles, hashes)
    if not frequent or len(frequent) >= len(article.paragraphs):
        return article
    reason = f"template line repeated in {min_articles}+ articles from {article.source}"
    removed = [
        Removal(p, "template-line", reason, i)
        for i, p in enumerate(article.paragraphs)
        if i in frequent
    ]
    kept = [p for i, p in enumerate(article.paragraphs) if i not in frequent]
    return replace(article, paragraphs=kept, removed=article.removed + removed)


def store(
    article: Article,
    archive: Archive,
    options: IngestOptions,
    known: StoreHashes | None = None,
) -> IngestOutcome:
    """Store one cleaned article atomically, with template-line learning.

    ``known``: the article's :class:`StoreHashes` as they are now, when taken already.
    """
    # Template lookup and line counting both need the raw lines' hashes: take them once.
    known = known or StoreHashes.of(article)
    dedupe_key = known.content
    raw_lines = list(article.paragraphs)
    hashes = known.lines
    with archive.transaction():
        kept = _remove_template_lines(article, archive, options.template_min_articles, hashes)
        # Nothing removed: the hash taken before is the stored article's own.
        own_hash = dedupe_key if kept is article else None
        article = kept
        result = archive.add(article, dedupe_key=dedupe_key, known_hash=own_hash)
        if result.status != "duplicate" and article.source:
            archive.count_lines(article.source, raw_lines, hashes)
    return IngestOutcome(
        input=article.input,
        status=result.status,
        article_id=result.article_id,
        title=article.title,
        warnings=list(article.warnings),
    )


def ingest_raw(
    raw: RawInput,
    archive: Archive,
    ctx: Context,
    registry: ReaderRegistry | None = None,
    options: IngestOptions | None = None,
    on_outcome: Callable[[IngestOutcome], None] | None = None,
) -> list[IngestOutcome]:
    """Ingest one raw input (a file, a page, a paste); returns every outcome.

    Articles are committed in batches of ``options.batch_size``; an outcome is
    reported (``on_outcome``) only after its article's batch is committed, so
    whatever was reported as stored survives a crash.
    """
    options = options or IngestOptions()
    prepared = prepare(raw, ctx, registry or default_registry(), options)
    return _store_prepared(raw, prepared, archive, options, on_outcome)


def _store_prepared(
    raw: RawInput,
    prepared: Prepared,
    archive: Archive,
    options: IngestOptions,
    on_outcome: Callable[[IngestOutcome], None] | None,
) -> list[IngestOutcome]:
    """Store what ``prepare`` gave for one input, reporting each outcome once committed."""
    outcomes: list[IngestOutcome] = []

    def report(outcome: IngestOutcome) -> None:
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    for error in prepared.errors:
        report(IngestOutcome(error.source, "error", reason=error.reason))
    articles = prepared.articles
    # One per article by construction (made beside the articles in _clean_default).
    hashes: Sequence[StoreHashes | None] = prepared.hashes or [None] * len(articles)
    for start in range(0, len(articles), options.batch_size):
        end = start + options.batch_size
        with archive.transaction():
            stored = [
                store(a, archive, options, h)
                for a, h in zip(articles[start:end], hashes[start:end], strict=True)
            ]
        for outcome in stored:
            report(outcome)
    # Input-level warnings (an item limit hit) ride on the articles; with links only
    # they go on the first link, so a cut is never silent.
    spare = [] if articles else list(prepared.warnings)
    for link in prepared.links:
        archive.add_pending_link(link, raw.name)
        report(IngestOutcome(raw.name, "link", reason=f"link to fetch: {link}", warnings=spare))
        spare = []
    return outcomes


def ingest(
    sources: list[str],
    archive: Archive,
    ctx: Context,
    options: IngestOptions | None = None,
    on_outcome: Callable[[IngestOutcome], None] | None = None,
    registry: ReaderRegistry | None = None,
) -> IngestReport:
    """Ingest every file, directory, URL or ``-`` in ``sources`` into ``archive``.

    One bad input never stops the others: each gets an outcome with a reason
    (an input whose reader overruns ``ctx.limits.reader_time_budget_s`` too).
    ``registry`` defaults to the built-in readers; its reader worker process is
    stopped when the run ends.
    """
    options = options or IngestOptions()
    check_steps(options.steps)
    registry = registry or default_registry()
    # Cleaning is pure: with the default steps the reader worker does it too.
    worker_cleans = _clean_default if options.steps == STEPS else None
    prepare = None
    if worker_cleans is not None and options.warm_up is not None:
        prepare = _load_language_model  # the worker loads it while this process warms up
    elif worker_cleans is not None and budget_of(ctx.limits) is not None:
        _load_language_model()  # before the worker forks: it, and every later one, inherits it
    ahead = ReadAhead(
        ctx, registry, options.reader, worker_cleans, prepare=prepare
    )  # an unknown reader name fails now
    report = IngestReport()
    warm_up = options.warm_up

    def finish(part: Part) -> None:
        """Clean and store one input the worker has read (or failed on), or one part of it."""
        raw, result = part.raw, part.result
        if isinstance(result, InputError):
            prepared = Prepared(errors=[result])
        else:
            prepared = _clean(raw, result[0], result[1], ctx, options, worker_cleans is not None)
        report.outcomes.extend(_store_prepared(raw, prepared, archive, options, on_outcome))

    # Answers taken off the worker, stored once the next input is on its way (the
    # worker reads and cleans it meanwhile, even when one input fills the queue).
    collected: deque[Part] = deque()

    def take() -> None:
        """Take the worker's next answer. A part of a long input is stored at once (after
        any answer before it), so the worker cleans the next part meanwhile."""
        collected.append(ahead.collect_part())
        if not collected[-1].final:
            while collected:
                finish(collected.popleft())

    try:
        for item in expand_sources(sources, ctx.limits):
            if item.raw is None:
                while ahead.waiting:  # keep the outcomes in input order
                    take()
                while collected:
                    finish(collected.popleft())
                assert item.error is not None
                error = IngestOutcome(item.name, "error", reason=item.error.reason)
                report.outcomes.append(error)
                if on_outcome is not None:
                    on_outcome(error)
                continue
            while not ahead.has_room(item.raw):
                take()
            ahead.submit(item.raw)  # the worker reads it while we store earlier inputs
            if warm_up is not None:
                warm_up()
                warm_up = None
            while collected:
                finish(collected.popleft())
            while ahead.ready():
                take()
        while collected:
            finish(collected.popleft())
        while ahead.waiting:
            finish(ahead.collect_part())
    finally:
        ahead.close()
        registry.close()
    return report
