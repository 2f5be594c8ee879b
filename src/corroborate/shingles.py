"""Word and shingle hashes of a batch of texts, and MinHash kernels over them.

The text side of :mod:`corroborate.neardup`, vectorised numpy over a whole
batch at once: words are runs of ASCII letters/digits or non-ASCII characters
(ASCII lower-cased, Unicode punctuation such as curly quotes and dashes treated
as spaces), each word gets a 64-bit polynomial hash, and ``shingle_words``
consecutive words make one shingle hash. The MinHash kernels turn those into
signatures: rensa's Rust kernel, one-permutation hashing, or a numpy
multiply-shift MinHash.
"""

from __future__ import annotations

import array
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from corroborate.errors import UsageError

__all__ = ["EMPTY", "GOLDEN", "Shingles", "minhash", "mix", "shingle_hashes", "word_hashes"]

_U64 = np.uint64
_CHUNK_BYTES = 1 << 16  # texts are hashed in ~64 KB slices: the arrays stay in cache
_POLY = _U64(0x100000001B3)
_POLY_INV = _U64(pow(0x100000001B3, -1, 1 << 64))
GOLDEN = _U64(0x9E3779B97F4A7C15)
EMPTY = np.iinfo(np.uint32).max  # the signature value of a text without words


def _byte_tables() -> tuple[np.ndarray, np.ndarray]:
    word = np.zeros(256, dtype=bool)
    for c in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789":
        word[c] = True
    word[0x80:] = True  # bytes of non-ASCII characters belong to words...
    value = np.arange(1, 257, dtype=np.uint64)  # +1: a zero byte still counts
    value[ord("A") : ord("Z") + 1] += 32  # ASCII lower-casing
    return word, value


@dataclass(frozen=True, slots=True)
class Shingles:
    """Shingle hashes of a batch, one contiguous run per text (``offsets`` has n+1 values)."""

    hashes: np.ndarray  # uint64
    offsets: np.ndarray  # int64

    @property
    def counts(self) -> np.ndarray:
        return np.diff(self.offsets)


def mix(x: np.ndarray) -> np.ndarray:
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
        return mix(hashes), starts


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
                combined = combined * GOLDEN + words[step : w - k + 1 + step]
        keep = docs[: w - k + 1] == docs[k - 1 :]
        hashes = mix(combined[keep])
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
                extra[inside] = extra[inside] * GOLDEN + words[position[inside]]
        counts[short] = 1
        placed = np.empty(int(counts.sum()), dtype=np.uint64)
        is_short = np.zeros(n_texts, dtype=bool)
        is_short[short] = True
        slot = np.repeat(is_short, counts)
        placed[slot] = mix(extra)
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
    out = np.full((counts.size, num_perm), EMPTY, dtype=np.uint32)
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
        index = np.where(doubled != EMPTY, np.arange(2 * k), 2 * k)
        following = np.minimum.accumulate(index[:, ::-1], axis=1)[:, ::-1][:, :k]
        usable = following < 2 * k  # rows with at least one non-empty bin
        source = np.where(usable, following, 0) % k
        distance = np.where(usable, following - np.arange(k), 0).astype(np.uint64)
        values = np.take_along_axis(part, source, axis=1).astype(np.uint64)
        moved = (distance > 0) & usable
        rehashed = (mix(values * GOLDEN + distance) >> _U64(32)).astype(np.uint32)
        rehashed = np.minimum(rehashed, np.uint32(EMPTY - 1))
        out[lo : lo + 8192] = np.where(moved, rehashed, np.where(usable, part, EMPTY))
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
    salts = mix(np.arange(seed * 64 + 1, seed * 64 + 1 + probes, dtype=np.uint64))
    hashes = mix((shingles.hashes[None, :] ^ salts[:, None]).ravel())
    owner = np.tile(np.repeat(np.arange(n, dtype=np.int64), counts), probes)
    bins = ((hashes >> _U64(32)) % _U64(num_perm)).astype(np.int64)
    values = np.minimum(hashes & _U64(0xFFFFFFFF), _U64(EMPTY - 1)).astype(np.uint32)
    out = np.full(n * num_perm, EMPTY, dtype=np.uint32)
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


def minhash(shingles: Shingles, backend: str, num_perm: int, seed: int, probes: int) -> np.ndarray:
    """MinHash signatures of each text's shingles, (texts, num_perm) uint32, by ``backend``
    ("oph": one-permutation hashing with ``probes``; "rensa"; otherwise numpy)."""
    if backend == "oph":
        return _oph_minhash(shingles, num_perm, seed, probes)
    if backend == "rensa":
        return _rensa_minhash(shingles, num_perm, seed)
    return _numpy_minhash(shingles, num_perm, seed)
