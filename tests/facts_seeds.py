"""Build the three seed articles for the facts tests (a tiny local reader, not the real one).

000: strip the YAML front matter (date 2025-04-29T22:05:32); 001: first line
title, second line dek; 002: drop photo-gallery caption lines and the last two
non-empty lines (headline-outlet line and reader-app footer).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from corroborate.model import Article
from corroborate.text import split_paragraphs

SEEDS = Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds"


def load_seed_articles() -> list[Article]:
    text = (SEEDS / "000_496d476e8c444aa8.txt").read_text(encoding="utf-8")
    _empty, _front, body = text.split("---", 2)
    a0 = Article(
        title="Trump congratulates Carney",
        paragraphs=split_paragraphs(body),
        id="000",
        published_at=datetime(2025, 4, 29, 22, 5, 32),
    )
    lines = (SEEDS / "001_6b05626aa3ed1ed6.txt").read_text(encoding="utf-8").splitlines()
    a1 = Article(
        title=lines[0],
        dek=lines[1],
        paragraphs=split_paragraphs("\n".join(lines[2:])),
        id="001",
        published_at=datetime(2025, 4, 29),
    )
    lines = (SEEDS / "002_54cb9a2a54ebca26.txt").read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if not line.startswith("Open this photo in gallery:")]
    nonempty = [k for k, line in enumerate(lines) if line.strip()]
    lines = lines[: nonempty[-2]]
    a2 = Article(
        title="Trump and Carney speak",
        paragraphs=split_paragraphs("\n".join(lines)),
        id="002",
        published_at=datetime(2025, 4, 29),
    )
    return [a0, a1, a2]
