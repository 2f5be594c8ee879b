"""Story assignment speed as the archive grows (10k and 100k articles).

Reuters-21578 bodies (../shared/data/reuters21578) are read, their story
features extracted once (spaCy NER + wordllama: timed separately, it is a
per-article cost that does not depend on the archive), and then replicated
with small perturbations to reach 100k articles: each copy drops about 15% of
its terms, gets its people/organisations renamed (so copies are different
events with similar wording, the hard case for retrieval) and is shifted in
time. Articles are added one by one to a single StoryIndex; at each checkpoint
the next few batches are timed and the median articles/s reported.

    python benchmarks/story_speed.py [--unique 2000] [--total 100000]
"""

from __future__ import annotations

import argparse
import gzip
import html
import random
import re
import statistics
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from corroborate.config import Context
from corroborate.model import Article
from corroborate.stories import StoryFeatures, StoryIndex, extract_features
from corroborate.stories.mentions import Mention

REUTERS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "reuters21578"
_ITEM = re.compile(r"<REUTERS.*?</REUTERS>", re.S)
_FIELD = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.S) for name in ("TITLE", "BODY", "DATE")}


def read_reuters(limit: int) -> list[Article]:
    """Up to ``limit`` Reuters items with a body, one Article each (duplicates skipped)."""
    out: list[Article] = []
    seen: set[str] = set()
    for path in sorted(REUTERS.glob("reut2-*.sgm.gz")):
        with gzip.open(path, "rt", encoding="latin-1") as handle:
            text = handle.read()
        for item in _ITEM.findall(text):
            fields = {k: p.search(item) for k, p in _FIELD.items()}
            if not fields["BODY"]:
                continue
            body = html.unescape(fields["BODY"].group(1)).replace("Reuter\n&#3;", "").strip()
            if body in seen:
                continue
            seen.add(body)
            title = html.unescape(fields["TITLE"].group(1)) if fields["TITLE"] else ""
            when = None
            if fields["DATE"]:
                stamp = re.match(r"\s*(\d+-\w{3}-\d{4} \d+:\d+:\d+)", fields["DATE"].group(1))
                if stamp:
                    when = datetime.strptime(stamp.group(1), "%d-%b-%Y %H:%M:%S")
            paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s{3,}", body) if p.strip()]
            out.append(
                Article(title=title, paragraphs=paragraphs, id=f"r{len(out)}", published_at=when)
            )
            if len(out) >= limit:
                return out
    return out


def perturb(base: StoryFeatures, copy: int, rng: random.Random) -> StoryFeatures:
    """A variant of an article: other article id, ~15% of terms dropped, renamed actors, later."""
    if copy == 0:
        return base
    terms = {t: c for t, c in base.terms.items() if rng.random() > 0.15} or dict(base.terms)
    entities = [
        replace(m, key=f"{m.key}~{copy}") if m.kind in ("person", "org") else m
        for m in base.entities
    ]
    when = base.published_at + timedelta(days=300 * copy) if base.published_at else None
    return replace(
        base,
        article_id=f"{base.article_id}.{copy}",
        terms=terms,
        entities=[Mention(m.key, m.kind, m.name, m.count, m.lead) for m in entities],
        published_at=when,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--unique", type=int, default=2000, help="Reuters bodies to extract")
    parser.add_argument("--total", type=int, default=100_000)
    parser.add_argument("--checkpoints", default="1000,10000,100000")
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--batches", type=int, default=5)
    args = parser.parse_args()
    if not REUTERS.is_dir():
        sys.exit(f"Reuters data not found at {REUTERS}")

    articles = read_reuters(args.unique)
    ctx = Context()
    ctx.nlp.spacy()
    ctx.nlp.wordllama()
    started = time.perf_counter()
    base = extract_features(articles, ctx)
    spent = time.perf_counter() - started
    print(
        f"feature extraction (spaCy NER + wordllama, batched): {len(base)} articles in "
        f"{spent:.1f}s = {len(base) / spent:.1f} articles/s (independent of archive size)"
    )

    rng = random.Random(7)
    checkpoints = [int(c) for c in args.checkpoints.split(",")]
    index = StoryIndex()
    added = 0
    copy = 0
    stream: list[StoryFeatures] = []
    results: dict[int, float] = {}
    started = time.perf_counter()

    def next_feature() -> StoryFeatures:
        nonlocal copy
        if not stream:
            stream.extend(perturb(b, copy, rng) for b in base)
            copy += 1
        return stream.pop(0)

    for checkpoint in checkpoints:
        while added < checkpoint:
            index.add(next_feature())
            added += 1
        rates = []
        for _ in range(args.batches):
            batch = [next_feature() for _ in range(args.batch)]
            t0 = time.perf_counter()
            for f in batch:
                index.add(f)
            rates.append(len(batch) / (time.perf_counter() - t0))
            added += len(batch)
        results[checkpoint] = statistics.median(rates)
        print(
            f"archive {checkpoint:>7,d} articles: median {results[checkpoint]:.0f} articles/s "
            f"({1000 / results[checkpoint]:.2f} ms/article) over {args.batches} batches of "
            f"{args.batch}; {len(index.profiles):,d} stories; "
            f"elapsed {time.perf_counter() - started:.0f}s",
            flush=True,
        )
    first, last = checkpoints[0], checkpoints[-1]
    print(f"cost ratio {last:,d} vs {first:,d}: {results[first] / results[last]:.2f}x per article")


if __name__ == "__main__":
    main()
