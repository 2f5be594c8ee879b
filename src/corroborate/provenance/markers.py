"""Style markers of an article rewritten from another outlet's report.

Content farms that reword a report leave traces: "It has been recently reported
that...", "according to reports", and quotes the original outlet obtained
("In an interview with the BBC", "Carney told the BBC"). When the outlet named
is not one of the articles at hand, the article looks derived from an unseen
source. Pure regular expressions over sentences; no model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from corroborate.text import Sentence

__all__ = ["MarkerHit", "UnseenSource", "find_markers", "unseen_source"]

# Outlets commonly credited by rewrites; a generic pattern catches "the X News".
_OUTLETS = (
    r"BBC|CNN|CBC|CTV|NBC|ABC|CBS|Fox News|NPR|PBS|Reuters|AP|Associated Press|AFP|"
    r"Bloomberg|Politico|Axios|Sky News|Al Jazeera|The Guardian|Guardian|"
    r"(?:The )?New York Times|NYT|(?:The )?Washington Post|(?:The )?Wall Street Journal|WSJ|"
    r"(?:The )?Globe and Mail|(?:The )?Toronto Star|(?:The )?Times|(?:The )?Telegraph|"
    r"(?:The )?Financial Times|FT|(?:The )?Independent|(?:The )?Daily Mail|Newsweek|"
    r"(?:The )?Atlantic|(?:The )?Economist|Le Monde|Der Spiegel|Radio-Canada|Global News|"
    r"[A-Z][\w&-]+(?: [A-Z][\w&-]+)* (?:News|Times|Post|Journal|Herald|Tribune|Press|Radio|TV|"
    r"Television|Broadcasting(?: Corporation)?)"
)
_OUTLET = rf"(?:the |public broadcaster |broadcaster |newspaper )?(?P<outlet>{_OUTLETS})\b"


@dataclass(frozen=True, slots=True)
class _Pattern:
    name: str
    regex: re.Pattern[str]
    weight: int


_PATTERNS: tuple[_Pattern, ...] = (
    _Pattern(
        "unattributed-report",
        re.compile(
            r"\b(?:it (?:has|had) (?:been )?(?:recently |widely |also )?(?:been )?"
            r"(?:reported|revealed|learned)|it is (?:being )?reported|"
            r"reports (?:say|said|suggest|indicate)|according to (?:media |news |recent |unconfirmed )?reports|"
            r"(?:media|news|press) reports (?:say|said|suggest))\b",
            re.IGNORECASE,
        ),
        2,
    ),
    _Pattern(
        "interview-with-outlet",
        re.compile(rf"\b(?:[Ii]n|[Dd]uring) an? (?:exclusive )?interview with {_OUTLET}"),
        1,
    ),
    _Pattern(
        "told-outlet",
        re.compile(rf"\b(?:told|telling|[Ss]peaking to|[Ss]peaking with|said to) {_OUTLET}"),
        1,
    ),
    _Pattern(
        "according-to-outlet",
        re.compile(
            rf"\b(?:[Aa]ccording to|as reported by|[Rr]eported by|as first reported by) {_OUTLET}"
        ),
        1,
    ),
    _Pattern(
        "outlets-reporting",
        re.compile(
            r"\b(?:news outlets|media outlets|local media|several outlets) (?:reporting|reported|say|said)\b"
        ),
        1,
    ),
)

# At least this much marker weight flags an article as derived from an unseen source.
_FLAG_WEIGHT = 2


@dataclass(frozen=True, slots=True)
class MarkerHit:
    """One sentence that reads like someone else's reporting retold."""

    sentence: int
    text: str
    marker: str
    outlet: str | None
    weight: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class UnseenSource:
    """The verdict for one article: derived from an unseen source, and the evidence."""

    derived: bool
    outlets: tuple[str, ...]
    evidence: tuple[MarkerHit, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "derived": self.derived,
            "outlets": list(self.outlets),
            "evidence": [h.to_dict() for h in self.evidence],
        }


def find_markers(sentences: Iterable[Sentence]) -> list[MarkerHit]:
    """Every marker in the sentences (a sentence may carry several)."""
    hits = []
    for s in sentences:
        for p in _PATTERNS:
            for m in p.regex.finditer(s.text):
                outlet = m.groupdict().get("outlet")
                hits.append(MarkerHit(s.index, s.text, p.name, outlet, p.weight))
    return hits


def _same_outlet(named: str, known: Iterable[str]) -> bool:
    key = re.sub(r"^the ", "", named.lower()).strip()
    return any(key and (key in k.lower() or k.lower() in key) for k in known if k)


def unseen_source(sentences: Iterable[Sentence], known_outlets: Iterable[str] = ()) -> UnseenSource:
    """Flag an article whose markers point at reporting not among ``known_outlets``.

    Markers naming an outlet that is in the set do not count: that source is
    seen, and the sentence alignment judges the reuse instead.
    """
    known = [k for k in known_outlets if k]
    hits = [
        h for h in find_markers(sentences) if h.outlet is None or not _same_outlet(h.outlet, known)
    ]
    weight = sum(h.weight for h in hits)
    outlets = tuple(dict.fromkeys(h.outlet for h in hits if h.outlet))
    return UnseenSource(weight >= _FLAG_WEIGHT, outlets, tuple(hits))
