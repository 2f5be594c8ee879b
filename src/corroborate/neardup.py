"""Near-duplicate articles: MinHash over word shingles, LSH banding, verified pairs.

The text side is vectorised numpy over a whole batch at once: words are runs of
ASCII letters/digits or non-ASCII characters (ASCII lower-cased, Unicode
punctuation such as curly quotes and dashes treated as spaces), each word gets a
64-bit polynomial hash, and ``shingle_words`` consecutive words make one
shingle hash. Signatures come from rensa's Rust MinHash kernel fed with those
hashes (``backend="rensa"``, the default: measured fastest at equal recall in
``benchmarks/perf_suite.py``) or from a pure numpy multiply-shift MinHash
(``backend="numpy"``). Banding, candidate pairs and verification by the
signatures' agreement are numpy, so the same functions run on one machine and
inside Spark tasks (:mod:`corroborate.spark`) and give the same pairs.
"""

from __future__ import annotations

import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from corroborate.errors import UsageError
from corroborate.model import Article

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
_CHUNK_BYTES = 1 << 16  # texts are hashed in ~64 KB slices: the arrays stay in cache
_POLY = _U64(0x100000001B3)
_POLY_INV = _U64(pow(0x100000001B3, -1, 1 << 64))
_GOLDEN = _U64(0x9E3779B97F4A7C15)
_EMPTY = np.iinfo(np.uint32).max


def _byte_tables() -> tuple[np.ndarray, np.ndarray]:
    word = np.zeros(256, dtype=bool)
    for c in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789":
        word[c] = True
    word[0x80:] = True  # bytes of non-ASCII characters belong to words...
    value = np.arange(1, 257, dtype=np.uint64)  # +1: a zero byte still counts
    value[ord("A") : ord("Z") + 1] += 32  # ASCII lower-casing
    return word, value


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


@dataclass(frozen=True, slots=True)
class Shingles:
    """Shingle hashes of a batch, one contiguous run per text (``offsets`` has n+1 values)."""

    hashes: np.ndarray  # uint64
    offsets: np.ndarray  # int64

    @property
    def counts(self) -> np.ndarray:
        return np.diff(self.offsets)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: every input bit affects every output bit."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> _U64(30))
        x = x * _U64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> _U64(27))
        x = x * _U64(0x94D049BB133111EB)
        return x ^ (x >> _U64(31))


def _powers(base: np.uint64, n: int) -> np.ndarray:
    out = np.full(max(n, 1), base, dtype=np.uint64)
    out[0] = 1
    with np.errstate(over="ignore"):
        np.multiply.accumulate(out, out=out)
    return out


class _Hasher:
    """Byte tables and power tables for the polynomial word hash (built per call)."""

    def __init__(self) -> None:
        self.word, self.value = _byte_tables()
        self.pow = _powers(_POLY, 2 * _CHUNK_BYTES)
        self.ipow = _powers(_POLY_INV, 2 * _CHUNK_BYTES)

    def ensure(self, size: int) -> None:
        if size > self.pow.size:
            self.pow = _powers(_POLY, size)
            self.ipow = _powers(_POLY_INV, size)

    def words(self, data: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(word hashes, word start offsets) of one byte slice."""
        buf = np.frombuffer(data, dtype=np.uint8)
        is_word = self.word[buf]
        # General Punctuation (U+2000-U+206F: quotes, dashes, spaces) and NBSP are spaces.
        lead = np.flatnonzero((buf[:-2] == 0xE2) & ((buf[1:-1] == 0x80) | (buf[1:-1] == 0x81)))
        for shift in range(3):
            is_word[lead + shift] = False
        nbsp = np.flatnonzero((buf[:-1] == 0xC2) & (buf[1:] == 0xA0))
        is_word[nbsp] = False
        is_word[nbsp + 1] = False
        edges = np.diff(is_word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
        starts = np.flatnonzero(edges == 1)
        ends = np.flatnonzero(edges == -1)
        self.ensure(buf.size)
        with np.errstate(over="ignore"):
            prefix = np.empty(buf.size + 1, dtype=np.uint64)
            prefix[0] = 0
            np.cumsum(self.value[buf] * self.pow[: buf.size], out=prefix[1:])
            hashes = (prefix[ends] - prefix[starts]) * self.ipow[starts]
        return _mix(hashes), starts


def word_hashes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(64-bit hash of every word, index of its text), for a batch of texts.

    Equal words (after ASCII lower-casing) always get equal hashes, in any
    process and on any machine.
    """
    hasher = _Hasher()
    out_hashes: list[np.ndarray] = []
    out_docs: list[np.ndarray] = []
    i, n = 0, len(texts)
    while i < n:
        encoded: list[bytes] = []
        size = 0
        j = i
        while j < n and (size < _CHUNK_BYTES or j == i):
            text = texts[j]
            if not isinstance(text, str):
                raise UsageError(f"text {j} is {type(text).__name__}, not str")
            data = text.encode("utf-8", "surrogatepass")
            encoded.append(data)
            size += len(data) + 1
            j += 1
        hashes, starts = hasher.words(b"\x00".join(encoded) + b"\x00\x00")
        bounds = np.cumsum(np.fromiter((len(e) + 1 for e in encoded), np.int64, len(encoded)))
        out_hashes.append(hashes)
        out_docs.append(np.searchsorted(bounds, starts, side="right") + i)
        i = j
    if not out_hashes:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    return np.concatenate(out_hashes), np.concatenate(out_docs).astype(np.int64)


def shingle_hashes(texts: Sequence[str], shingle_words: int = 3) -> Shingles:
    """Hashes of every run of ``shingle_words`` consecutive words, per text.

    A text with fewer words than that gets one shingle of all its words; a
    text without words gets none (it can never be anyone's near duplicate).
    """
    k = shingle_words
    words, docs = word_hashes(texts)
    n_texts = len(texts)
    per_doc = np.bincount(docs, minlength=n_texts)
    w = words.size
    if w >= k:
        with np.errstate(over="ignore"):
            combined = words[: w - k + 1].copy()
            for step in range(1, k):
                combined = combined * _GOLDEN + words[step : w - k + 1 + step]
        keep = docs[: w - k + 1] == docs[k - 1 :]
        hashes = _mix(combined[keep])
        owner = docs[: w - k + 1][keep]
    else:
        hashes = np.zeros(0, np.uint64)
        owner = np.zeros(0, np.int64)
    counts = np.bincount(owner, minlength=n_texts)
    short = np.flatnonzero((per_doc > 0) & (per_doc < k))
    if short.size:
        # Texts with fewer than k words: one shingle of all their words, put in place.
        word_starts = np.concatenate(([0], np.cumsum(per_doc)))
        extra = np.zeros(short.size, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for step in range(k - 1):
                position = word_starts[short] + step
                inside = position < word_starts[short + 1]
                extra[inside] = extra[inside] * _GOLDEN + words[position[inside]]
        counts[short] = 1
        placed = np.empty(int(counts.sum()), dtype=np.uint64)
        is_short = np.zeros(n_texts, dtype=bool)
        is_short[short] = True
        slot = np.repeat(is_short, counts)
        placed[slot] = _mix(extra)
        placed[~slot] = hashes
        hashes = placed
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    return Shingles(hashes, offsets)


def _numpy_minhash(shingles: Shingles, num_perm: int, seed: int) -> np.ndarray:
    """MinHash by multiply-shift hashing, (a·x + b) >> 32, vectorised in slices."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 1 << 63, num_perm, dtype=np.uint64) * _U64(2) + _U64(1)
    b = rng.integers(0, 1 << 63, num_perm, dtype=np.uint64)
    counts = shingles.counts
    out = np.full((counts.size, num_perm), _EMPTY, dtype=np.uint32)
    offsets = shingles.offsets
    start = 0
    budget = max(1, (1 << 22) // num_perm)  # shingles per slice: ~32 MB of uint64
    while start < counts.size:
        stop = int(np.searchsorted(offsets, offsets[start] + budget, side="right")) - 1
        stop = min(max(stop, start + 1), counts.size)
        lo, hi = offsets[start], offsets[stop]
        rows = counts[start:stop] > 0
        if hi > lo:
            with np.errstate(over="ignore"):
                values = np.multiply.outer(shingles.hashes[lo:hi], a)
                values += b
            values >>= _U64(32)
            seg = (offsets[start:stop] - lo)[rows]
            out[start:stop][rows] = np.minimum.reduceat(values, seg, axis=0).astype(np.uint32)
        start = stop
    return out


def _densify(sig: np.ndarray) -> np.ndarray:
    """Fill empty bins by rotation (Shrivastava & Li 2014), vectorised over rows.

    An empty bin takes the value of the next non-empty bin to its right
    (circularly), re-hashed with the distance so borrowed values differ from
    the originals; equal texts densify equally and the estimate stays unbiased.
    """
    n, k = sig.shape
    out = sig.copy()
    for lo in range(0, n, 8192):
        part = sig[lo : lo + 8192]
        doubled = np.concatenate((part, part), axis=1)
        index = np.where(doubled != _EMPTY, np.arange(2 * k), 2 * k)
        following = np.minimum.accumulate(index[:, ::-1], axis=1)[:, ::-1][:, :k]
        usable = following < 2 * k  # rows with at least one non-empty bin
        source = np.where(usable, following, 0) % k
        distance = np.where(usable, following - np.arange(k), 0).astype(np.uint64)
        values = np.take_along_axis(part, source, axis=1).astype(np.uint64)
        moved = (distance > 0) & usable
        rehashed = (_mix(values * _GOLDEN + distance) >> _U64(32)).astype(np.uint32)
        rehashed = np.minimum(rehashed, np.uint32(_EMPTY - 1))
        out[lo : lo + 8192] = np.where(moved, rehashed, np.where(usable, part, _EMPTY))
    return out


def _oph_minhash(shingles: Shingles, num_perm: int, seed: int, probes: int = 1) -> np.ndarray:
    """One-permutation hashing with densification (Li, Owen & Zhang 2012).

    Each shingle hash falls in one of ``num_perm`` bins (its high bits) and
    each bin keeps its smallest low-32-bit value: O(shingles) work instead of
    MinHash's O(shingles × num_perm). Empty bins are filled by
    :func:`_densify`, so the share of equal values of two signatures still
    estimates the Jaccard similarity of their shingle sets.
    """
    counts = shingles.counts
    n = counts.size
    salts = _mix(np.arange(seed * 64 + 1, seed * 64 + 1 + probes, dtype=np.uint64))
    hashes = _mix((shingles.hashes[None, :] ^ salts[:, None]).ravel())
    owner = np.tile(np.repeat(np.arange(n, dtype=np.int64), counts), probes)
    bins = ((hashes >> _U64(32)) % _U64(num_perm)).astype(np.int64)
    values = np.minimum(hashes & _U64(0xFFFFFFFF), _U64(_EMPTY - 1)).astype(np.uint32)
    out = np.full(n * num_perm, _EMPTY, dtype=np.uint32)
    np.minimum.at(out, owner * num_perm + bins, values)
    # Rotate along a fixed random order of the bins, so that the bins of one LSH
    # band (adjacent columns) do not borrow from each other.
    order = np.random.default_rng(seed).permutation(num_perm)
    sig = np.empty((n, num_perm), dtype=np.uint32)
    sig[:, order] = _densify(out.reshape(n, num_perm)[:, order])
    return sig


def _rensa_minhash(shingles: Shingles, num_perm: int, seed: int) -> np.ndarray:
    import rensa

    if shingles.counts.size == 0:
        return np.zeros((0, num_perm), np.uint32)
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        shingles.hashes, shingles.offsets.astype(np.uint64), num_perm, seed
    )
    flat = array.array("I")
    for row in matrix.to_rows():
        flat.extend(row)
    return np.frombuffer(flat, dtype=np.uint32).reshape(-1, num_perm).copy()


def signatures(texts: Sequence[str], options: NearDupOptions | None = None) -> np.ndarray:
    """MinHash signatures, shape (len(texts), num_perm), uint32.

    A text without words gets a row of 0xFFFFFFFF, which :func:`band_keys`
    never puts in a bucket.
    """
    opts = options or NearDupOptions()
    shingles = shingle_hashes(texts, opts.shingle_words)
    if opts.backend == "oph":
        sig = _oph_minhash(shingles, opts.num_perm, opts.seed, opts.probes)
    elif opts.backend == "rensa":
        sig = _rensa_minhash(shingles, opts.num_perm, opts.seed)
    else:
        sig = _numpy_minhash(shingles, opts.num_perm, opts.seed)
    sig[shingles.counts == 0] = _EMPTY
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
        keys = _mix(keys * _GOLDEN)
        for r in range(opts.rows):
            keys = _mix(keys ^ rows[:, :, r])
    keys = np.where(keys == 0, _U64(1), keys)
    keys[(sig == _EMPTY).all(axis=1)] = 0
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
