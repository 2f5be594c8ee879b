"""Near-duplicate articles: MinHash over word shingles, LSH banding, verified pairs.

The text side (:mod:`corroborate.shingles`) is vectorised numpy over a whole
batch at once: each word gets a 64-bit polynomial hash, and ``shingle_words``
consecutive words make one shingle hash. Signatures come from rensa's Rust
MinHash kernel fed with those
hashes (``backend="rensa"``, the default: measured fastest at equal recall in
``benchmarks/perf_suite.py``) or from a pure numpy multiply-shift MinHash
(``backend="numpy"``). Banding, candidate pairs and verification by the
signatures' agreement are numpy, so the same functions run on one machine and
inside Spark tasks (:mod:`corroborate.spark`) and give the same pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from corroborate.errors import UsageError
from corroborate.model import Article
from corroborate.shingles import EMPTY, GOLDEN, Shingles, minhash, mix, shingle_hashes, word_hashes

__all__ = [
    "NearDupIndex",
    "NearDupOptions",
    "NearDupResult",
    "Shingles",
    "article_near_duplicates",
    "article_text",
    "band_keys",
    "candidate_pairs",
    "find_near_duplicates",
    "groups_from_pairs",
    "pair_similarity",
    "shingle_hashes",
    "signatures",
    "verify_pairs",
    "word_hashes",
]

Backend = Literal["oph", "rensa", "numpy"]
_U64 = np.uint64


@dataclass(frozen=True, slots=True)
class NearDupOptions:
    """Shingle size, MinHash size, banding and the similarity that confirms a pair.

    ``bands`` × ``num_perm // bands`` rows set the LSH curve; a candidate pair
    is kept when the share of equal signature values (the MinHash estimate of
    the shingle Jaccard similarity) reaches ``threshold``. Buckets with more
    than ``max_bucket`` members (boilerplate shared by thousands of texts) link
    each member to the bucket's first member only, so pairs never explode.
    Defaults chosen on the development half of the benchmark (perf_neardup.py).
    """

    shingle_words: int = 3
    num_perm: int = 128
    bands: int = 64
    threshold: float = 0.4
    seed: int = 1
    backend: Backend = "rensa"
    max_bucket: int = 64
    probes: int = 4

    def __post_init__(self) -> None:
        if self.shingle_words < 1:
            raise UsageError("shingle_words must be at least 1")
        if self.num_perm < 1 or self.bands < 1 or self.num_perm % self.bands:
            raise UsageError(
                f"num_perm ({self.num_perm}) must be a positive multiple of bands ({self.bands})"
            )
        if not 0.0 < self.threshold <= 1.0:
            raise UsageError("threshold must be in (0, 1]")
        if self.backend not in ("oph", "rensa", "numpy"):
            raise UsageError(f"unknown near-duplicate backend {self.backend!r} (oph, rensa, numpy)")
        if self.max_bucket < 2:
            raise UsageError("max_bucket must be at least 2")

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands


def signatures(texts: Sequence[str], options: NearDupOptions | None = None) -> np.ndarray:
    """MinHash signatures, shape (len(texts), num_perm), uint32.

    A text without words gets a row of 0xFFFFFFFF, which :func:`band_keys`
    never puts in a bucket.
    """
    opts = options or NearDupOptions()
    shingles = shingle_hashes(texts, opts.shingle_words)
    sig = minhash(shingles, opts.backend, opts.num_perm, opts.seed, opts.probes)
    sig[shingles.counts == 0] = EMPTY
    return sig


def band_keys(sig: np.ndarray, options: NearDupOptions | None = None) -> np.ndarray:
    """One 64-bit key per (text, band), the band number mixed in; 0 for an empty text.

    Two texts are LSH candidates when they share any key (0 excepted).
    """
    opts = options or NearDupOptions()
    n = sig.shape[0]
    if sig.shape[1:] != (opts.num_perm,):
        raise UsageError(f"signatures have shape {sig.shape}, expected (n, {opts.num_perm})")
    rows = sig.reshape(n, opts.bands, opts.rows).astype(np.uint64)
    with np.errstate(over="ignore"):
        keys = np.broadcast_to(np.arange(1, opts.bands + 1, dtype=np.uint64), (n, opts.bands))
        keys = mix(keys * GOLDEN)
        for r in range(opts.rows):
            keys = mix(keys ^ rows[:, :, r])
    keys = np.where(keys == 0, _U64(1), keys)
    keys[(sig == EMPTY).all(axis=1)] = 0
    return keys


def candidate_pairs(keys: np.ndarray, max_bucket: int = 64) -> np.ndarray:
    """Distinct (i, j) row pairs, i < j, sharing a band key; shape (m, 2), int64.

    Every pair of a bucket is listed up to ``max_bucket`` members; a larger
    bucket links each member to its lowest row only.
    """
    n, bands = keys.shape
    flat = keys.ravel()
    rows = np.repeat(np.arange(n, dtype=np.int64), bands)
    live = flat != 0
    flat, rows = flat[live], rows[live]
    order = np.argsort(flat)
    flat, rows = flat[order], rows[order]
    if flat.size == 0:
        return np.zeros((0, 2), np.int64)
    new = np.concatenate(([True], flat[1:] != flat[:-1]))
    starts = np.flatnonzero(new)
    sizes = np.diff(np.concatenate((starts, [flat.size])))
    chunks: list[np.ndarray] = []
    for size in np.unique(sizes[sizes > 1]).tolist():
        group_starts = starts[sizes == size]
        members = rows[group_starts[:, None] + np.arange(size)]
        if size <= max_bucket:
            i, j = np.triu_indices(size, 1)
            chunks.append(np.stack((members[:, i].ravel(), members[:, j].ravel()), axis=1))
        else:
            hub = np.repeat(members.min(axis=1), size)
            chunks.append(np.stack((hub, members.ravel()), axis=1))
    if not chunks:
        return np.zeros((0, 2), np.int64)
    both = np.concatenate(chunks)
    pairs = np.stack((both.min(axis=1), both.max(axis=1)), axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    codes = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack((codes // n, codes % n), axis=1)


def pair_similarity(sig: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity (share of equal MinHash values) of each pair."""
    if pairs.size == 0:
        return np.zeros(0)
    out = np.empty(len(pairs))
    step = 1 << 14
    for lo in range(0, len(pairs), step):
        part = pairs[lo : lo + step]
        out[lo : lo + step] = (sig[part[:, 0]] == sig[part[:, 1]]).mean(axis=1)
    return out


def verify_pairs(
    sig: np.ndarray, pairs: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs whose estimated similarity reaches ``threshold``, with it."""
    sims = pair_similarity(sig, pairs)
    keep = sims >= threshold
    return pairs[keep], sims[keep]


def groups_from_pairs(n: int, pairs: np.ndarray) -> np.ndarray:
    """Group label of each of ``n`` rows: connected components of the pairs (smallest row)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if n == 0:
        return np.zeros(0, np.int64)
    graph = coo_matrix(
        (np.ones(len(pairs), np.int8), (pairs[:, 0], pairs[:, 1]))
        if len(pairs)
        else ([], ([], [])),
        shape=(n, n),
    )
    _, labels = connected_components(graph, directed=False)
    first = np.full(labels.max() + 1, n, dtype=np.int64)
    np.minimum.at(first, labels, np.arange(n, dtype=np.int64))
    return first[labels]


@dataclass(frozen=True, slots=True)
class NearDupResult:
    """Verified near-duplicate pairs of a batch and the groups they form."""

    pairs: np.ndarray  # (m, 2) int64, i < j
    similarity: np.ndarray  # (m,) float
    groups: np.ndarray  # (n,) label = smallest row of the group

    def pair_list(self) -> list[tuple[int, int, float]]:
        return [
            (int(a), int(b), float(s))
            for (a, b), s in zip(self.pairs, self.similarity, strict=True)
        ]


def find_near_duplicates(
    texts: Sequence[str], options: NearDupOptions | None = None
) -> NearDupResult:
    """Near-duplicate pairs among ``texts`` (indexes into it) and their groups."""
    opts = options or NearDupOptions()
    sig = signatures(texts, opts)
    pairs = candidate_pairs(band_keys(sig, opts), opts.max_bucket)
    pairs, sims = verify_pairs(sig, pairs, opts.threshold)
    return NearDupResult(pairs, sims, groups_from_pairs(len(texts), pairs))


def article_text(article: Article) -> str:
    """The text near-duplicate detection compares: headline and body."""
    return f"{article.title}\n\n{article.body}"


def article_near_duplicates(
    articles: Sequence[Article], options: NearDupOptions | None = None
) -> list[tuple[str, str, float]]:
    """Near-duplicate (id, id, similarity) pairs, first id the smaller, sorted.

    Articles are taken in id order, so the result does not depend on the order
    given (and equals what ``corroborate spark neardup`` writes).
    """
    ordered = sorted(articles, key=lambda a: a.id)
    ids = [a.id for a in ordered]
    if len(set(ids)) != len(ids):
        raise UsageError("articles with the same id given to near-duplicate detection")
    found = find_near_duplicates([article_text(a) for a in ordered], options)
    return [(ids[a], ids[b], s) for a, b, s in found.pair_list()]


def _run_hits(
    run_keys: np.ndarray, run_rows: np.ndarray, keys: np.ndarray, max_bucket: int
) -> tuple[np.ndarray, np.ndarray]:
    """(query text, indexed row) for every band key of ``keys`` found in one sorted run.

    At most ``max_bucket`` rows per key (the lowest, as the run is sorted by key
    then row), like :func:`candidate_pairs` does for a batch.
    """
    lo = np.searchsorted(run_keys, keys, side="left")
    hi = np.searchsorted(run_keys, keys, side="right")
    hit = (hi > lo) & (keys != 0)
    text = np.nonzero(hit)[0]
    first = lo[hit]
    count = np.minimum(hi[hit] - first, max_bucket)
    total = int(count.sum())
    if total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    # position k of hit h is first[h] + k: a ramp restarted at every hit.
    starts = np.cumsum(count) - count
    ramp = np.arange(total, dtype=np.int64) - np.repeat(starts, count)
    return np.repeat(text, count).astype(np.int64), run_rows[np.repeat(first, count) + ramp]


class NearDupIndex:
    """An incremental near-duplicate index: each batch is matched against all earlier texts.

    Band keys live in sorted numpy arrays (a large sorted run plus a small
    one, merged when the small one grows), about 12 bytes per band per text
    plus the signature, so a million texts take well under a gigabyte.
    """

    def __init__(self, options: NearDupOptions | None = None) -> None:
        self.options = options or NearDupOptions()
        self.ids: list[str] = []
        # Signatures in a buffer that doubles when full: appending a batch copies
        # only the batch (a concatenate per batch would copy every earlier row).
        self._buf = np.zeros((0, self.options.num_perm), np.uint32)
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, ids: Sequence[str], texts: Sequence[str]) -> list[list[tuple[str, float]]]:
        """Index a batch; for each text, the earlier texts (this batch too) it nearly duplicates."""
        if len(ids) != len(texts):
            raise UsageError(f"{len(ids)} ids for {len(texts)} texts")
        if not texts:
            return []
        opts = self.options
        base = len(self.ids)
        sig = signatures(texts, opts)
        keys = band_keys(sig, opts)
        queries, rows = [], []
        for run_keys, run_rows in self._runs:
            q, r = _run_hits(run_keys, run_rows, keys, opts.max_bucket)
            queries.append(q)
            rows.append(r)
        inside = candidate_pairs(keys, opts.max_bucket)
        queries.append(inside[:, 1])
        rows.append(inside[:, 0] + base)
        self._append(sig)
        self.ids.extend(ids)
        self._post(keys, base)
        # Distinct (text, earlier row) pairs, ordered by text then row; then verified.
        codes = np.unique(np.concatenate(queries) * (base + len(texts)) + np.concatenate(rows))
        query, other = np.divmod(codes, base + len(texts))
        sims = np.empty(codes.size)
        step = 1 << 14
        for lo in range(0, codes.size, step):
            part = slice(lo, lo + step)
            sims[part] = (self._buf[other[part]] == sig[query[part]]).mean(axis=1)
        keep = sims >= opts.threshold
        query, other, sims = query[keep], other[keep], sims[keep]
        out: list[list[tuple[str, float]]] = [[] for _ in texts]
        for i, r, s in zip(query.tolist(), other.tolist(), sims.tolist(), strict=True):
            out[i].append((self.ids[r], s))
        return out

    @property
    def nbytes(self) -> int:
        """Memory held by the signatures and the sorted band-key runs."""
        return self.signatures.nbytes + sum(k.nbytes + r.nbytes for k, r in self._runs)

    @property
    def signatures(self) -> np.ndarray:
        """The indexed texts' signatures, one row each (a view, not a copy)."""
        return self._buf[: len(self.ids)]

    def _append(self, sig: np.ndarray) -> None:
        used = len(self.ids)
        if used + sig.shape[0] > self._buf.shape[0]:
            grown = np.zeros(
                (max(2 * self._buf.shape[0], used + sig.shape[0], 1024), sig.shape[1]), np.uint32
            )
            grown[:used] = self._buf[:used]
            self._buf = grown
        self._buf[used : used + sig.shape[0]] = sig

    def _post(self, keys: np.ndarray, base: int) -> None:
        flat = keys.ravel()
        rows = np.repeat(np.arange(base, base + keys.shape[0], dtype=np.int64), keys.shape[1])
        live = flat != 0
        order = np.argsort(flat[live], kind="stable")
        self._runs.append((flat[live][order], rows[live][order]))
        while len(self._runs) > 1 and self._runs[-1][0].size * 4 >= self._runs[-2][0].size:
            (k2, r2), (k1, r1) = self._runs.pop(), self._runs.pop()
            merged_keys = np.concatenate((k1, k2))
            merged_rows = np.concatenate((r1, r2))
            order = np.lexsort((merged_rows, merged_keys))
            self._runs.append((merged_keys[order], merged_rows[order]))
