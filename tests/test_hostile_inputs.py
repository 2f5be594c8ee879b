"""Real-world nasties through ``ingest()`` into a temporary archive (issue 9, part 1).

Each test runs one hostile input *together with a clean control file* and checks
that the hostile input gets a clear error or a clean article, and that the
control still ingests: one bad input never stops the others. Large inputs are
generated at run time by ``tests/fixtures/hostile/nasties.py``.

Many of these tests first pinned a real bug as a strict xfail (date overflow,
deep nesting, YAML alias bombs, lone surrogates, quadratic regexes, truncated
and multi-member gzip, named pipes, mixed encodings); all are fixed now.
"""

from __future__ import annotations

import importlib.util
import io
import os
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from corroborate.archive import Archive
from corroborate.config import Context, Limits
from corroborate.errors import InputError
from corroborate.model import Article
from corroborate.pipeline import IngestOutcome, IngestReport, ingest
from corroborate.sources import expand_sources, read_limited_file


def _load_nasties() -> ModuleType:
    """The generator module under tests/fixtures/hostile (tests/ is not a package)."""
    name = "corroborate_hostile_nasties"
    if name in sys.modules:
        return sys.modules[name]
    path = Path(__file__).resolve().parent / "fixtures" / "hostile" / "nasties.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


N = _load_nasties()
CONTROL = "zz-control.txt"
DISPLAY_FIELDS = ("title", "dek", "body", "source", "authors", "tags")


@dataclass
class Run:
    """One ingest run: the report, the stored articles, and where the files were."""

    report: IngestReport
    articles: list[Article]
    folder: Path

    def outcomes_for(self, name: str) -> list[IngestOutcome]:
        return [o for o in self.outcomes if Path(o.input.split("#")[0]).name == name]

    @property
    def outcomes(self) -> list[IngestOutcome]:
        return self.report.outcomes

    def control_ingested(self) -> bool:
        return any(o.status == "ingested" for o in self.outcomes_for(CONTROL))


def _ingest(folder: Path, files: dict[str, bytes], limits: Limits | None = None) -> Run:
    """Write ``files`` plus a control file into ``folder`` and ingest them in that order."""
    folder.mkdir(parents=True, exist_ok=True)
    names = [*files, CONTROL]
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / CONTROL).write_bytes(N.good_text(f"control {folder.name}"))
    ctx = Context(limits=limits or Limits())
    with Archive(folder / "archive.db") as archive:
        report = ingest([str(folder / n) for n in names], archive, ctx)
        assert archive.integrity_check() == "ok"
        articles = list(archive.iter_articles())
    return Run(report, articles, folder)


def _display_text(article: Article) -> str:
    """Every field a person reads, joined."""
    return "\n".join(
        [
            article.title,
            article.dek or "",
            article.body,
            article.source or "",
            *article.authors,
            *article.tags,
        ]
    )


def _assert_clear_or_clean(run: Run, name: str) -> list[IngestOutcome]:
    """The input got outcomes; errors carry a reason; the control still ingested."""
    outcomes = run.outcomes_for(name)
    assert outcomes, f"{name} produced no outcome at all"
    for outcome in outcomes:
        assert outcome.status in {"ingested", "duplicate", "new-version", "link", "error"}
        if outcome.status == "error":
            assert outcome.reason and len(outcome.reason) > 5, outcome
    assert run.control_ingested(), [o.to_dict() for o in run.outcomes]
    return outcomes


def _isolated(code: str, timeout: float) -> subprocess.CompletedProcess[str] | None:
    """Run ``code`` in a fresh interpreter; None when it outlives ``timeout`` (a hang)."""
    try:
        return subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None


# --- compressed input -------------------------------------------------------------


def test_gzip_bomb_is_refused_and_others_ingest(tmp_path: Path) -> None:
    limits = Limits(max_decompressed_bytes=1 << 20)
    bomb = N.gzip_bomb(8 << 20)
    assert len(bomb) < 64 * 1024  # small on disk, 8 MB inflated
    run = _ingest(tmp_path / "in", {"bomb.txt.gz": bomb}, limits)
    [outcome] = _assert_clear_or_clean(run, "bomb.txt.gz")
    assert outcome.status == "error"
    assert "decompressed size" in (outcome.reason or "")
    assert len(run.articles) == 1


def test_gzip_bomb_on_stdin_is_refused() -> None:
    limits = Limits(max_decompressed_bytes=1 << 20)
    [item] = list(expand_sources(["-"], limits, stdin=io.BytesIO(N.gzip_bomb(4 << 20))))
    assert item.raw is None and item.error is not None
    assert "decompressed size" in item.error.reason


def test_small_gzip_file_is_read(tmp_path: Path) -> None:
    import gzip

    run = _ingest(tmp_path / "in", {"story.txt.gz": gzip.compress(N.good_text("gz"))})
    [outcome] = _assert_clear_or_clean(run, "story.txt.gz")
    assert outcome.status == "ingested" and "gz" in (outcome.title or "")


def test_truncated_gzip_is_an_error(tmp_path: Path) -> None:
    import gzip

    whole = gzip.compress(N.good_text("trunc") * 400)
    path = tmp_path / "cut.txt.gz"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(InputError, match=r"(?i)truncated|corrupt|incomplete"):
        read_limited_file(path, Limits())


def test_multi_member_gzip_reads_every_member(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "two.txt.gz"
    path.write_bytes(gzip.compress(b"First part.\n") + gzip.compress(b"Second part.\n"))
    assert read_limited_file(path, Limits()) == b"First part.\nSecond part.\n"


# --- XML entities -----------------------------------------------------------------


def test_billion_laughs_feed_is_refused_quickly(tmp_path: Path) -> None:
    start = time.perf_counter()
    run = _ingest(tmp_path / "in", {"laughs.xml": N.billion_laughs_feed(9)})
    elapsed = time.perf_counter() - start
    [outcome] = _assert_clear_or_clean(run, "laughs.xml")
    assert outcome.status == "error" and "entit" in (outcome.reason or "").lower()
    assert all("lollollol" not in _display_text(a) for a in run.articles)
    assert elapsed < Limits().reader_time_budget_s


@pytest.mark.parametrize("variant", sorted(N.xxe_feeds()))
def test_external_entities_never_disclose_files(tmp_path: Path, variant: str) -> None:
    """A feed (or page) pointing an entity at a local file: refused or not expanded."""
    secret = tmp_path / "secret.txt"
    marker = "SECRET-MARKER-4f1c9e"
    secret.write_text(f"{marker}\nroot:x:0:0:root:/root:/bin/sh\n")
    files = {
        f"{variant}-local.xml": N.xxe_feeds(secret.as_uri())[variant],
        f"{variant}-passwd.xml": N.xxe_feeds("file:///etc/passwd")[variant],
    }
    run = _ingest(tmp_path / "in", files)
    for name in files:
        _assert_clear_or_clean(run, name)
    leaked = [marker, *N.PASSWD_MARKERS]
    for article in run.articles:
        text = _display_text(article) + "\n" + (article.url or "")
        assert not any(m in text for m in leaked), (variant, article.title)
    with Archive(run.folder / "archive.db", readonly=True) as archive:
        links = " ".join(str(link["url"]) for link in archive.pending_links())
        dump = "\n".join(archive.conn.iterdump())
    assert not any(m in links or m in dump for m in leaked)


# --- sizes and shapes -------------------------------------------------------------


def test_deeply_nested_html_gets_a_clear_answer(tmp_path: Path) -> None:
    run = _ingest(tmp_path / "in", {"deep.html": N.nested_html(100_000)})
    [outcome] = _assert_clear_or_clean(run, "deep.html")
    if outcome.status == "error":
        assert "nested" in (outcome.reason or "")
    else:
        assert any("nested" in w for w in outcome.warnings)


def test_nested_html_within_parser_depth_is_read(tmp_path: Path) -> None:
    run = _ingest(tmp_path / "in", {"deepish.html": N.nested_html(200)})
    [outcome] = _assert_clear_or_clean(run, "deepish.html")
    assert outcome.status == "ingested"


@pytest.mark.slow
def test_ten_megabyte_single_line(tmp_path: Path) -> None:
    data = N.single_line_text(10_000_000)
    run = _ingest(tmp_path / "in", {"line.txt": data})
    [outcome] = _assert_clear_or_clean(run, "line.txt")
    assert outcome.status == "ingested"
    [article] = [a for a in run.articles if a.title == "Harbour works on one line"]
    assert len(article.body) >= 9_900_000


def test_single_line_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    run = _ingest(
        tmp_path / "in", {"line.txt": N.single_line_text(300_000)}, Limits(max_input_bytes=100_000)
    )
    [outcome] = _assert_clear_or_clean(run, "line.txt")
    assert outcome.status == "error" and "limit" in (outcome.reason or "")


def test_nul_bytes(tmp_path: Path) -> None:
    """NUL near the start: a binary file. NUL further in: never stored in display text."""
    files = {"nul-start.txt": b"\0" + N.good_text("nul start"), "nul-late.txt": N.nul_text(9000)}
    run = _ingest(tmp_path / "in", files)
    [early] = _assert_clear_or_clean(run, "nul-start.txt")
    assert early.status == "error" and "binary" in (early.reason or "")
    _assert_clear_or_clean(run, "nul-late.txt")
    for article in run.articles:
        assert "\0" not in _display_text(article)


def test_mixed_encodings_give_an_article_with_a_warning(tmp_path: Path) -> None:
    run = _ingest(tmp_path / "in", {"mixed.txt": N.mixed_encoding_text()})
    [outcome] = _assert_clear_or_clean(run, "mixed.txt")
    assert outcome.status == "ingested"
    assert any("UTF-8" in w for w in outcome.warnings), outcome.warnings


def test_mixed_encodings_keep_the_utf8_text(tmp_path: Path) -> None:
    run = _ingest(tmp_path / "in", {"mixed.txt": N.mixed_encoding_text()})
    [article] = [a for a in run.articles if a.input.endswith("mixed.txt")]
    assert article.title == "Café owners protest harbour plan"
    assert "Montréal" in article.body and "répondu" in article.body


def test_bidi_controls_never_reach_title_body_or_dek(tmp_path: Path) -> None:
    run = _ingest(tmp_path / "in", N.rtl_inputs())
    for name in N.rtl_inputs():
        _assert_clear_or_clean(run, name)
    assert len(run.articles) >= 4
    for article in run.articles:
        text = "\n".join([article.title, article.dek or "", article.body])
        assert not any(c in text for c in N.BIDI_CONTROLS), (article.input, text[:80])


def test_bidi_controls_never_reach_source_authors_or_tags(tmp_path: Path) -> None:
    run = _ingest(tmp_path / "in", N.rtl_inputs())
    for article in run.articles:
        text = "\n".join([article.source or "", *article.authors, *article.tags])
        assert not any(c in text for c in N.BIDI_CONTROLS), (article.input, text)


@pytest.mark.parametrize("name", sorted(N.invalid_date_inputs()))
def test_invalid_dates_are_dropped_with_a_warning(tmp_path: Path, name: str) -> None:
    run = _ingest(tmp_path / "in", {name: N.invalid_date_inputs()[name]})
    outcomes = _assert_clear_or_clean(run, name)
    stored = [o for o in outcomes if o.status == "ingested"]
    assert stored, outcomes
    for outcome in stored:
        assert any("2025-02-30" in w or "30 Feb 2025" in w for w in outcome.warnings), outcome
    for article in run.articles:
        if Path(article.input.split("#")[0]).name == name:
            assert article.published_at is None


@pytest.mark.parametrize("name", sorted(N.overflow_date_inputs()))
def test_overflowing_dates_do_not_abort_the_run(tmp_path: Path, name: str) -> None:
    run = _ingest(tmp_path / "in", {name: N.overflow_date_inputs()[name]})
    _assert_clear_or_clean(run, name)


@pytest.mark.parametrize("name", sorted(N.non_mapping_front_matter()))
def test_front_matter_that_is_not_a_mapping(tmp_path: Path, name: str) -> None:
    run = _ingest(tmp_path / "in", {name: N.non_mapping_front_matter()[name]})
    [outcome] = _assert_clear_or_clean(run, name)
    if name == "null.md":  # empty front matter is fine: the body gives the headline
        assert outcome.status == "ingested"
    elif name == "toml-array.md":  # a TOML table is a mapping; the body is then the title
        assert outcome.status == "error"
    else:
        assert outcome.status == "error" and "not a mapping" in (outcome.reason or "")


@pytest.mark.parametrize("shape", ["document", "jsonl-line"])
def test_json_nested_100k_deep(tmp_path: Path, shape: str) -> None:
    deep = N.deep_json(100_000)
    data = deep if shape == "document" else (N.good_jsonl_line("a") + "\n").encode() + deep
    run = _ingest(tmp_path / "in", {"deep.jsonl": data})
    outcomes = _assert_clear_or_clean(run, "deep.jsonl")
    assert any(o.status == "error" for o in outcomes)
    if shape == "jsonl-line":
        assert any(o.status == "ingested" for o in outcomes)


@pytest.mark.parametrize("kind", ["yaml", "toml"])
def test_front_matter_nested_deep(tmp_path: Path, kind: str) -> None:
    if kind == "yaml":
        data = b"---\ntitle: " + b"[" * N.DEEP_YAML + b"\n---\n\nBody text.\n"
    else:
        data = N.deep_toml_markdown(3_000)
    run = _ingest(tmp_path / "in", {"deep.md": data})
    [outcome] = _assert_clear_or_clean(run, "deep.md")
    assert outcome.status == "error"


def test_yaml_alias_bomb_in_front_matter(tmp_path: Path) -> None:
    data = N.alias_bomb_markdown(5)
    run = _ingest(tmp_path / "in", {"bomb.md": data})
    _assert_clear_or_clean(run, "bomb.md")
    for article in run.articles:
        assert len(article.title) <= 1000


def test_json_lines_one_good_one_bad(tmp_path: Path) -> None:
    data = (N.good_jsonl_line("one") + "\n" + '{"title": "broken", "text": \n').encode()
    run = _ingest(tmp_path / "in", {"mixed.jsonl": data})
    outcomes = _assert_clear_or_clean(run, "mixed.jsonl")
    assert sorted(o.status for o in outcomes) == ["error", "ingested"]
    [error] = [o for o in outcomes if o.status == "error"]
    assert "line 2" in (error.reason or "")


def test_json_lines_with_line_separator_inside_a_string(tmp_path: Path) -> None:
    line1 = '{"title": "First", "text": "One\u2028two. A line separator inside a string."}'
    data = (line1 + "\n" + N.good_jsonl_line("two") + "\n").encode()
    run = _ingest(tmp_path / "in", {"sep.jsonl": data})
    outcomes = _assert_clear_or_clean(run, "sep.jsonl")
    assert [o.status for o in outcomes] == ["ingested", "ingested"]


@pytest.mark.parametrize("field", ["source", "id", "author", "url"])
def test_lone_surrogate_in_json_does_not_abort_the_run(tmp_path: Path, field: str) -> None:
    run = _ingest(tmp_path / "in", {"surrogate.jsonl": N.surrogate_jsonl(field)})
    _assert_clear_or_clean(run, "surrogate.jsonl")


def test_misnested_feed_does_not_abort_the_run(tmp_path: Path) -> None:
    run = _ingest(tmp_path / "in", {"misnested.xml": b"<rss><channel><item><link>a</item></link>"})
    [outcome] = _assert_clear_or_clean(run, "misnested.xml")
    assert outcome.status == "error"


def test_html_with_only_a_script(tmp_path: Path) -> None:
    run = _ingest(tmp_path / "in", {"script.html": N.script_only_html()})
    [outcome] = _assert_clear_or_clean(run, "script.html")
    assert outcome.status == "error" and "no article text" in (outcome.reason or "")


@pytest.mark.parametrize(("name", "maker"), [("many.jsonl", "jsonl"), ("many.xml", "feed")])
def test_many_tiny_items_respect_the_item_limit(tmp_path: Path, name: str, maker: str) -> None:
    limit = 40
    data = N.jsonl_many_items(limit + 25) if maker == "jsonl" else N.feed_with_items(limit + 25)
    with Archive(tmp_path / "a.db") as archive:
        (tmp_path / name).write_bytes(data)
        report = ingest(
            [str(tmp_path / name)], archive, Context(limits=Limits(max_items_per_input=limit))
        )
        items = [o for o in report.outcomes if o.status in {"ingested", "link"}]
        assert len(items) == limit
        told = [o.reason for o in report.errors] + [w for o in report.outcomes for w in o.warnings]
        if maker == "feed":
            # the feed reader reports the cut as a warning on the input's articles or links
            with Archive(tmp_path / "a.db", readonly=True) as readonly:
                assert len(readonly.pending_links()) == limit
        else:
            assert any(str(limit) in (t or "") for t in told), told


def test_feed_item_limit_is_reported(tmp_path: Path) -> None:
    limit = 40
    (tmp_path / "many.xml").write_bytes(N.feed_with_items(limit + 25))
    with Archive(tmp_path / "a.db") as archive:
        report = ingest(
            [str(tmp_path / "many.xml")], archive, Context(limits=Limits(max_items_per_input=limit))
        )
    told = [o.reason or "" for o in report.outcomes] + [
        w for o in report.outcomes for w in o.warnings
    ]
    assert any(str(limit) in t and "65" in t for t in told), told


# --- budgets: inputs that used to hang a reader ---------------------------------------


def _work_cpu_seconds(result: subprocess.CompletedProcess[str] | None, what: str) -> float:
    """CPU seconds the child spent on the work itself (it prints ``cpu=...`` last).

    CPU time, not wall time: a loaded CI machine stretches wall time several
    fold, while a quadratic regex or loop shows as tens of CPU seconds anywhere.
    """
    assert result is not None, f"{what} did not finish within the hang guard"
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("cpu="), result.stdout
    return float(last.removeprefix("cpu="))


def test_markdown_regexes_finish_within_budget(tmp_path: Path) -> None:
    files = N.quadratic_markdown(60_000)
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    code = f"""
        import time
        from pathlib import Path
        from corroborate.config import Context, Limits
        from corroborate.pipeline import IngestOptions, prepare
        from corroborate.readers import RawInput, default_registry
        # In process (no reader worker), so that this process's CPU time is the reading's.
        ctx = Context(limits=Limits(reader_time_budget_s=None))
        registry, options = default_registry(), IngestOptions()
        prepare(RawInput("warm.md", b"# Title\\n\\nA first paragraph of text."), ctx, registry, options)
        started = time.process_time()
        for path in sorted(Path({str(tmp_path)!r}).glob("*.md")):
            prepare(RawInput(path.name, path.read_bytes()), ctx, registry, options)
        print(f"cpu={{time.process_time() - started:.3f}}")
    """
    cpu = _work_cpu_seconds(_isolated(code, timeout=120.0), "markdown reading")
    assert cpu < 6.0, f"markdown reading took {cpu:.1f} s of CPU (quadratic?)"


def test_split_sentences_finishes_within_budget() -> None:
    code = """
        import time
        from corroborate.text import split_sentences
        started = time.process_time()
        spans = split_sentences("Mr. Xy " * 20000)
        assert len(spans) > 0
        print(f"cpu={time.process_time() - started:.3f}")
    """
    cpu = _work_cpu_seconds(_isolated(code, timeout=120.0), "split_sentences")
    assert cpu < 4.0, f"split_sentences took {cpu:.1f} s of CPU (quadratic?)"


def test_article_with_more_paragraphs_than_sql_variables(tmp_path: Path) -> None:
    """SQLite builds differ (999 before 3.32, 32766 by default since, 250000 on Debian);
    we lower the limit on the connection to stand for the smaller builds."""
    import json
    import sqlite3

    text = "\n\n".join(f"Paragraph {n}." for n in range(1_200))
    (tmp_path / "long.jsonl").write_text(
        json.dumps({"title": "Long one", "source": "Wire", "text": text}) + "\n"
    )
    (tmp_path / CONTROL).write_bytes(N.good_text("control"))
    with Archive(tmp_path / "a.db") as archive:
        archive.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
        report = ingest([str(tmp_path / "long.jsonl"), str(tmp_path / CONTROL)], archive, Context())
        assert archive.count() == 2, report.to_dict()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")
def test_named_pipe_in_a_directory_does_not_hang(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(N.good_text("fifo"))
    os.mkfifo(folder / "pipe.txt")
    code = f"""
        from corroborate.archive import Archive
        from corroborate.config import Context
        from corroborate.pipeline import ingest
        with Archive({str(tmp_path / "a.db")!r}) as archive:
            report = ingest([{str(folder)!r}], archive, Context())
        print(sorted(o.status for o in report.outcomes))
    """
    # A hang is forever; 30 s only keeps a loaded 2-core CI machine (interpreter start,
    # imports, the reader worker) from reporting one.
    result = _isolated(code, timeout=30.0)
    assert result is not None, "ingest blocked on the named pipe"
    assert "ingested" in result.stdout, result.stderr
