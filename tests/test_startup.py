"""The command line starts quickly: slow imports wait until a command needs them."""

from __future__ import annotations

import subprocess
import sys

# Each costs 0.1-0.2 s at start-up and only some commands use it: httpx to fetch URLs,
# scipy's sparse matrices for alignment and digests.
LAZY = ("httpx", "httpcore", "scipy")


def test_importing_the_cli_loads_no_http_client_or_scipy() -> None:
    code = "import sys, corroborate.cli; print(' '.join(m for m in %r if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code % (LAZY,)], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == []
