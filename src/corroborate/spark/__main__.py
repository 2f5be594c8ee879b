"""``python -m corroborate.spark`` / ``spark-submit .../corroborate/spark/__main__.py``.

    python -m corroborate.spark run corpus/ --out out/ --master 'local[*]'
    python -m corroborate.spark ingest corpus/ --out out/
    python -m corroborate.spark neardup --out out/
    python -m corroborate.spark stories --out out/ [--mode windowed]
    python -m corroborate.spark provenance --out out/
    python -m corroborate.spark load out/ --db news.db

Under ``spark-submit`` leave ``--master`` out: spark-submit's own ``--master``
applies. Prints a JSON summary; exit code 1 on an error, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

from corroborate.errors import CorroborateError, UsageError
from corroborate.spark.commands import (
    RunOptions,
    run_all,
    run_ingest,
    run_load,
    run_neardup,
    run_provenance,
    run_stories,
)
from corroborate.spark.session import SparkSettings
from corroborate.stories import IndexOptions

__all__ = ["build_parser", "main"]


def _common(parser: argparse.ArgumentParser, needs_out_option: bool = True) -> None:
    if needs_out_option:
        parser.add_argument("--out", required=True, help="output folder (local path or URI)")
    parser.add_argument("--master", help="Spark master URL (default: spark-submit's)")
    parser.add_argument(
        "--conf", action="append", default=[], metavar="KEY=VALUE", help="Spark setting"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m corroborate.spark", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("run", "ingest"):
        p = sub.add_parser(name, help="read and clean inputs" if name == "ingest" else "all jobs")
        p.add_argument("inputs", nargs="+", help="files, folders or URIs (hdfs://, s3a://...)")
        p.add_argument("--parquet", action="store_true", help="inputs are Parquet tables")
        p.add_argument("--reader", help="force one reader (default: sniff each file)")
        p.add_argument("--partitions", type=int, help="partitions for cleaning")
        _common(p)
        if name == "run":
            _story_options(p)
            _provenance_options(p)
    _common(sub.add_parser("neardup", help="near-duplicate pairs"))
    p = sub.add_parser("stories", help="assign stories")
    _story_options(p)
    _common(p)
    p = sub.add_parser("provenance", help="reuse links within each story")
    _provenance_options(p)
    _common(p)
    p = sub.add_parser("load", help="load outputs into an archive (no Spark needed)")
    p.add_argument("out", help="output folder written by the jobs")
    p.add_argument("--db", required=True, help="archive file")
    p.add_argument("--no-stories", action="store_true", help="load articles only")
    return parser


def _story_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mode", choices=("exact", "windowed"), default="exact")
    parser.add_argument("--window-span-days", type=float, default=30.0)
    parser.add_argument("--story-window-days", type=float, default=IndexOptions().window_days)


def _provenance_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-story-size", type=int, help="skip stories with more articles (all pairs aligned)"
    )


def _options(args: argparse.Namespace) -> RunOptions:
    conf: dict[str, str] = {}
    for item in args.conf:
        key, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--conf {item!r}: expected KEY=VALUE")
        conf[key] = value
    options = RunOptions(settings=SparkSettings(master=args.master, conf=conf))
    if hasattr(args, "parquet"):
        options = replace(
            options,
            ingest=replace(
                options.ingest,
                parquet=args.parquet,
                reader=args.reader,
                partitions=args.partitions,
            ),
        )
    if hasattr(args, "mode"):
        index = replace(options.stories.index, window_days=args.story_window_days)
        stories = replace(
            options.stories, mode=args.mode, window_span_days=args.window_span_days, index=index
        )
        options = replace(options, stories=stories)
    if getattr(args, "max_story_size", None) is not None:
        provenance = replace(options.provenance, max_story_size=args.max_story_size)
        options = replace(options, provenance=provenance)
    return options


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "load":
            result = run_load(args.out, args.db, stories=not args.no_stories)
        else:
            options = _options(args)
            if args.command == "run":
                result = run_all(args.inputs, args.out, options)
            elif args.command == "ingest":
                result = run_ingest(args.inputs, args.out, options)
            elif args.command == "neardup":
                result = run_neardup(args.out, options)
            elif args.command == "stories":
                result = run_stories(args.out, options)
            else:
                result = run_provenance(args.out, options)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except CorroborateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
