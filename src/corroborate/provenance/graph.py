"""Provenance graph of a story: who took what from whom, and what is original.

Every pair of articles is aligned in one batch (one embedding call and one
scoring call for the whole story), judged for reuse, and the articles derived
from none of the others, nor from an unseen source, form the original reporting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from corroborate.config import Context
from corroborate.errors import UsageError
from corroborate.model import Article, format_datetime
from corroborate.provenance.align import AlignOptions, align_prepared, article_key, prepare_articles
from corroborate.provenance.markers import UnseenSource, unseen_source
from corroborate.provenance.reuse import Reuse, ReuseOptions, pair_reuse

__all__ = ["Node", "ProvenanceGraph", "ProvenanceOptions", "story_provenance"]


@dataclass(frozen=True, slots=True)
class ProvenanceOptions:
    """Options of the aligner and of the reuse judgement, together."""

    align: AlignOptions = field(default_factory=AlignOptions)
    reuse: ReuseOptions = field(default_factory=ReuseOptions)


@dataclass(frozen=True, slots=True)
class Node:
    """An article in the graph, with its unseen-source verdict."""

    id: str
    outlet: str
    title: str
    published_at: str | None
    unseen_source: UnseenSource

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "outlet": self.outlet,
            "title": self.title,
            "published_at": self.published_at,
            "unseen_source": self.unseen_source.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class ProvenanceGraph:
    """Nodes are articles; edges are reuse (kind other than ``independent``)."""

    nodes: tuple[Node, ...]
    edges: tuple[Reuse, ...]
    original_reporting: tuple[str, ...]
    # Pairs judged independent; their sentence links (a few reworded facts,
    # shared quotes) are kept for display but are not edges.
    independent: tuple[Reuse, ...] = ()

    @property
    def derived_from_unseen(self) -> tuple[str, ...]:
        return tuple(n.id for n in self.nodes if n.unseen_source.derived)

    def to_dict(self) -> dict[str, Any]:
        return {
            "nodes": [n.to_dict() for n in self.nodes],
            "reuse": [e.to_dict() for e in self.edges],
            "original_reporting": list(self.original_reporting),
            "derived_from_unseen": list(self.derived_from_unseen),
            "independent": [
                {
                    "a": r.source,
                    "b": r.target,
                    "share": round(r.share, 4),
                    "evidence": [e.to_dict() for e in r.evidence],
                    "shared_quotes": [q.to_dict() for q in r.shared_quotes],
                    "changed_figures": [q.to_dict() for q in r.changed_figures],
                }
                for r in self.independent
                if r.evidence or r.shared_quotes or r.changed_figures
            ],
        }


def story_provenance(
    articles: list[Article], ctx: Context, opts: ProvenanceOptions | None = None
) -> ProvenanceGraph:
    """Align every pair of a story's articles and build its provenance graph."""
    opts = opts or ProvenanceOptions()
    keys = [article_key(a) for a in articles]
    if len(set(keys)) != len(keys):
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        raise UsageError(f"articles with the same id in one story: {', '.join(dupes)}")
    index = prepare_articles(articles, ctx, opts.align)
    pairs = list(combinations(range(len(articles)), 2))
    alignments = align_prepared(index, pairs, ctx, opts.align)
    edges: list[Reuse] = []
    independent: list[Reuse] = []
    for (i, j), alignment in zip(pairs, alignments, strict=True):
        reuse = pair_reuse(alignment, articles[i], articles[j], opts.reuse)
        (edges if reuse.kind != "independent" else independent).append(reuse)
    outlets = [a.source for a in articles if a.source]
    nodes = tuple(
        Node(
            id=p.key,
            outlet=p.article.outlet,
            title=p.article.title,
            published_at=format_datetime(p.article.published_at),
            unseen_source=unseen_source(p.sentences, outlets),
        )
        for p in index.articles
    )
    derived = {e.target for e in edges} | {n.id for n in nodes if n.unseen_source.derived}
    return ProvenanceGraph(
        nodes=nodes,
        edges=tuple(edges),
        original_reporting=tuple(k for k in keys if k not in derived),
        independent=tuple(independent),
    )
