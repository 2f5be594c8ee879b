"""ROUGE-2 and ROUGE-SU4 recall, jackknifed over the references as NIST did for DUC 2006.

NIST ran ``ROUGE-1.5.5.pl -n 4 -w 1.2 -m -2 4 -u -c 95 -r 1000 -f A -p 0.5 -t 0 -a``
on summaries truncated to 250 words: stemming on, stopwords kept, ``-f A``
(hits and counts summed over the references of a set), jackknifing (the mean over
the four leave-one-out sets of three references), then the mean over topics.

Here tokens come from the ``rouge-score`` package's tokenizer with its Porter
stemmer (lower-case, non-alphanumerics to spaces, words longer than 3 letters
stemmed). ROUGE-2 counts are checked against ``rouge_score.RougeScorer`` by
:func:`check_rouge2_against_rouge_score`. ``rouge-score`` has no SU4, so
skip-bigrams with at most 4 words between the pair plus unigrams (ROUGE-1.5.5's
``-2 4 -u``) are counted here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

from rouge_score import rouge_scorer, tokenizers

__all__ = [
    "RougeScores",
    "Tokenizer",
    "bigrams",
    "check_rouge2_against_rouge_score",
    "jackknife_recall",
    "make_tokenizer",
    "score_summary",
    "skip_bigrams_with_unigrams",
    "truncate_words",
]

Tokenizer = Callable[[str], list[str]]
MAX_SKIP = 4


@dataclass(frozen=True, slots=True)
class RougeScores:
    """Jackknifed recall of one summary against one topic's references."""

    rouge2: float
    su4: float


def make_tokenizer() -> Tokenizer:
    """rouge-score's tokenizer with stemming on (the settings NIST used: ``-m``)."""
    return tokenizers.DefaultTokenizer(use_stemmer=True).tokenize


def truncate_words(text: str, limit: int) -> str:
    """The first ``limit`` whitespace-separated words, as DUC truncated summaries."""
    return " ".join(text.split()[:limit])


def bigrams(tokens: Sequence[str]) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + 2]) for i in range(len(tokens) - 1))


def skip_bigrams_with_unigrams(
    tokens: Sequence[str], max_skip: int = MAX_SKIP
) -> Counter[tuple[str, ...]]:
    """ROUGE-1.5.5 ``-2 4 -u``: ordered pairs at most ``max_skip`` words apart, plus unigrams."""
    grams: Counter[tuple[str, ...]] = Counter((t,) for t in tokens)
    n = len(tokens)
    for i in range(n):
        for j in range(i + 1, min(n, i + max_skip + 2)):
            grams[(tokens[i], tokens[j])] += 1
    return grams


def _hits(peer: Counter[tuple[str, ...]], model: Counter[tuple[str, ...]]) -> int:
    return sum(min(count, peer[gram]) for gram, count in model.items())


def jackknife_recall(
    peer: Counter[tuple[str, ...]], models: Sequence[Counter[tuple[str, ...]]]
) -> float:
    """Mean over the leave-one-out reference sets of (sum of hits / sum of model grams)."""
    if not models:
        raise ValueError("no reference summaries")
    hits = [_hits(peer, m) for m in models]
    totals = [sum(m.values()) for m in models]
    if len(models) == 1:
        return hits[0] / max(totals[0], 1)
    k = len(models) - 1
    scores = []
    for subset in combinations(range(len(models)), k):
        scores.append(sum(hits[i] for i in subset) / max(sum(totals[i] for i in subset), 1))
    return sum(scores) / len(scores)


def score_summary(summary: str, references: Sequence[str], tokenize: Tokenizer) -> RougeScores:
    """Jackknifed ROUGE-2 and ROUGE-SU4 recall of one (already truncated) summary."""
    peer_tokens = tokenize(summary)
    ref_tokens = [tokenize(r) for r in references]
    return RougeScores(
        rouge2=jackknife_recall(bigrams(peer_tokens), [bigrams(t) for t in ref_tokens]),
        su4=jackknife_recall(
            skip_bigrams_with_unigrams(peer_tokens),
            [skip_bigrams_with_unigrams(t) for t in ref_tokens],
        ),
    )


def check_rouge2_against_rouge_score(
    summary: str, references: Sequence[str], tokenize: Tokenizer
) -> float:
    """Largest difference between our per-reference ROUGE-2 recall and rouge-score's."""
    scorer = rouge_scorer.RougeScorer(["rouge2"], use_stemmer=True)
    peer = bigrams(tokenize(summary))
    worst = 0.0
    for reference in references:
        model = bigrams(tokenize(reference))
        ours = _hits(peer, model) / max(sum(model.values()), 1)
        theirs = scorer.score(reference, summary)["rouge2"].recall
        worst = max(worst, abs(ours - theirs))
    return worst
