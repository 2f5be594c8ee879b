"""How well the digest's "same fact" test finds paraphrases: MRPC sentence pairs.

The digest merges sentences of different articles whose similarity (mean of
stemmed content-word Jaccard and wordllama cosine, see
``corroborate.summarize.redundancy``) reaches ``DigestOptions.duplicate_threshold``.
This prints precision / recall / F1 / accuracy of that test for "is a
paraphrase" on MRPC, for a few thresholds, choosing on the 4,076 training pairs
and reporting the 1,725 test pairs.

    python benchmarks/summarize_redundancy.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from corroborate.config import Context
from corroborate.model import Article
from corroborate.summarize.redundancy import similarity_matrix
from corroborate.summarize.trim import TrimOptions
from corroborate.summarize.units import Stemmer, build_units

MRPC = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "mrpc"
THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7)


def load_pairs(path: Path) -> tuple[list[tuple[str, str]], np.ndarray]:
    pairs: list[tuple[str, str]] = []
    labels: list[int] = []
    with path.open(encoding="utf-8-sig") as handle:
        next(handle)
        for line in handle:
            quality, _, _, first, second = line.rstrip("\n").split("\t")
            pairs.append((first, second))
            labels.append(int(quality))
    return pairs, np.array(labels)


def pair_similarity(ctx: Context, pairs: list[tuple[str, str]]) -> np.ndarray:
    """The digest's similarity of each pair, computed exactly as in a two-article story."""
    stemmer = Stemmer()
    model = ctx.nlp.wordllama()
    out = np.zeros(len(pairs), dtype=np.float32)
    for k, (first, second) in enumerate(pairs):
        articles = [
            Article(title="", paragraphs=[first], id="1"),
            Article(title="", paragraphs=[second], id="2"),
        ]
        units = build_units(articles, stemmer, TrimOptions(trim=False))
        texts = [u.text for u in units]
        vectors = np.asarray(model.embed(texts, norm=True), dtype=np.float32)
        matrix = similarity_matrix(units, vectors)
        # A sentence the splitter cut in two: take the best-matching pieces.
        cross = [
            matrix[i, j]
            for i, a in enumerate(units)
            for j, b in enumerate(units)
            if a.article < b.article
        ]
        out[k] = max(cross) if cross else 0.0
    return out


def report(name: str, scores: np.ndarray, labels: np.ndarray, threshold: float) -> str:
    predicted = scores >= threshold
    tp = int((predicted & (labels == 1)).sum())
    precision = tp / max(int(predicted.sum()), 1)
    recall = tp / max(int((labels == 1).sum()), 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    accuracy = float((predicted == (labels == 1)).mean())
    return f"{name:<6}{threshold:>6.2f}{precision:>8.3f}{recall:>8.3f}{f1:>8.3f}{accuracy:>8.3f}"


def main() -> None:
    if not MRPC.is_dir():
        sys.exit(f"MRPC not found at {MRPC}")
    ctx = Context()
    train_pairs, train_labels = load_pairs(MRPC / "msr_paraphrase_train.txt")
    test_pairs, test_labels = load_pairs(MRPC / "msr_paraphrase_test.txt")
    train = pair_similarity(ctx, train_pairs)
    test = pair_similarity(ctx, test_pairs)
    print(f"{'split':<6}{'thr':>6}{'P':>8}{'R':>8}{'F1':>8}{'acc':>8}")
    for threshold in THRESHOLDS:
        print(report("train", train, train_labels, threshold))
    for threshold in THRESHOLDS:
        print(report("test", test, test_labels, threshold))


if __name__ == "__main__":
    main()
