"""The terminal story view shortens long lists without hiding that it did."""

from __future__ import annotations

from typing import Any

import pytest

from corroborate.cli.render_story import SHOWN_CLAIMS, SHOWN_FIGURES, _render_facts


def _figure(text: str, article: str) -> dict[str, Any]:
    value = {"text": text, "articles": [article], "hedge": None}
    return {"measure": text, "status": "single-source", "values": [value]}


def _claim(article: str, n: int) -> dict[str, Any]:
    return {"evidence": {"article": article, "text": f"claim {n} of {article}"}}


def test_long_lists_say_how_much_they_leave_out(capsys: pytest.CaptureFixture[str]) -> None:
    figures = [_figure("two men", "a"), _figure("four years", "b")]
    figures += [_figure(f"{n} seats", "a") for n in range(SHOWN_FIGURES)]
    claims = [_claim(article, n) for article in "abc" for n in range(5)]
    data = {"quantities": figures, "quotes": [], "single_source": claims}
    _render_facts(data, {"a": "Outlet A", "b": "Outlet B", "c": "Outlet C"})
    out = capsys.readouterr().out
    figure_line = next(line for line in out.splitlines() if "single-source figures" in line)
    # written in digits first; the two word-numbers are the ones left out, and counted
    assert "0 seats" in figure_line and "two men" not in figure_line
    assert figure_line.endswith("… and 2 more (see --json)")
    claim_lines = [line for line in out.splitlines() if ": claim " in line]
    assert len(claim_lines) == SHOWN_CLAIMS
    # every outlet's own claims show, not only the first outlet's
    assert [line.split(":")[0].strip() for line in claim_lines[:3]] == [
        "Outlet A",
        "Outlet B",
        "Outlet C",
    ]
    assert f"… and {15 - SHOWN_CLAIMS} more (see --json)" in out
