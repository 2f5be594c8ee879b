"""Coverage-guided fuzzing of the quote and quantity extractors (issue 9), printed as figures.

Each fuzz input is decoded as UTF-8 (bad bytes replaced), split into paragraphs
at blank lines and run through ``extract_facts`` (spaCy, quantities, quotes,
entities, dates, claims), ``find_quote_spans`` on every paragraph and
``parse_number`` at every whitespace token. Anything but a corroborate error, or
a broken invariant (an evidence span outside the body or not equal to its
slice, a value that is not finite), is a failure: counted by signature, its
input saved under ``--out``, and the run goes on. The seed corpus mixes the
nasty quote and number forms of ``tests/test_facts_fuzz.py``.

    python benchmarks/fuzz_extractors.py --seconds 600
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

SEEDS = [
    "Carney said \u201cwe will \u2018win\u2019 172 seats\u201d, up from 169.",
    "\u00ab\u00ab nested \u00bb and \u201eunbalanced 1.234,5 \u20ac4.2m",
    '"It runs on\n\n"and on,\u201d he said of the 45% rise to $3.5bn.',
    "\x00\u202e 45 \u202d%\x00 of \u00a312bn \u201c\x00\u201d",
    "Two dozen people, three-quarters of voters, 2 1/2 times, 12\u00bd per cent.",
    "between 10 and 20 million; 4-5 million; 10\u201320; 1e308; 10^400; -5; \u22125",
    "(85 million euros ($108 million)) and 58km (36 miles), nearly 1,000 people",
    "\u300cquote\u300d \u300equote\u300f \u2039single\u203a \uff02full\uff02 ``tex''",
]
FOLD = re.compile(r"[\s\"'\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b\u00ab\u00bb]+")


class Target:
    """One fuzz input through the extractors, with the invariants checked."""

    def __init__(self, out: Path, slow_s: float) -> None:
        from corroborate.config import Context

        self.ctx = Context()
        self.ctx.nlp.spacy()
        self.out, self.slow_s = out, slow_s
        self.stats: dict[str, Any] = {"inputs": 0, "crashes": {}, "slowest": [0.0, 0]}
        self.last_dump = 0.0

    def run(self, text: str) -> None:
        from corroborate.errors import CorroborateError
        from corroborate.facts import extract_facts
        from corroborate.facts.numbers import parse_number
        from corroborate.facts.quotes import find_quote_spans
        from corroborate.model import Article

        paragraphs = [p for p in text.split("\n\n") if p.strip()] or [text]
        for paragraph in paragraphs:
            for span in find_quote_spans(paragraph):
                assert 0 <= span.start <= span.end <= len(paragraph), "quote span outside"
        tokens = text.lower().split()
        for i in range(len(tokens)):
            parsed = parse_number(tokens, i)
            if parsed is not None:
                assert math.isfinite(parsed.value), "parse_number: value not finite"
        article = Article(title="Fuzz", paragraphs=paragraphs, id="fuzz")
        try:
            facts = extract_facts(article, self.ctx)
        except CorroborateError:
            return
        body = article.body
        for q in facts.quantities:
            assert math.isfinite(q.value), "quantity value not finite"
            self.check(q.evidence, body, exact=True)
        for quote in facts.quotes:
            self.check(quote.evidence, body, exact=False)
        for item in [*facts.entities, *facts.dates, *facts.claims]:
            self.check(item.evidence, body, exact=True)

    @staticmethod
    def check(evidence: Any, body: str, exact: bool) -> None:
        assert 0 <= evidence.start <= evidence.end <= len(body), "evidence outside the body"
        span = body[evidence.start : evidence.end]
        if exact:
            assert span == evidence.text, "evidence text is not its slice"
        else:
            assert FOLD.sub("", span) == FOLD.sub("", evidence.text), "quote text is not its slice"

    def __call__(self, data: bytes) -> None:
        text = data.decode("utf-8", "replace")
        start = time.perf_counter()
        try:
            self.run(text)
        except Exception as exc:  # a crash or a broken invariant: recorded, the run goes on
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            signature = f"{type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}"
            if isinstance(exc, AssertionError):
                signature += f" ({exc})"
            seen = self.stats["crashes"].setdefault(signature, 0)
            self.stats["crashes"][signature] = seen + 1
            if not seen:
                (self.out / f"crash-{len(self.stats['crashes']):03d}.bin").write_bytes(data)
        elapsed = time.perf_counter() - start
        self.stats["inputs"] += 1
        if elapsed > self.stats["slowest"][0]:
            self.stats["slowest"] = [elapsed, len(data)]
            if elapsed > self.slow_s:
                (self.out / f"slow-{elapsed:.1f}s.bin").write_bytes(data)
        if time.monotonic() - self.last_dump > 2.0:
            self.dump()

    def dump(self) -> None:
        self.last_dump = time.monotonic()
        (self.out / "stats.json").write_text(json.dumps(self.stats, indent=1))


def run_child(args: argparse.Namespace) -> None:
    """The atheris process: instrument corroborate.facts and corroborate.text, fuzz."""
    import atheris

    with atheris.instrument_imports(include=["corroborate.facts", "corroborate.text"]):
        target = Target(Path(args.out), args.slow)
    atheris.Setup(
        [
            sys.argv[0],
            str(Path(args.out) / "corpus"),
            f"-max_total_time={args.seconds}",
            f"-timeout={args.timeout}",
            "-max_len=8192",
            "-rss_limit_mb=4096",
            "-print_final_stats=1",
        ],
        target,
    )
    try:
        atheris.Fuzz()
    finally:
        target.dump()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=300, help="fuzzing time")
    parser.add_argument("--timeout", type=int, default=30, help="per-input hang limit (s)")
    parser.add_argument("--slow", type=float, default=2.0, help="save inputs slower than this")
    parser.add_argument("--out", default=None, help="folder for corpus, crashes, slow inputs")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args)
        return
    out = Path(args.out or tempfile.mkdtemp(prefix="corroborate-fuzz-facts-"))
    (out / "corpus").mkdir(parents=True, exist_ok=True)
    for n, seed in enumerate(SEEDS):
        (out / "corpus" / f"seed-{n:02d}").write_bytes(seed.encode())
    print(f"== fuzzing the extractors with atheris for {args.seconds} s (files in {out})")
    start = time.perf_counter()
    child = subprocess.run(
        [sys.executable, __file__, "--child", "--out", str(out), "--seconds", str(args.seconds),
         "--timeout", str(args.timeout), "--slow", str(args.slow)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    stats = json.loads((out / "stats.json").read_text()) if (out / "stats.json").exists() else {}
    final = [line for line in child.stderr.splitlines() if line.startswith("stat::")]
    executed = [int(line.split(":")[-1]) for line in final if "number_of_executed_units" in line]
    report = {
        "engine": "atheris",
        "seconds": round(time.perf_counter() - start, 1),
        "seed_inputs": len(SEEDS),
        "inputs_tried": executed[0] if executed else stats.get("inputs", 0),
        "crash_signatures": stats.get("crashes", {}),
        "slowest_input": dict(zip(("seconds", "bytes"), stats.get("slowest", [0, 0]), strict=True)),
        "libfuzzer": final,
        "exit_code": child.returncode,
        "stderr_tail": child.stderr.splitlines()[-8:] if child.returncode else [],
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
