"""Coverage-guided fuzzing of every reader and ``prepare()`` (issue 9), plus worst-case times.

Two parts, both printed as figures:

1. **Fuzzing** with atheris (libFuzzer) for ``--seconds``: each input picks a
   reader (or the registry's choice via ``prepare``) from its first byte. An
   ``InputError`` is the expected answer to bad input; any other exception is a
   crash: it is counted by signature, its input saved under ``--out``, and the
   run goes on. Inputs slower than ``--slow`` seconds are saved too. The seed
   corpus is ``tests/fixtures/hostile/nasties.py``. Without atheris
   (``pip install atheris``), ``--engine hypothesis`` runs the Hypothesis
   properties of ``tests/test_fuzz_readers.py`` with many more examples instead.
2. **Worst cases**: every reader forced onto large hostile inputs (10 MB line,
   100k nested divs, 20k-entry feed, ...), median of ``--repeat`` runs each, so
   the time budget per reader can be stated.

    python benchmarks/fuzz_readers.py                  # 300 s of fuzzing + worst cases
    python benchmarks/fuzz_readers.py --seconds 3600 --skip-worst
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SUFFIXES = (".txt", ".md", ".json", ".jsonl", ".html", ".xml", "")


def load_nasties() -> ModuleType:
    path = REPO / "tests" / "fixtures" / "hostile" / "nasties.py"
    spec = importlib.util.spec_from_file_location("corroborate_hostile_nasties", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# --- the fuzz target (runs in the child process) ------------------------------------


class Target:
    """One fuzz input: choose a reader from the first byte, read, classify the outcome."""

    def __init__(self, out: Path, slow_s: float) -> None:
        from corroborate.config import Context, Limits
        from corroborate.pipeline import IngestOptions
        from corroborate.readers import default_registry

        self.registry = default_registry()
        self.readers = self.registry.names()
        # Readers in-process (no time-budget worker) so atheris sees their coverage;
        # libFuzzer's -timeout is the hang detector here.
        self.ctx = Context(limits=Limits(max_items_per_input=200, reader_time_budget_s=0))
        self.options = IngestOptions()
        self.out, self.slow_s = out, slow_s
        self.stats: dict[str, Any] = {"inputs": 0, "crashes": {}, "slowest": {}}
        self.last_dump = 0.0

    def __call__(self, data: bytes) -> None:
        from corroborate.errors import InputError
        from corroborate.pipeline import prepare
        from corroborate.readers import RawInput

        if not data:
            return
        choice = data[0] % (len(self.readers) + 1)
        name = f"fuzz{SUFFIXES[data[1] % len(SUFFIXES)] if len(data) > 1 else ''}"
        raw = RawInput(name, data[2:])
        label = "prepare" if choice == len(self.readers) else self.readers[choice]
        start = time.perf_counter()
        try:
            if label == "prepare":
                prepare(raw, self.ctx, self.registry, self.options)
            else:
                self.registry.get(label).read(raw, self.ctx)
        except InputError:
            pass
        except Exception as exc:  # a crash: recorded and saved, the run goes on
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            signature = (
                f"{label}: {type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}"
            )
            seen = self.stats["crashes"].setdefault(signature, 0)
            self.stats["crashes"][signature] = seen + 1
            if not seen:
                (self.out / f"crash-{len(self.stats['crashes']):03d}.bin").write_bytes(data)
        elapsed = time.perf_counter() - start
        self.stats["inputs"] += 1
        best = self.stats["slowest"].get(label, [0.0, 0])
        if elapsed > best[0]:
            self.stats["slowest"][label] = [elapsed, len(data)]
            if elapsed > self.slow_s:
                (self.out / f"slow-{label}-{elapsed:.1f}s.bin").write_bytes(data)
        if time.monotonic() - self.last_dump > 2.0:
            self.dump()

    def dump(self) -> None:
        self.last_dump = time.monotonic()
        (self.out / "stats.json").write_text(json.dumps(self.stats, indent=1))


def run_child(args: argparse.Namespace) -> None:
    """The atheris process: instrument corroborate and the pure-Python parsers, fuzz."""
    import atheris

    with atheris.instrument_imports(include=["corroborate", "yaml", "frontmatter", "feedparser"]):
        target = Target(Path(args.out), args.slow)
    atheris.Setup(
        [
            sys.argv[0],
            str(Path(args.out) / "corpus"),
            f"-max_total_time={args.seconds}",
            f"-timeout={args.timeout}",
            "-max_len=16384",
            "-rss_limit_mb=4096",
            "-print_final_stats=1",
        ],
        target,
    )
    import atexit

    atexit.register(target.dump)
    try:
        atheris.Fuzz()
    finally:
        target.dump()


def seed_corpus(folder: Path) -> int:
    """Write the hostile seeds, each prefixed with every reader choice byte."""
    nasties = load_nasties()
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for name, data in nasties.seed_corpus().items():
        suffix = Path(name).suffix
        index = SUFFIXES.index(suffix) if suffix in SUFFIXES else len(SUFFIXES) - 1
        for choice in range(6):
            (folder / f"{name}-{choice}").write_bytes(bytes([choice, index]) + data[:16000])
            count += 1
    return count


def fuzz_atheris(args: argparse.Namespace) -> dict[str, Any]:
    out = Path(args.out)
    seeds = seed_corpus(out / "corpus")
    start = time.perf_counter()
    child = subprocess.run(
        [sys.executable, __file__, "--child", "--out", str(out), "--seconds", str(args.seconds),
         "--timeout", str(args.timeout), "--slow", str(args.slow)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    stats = json.loads((out / "stats.json").read_text()) if (out / "stats.json").exists() else {}
    final = [line for line in child.stderr.splitlines() if line.startswith("stat::")]
    executed = [int(line.split(":")[-1]) for line in final if "number_of_executed_units" in line]
    hang = "ALARM" in child.stderr or "timeout" in child.stderr.lower().split("stat::")[0]
    return {
        "engine": "atheris",
        "seconds": round(time.perf_counter() - start, 1),
        "seed_inputs": seeds,
        "inputs_tried": executed[0] if executed else stats.get("inputs", 0),
        "crash_signatures": stats.get("crashes", {}),
        "slowest_per_reader_s": {
            k: {"seconds": round(v[0], 3), "bytes": v[1]}
            for k, v in sorted(stats.get("slowest", {}).items())
        },
        "libfuzzer": final,
        "exit_code": child.returncode,
        "hang_or_fuzzer_abort": hang and child.returncode != 0,
        "stderr_tail": child.stderr.splitlines()[-8:] if child.returncode else [],
    }


def fuzz_hypothesis(args: argparse.Namespace) -> dict[str, Any]:
    examples = max(200, int(args.seconds * 20))
    env = {**os.environ, "CORROBORATE_FUZZ_EXAMPLES": str(examples)}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(REPO / "tests" / "test_fuzz_readers.py"), "-q",
         "-p", "no:cacheprovider", "-W", "error"],
        capture_output=True, text=True, env=env, check=False, cwd=REPO,
    )  # fmt: skip
    return {
        "engine": "hypothesis",
        "examples_per_property": examples,
        "seconds": round(time.perf_counter() - start, 1),
        "summary": result.stdout.strip().splitlines()[-1:],
        "exit_code": result.returncode,
    }


# --- worst cases -----------------------------------------------------------------------


def worst_cases(repeat: int) -> list[dict[str, Any]]:
    """Median time of every reader forced onto each large hostile input."""
    from corroborate.config import Context
    from corroborate.errors import InputError
    from corroborate.readers import RawInput, default_registry

    nasties = load_nasties()
    big_line = nasties.single_line_text(10_000_000)
    inputs = {
        "10 MB single line": big_line,
        "10 MB line as JSON text": b'{"title": "t", "text": "'
        + big_line.replace(b"\n", b" ")
        + b'"}',
        "10 MB line in a feed item": b"<rss version='2.0'><channel><title>F</title><item><title>t"
        b"</title><description>" + big_line.replace(b"\n", b" ") + b"</description></item>"
        b"</channel></rss>",
        "100k nested divs": nasties.nested_html(100_000),
        "20k-entry feed": nasties.feed_with_items(20_000),
        "20k JSON Lines items": nasties.jsonl_many_items(20_000),
        "billion laughs": nasties.billion_laughs_feed(9),
        "mixed encodings x5000": nasties.mixed_encoding_text() * 5000,
        "markdown '{{' x 10k (quadratic)": nasties.quadratic_markdown(20_000)["liquid.md"],
        "markdown '<a' x 10k (quadratic)": nasties.quadratic_markdown(20_000)["tag.md"],
    }
    registry = default_registry()
    rows = []
    for label, data in inputs.items():
        for reader_name in registry.names():
            reader = registry.get(reader_name)
            times, outcome = [], ""
            for _ in range(1 if "quadratic" in label else repeat):
                start = time.perf_counter()
                try:
                    output = reader.read(RawInput("worst", data), Context())
                    outcome = f"{len(output.articles)} articles, {len(output.links)} links"
                except InputError as exc:
                    outcome = f"InputError: {exc.reason[:60]}"
                except Exception as exc:  # reported in the table
                    outcome = f"CRASH {type(exc).__name__}: {str(exc)[:60]}"
                times.append(time.perf_counter() - start)
            rows.append(
                {"input": label, "bytes": len(data), "reader": reader_name,
                 "median_s": round(statistics.median(times), 3), "outcome": outcome}
            )  # fmt: skip
            print(f"  {label:34s} {reader_name:9s} {statistics.median(times):8.3f} s  {outcome}",
                  flush=True)  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=300, help="fuzzing time")
    parser.add_argument("--engine", choices=("auto", "atheris", "hypothesis"), default="auto")
    parser.add_argument("--timeout", type=int, default=30, help="per-input hang limit (s)")
    parser.add_argument("--slow", type=float, default=2.0, help="save inputs slower than this")
    parser.add_argument("--repeat", type=int, default=3, help="runs per worst case (median)")
    parser.add_argument("--skip-worst", action="store_true")
    parser.add_argument("--skip-fuzz", action="store_true")
    parser.add_argument("--out", default=None, help="folder for corpus, crashes, slow inputs")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args)
        return
    args.out = args.out or tempfile.mkdtemp(prefix="corroborate-fuzz-")
    report: dict[str, Any] = {"out": args.out}
    if not args.skip_fuzz:
        engine = args.engine
        if engine == "auto":
            engine = "atheris" if importlib.util.find_spec("atheris") else "hypothesis"
        print(f"== fuzzing with {engine} for {args.seconds} s (files in {args.out})", flush=True)
        report["fuzz"] = fuzz_atheris(args) if engine == "atheris" else fuzz_hypothesis(args)
        print(json.dumps(report["fuzz"], indent=2))
    if not args.skip_worst:
        print(f"== worst cases (median of {args.repeat})", flush=True)
        rows = worst_cases(args.repeat)
        slowest: dict[str, dict[str, Any]] = {}
        for row in rows:
            if row["median_s"] > slowest.get(row["reader"], {"median_s": -1})["median_s"]:
                slowest[row["reader"]] = row
        report["worst_per_reader"] = slowest
        print(json.dumps(slowest, indent=2))


if __name__ == "__main__":
    main()
