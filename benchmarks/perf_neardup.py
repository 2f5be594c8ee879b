"""Near-duplicate detection: corroborate.neardup vs datasketch vs rensa, at equal recall.

Every method gets the same texts (the 19,043 Reuters bodies plus 1,000 edited
copies), the same shingles (3 consecutive words, the same word definition), the
same MinHash size (128) and banding (64 bands × 2 rows), and the same
verification (share of equal signature values ≥ 0.4; these defaults were chosen
with ``--split dev --tune``: best F1 on the planted dev copies). Reported: time per text
(CPU and wall; median of the runs), recall of the planted copies and of the 279
identical-body groups, and precision (labelled: the reported pair is planted or
identical; Jaccard: its exact shingle Jaccard reaches the threshold — Reuters
holds real near-duplicates no label knows about).

    python benchmarks/perf_neardup.py                 # test split (seed 2), 3 runs
    python benchmarks/perf_neardup.py --split dev --tune   # choose the defaults on dev
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from corroborate.neardup import (
    NearDupOptions,
    band_keys,
    candidate_pairs,
    shingle_hashes,
    signatures,
    verify_pairs,
)
from perf_data import Planted, plant_near_duplicates, read_reuters

# The same word definition as corroborate.neardup, for the peers' Python tokenisers.
_WORD = re.compile(r"[A-Za-z0-9\u0080-\u009f\u00a1-\u1fff\u2080-\U0010ffff]+")


def python_shingles(text: str, k: int) -> list[str]:
    words = _WORD.findall(text.lower())
    if len(words) < k:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + k]) for i in range(len(words) - k + 1)]


@dataclass(frozen=True, slots=True)
class Outcome:
    """One method on one text set: verified pairs and where the time went."""

    pairs: np.ndarray
    seconds: dict[str, float]


def _verify(sig: np.ndarray, pairs: np.ndarray, opts: NearDupOptions) -> np.ndarray:
    return verify_pairs(sig, pairs, opts.threshold)[0]


def run_corroborate(texts: list[str], opts: NearDupOptions) -> Outcome:
    """corroborate.neardup: vectorised shingles, the chosen MinHash kernel, numpy banding."""
    t0 = time.perf_counter()
    sig = signatures(texts, opts)
    t1 = time.perf_counter()
    pairs = candidate_pairs(band_keys(sig, opts), opts.max_bucket)
    t2 = time.perf_counter()
    found = _verify(sig, pairs, opts)
    t3 = time.perf_counter()
    return Outcome(found, {"signatures": t1 - t0, "lsh": t2 - t1, "verify": t3 - t2})


def _pairs_from_neighbours(neighbours: list[list[int]]) -> np.ndarray:
    out = {(min(i, j), max(i, j)) for i, hits in enumerate(neighbours) for j in hits if j != i}
    return np.array(sorted(out), dtype=np.int64).reshape(-1, 2)


def run_datasketch(texts: list[str], opts: NearDupOptions) -> Outcome:
    """datasketch: MinHash.bulk (its batch path) and MinHashLSH with the same (bands, rows)."""
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    tokens = [[s.encode() for s in python_shingles(t, opts.shingle_words)] for t in texts]
    t1 = time.perf_counter()
    hashes = MinHash.bulk(tokens, num_perm=opts.num_perm, seed=opts.seed)
    t2 = time.perf_counter()
    lsh = MinHashLSH(num_perm=opts.num_perm, params=(opts.bands, opts.rows))
    with lsh.insertion_session() as session:
        for i, (mh, tok) in enumerate(zip(hashes, tokens, strict=True)):
            if tok:
                session.insert(i, mh, check_duplication=False)
    pairs = _pairs_from_neighbours(
        [lsh.query(mh) if tok else [] for mh, tok in zip(hashes, tokens, strict=True)]
    )
    t3 = time.perf_counter()
    sig = np.array([mh.hashvalues for mh in hashes], dtype=np.uint64)
    found = _verify(sig, pairs, opts)
    t4 = time.perf_counter()
    return Outcome(
        found, {"tokens": t1 - t0, "signatures": t2 - t1, "lsh": t3 - t2, "verify": t4 - t3}
    )


def run_rensa(texts: list[str], opts: NearDupOptions) -> Outcome:
    """rensa: RMinHash.from_token_sets and RMinHashLSH (insert_many, query_all)."""
    from rensa import RMinHash, RMinHashLSH

    t0 = time.perf_counter()
    tokens = [python_shingles(t, opts.shingle_words) for t in texts]
    t1 = time.perf_counter()
    hashes = RMinHash.from_token_sets(tokens, opts.num_perm, opts.seed)
    t2 = time.perf_counter()
    lsh = RMinHashLSH(opts.threshold, opts.num_perm, opts.bands)
    live = [i for i, tok in enumerate(tokens) if tok]
    for i in live:
        lsh.insert(i, hashes[i])
    answers = lsh.query_all([hashes[i] for i in live])
    neighbours: list[list[int]] = [[] for _ in texts]
    for i, hits in zip(live, answers, strict=True):
        neighbours[i] = list(hits)
    pairs = _pairs_from_neighbours(neighbours)
    t3 = time.perf_counter()
    sig = np.array([h.digest() for h in hashes], dtype=np.uint32)
    found = _verify(sig, pairs, opts)
    t4 = time.perf_counter()
    return Outcome(
        found, {"tokens": t1 - t0, "signatures": t2 - t1, "lsh": t3 - t2, "verify": t4 - t3}
    )


METHODS: dict[str, tuple[Callable[[list[str], NearDupOptions], Outcome], str]] = {
    "corroborate (rensa kernel)": (run_corroborate, "rensa"),
    "corroborate (numpy k-perm)": (run_corroborate, "numpy"),
    "corroborate (numpy OPH)": (run_corroborate, "oph"),
    "datasketch": (run_datasketch, ""),
    "rensa": (run_rensa, ""),
}


def score(found: np.ndarray, data: Planted, threshold: float, shingle_words: int) -> dict:
    """Recall of planted and identical pairs, labelled and Jaccard precision."""
    got = {(int(a), int(b)) for a, b in found}
    sh = shingle_hashes([data.texts[i] for i in sorted({x for p in got for x in p})], shingle_words)
    index = {d: k for k, d in enumerate(sorted({x for p in got for x in p}))}

    def shingle_set(i: int) -> set[int]:
        k = index[i]
        return set(sh.hashes[sh.offsets[k] : sh.offsets[k + 1]].tolist())

    cache: dict[int, set[int]] = {}
    true_jaccard = 0
    for a, b in got:
        sa = cache.setdefault(a, shingle_set(a))
        sb = cache.setdefault(b, shingle_set(b))
        if sa and sb and len(sa & sb) / len(sa | sb) >= threshold:
            true_jaccard += 1
    n = max(1, len(got))
    first_copy = len(data.texts) - len(data.planted)
    touching = [p for p in got if p[1] >= first_copy]
    return {
        "pairs": len(got),
        "recall_planted": len(got & data.planted) / len(data.planted),
        "recall_exact": len(got & data.exact) / len(data.exact),
        "recall": len(got & data.pairs) / len(data.pairs),
        "precision_labelled": len(got & data.pairs) / n,
        "precision_jaccard": true_jaccard / n,
        "precision_planted": len(got & data.planted) / max(1, len(touching)),
    }


def compare(data: Planted, opts: NearDupOptions, runs: int, methods: list[str]) -> list[dict]:
    """Each method ``runs`` times on the same texts: median times and quality."""
    rows = []
    for name in methods:
        run, backend = METHODS[name]
        method_opts = replace(opts, backend=backend) if backend else opts
        walls, cpus, outcome = [], [], None
        for _ in range(runs):
            c0, w0 = time.process_time(), time.perf_counter()
            outcome = run(data.texts, method_opts)
            cpus.append(time.process_time() - c0)
            walls.append(time.perf_counter() - w0)
        assert outcome is not None
        quality = score(outcome.pairs, data, opts.threshold, opts.shingle_words)
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        rows.append(
            {
                "method": name,
                "texts": len(data.texts),
                "wall_s": wall,
                "cpu_s": cpu,
                "texts_per_s_wall": len(data.texts) / wall,
                "texts_per_s_cpu": len(data.texts) / cpu,
                "stages_last_run_s": {k: round(v, 4) for k, v in outcome.seconds.items()},
                **quality,
            }
        )
    base = next((r for r in rows if r["method"] == "datasketch"), None)
    for row in rows:
        if base is not None:
            row["speedup_vs_datasketch_cpu"] = base["cpu_s"] / row["cpu_s"]
            row["speedup_vs_datasketch_wall"] = base["wall_s"] / row["wall_s"]
    return rows


def tune(data: Planted) -> list[dict]:
    """Grid over shingle size, banding and threshold on the dev split (one run each)."""
    results = []
    for k in (2, 3, 4):
        for bands in (16, 32, 64):
            for threshold in (0.3, 0.4, 0.5, 0.6):
                opts = NearDupOptions(shingle_words=k, bands=bands, threshold=threshold)
                found = run_corroborate(data.texts, opts).pairs
                q = score(found, data, threshold, k)
                r, p = q["recall_planted"], q["precision_planted"]
                f1 = 2 * r * p / max(1e-9, r + p)
                row = {"shingle_words": k, "bands": bands, "threshold": threshold}
                results.append({**row, "f1_planted": f1, **q})
                print(json.dumps(results[-1]))
    return results


def print_table(rows: list[dict]) -> None:
    head = (
        f"{'method':30} {'texts/s cpu':>11} {'texts/s wall':>12} {'x ds cpu':>8} "
        f"{'recall':>7} {'r.plant':>7} {'r.exact':>7} {'p.label':>7} {'p.jacc':>7}"
    )
    print(head)
    for r in rows:
        print(
            f"{r['method']:30} {r['texts_per_s_cpu']:11.0f} {r['texts_per_s_wall']:12.0f} "
            f"{r.get('speedup_vs_datasketch_cpu', float('nan')):8.1f} {r['recall']:7.4f} "
            f"{r['recall_planted']:7.4f} {r['recall_exact']:7.4f} "
            f"{r['precision_labelled']:7.4f} {r['precision_jaccard']:7.4f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tune", action="store_true", help="grid search (dev split only)")
    parser.add_argument("--json", help="write the rows to this file")
    args = parser.parse_args()
    if args.tune and args.split != "dev":
        parser.error("--tune runs on the dev split only")
    docs = read_reuters()
    data = plant_near_duplicates(docs, seed=1 if args.split == "dev" else 2)
    if args.tune:
        rows = tune(data)
    else:
        rows = compare(data, NearDupOptions(), args.runs, list(METHODS))
        print_table(rows)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=2)


if __name__ == "__main__":
    main()
