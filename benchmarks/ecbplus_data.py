"""Load the ECB+ documents from ../shared as corroborate Articles (benchmark helper).

ECB+ ships tokenised sentences; we join them back into readable text. In the
``*ecbplus.xml`` documents sentence 0 is the source URL: it becomes ``url`` and
is dropped from the text (the story features never read URLs). There is no
headline field: the title is the first sentence that reads like one (at least
four words, not a dateline such as "April 27, 2009" or "Posted 11/27/2005");
the sentences before it stay in the text.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corroborate.model import Article

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
ECBPLUS = SHARED / "data" / "ecbplus" / "ecbplus_docs.jsonl.gz"
DEV_TOPICS = range(1, 36)
TEST_TOPICS = range(36, 46)


@dataclass(frozen=True, slots=True)
class GoldDoc:
    """One ECB+ document as an Article, with its topic and gold sub-event."""

    article: Article
    topic: int
    event: str


_FIXES = [
    (re.compile(r"``\s*"), '"'),
    (re.compile(r"\s*''"), '"'),
    (re.compile(r"\s+([,.;:!?%)\]}])"), r"\1"),
    (re.compile(r"([(\[{$])\s+"), r"\1"),
    (re.compile(r"\s+(n't|'s|'re|'ve|'ll|'d|'m)\b", re.IGNORECASE), r"\1"),
    (re.compile(r"\s+-\s+"), " - "),
]


def detokenize(sentence: str) -> str:
    """Undo Penn-Treebank-style spacing roughly ("Reid 's rep ," -> "Reid's rep,")."""
    text = sentence
    for pattern, repl in _FIXES:
        text = pattern.sub(repl, text)
    return text.strip()


_DATELINE = re.compile(
    r"(?i)\b(?:posted|updated|published|last updated|jan|feb|mar|apr|may|jun|jul|aug|sep|"
    r"oct|nov|dec)[a-z]*\b.*\d|^[\d\s/:,.-]+(?:am|pm|gmt|et)?$"
)


def _headline_like(sentence: str) -> bool:
    return len(sentence.split()) >= 4 and not (
        _DATELINE.search(sentence)
        and sum(c.isdigit() for c in sentence) >= 2
        and len(sentence.split()) <= 10
    )


def load_ecbplus(path: Path = ECBPLUS, topics: range | None = None) -> list[GoldDoc]:
    """ECB+ documents (optionally only some topics) in file order."""
    out: list[GoldDoc] = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            topic = int(record["topic"])
            if topics is not None and topic not in topics:
                continue
            sentences = [detokenize(s) for s in record["sentences"]]
            url = None
            if record["doc"].endswith("ecbplus.xml") and sentences:
                url = sentences[0].replace(" ", "")
                sentences = sentences[1:]
            sentences = [s for s in sentences if s]
            pick = next((i for i, s in enumerate(sentences) if _headline_like(s)), 0)
            article = Article(
                title=sentences[pick] if sentences else "",
                paragraphs=sentences[:pick] + sentences[pick + 1 :],
                id=record["doc"],
                url=url,
            )
            out.append(GoldDoc(article, topic, str(record["subtopic"])))
    return out


def pairwise_scores(gold: list[str], predicted: list[str]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1: pairs put together vs pairs that belong together."""
    from collections import Counter

    def pairs(counts: Counter[object]) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    both = pairs(Counter(zip(gold, predicted, strict=True)))
    pred_pairs = pairs(Counter(predicted))
    gold_pairs = pairs(Counter(gold))
    precision = both / pred_pairs if pred_pairs else 1.0
    recall = both / gold_pairs if gold_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


ENTITY_PATHS = ("quick", "spacy")


def cached_features(
    docs: list[GoldDoc], cache: Path | None, entities: str = "quick"
) -> list[dict[str, object]]:
    """Story features of the documents as dicts, read from / written to a JSONL cache.

    ``entities`` is the feature path: "quick" (capitalised phrases, what
    ``corroborate ingest`` computes by default) or "spacy" (the NER parse).
    Extraction runs wordllama (and spaCy) over every document (about a minute
    for all of ECB+ on 2 cores); the cache only saves that time between runs.
    A cache is per path: its file name gets the path as a suffix.
    """
    from corroborate.config import Context
    from corroborate.stories import FeatureOptions, extract_features

    if cache is not None:
        cache = cache.with_name(f"{cache.stem}.{entities}{cache.suffix}")

    if cache is not None and cache.exists():
        by_id = {}
        with cache.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                by_id[record["article_id"]] = record
        if all(d.article.id in by_id for d in docs):
            return [by_id[d.article.id] for d in docs]
    feats = extract_features(
        [d.article for d in docs], Context(), FeatureOptions(entities=entities)
    )
    dicts = [f.to_dict() for f in feats]
    if cache is not None:
        with cache.open("w", encoding="utf-8") as handle:
            for record in dicts:
                handle.write(json.dumps(record) + "\n")
    return dicts


def run_index(features: list[object], order: list[int], index: object) -> dict[str, str]:
    """Add the features in ``order`` to ``index`` (a StoryIndex); article id -> story id."""
    for i in order:
        index.add(features[i])  # type: ignore[attr-defined]
    return index.labels()  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Replay:
    """One replay of documents through a fresh StoryIndex, scored against gold stories."""

    precision: float
    recall: float
    f1: float
    ari: float
    predicted: list[str]
    seconds: float


def replay(features: list[Any], order: list[int], gold: list[str]) -> Replay:
    """Add ``features`` to a new StoryIndex in ``order`` and score the stories it makes
    (pairwise precision, recall, F1 and ARI against ``gold``, in ``features`` order)."""
    from sklearn.metrics import adjusted_rand_score

    from corroborate.stories import StoryIndex

    started = time.perf_counter()
    labels = run_index(features, order, StoryIndex())
    seconds = time.perf_counter() - started
    predicted = [labels[f.article_id] for f in features]
    p, r, f1 = pairwise_scores(gold, predicted)
    return Replay(p, r, f1, adjusted_rand_score(gold, predicted), predicted, seconds)
