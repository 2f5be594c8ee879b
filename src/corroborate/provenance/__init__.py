"""Provenance: who copied or reworded whom, sentence by sentence, and what is original.

- :func:`score_pairs` / :func:`score_pair`: paraphrase probability of sentence pairs.
- :func:`align_articles`: each sentence's counterpart(s) in another article,
  ``verbatim``, ``paraphrase`` or ``shared-quote``.
- :func:`article_reuse`: kind (copy / rewrite / partial / independent), shares,
  direction and evidence for a pair.
- :func:`story_provenance`: the graph of a story and its original reporting.
- :func:`unseen_source`: style markers of reporting retold from an absent outlet.
"""

from __future__ import annotations

from corroborate.provenance.align import (
    AlignOptions,
    PairAlignment,
    SentenceLink,
    align_articles,
)
from corroborate.provenance.graph import (
    Node,
    ProvenanceGraph,
    ProvenanceOptions,
    story_provenance,
)
from corroborate.provenance.markers import MarkerHit, UnseenSource, find_markers, unseen_source
from corroborate.provenance.paraphrase import PairScore, score_pair, score_pairs
from corroborate.provenance.reuse import Evidence, Reuse, ReuseOptions, article_reuse, pair_reuse

__all__ = [
    "AlignOptions",
    "Evidence",
    "MarkerHit",
    "Node",
    "PairAlignment",
    "PairScore",
    "ProvenanceGraph",
    "ProvenanceOptions",
    "Reuse",
    "ReuseOptions",
    "SentenceLink",
    "UnseenSource",
    "align_articles",
    "article_reuse",
    "find_markers",
    "pair_reuse",
    "score_pair",
    "score_pairs",
    "story_provenance",
    "unseen_source",
]
