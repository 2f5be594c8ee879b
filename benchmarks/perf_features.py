"""A cheap story-features path for the performance suite: no spaCy parse at all.

:func:`quick_features` builds :class:`corroborate.stories.StoryFeatures` exactly as
:func:`corroborate.stories.extract_features` does (same terms, numbers, dates and
wordllama embedding, same :func:`normalize_entities`), except that entities come
from :func:`capitalised_entities` — runs of capitalised words typed by a few
rules — instead of spaCy's NER. It is the measured proposal for a default ingest
path that reaches ≥ 300 articles/s on 2 cores; ``--ecb`` scores its story
quality on the ECB+ development topics against the spaCy features.

    python benchmarks/perf_features.py --ecb      # ECB+ dev pairwise F1: spaCy vs quick
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from corroborate.config import Context
from corroborate.model import Article
from corroborate.stories import FeatureOptions, StoryFeatures
from corroborate.stories.features import article_terms, lead_text
from corroborate.stories.mentions import extract_dates, extract_numbers, normalize_entities
from corroborate.text import STOPWORDS

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _split(words: str) -> list[str]:
    return words.split()


_CAP = r"(?:[A-Z][a-z]+(?:['’-][A-Za-z]+)*|[A-Z]{2,}|[A-Z]\.(?:[A-Z]\.)+)"
_PHRASE = re.compile(rf"{_CAP}(?:\s+(?:of|de|the|and|for|al|van|von|la|le)?\s*{_CAP})*")
_HONORIFIC = re.compile(
    r"(?:Mr|Mrs|Ms|Dr|President|Minister|Premier|Senator|Governor|Chairman|Chief|"
    r"Secretary|Judge|Prime Minister|King|Queen|General|Sir)\.?\s+$"
)
_ORG_WORDS = frozenset(
    _split(
        "bank inc corp co ltd plc group ministry department association union party council "
        "agency committee company exchange reserve board university court commission fund "
        "corporation industries airlines police army navy parliament congress senate house "
        "organisation organization institute federation authority office bureau times post"
    )
)
_PLACES = frozenset(
    _split(
        "u.s. us usa uk britain england france germany japan china canada italy spain russia "
        "brazil mexico india iran iraq israel egypt australia argentina belgium netherlands "
        "switzerland sweden norway denmark austria poland turkey greece indonesia pakistan "
        "nigeria kenya ethiopia syria lebanon jordan korea taiwan vietnam thailand philippines "
        "malaysia singapore chile peru colombia venezuela cuba ireland scotland wales europe "
        "asia africa america london paris tokyo washington beijing moscow berlin new york "
        "ottawa toronto sydney chicago california texas florida hong kong brussels geneva "
        "frankfurt zurich bonn rome madrid kuwait saudi arabia opec gulf"
    )
)


_TITLES = frozenset(
    _split(
        "mr mrs ms dr president minister prime premier senator governor chairman chief secretary "
        "judge king queen general sir vice deputy foreign finance trade defence defense "
        "spokesman spokeswoman ambassador mayor pope prince"
    )
)
_CALENDAR = frozenset(
    _split(
        "monday tuesday wednesday thursday friday saturday sunday january february march april "
        "may june july august september october november december"
    )
)


def _split_titles(phrase: str) -> list[tuple[str, bool]]:
    """Split "U.S. President Donald Trump" into ("U.S.", False), ("Donald Trump", True)."""
    words = phrase.split()
    parts: list[tuple[str, bool]] = []
    current: list[str] = []
    titled = False
    for word in words:
        if word.lower().strip(".") in _TITLES:
            if current:
                parts.append((" ".join(current), titled))
                current = []
            titled = True
            continue
        current.append(word)
    if current:
        parts.append((" ".join(current), titled))
    return parts


def _label(phrase: str, before: str) -> str:
    tokens = phrase.split()
    lowered = [t.lower().strip(".") for t in tokens]
    if phrase.lower() in _PLACES or (len(tokens) == 1 and lowered[0] in _PLACES):
        return "GPE"
    if any(t in _ORG_WORDS for t in lowered) or phrase.isupper():
        return "ORG"
    if _HONORIFIC.search(before):
        return "PERSON"
    if 2 <= len(tokens) <= 3 and all(t[:1].isupper() and t[1:].islower() for t in tokens):
        return "PERSON"
    return "ORG" if len(tokens) > 1 else "NORP"


def capitalised_entities(text: str, lead_end: int) -> list[tuple[str, str, bool]]:
    """(phrase, spaCy-style label, in title or lead) for each capitalised phrase."""
    out = []
    for m in _PHRASE.finditer(text):
        phrase = m.group(0)
        start = m.start()
        head = text[max(0, start - 3) : start]
        sentence_start = start == 0 or bool(re.search(r"[.!?\n]\s*$", head))
        words = phrase.split()
        if sentence_start and words[0].lower() in STOPWORDS:
            words = words[1:]
            if not words:
                continue
            phrase = " ".join(words)
        for part, titled in _split_titles(phrase):
            tokens = part.split()
            if len(tokens) == 1 and (
                tokens[0].lower() in STOPWORDS or tokens[0].lower() in _CALENDAR or len(part) < 2
            ):
                continue
            label = "PERSON" if titled and part.lower() not in _PLACES else None
            label = label or _label(part, text[max(0, start - 20) : start])
            out.append((part, label, start < lead_end))
    return out


def quick_features(
    articles: Sequence[Article], ctx: Context, options: FeatureOptions | None = None
) -> list[StoryFeatures]:
    """extract_features with capitalised-phrase entities instead of spaCy NER."""
    opts = options or FeatureOptions()
    if not articles:
        return []
    vectors = ctx.nlp.wordllama().embed(
        [f"{a.title}. {lead_text(a, opts.embed_words)}" for a in articles],
        norm=True,
        batch_size=opts.batch_size,
    )
    out = []
    for article, vector in zip(articles, vectors, strict=True):
        text = f"{article.title}\n\n{article.body}"[: opts.ner_chars]
        lead_end = len(article.title) + 2 + len(lead_text(article, opts.lead_words))
        full = f"{article.title}\n{article.body}"
        out.append(
            StoryFeatures(
                article_id=article.id,
                title=article.title,
                outlet=article.outlet,
                published_at=article.published_at,
                terms=article_terms(article, opts),
                embedding=np.asarray(vector, dtype=np.float32),
                entities=normalize_entities(capitalised_entities(text, lead_end)),
                numbers=extract_numbers(full),
                dates=extract_dates(full),
            )
        )
    return out


def ecb_quality(orders: int = 3) -> dict[str, float]:
    """Pairwise F1 on ECB+ development topics (1-35): spaCy features vs quick features."""
    from corroborate.stories import StoryIndex, extract_features
    from ecbplus_data import DEV_TOPICS, load_ecbplus, pairwise_scores, run_index

    docs = load_ecbplus(topics=DEV_TOPICS)
    ctx = Context()
    articles = [d.article for d in docs]
    gold = [d.event for d in docs]
    result: dict[str, float] = {"docs": float(len(docs))}
    for name, make in (("spacy", extract_features), ("quick", quick_features)):
        started = time.process_time()
        feats = make(articles, ctx)
        result[f"{name}_features_ms_per_doc_cpu"] = (
            (time.process_time() - started) / len(docs) * 1000
        )
        f1s = []
        for seed in range(orders):
            order = list(range(len(feats)))
            np.random.default_rng(seed).shuffle(order)
            labels = run_index(feats, order, StoryIndex())
            f1s.append(pairwise_scores(gold, [labels[f.article_id] for f in feats])[2])
        result[f"{name}_pairwise_f1_dev"] = statistics.mean(f1s)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ecb", action="store_true", help="ECB+ dev quality, spaCy vs quick")
    parser.add_argument("--orders", type=int, default=3)
    args = parser.parse_args()
    if args.ecb:
        for key, value in ecb_quality(args.orders).items():
            print(f"{key}: {value:.4f}")


if __name__ == "__main__":
    main()
