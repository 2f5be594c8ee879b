"""corroborate works with no network at all: the demo runs in a network namespace with none."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.slow
def test_demo_runs_with_the_network_unplugged() -> None:
    if not _unshare_works():
        pytest.skip("needs `unshare -rn` (util-linux, user namespaces) to run without a network")
    code = "from corroborate.cli import main; main()"
    result = subprocess.run(
        ["unshare", "-rn", sys.executable, "-c", code, "demo", "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert len(report["articles"]) >= 6
    assert any(len(s["articles"]) >= 5 for s in report["stories"])


def test_loading_wordllama_leaves_the_root_logger_alone() -> None:
    """wordllama configures INFO logging on import; loading it through us must not.

    Runs in a fresh interpreter: in this one wordllama may be imported already.
    """
    import subprocess
    import sys

    code = (
        "import logging; from corroborate.nlp import load_wordllama; root = logging.getLogger(); "
        "before = (list(root.handlers), root.level); load_wordllama(); "
        "assert (list(root.handlers), root.level) == before, (root.handlers, root.level)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
