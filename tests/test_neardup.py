"""corroborate.neardup: word hashing, shingles, signatures, banding, verified pairs."""

from __future__ import annotations

import gzip
import random
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from corroborate.errors import UsageError
from corroborate.neardup import (
    NearDupIndex,
    NearDupOptions,
    band_keys,
    candidate_pairs,
    find_near_duplicates,
    groups_from_pairs,
    pair_similarity,
    shingle_hashes,
    signatures,
    word_hashes,
)

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
BACKENDS = ("rensa", "numpy", "oph")

WORDS = [
    "council",
    "harbour",
    "vote",
    "budget",
    "river",
    "bridge",
    "storm",
    "minister",
    "school",
    "court",
    "police",
    "fire",
    "election",
    "market",
    "strike",
    "union",
    "hospital",
    "museum",
    "festival",
    "airport",
    "rail",
    "price",
    "tax",
    "water",
    "energy",
    "farm",
    "wind",
    "coast",
    "mayor",
    "report",
    "inquiry",
    "contract",
    "flood",
    "road",
    "tunnel",
    "ferry",
    "grant",
]


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) + str(rng.randrange(50)) for _ in range(n))


def _edit(text: str, rng: random.Random, rate: float) -> str:
    words = text.split()
    for _ in range(max(1, round(rate * len(words)))):
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def test_equal_words_hash_equal_and_ascii_case_folds() -> None:
    hashes, docs = word_hashes(["River Vote", "the river VOTE", "rivers"])
    assert docs.tolist() == [0, 0, 1, 1, 1, 2]
    assert hashes[0] == hashes[3] and hashes[1] == hashes[4]
    assert hashes[0] != hashes[5] and hashes[0] != hashes[1]


def test_unicode_punctuation_separates_words_and_letters_do_not() -> None:
    plain, _ = word_hashes(["he said hello world"])
    fancy, _ = word_hashes(["he said \u201chello\u201d\u2014world"])
    spaced, _ = word_hashes(["he\u00a0said hello world"])
    assert plain.tolist() == fancy.tolist() == spaced.tolist()
    accented, _ = word_hashes(["café crème"])
    assert accented.size == 2


def test_word_hashes_do_not_depend_on_batching() -> None:
    rng = random.Random(3)
    texts = [_text(rng, rng.randrange(0, 40)) for _ in range(300)] + ["x" * 200_000]
    together, docs = word_hashes(texts)
    one_by_one = [word_hashes([t])[0] for t in texts]
    assert together.tolist() == np.concatenate(one_by_one).tolist()
    assert docs.tolist() == [i for i, h in enumerate(one_by_one) for _ in range(h.size)]


def test_word_hash_is_stable_across_runs() -> None:
    # Signatures are stored and compared across machines: the hash must never drift.
    hashes, _ = word_hashes(["news"])
    assert int(hashes[0]) == int(word_hashes(["NEWS!"])[0][0])
    assert int(hashes[0]) == _pinned_news()


def _pinned_news() -> int:
    # The polynomial hash written out in plain Python, then the splitmix64 finaliser.
    mask = (1 << 64) - 1
    value = 0
    for i, byte in enumerate(b"news"):
        value = (value + (byte + 1) * pow(0x100000001B3, i, 1 << 64)) & mask
    value ^= value >> 30
    value = (value * 0xBF58476D1CE4E5B9) & mask
    value ^= value >> 27
    value = (value * 0x94D049BB133111EB) & mask
    return value ^ (value >> 31)


def test_shingle_counts() -> None:
    sh = shingle_hashes(["a b c d e", "a b", "", "... !!!", "a b c"], 3)
    assert sh.counts.tolist() == [3, 1, 0, 0, 1]
    assert sh.hashes.size == 5
    # "a b c" as a whole text and as the first shingle of "a b c d e" agree.
    assert sh.hashes[0] == sh.hashes[4]
    # A short text's single shingle is not the shingle of a longer text it starts.
    assert sh.hashes[3] not in sh.hashes[:3]


@pytest.mark.parametrize("backend", BACKENDS)
def test_identical_texts_identical_signatures_and_empty_never_paired(backend: str) -> None:
    rng = random.Random(5)
    base = _text(rng, 80)
    texts = [base, _text(rng, 80), base, "", "   "]
    opts = NearDupOptions(backend=backend)
    sig = signatures(texts, opts)
    assert sig.shape == (5, 128) and sig.dtype == np.uint32
    assert (sig[0] == sig[2]).all()
    keys = band_keys(sig, opts)
    assert (keys[3] == 0).all() and (keys[4] == 0).all()
    pairs = candidate_pairs(keys)
    assert pairs.tolist() == [[0, 2]]


@pytest.mark.parametrize("backend", BACKENDS)
def test_similarity_estimates_jaccard(backend: str) -> None:
    rng = random.Random(11)
    opts = NearDupOptions(backend=backend, shingle_words=1)
    errors = []
    for _ in range(40):
        universe = [f"w{rng.randrange(10**9)}" for _ in range(400)]
        a = set(rng.sample(universe, 200))
        b = set(rng.sample(universe, 200))
        truth = len(a & b) / len(a | b)
        sig = signatures([" ".join(sorted(a)), " ".join(sorted(b))], opts)
        errors.append(pair_similarity(sig, np.array([[0, 1]]))[0] - truth)
    errors_arr = np.array(errors)
    assert abs(errors_arr.mean()) < 0.03
    assert np.sqrt((errors_arr**2).mean()) < 0.08


def test_backends_differ_but_agree_on_duplicates() -> None:
    rng = random.Random(8)
    base = _text(rng, 120)
    texts = [base, _edit(base, rng, 0.05), _text(rng, 120)]
    for backend in BACKENDS:
        found = find_near_duplicates(texts, NearDupOptions(backend=backend))
        assert [(a, b) for a, b, _ in found.pair_list()] == [(0, 1)], backend
        assert found.groups.tolist() == [0, 0, 2]


def test_candidate_pairs_large_bucket_is_a_star() -> None:
    keys = np.zeros((6, 2), dtype=np.uint64)
    keys[:, 0] = 7  # all six share band 0
    keys[4, 1] = keys[5, 1] = 9
    small = candidate_pairs(keys, max_bucket=64)
    assert len(small) == 15
    star = candidate_pairs(keys, max_bucket=3)
    assert star.tolist() == [[0, 1], [0, 2], [0, 3], [0, 4], [0, 5], [4, 5]]


def test_groups_from_pairs_label_is_smallest_member() -> None:
    labels = groups_from_pairs(6, np.array([[1, 4], [4, 5], [0, 2]]))
    assert labels.tolist() == [0, 1, 0, 3, 1, 1]
    assert groups_from_pairs(3, np.zeros((0, 2), np.int64)).tolist() == [0, 1, 2]


def test_options_are_checked() -> None:
    with pytest.raises(UsageError, match="multiple of bands"):
        NearDupOptions(num_perm=100, bands=32)
    with pytest.raises(UsageError, match="backend"):
        NearDupOptions(backend="gpu")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="threshold"):
        NearDupOptions(threshold=0)
    with pytest.raises(UsageError, match="not str"):
        signatures(["ok", None])  # type: ignore[list-item]
    with pytest.raises(UsageError, match="expected"):
        band_keys(np.zeros((2, 64), np.uint32), NearDupOptions())


def test_incremental_index_finds_what_the_batch_finds() -> None:
    rng = random.Random(21)
    texts = []
    for _ in range(150):
        texts.append(_text(rng, rng.randrange(20, 120)))
        if rng.random() < 0.3:
            texts.append(_edit(texts[rng.randrange(len(texts))], rng, rng.uniform(0.02, 0.1)))
    batch = {(a, b) for a, b, _ in find_near_duplicates(texts).pair_list()}
    assert batch, "the generated corpus should contain near duplicates"
    index = NearDupIndex()
    ids = [f"t{i}" for i in range(len(texts))]
    found = set()
    for start in range(0, len(texts), 17):
        matches = index.add(ids[start : start + 17], texts[start : start + 17])
        for offset, hits in enumerate(matches):
            for other, sim in hits:
                assert 0.4 <= sim <= 1.0
                found.add((int(other[1:]), start + offset))
    assert found == batch
    assert len(index) == len(texts)
    with pytest.raises(UsageError, match="ids for"):
        index.add(["a"], [])


def test_index_grows_past_its_buffer_and_caps_large_buckets() -> None:
    rng = random.Random(5)
    texts = [_text(rng, 30) for _ in range(1300)]
    texts += [texts[0]] * 100  # one bucket far beyond max_bucket
    opts = NearDupOptions(max_bucket=8)
    index = NearDupIndex(opts)
    ids = [f"t{i}" for i in range(len(texts))]
    matches = []
    for start in range(0, len(texts), 250):
        matches += index.add(ids[start : start + 250], texts[start : start + 250])
    assert index.add([], []) == []
    assert np.array_equal(index.signatures, signatures(texts, opts))
    assert index.nbytes > index.signatures.nbytes > 0
    copies = matches[1300:]
    assert all(hits and hits[0] == ("t0", 1.0) for hits in copies)
    # at most max_bucket rows per band key in each sorted run: capped, not 100 matches
    assert max(len(hits) for hits in copies) < 40
    rows = [[int(h[1:]) for h, _ in hits] for hits in matches]
    assert all(r == sorted(r) for r in rows)


@pytest.mark.shared
def test_reuters_identical_bodies_all_found() -> None:
    root = SHARED / "data" / "reuters21578"
    if not root.exists():
        pytest.skip(f"{root} is absent: this test needs the shared evaluation data")
    bodies = []
    for path in sorted(root.glob("reut2-*.sgm.gz")):
        with gzip.open(path, "rb") as fh:
            raw = fh.read().decode("latin-1")
        bodies += [
            re.sub(r"\s+", " ", b).strip() for b in re.findall(r"<BODY>(.*?)</BODY>", raw, re.S)
        ]
    groups: dict[str, list[int]] = defaultdict(list)
    for i, body in enumerate(bodies):
        groups[body].append(i)
    dup_groups = [g for g in groups.values() if len(g) > 1]
    assert (len(bodies), len(dup_groups), sum(map(len, dup_groups))) == (19043, 279, 560)
    labels = find_near_duplicates(bodies).groups
    assert all(len({labels[i] for i in g}) == 1 for g in dup_groups)
