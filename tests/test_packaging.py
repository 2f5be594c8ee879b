"""Every data file the package reads (models, schemas, demo, templates) is declared package data.

A file missing from ``[tool.setuptools.package-data]`` works in a checkout and
breaks after ``pip install .``; this checks the declaration against git's file
list without building anything.
"""

from __future__ import annotations

import fnmatch
import subprocess
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _matches(relative: str, pattern: str) -> bool:
    parts, pattern_parts = relative.split("/"), pattern.split("/")
    return len(parts) == len(pattern_parts) and all(
        fnmatch.fnmatchcase(p, q) for p, q in zip(parts, pattern_parts, strict=True)
    )


def test_every_package_file_is_installed() -> None:
    listed = subprocess.run(
        ["git", "ls-files", "src/corroborate"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout: cannot list the package's files")
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["corroborate"]
    data_files = [
        line.removeprefix("src/corroborate/")
        for line in listed.stdout.splitlines()
        if not line.endswith(".py")
    ]
    assert data_files, "expected data files (models, schemas, demo) in the package"
    missing = [f for f in data_files if not any(_matches(f, p) for p in patterns)]
    assert not missing, f"not installed by `pip install .` (add to package-data): {missing}"
