"""Docs that cannot drift: every CLI command is in the README and has --help examples."""

from pathlib import Path

import click
from click.testing import CliRunner

from corroborate.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def _commands() -> dict[str, click.Command]:
    return dict(cli.commands)


def test_every_command_is_documented_in_the_readme() -> None:
    missing = [name for name in _commands() if f"corroborate {name}" not in README]
    assert not missing, f"commands missing from README.md: {missing}"


def test_every_command_has_help_with_an_example() -> None:
    runner = CliRunner()
    for name in _commands():
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output and f"corroborate {name}" in result.output, name


def test_readme_names_the_exit_codes_and_two_setup_commands() -> None:
    assert "pip install . && corroborate demo" in README
    assert "bash scripts/dev setup && bash scripts/dev check" in README
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "bash scripts/dev setup && bash scripts/dev check" in ci


def test_every_benchmark_script_is_listed_in_docs_benchmarks() -> None:
    root = Path(__file__).resolve().parents[1]
    listed = (root / "docs" / "benchmarks.md").read_text()
    scripts = sorted(p.name for p in (root / "benchmarks").glob("*.py"))
    missing = [name for name in scripts if f"`{name}`" not in listed]
    assert scripts and not missing, f"benchmark scripts missing from docs/benchmarks.md: {missing}"
