"""Speed of provenance for a 20-article story of ~800 words each, end to end.

The story is built from Reuters-21578 bodies: 8 base articles (consecutive
bodies joined to ~800 words) and 12 derived ones (edited copies, partial
copies with other text, sentence-shuffled copies), so the aligner has real
reuse to find. Timed: ``story_provenance`` over all 190 pairs (sentence
splitting, embedding, candidates, scoring, classification, graph), median of 5
runs with the embedding model already loaded; the first (cold) run is shown too,
and the process CPU time, which is the fairer figure when the machine is shared.

It also times the lexical candidate step alone both ways: our sparse-matrix
shingle containment and datasketch MinHash LSH over the same shingles.

    python benchmarks/align_speed.py
"""

from __future__ import annotations

import os
import random
import statistics
import time

from corroborate.config import Context
from corroborate.model import Article
from corroborate.provenance.align import AlignOptions, _shingles, prepare_articles
from corroborate.provenance.graph import story_provenance
from reuse import article, read_reuters, sentences


def build_story(seed: int = 0) -> list[Article]:
    """8 base articles of ~800 words and 12 derived from them."""
    rng = random.Random(seed)
    docs = [d for d in read_reuters().values() if len(" ".join(d.paragraphs).split()) >= 150]
    rng.shuffle(docs)
    bases: list[list[str]] = []
    current: list[str] = []
    for d in docs:
        current.extend(d.paragraphs)
        if len(" ".join(current).split()) >= 800:
            bases.append(current)
            current = []
            if len(bases) == 8:
                break
    story = [article(f"base{i}", paras) for i, paras in enumerate(bases)]
    for k in range(12):
        src = bases[k % 8]
        sents = sentences(tuple(src))
        if k % 3 == 0:  # edited copy
            body = [s.replace(" said ", " says ") for s in sents if rng.random() > 0.1]
        elif k % 3 == 1:  # partial copy plus other material
            other = sentences(tuple(bases[(k + 3) % 8]))
            body = sents[: len(sents) // 2] + other[-len(other) // 2 :]
        else:  # shuffled copy
            body = sents[:]
            rng.shuffle(body)
        story.append(
            article(f"derived{k}", [" ".join(body[i : i + 3]) for i in range(0, len(body), 3)])
        )
    return story


def time_candidates(story: list[Article], ctx: Context) -> None:
    """Sparse containment vs MinHash LSH for the lexical candidate step (all sentence pairs)."""
    from datasketch import MinHash, MinHashLSH

    opts = AlignOptions()
    index = prepare_articles(story, ctx, opts)
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        inter = (index.shingles @ index.shingles.T).tocoo()
        n_pairs = int((inter.data > 0).sum())
        runs.append(time.perf_counter() - t0)
    print(
        f"  sparse shingle containment, all {index.shingles.shape[0]} sentences x all: "
        f"median {statistics.median(runs) * 1000:.1f} ms ({n_pairs} overlapping pairs)"
    )
    shingles = [_shingles(p.words(i)) for p in index.articles for i in range(len(p.sentences))]
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        lsh = MinHashLSH(threshold=opts.lex_candidate, num_perm=64)
        hashes = []
        for n, sh in enumerate(shingles):
            m = MinHash(num_perm=64)
            m.update_batch([s.encode("utf-8") for s in sh])
            lsh.insert(str(n), m)
            hashes.append(m)
        found = sum(len(lsh.query(m)) for m in hashes)
        runs.append(time.perf_counter() - t0)
    print(
        f"  datasketch MinHash LSH (64 perm, threshold {opts.lex_candidate}): "
        f"median {statistics.median(runs) * 1000:.1f} ms ({found} candidate hits)"
    )


def main() -> None:
    story = build_story()
    words = [len(a.body.split()) for a in story]
    print(
        f"story: {len(story)} articles, {min(words)}-{max(words)} words "
        f"(median {statistics.median(words):.0f}), {len(story) * (len(story) - 1) // 2} pairs"
    )
    ctx = Context()
    t0 = time.perf_counter()
    graph = story_provenance(story, ctx)
    cold = time.perf_counter() - t0
    runs, cpu = [], []
    for _ in range(5):
        t0, c0 = time.perf_counter(), time.process_time()
        graph = story_provenance(story, ctx)
        runs.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    kinds: dict[str, int] = {}
    for e in graph.edges:
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
    print(
        f"story_provenance: median {statistics.median(runs):.2f} s over 5 runs "
        f"(min {min(runs):.2f}, max {max(runs):.2f}); cold first run incl. model load {cold:.2f} s"
        "   [target < 1 s]"
    )
    print(
        f"  CPU time of the process (all threads): median {statistics.median(cpu):.2f} s; "
        f"load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"  edges found: {kinds}; original reporting: {len(graph.original_reporting)} articles")
    print("candidate step alone:")
    time_candidates(story, ctx)


if __name__ == "__main__":
    main()
