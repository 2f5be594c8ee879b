"""Facts and quotes: what each article states and where the coverage of a story differs.

``extract_facts`` reads quantities, quotations, entities, dates and claims
from one article; ``compare_story`` aligns them across a story's articles and
flags conflicting numbers, quotation fidelity, single-source claims and
omissions, each with its evidence (article ids, sentences, offsets).
"""

from __future__ import annotations

from corroborate.facts.compare import (
    ClaimMatchOptions,
    Omission,
    StoryFacts,
    compare_facts,
    compare_story,
)
from corroborate.facts.compare_quantities import QuantityGroup, QuantityValue
from corroborate.facts.compare_quotes import QuoteGroup, QuoteOptions, QuoteVariant
from corroborate.facts.extract import FactOptions, extract_facts, extract_facts_batch
from corroborate.facts.records import (
    ArticleFacts,
    Claim,
    DateMention,
    EntityMention,
    Evidence,
    Quantity,
    Quotation,
)

__all__ = [
    "ArticleFacts",
    "Claim",
    "ClaimMatchOptions",
    "DateMention",
    "EntityMention",
    "Evidence",
    "FactOptions",
    "Omission",
    "Quantity",
    "QuantityGroup",
    "QuantityValue",
    "Quotation",
    "QuoteGroup",
    "QuoteOptions",
    "QuoteVariant",
    "StoryFacts",
    "compare_facts",
    "compare_story",
    "extract_facts",
    "extract_facts_batch",
]
