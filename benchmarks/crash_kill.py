"""SIGKILL an ingest many times at random points and report the kills the archive survived.

Runs ``tests/fixtures/hostile/crashkit.py`` (the same checks as
``tests/test_crash_safety.py``) with more kills: after every kill the archive
must open read-only and read-write, pass ``PRAGMA integrity_check`` and the FTS5
integrity check, hold every article whose outcome line was printed, and hold no
half-written article; finally the ingest is finished and every article must be
there exactly once.

    python benchmarks/crash_kill.py                      # 2,000 articles, 100 kills
    python benchmarks/crash_kill.py --kills 300 --cli    # through `corroborate ingest`
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import signal
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def load_crashkit():  # type: ignore[no-untyped-def]
    path = REPO / "tests" / "fixtures" / "hostile" / "crashkit.py"
    spec = importlib.util.spec_from_file_location("corroborate_hostile_crashkit", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--cli", action="store_true", help="run the real CLI (with its story step)")
    args = parser.parse_args()
    if not hasattr(signal, "SIGKILL"):
        print("needs POSIX SIGKILL")
        return 0
    crashkit = load_crashkit()
    config = crashkit.CrashConfig(
        articles=args.articles, kills=args.kills, seed=args.seed, use_cli=args.cli
    )
    with tempfile.TemporaryDirectory(prefix="corroborate-crash-") as tmp:
        result = crashkit.run_crash_rounds(Path(tmp), config)
    survived = result.kills if not result.problems else "n/a (problems found)"
    print(
        json.dumps(
            {
                "articles": config.articles,
                "rounds": len(result.printed_per_round),
                "kills": result.kills,
                "kills_survived": survived,
                "runs_that_finished_before_the_kill": result.finished_early,
                "outcome_lines_before_each_kill": result.printed_per_round,
                "final_articles": result.final_count,
                "problems": result.problems[:50],
                "seconds": round(result.seconds, 1),
                "driver": "cli" if args.cli else "library",
            },
            indent=2,
        )
    )
    return 1 if result.problems else 0


if __name__ == "__main__":
    sys.exit(main())
