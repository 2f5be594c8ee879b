"""The pure parts of corroborate.spark (no Spark needed): they must match the single machine."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborate.archive import Archive
from corroborate.config import Context, Limits
from corroborate.errors import InputError, UsageError
from corroborate.model import Article, Removal
from corroborate.pipeline import IngestOptions, prepare
from corroborate.readers import default_registry
from corroborate.readers.base import RawInput
from corroborate.sources import expand_sources
from corroborate.spark.records import (
    ArchiveReplay,
    local_name,
    prepare_file,
    prepare_object,
    raw_input_from_bytes,
    raw_lines,
    remove_template_lines,
    walk_key,
)


def test_replay_decides_like_the_archive(tmp_path: Path) -> None:
    rng = random.Random(7)
    replay = ArchiveReplay()
    with Archive(tmp_path / "a.db") as archive:
        for step in range(400):
            caller = rng.choice(["", "", "a", "b", "c"])
            url = rng.choice([None, None, "https://x/1", "https://x/2"])
            text = f"text {rng.randrange(60)}"
            article = Article(title="T", paragraphs=[text], id=caller, url=url)
            expected = archive.add(article)
            got = replay.add(article.content_hash, caller, url)
            assert (got.status, got.article_id, got.version) == (
                expected.status,
                expected.article_id,
                expected.version,
            ), step


def test_walk_key_orders_files_like_ingest(tmp_path: Path) -> None:
    for name in ("b.txt", "a/z.txt", "a/b/c.txt", "a/a.txt", "c.txt", "aa/x.txt", "a/c/d.txt"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    expected = [item.name for item in expand_sources([str(tmp_path)], Limits())]
    found = sorted(
        (str(p) for p in tmp_path.rglob("*") if p.is_file()),
        key=lambda p: walk_key(str(tmp_path), p),
    )
    assert found == expected


def test_local_name() -> None:
    assert local_name("file:/tmp/x.jsonl") == "/tmp/x.jsonl"
    assert local_name("file:///tmp/x.jsonl") == "/tmp/x.jsonl"
    assert local_name("hdfs://nn/x.jsonl") == "hdfs://nn/x.jsonl"


def test_raw_input_applies_limits_and_gzip() -> None:
    limits = Limits(max_input_bytes=100, max_decompressed_bytes=1000)
    assert raw_input_from_bytes("f.gz", gzip.compress(b"hello"), limits).data == b"hello"
    with pytest.raises(InputError, match="over the 100-byte limit"):
        raw_input_from_bytes("big", b"x" * 101, limits)
    with pytest.raises(InputError, match="gzip bomb"):
        raw_input_from_bytes("bomb.gz", gzip.compress(b"x" * 5000), limits)
    with pytest.raises(InputError, match="corrupt gzip"):
        raw_input_from_bytes("bad.gz", b"\x1f\x8bnot gzip", limits)


def test_prepare_file_and_object_match_prepare() -> None:
    ctx = Context()
    record = {"id": "n1", "title": "Harbour vote", "text": "The council voted.\n\nIt passed 7-2."}
    data = json.dumps(record).encode()
    expected = prepare(RawInput("f.json", data), ctx, default_registry(), IngestOptions())
    got = prepare_file("f.json", data, ctx, default_registry(), IngestOptions())
    assert [a.to_dict() for a in got.articles] == [a.to_dict() for a in expected.articles]
    one = prepare_object(record, "f.json#1", ctx, IngestOptions())
    assert [a.to_dict() for a in one.articles] == [a.to_dict() for a in expected.articles]
    bad = prepare_object({"title": "no text"}, "f.json#2", ctx, IngestOptions())
    assert not bad.articles and "text" in bad.errors[0].reason


def test_template_removal_and_its_inverse() -> None:
    article = Article(
        title="T",
        paragraphs=["one", "footer", "two", "footer"],
        source="Ledger",
        removed=[Removal("Photo: x", "photo-caption", "caption", 0)],
    )
    cleaned = remove_template_lines(article, {1, 3}, 3)
    assert cleaned.paragraphs == ["one", "two"]
    assert [r.rule for r in cleaned.removed] == ["photo-caption", "template-line", "template-line"]
    assert raw_lines(cleaned) == article.paragraphs
    assert remove_template_lines(article, {0, 1, 2, 3}, 3) is article  # never everything
    assert remove_template_lines(Article(title="T", paragraphs=["a", "b"]), {0}, 3).paragraphs == [
        "a",
        "b",
    ]  # no outlet: nothing learnt


def test_spark_options_are_checked() -> None:
    from corroborate.spark import SparkStoryOptions

    with pytest.raises(UsageError, match="unknown story mode"):
        SparkStoryOptions(mode="fast")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="at least the story window"):
        SparkStoryOptions(window_span_days=2.0)


def test_main_parser_and_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    from corroborate.spark.__main__ import build_parser, main

    args = build_parser().parse_args(["run", "in/", "--out", "o", "--mode", "windowed"])
    assert (args.command, args.inputs, args.mode) == ("run", ["in/"], "windowed")
    assert main(["stories", "--out", "o", "--conf", "novalue"]) == 2
    assert "expected KEY=VALUE" in capsys.readouterr().err


def test_cli_group_lists_the_commands() -> None:
    from corroborate.cli.spark_cmd import COMMANDS, spark_group

    assert [spark_group] == COMMANDS
    result = CliRunner().invoke(spark_group, ["--help"])
    assert result.exit_code == 0
    for name in ("run", "ingest", "neardup", "stories", "provenance", "load"):
        assert name in result.output


def test_load_of_a_missing_output_names_it(tmp_path: Path) -> None:
    from corroborate.errors import NotFoundError
    from corroborate.spark import read_output

    with pytest.raises(NotFoundError, match="no stories output"):
        read_output(tmp_path, "stories")
