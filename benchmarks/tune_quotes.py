"""Choose the quote-alignment thresholds (QuoteOptions) on the development stories.

Runs the quote comparison of every dev story (ECB+ topics 1-35 and, unless
``--no-duc``, the DUC 2006 dev stories) for a grid of thresholds and prints the
altered-quote recall and precision of each (strict matching, see
facts_scoring.py), best F1 first. The test topics and the DUC held-out stories
are never read here.
Usage: python benchmarks/tune_quotes.py [--cache FILE] [--duc-cache FILE] [--top 10]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corroborate.facts import StoryFacts
from corroborate.facts.compare_quotes import QuoteOptions, compare_quotes
from corroborate.facts.extract import article_key
from corroborate.text import article_sentences
from facts_scoring import score
from train_facts_pairs import add_dev_arguments, load_dev


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_dev_arguments(parser)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    dev = load_dev(args)
    stories, facts, labels = dev.stories, dev.facts, dev.labels
    sentences = {
        sid: [s.text for a in arts for s in article_sentences(a.paragraphs)]
        for sid, arts in stories.items()
    }
    rows = []
    grid = itertools.product(
        (0.5,), (0.5, 0.6, 0.7), (0.45, 0.55, 0.65), (3,), (3.0,), (0.0, 0.5, 0.55, 0.6, 0.7)
    )
    for cover, altered, rare, words, ratio, content in grid:
        options = QuoteOptions(cover, altered, rare, words, ratio, content)
        results = {
            sid: StoryFacts(
                [article_key(a) for a in arts],
                [],
                compare_quotes(facts[sid], sentences[sid], options),
                [],
                [],
            )
            for sid, arts in stories.items()
        }
        figures = score(results, labels)
        recall, precision = figures.altered_recall, figures.altered_precision
        f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
        rows.append((round(f1, 3), recall, precision, figures.altered_flagged, options))
    rows.sort(key=lambda r: (-r[0], -r[1]))
    print("F1     recall precision flagged options")
    for f1, recall, precision, flagged, options in rows[: args.top]:
        print(f"{f1:.3f}  {recall:.3f}  {precision:.3f}     {flagged:4d}    {options}")
    default = next(r for r in rows if r[4] == QuoteOptions())
    print(
        f"current defaults: F1 {default[0]:.3f}, recall {default[1]:.3f}, precision {default[2]:.3f}"
    )


if __name__ == "__main__":
    main()
