"""Claims: sentences that state a checkable fact (a quantity, a date, an event with actors).

A claim keeps its article and position, and a set of keys (normalised entities,
numbers with their units, content words) used to find the same claim in other
articles of a story.
"""

from __future__ import annotations

from corroborate.facts.records import Claim, DateMention, EntityMention, Evidence, Quantity
from corroborate.text import Sentence, content_words

__all__ = ["claims_for_sentences"]

_ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


def claims_for_sentences(
    article: str,
    sentences: list[Sentence],
    quantities: list[Quantity],
    dates: list[DateMention],
    entities: list[EntityMention],
) -> list[Claim]:
    """One claim per sentence that has a quantity, a resolved date or two actors."""
    by_sentence: dict[int, set[str]] = {}
    keys: dict[int, set[str]] = {}
    for q in quantities:
        if q.unit:
            by_sentence.setdefault(q.evidence.sentence, set()).add("quantity")
            keys.setdefault(q.evidence.sentence, set()).add(f"{q.value:g} {q.unit}")
    for d in dates:
        if d.resolved is not None:
            by_sentence.setdefault(d.evidence.sentence, set()).add("date")
    actors: dict[int, set[str]] = {}
    for e in entities:
        if e.label in _ACTOR_LABELS:
            actors.setdefault(e.evidence.sentence, set()).add(e.key)
            keys.setdefault(e.evidence.sentence, set()).add(e.key)
    for index, names in actors.items():
        if len(names) >= 2:
            by_sentence.setdefault(index, set()).add("actors")
    out: list[Claim] = []
    for sentence in sentences:
        kinds = by_sentence.get(sentence.index)
        if not kinds or '"' in sentence.text[:1] or "“" in sentence.text[:1]:
            continue
        words = set(content_words(sentence.text))
        sentence_keys = tuple(sorted(keys.get(sentence.index, set()) | words))
        evidence = Evidence(article, sentence.index, sentence.start, sentence.end, sentence.text)
        out.append(Claim(tuple(sorted(kinds)), sentence_keys, evidence))
    return out
