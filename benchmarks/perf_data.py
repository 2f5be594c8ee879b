"""Data for the performance suite: Reuters-21578 bodies and corpora generated from them.

- :func:`read_reuters` reads every item with a body from ../shared/data/reuters21578
  (19,043), keeping the title and the full dateline time;
- :func:`exact_groups` finds the groups of identical bodies (whitespace collapsed):
  279 groups, 560 bodies;
- :func:`plant_near_duplicates` makes edited copies (word drops, adjacent swaps and
  insertions, 5-15 % of the words) with a seeded generator: seed 1 is the
  development set used to choose the near-duplicate defaults, seed 2 the test set;
- :func:`replicated_corpus` streams N articles made by replicating the corpus with
  perturbations (new ids, shifted dates, a few words changed), for the 1M runs.
"""

from __future__ import annotations

import gzip
import html
import json
import random
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REUTERS = ROOT / ".." / "shared" / "data" / "reuters21578"

_ITEM = re.compile(r'<REUTERS[^>]*NEWID="(\d+)">(.*?)</REUTERS>', re.S)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1
    )
}


@dataclass(frozen=True, slots=True)
class Doc:
    """One Reuters item: id, title, dateline time (UTC) and body text."""

    id: str
    title: str
    published: datetime | None
    body: str


def _date(text: str) -> datetime | None:
    m = re.match(r"\s*(\d+)-([A-Z]{3})-(\d{4})\s+(\d+):(\d+):(\d+)", text)
    if not m or m.group(2) not in _MONTHS:
        return None
    day, month, year = int(m.group(1)), _MONTHS[m.group(2)], int(m.group(3))
    hour, minute, second = (int(m.group(i)) for i in (4, 5, 6))
    try:
        return datetime(year, month, day, tzinfo=UTC) + timedelta(
            hours=hour, minutes=minute, seconds=second
        )
    except ValueError:  # a few datelines are malformed (day 31 of a 30-day month...)
        return None


def read_reuters(root: Path = REUTERS) -> list[Doc]:
    """Every Reuters-21578 item with a body, in file order; exits if the data is absent."""
    if not root.exists():
        sys.exit(f"Reuters-21578 not found at {root} (needs ../shared beside the repo)")
    docs: list[Doc] = []
    for path in sorted(root.glob("reut2-*.sgm.gz")):
        with gzip.open(path, "rb") as fh:
            raw = fh.read().decode("latin-1")
        for m in _ITEM.finditer(raw):
            body = re.search(r"<BODY>(.*?)</BODY>", m.group(2), re.S)
            if not body:
                continue
            title = re.search(r"<TITLE>(.*?)</TITLE>", m.group(2), re.S)
            date = re.search(r"<DATE>(.*?)</DATE>", m.group(2), re.S)
            docs.append(
                Doc(
                    id=f"reuters-{m.group(1)}",
                    title=html.unescape(title.group(1)).strip() if title else "",
                    published=_date(date.group(1)) if date else None,
                    body=html.unescape(body.group(1)),
                )
            )
    return docs


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def exact_groups(docs: list[Doc]) -> list[list[int]]:
    """Index groups of identical bodies (whitespace collapsed), two or more each."""
    by_text: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate(docs):
        by_text[collapse(doc.body)].append(i)
    return [g for g in by_text.values() if len(g) > 1]


def edit_words(words: list[str], rate: float, rng: random.Random, vocab: list[str]) -> list[str]:
    """Apply round(rate × len) random edits: drop a word, swap two neighbours, insert one."""
    out = list(words)
    for _ in range(max(1, round(rate * len(words)))):
        op = rng.random()
        if op < 1 / 3 and len(out) > 2:
            del out[rng.randrange(len(out))]
        elif op < 2 / 3 and len(out) > 2:
            i = rng.randrange(len(out) - 1)
            out[i], out[i + 1] = out[i + 1], out[i]
        else:
            out.insert(rng.randrange(len(out) + 1), rng.choice(vocab))
    return out


@dataclass(frozen=True, slots=True)
class Planted:
    """Texts for a near-duplicate run: the corpus plus edited copies, and the true pairs."""

    texts: list[str]
    pairs: set[tuple[int, int]]  # planted and exact-duplicate pairs, i < j
    planted: set[tuple[int, int]]  # only the planted (edited) pairs
    exact: set[tuple[int, int]]  # only the identical-body pairs


def plant_near_duplicates(
    docs: list[Doc], seed: int, copies: int = 1000, min_words: int = 20
) -> Planted:
    """The corpus bodies plus ``copies`` edited copies of distinct random bodies.

    Seed 1 is the development set, seed 2 the test set (different sources).
    """
    rng = random.Random(seed)
    texts = [collapse(d.body) for d in docs]
    vocab = sorted({w for t in texts[:2000] for w in t.split()})
    groups = exact_groups(docs)
    in_group = {i for g in groups for i in g}
    eligible = [i for i, t in enumerate(texts) if len(t.split()) >= min_words and i not in in_group]
    eligible = [i for i in eligible if i % 2 == seed % 2]  # dev and test use disjoint sources
    chosen = rng.sample(eligible, copies)
    planted: set[tuple[int, int]] = set()
    out = list(texts)
    for source in chosen:
        rate = rng.uniform(0.05, 0.15)
        out.append(" ".join(edit_words(texts[source].split(), rate, rng, vocab)))
        planted.add((source, len(out) - 1))
    exact = {(g[a], g[b]) for g in groups for a in range(len(g)) for b in range(a + 1, len(g))}
    return Planted(out, planted | exact, planted, exact)


def article_record(doc: Doc, doc_id: str, when: datetime | None, body: str) -> dict[str, object]:
    """A JSON Lines record the corroborate json reader accepts."""
    return {
        "id": doc_id,
        "title": doc.title or body[:60],
        "text": body,
        "source": "Reuters",
        "published_at": when.isoformat() if when else None,
    }


def replicated_corpus(docs: list[Doc], total: int, seed: int = 7) -> Iterator[dict[str, object]]:
    """``total`` records: the corpus, then perturbed replicas (new id, date + k×60 days).

    Replica k of a body has ~3 % of its words changed (drops, swaps, inserts) and a
    publication time shifted by k×60 days, so replicas are new articles of new
    stories rather than exact duplicates.
    """
    rng = random.Random(seed)
    vocab = sorted({w for d in docs[:2000] for w in d.body.split()})
    count = 0
    replica = 0
    while True:
        for doc in docs:
            if count >= total:
                return
            if replica == 0:
                body, when = doc.body, doc.published
            else:
                paragraphs = [p for p in re.split(r"\n\s*\n|\n {2,}", doc.body) if p.strip()]
                edited = [" ".join(edit_words(p.split(), 0.03, rng, vocab)) for p in paragraphs]
                body = "\n\n".join(edited)
                when = doc.published + timedelta(days=60 * replica) if doc.published else None
            yield article_record(doc, f"{doc.id}-r{replica}", when, body)
            count += 1
        replica += 1


def write_jsonl(records: Iterator[dict[str, object]], path: Path) -> int:
    """Write records as JSON Lines; returns how many."""
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False))
            fh.write("\n")
            n += 1
    return n
