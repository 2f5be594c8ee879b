"""Load ECB+ documents as corroborate Articles: one story per sub-event (e.g. ``36_ecb``).

ECB+ sentences are tokenised ("killed 7 people ." and ```` `` ... '' ```` for
quotes); we detokenise them so the extractors see ordinary news text. In
``*ecbplus.xml`` documents sentence 0 is the source URL (dropped), sentence 1
is usually the headline and sentence 2 often the date, used as ``published_at``.
``*ecb.xml`` documents have no headline: their first sentence is the title and
also the first paragraph of the body.
"""

from __future__ import annotations

import gzip
import json
import re
from datetime import datetime
from pathlib import Path

from corroborate.model import Article

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
ECBPLUS = SHARED / "data" / "ecbplus" / "ecbplus_docs.jsonl.gz"
DEV_TOPICS = range(1, 36)
TEST_TOPICS = range(36, 46)

_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(\d)\s+\.\s+(\d)"), r"\1.\2"),
    (re.compile(r"(\d)\.\s+(\d)"), r"\1.\2"),
    (re.compile(r"(\d)\s*,\s+(\d{3})(?!\d)"), r"\1,\2"),
    (re.compile(r"(\d)\s*:\s+(\d\d)\b"), r"\1:\2"),
    (re.compile(r"\b([A-Z])\.\s+([A-Z])\.(?=\s)"), r"\1.\2."),
    (re.compile(r"``\s*"), "“"),
    (re.compile(r"\s*''"), "”"),
    (re.compile(r"\s+([,.;:?!%)\]])"), r"\1"),
    (re.compile(r"([(\[$])\s+"), r"\1"),
    (re.compile(r"\s+(n't|'s|'re|'ve|'ll|'d|'m)\b", re.IGNORECASE), r"\1"),
    (re.compile(r"(\w)\s+-\s+(\w)"), r"\1-\2"),
    (re.compile(r"(\w)\s*’\s*(\w)"), r"\1’\2"),
    (re.compile(r"‘\s+"), "‘"),
    (re.compile(r"\s+’"), "’"),
]


def _curl_straight_quotes(sentences: list[str]) -> list[str]:
    """Straight double quotes alternate open/close over the document: make them curly."""
    out: list[str] = []
    opened = False
    for sentence in sentences:
        chars: list[str] = []
        for ch in sentence:
            if ch == '"':
                chars.append("”" if opened else "“")
                opened = not opened
            else:
                chars.append(ch)
        text = "".join(chars)
        text = re.sub(r"“\s+", "“", text)
        text = re.sub(r"\s+”", "”", text)
        out.append(text)
    return out


def detokenize(sentence: str) -> str:
    """Undo ECB+ tokenisation: spaces before punctuation, `` '' quotes, split hyphens."""
    text = f" {sentence} "
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)
    # an opening curly quote followed by a space
    text = re.sub(r"“\s+", "“", text)
    return " ".join(text.split())


_DATE = re.compile(r"^([A-Z][a-z]+)\.? (\d{1,2}),? (\d{4})")


def _published(sentence: str) -> datetime | None:
    match = _DATE.match(sentence)
    if not match:
        return None
    for fmt in ("%B %d %Y", "%b %d %Y"):
        try:
            return datetime.strptime(f"{match[1]} {match[2]} {match[3]}", fmt)
        except ValueError:
            continue
    return None


def _paragraphs(sentences: list[str]) -> list[str]:
    """One paragraph per sentence, joining sentences while a quotation is open."""
    out: list[str] = []
    buffer: list[str] = []
    depth = 0
    for sentence in sentences:
        buffer.append(sentence)
        depth += sentence.count("“") - sentence.count("”")
        if depth <= 0:
            out.append(" ".join(buffer))
            buffer, depth = [], 0
    if buffer:
        out.append(" ".join(buffer))
    return out


def load_stories(topics: range, path: Path = ECBPLUS) -> dict[str, list[Article]]:
    """Sub-event id → its documents as Articles (doc name as the article id)."""
    stories: dict[str, list[Article]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record["topic"] not in topics:
                continue
            sentences = _curl_straight_quotes([detokenize(s) for s in record["sentences"]])
            published = None
            if record["doc"].endswith("ecbplus.xml") and sentences:
                sentences = sentences[1:]
                if len(sentences) > 1:
                    published = _published(sentences[1])
                    if published is not None:
                        sentences = [sentences[0], *sentences[2:]]
            title = sentences[0] if sentences else ""
            # ECB documents have no headline: their first sentence is usually the lead
            # (many have one sentence only), so it stays in the body as well.
            body = sentences[1:] if record["doc"].endswith("ecbplus.xml") else sentences
            article = Article(
                title=title,
                paragraphs=_paragraphs(body),
                id=record["doc"].removesuffix(".xml"),
                published_at=published,
                source=record["doc"],
            )
            stories.setdefault(record["subtopic"], []).append(article)
    return stories
