"""Prompts that ask for cited sentences, and the parser that reads the answer back.

Pure text functions: the source sentences are numbered ``[1]``, ``[2]``, ...
in the prompt, the model is asked to end each sentence it writes with the
numbers of the sentences that support it, and :func:`parse_answer` turns the
reply into :class:`DraftSentence` records (text without the markers, the
cited numbers, and a section label for ``compare``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from corroborate.errors import UsageError
from corroborate.llm.client import ChatMessage
from corroborate.summarize.records import Citation
from corroborate.text import split_sentences

__all__ = [
    "COMPARE_SECTIONS",
    "DraftSentence",
    "SourceSentence",
    "Task",
    "build_messages",
    "parse_answer",
]

Task = Literal["summarize", "compare"]
COMPARE_SECTIONS = ("adds", "omits", "disagrees")


@dataclass(frozen=True, slots=True)
class SourceSentence:
    """A sentence the model may use, with the citation that locates it.

    ``outlet`` labels it in the prompt (e.g. "BBC"); the prompt numbers the
    sentences 1, 2, ... in the order given. ``also`` are citations of the
    same fact in other articles (a digest sentence's other sources); a
    generated sentence this one supports cites them too.
    """

    text: str
    citation: Citation
    outlet: str = ""
    also: tuple[Citation, ...] = ()


@dataclass(frozen=True, slots=True)
class DraftSentence:
    """One sentence of the model's answer: text without markers, cited numbers, section."""

    text: str
    cited: tuple[int, ...]
    section: str | None = None


_SYSTEM = (
    "You write short, neutral news summaries for readers who check every claim. "
    "Use only the numbered source sentences you are given: do not add facts, numbers, "
    "names, dates or opinions that are not in them. End every sentence you write with the "
    "numbers of the source sentences that support it in square brackets, like [2] or [1][4]. "
    "Write plain sentences, one per line: no title, no bullet points, no introduction."
)


def _numbered(sources: Sequence[SourceSentence], numbers: Sequence[int]) -> str:
    lines = []
    for number in numbers:
        source = sources[number - 1]
        label = f" ({source.outlet})" if source.outlet else ""
        lines.append(f"[{number}]{label} {' '.join(source.text.split())}")
    return "\n".join(lines)


def build_messages(
    task: Task,
    sources: Sequence[SourceSentence],
    instruction: str,
    max_words: int,
    target_article: str | None = None,
) -> list[ChatMessage]:
    """The chat messages for ``task`` over ``sources``.

    ``summarize`` asks for a summary of at most ``max_words`` words;
    ``compare`` separates the sentences of ``target_article`` (A) from the
    other reports (B) and asks for lines starting ``ADDS:``, ``OMITS:`` or
    ``DISAGREES:``. ``instruction`` is the user's request or focus (may be empty).
    """
    if not sources:
        raise UsageError("the language model needs at least one source sentence")
    numbers = list(range(1, len(sources) + 1))
    focus = f"Request: {instruction.strip()}\n\n" if instruction.strip() else ""
    if task == "summarize":
        user = (
            f"{focus}Source sentences:\n{_numbered(sources, numbers)}\n\n"
            f"Write a summary of at most {max_words} words, most widely reported facts first. "
            "Cite the supporting source numbers at the end of every sentence."
        )
    elif task == "compare":
        ids = {s.citation.article_id for s in sources}
        if target_article is None or target_article not in ids:
            raise UsageError(
                "compare needs target_article set to the id of one article among the sources"
            )
        own = [n for n in numbers if sources[n - 1].citation.article_id == target_article]
        rest = [n for n in numbers if sources[n - 1].citation.article_id != target_article]
        if not rest:
            raise UsageError("compare needs sentences from at least one other article")
        user = (
            f"{focus}Article A:\n{_numbered(sources, own)}\n\n"
            f"Other reports (B):\n{_numbered(sources, rest)}\n\n"
            f"In at most {max_words} words, say what article A adds that the other reports "
            "do not have, what it omits that they report, and where it disagrees with them "
            "(different numbers, names or claims). Start each line with ADDS:, OMITS: or "
            "DISAGREES: and cite the supporting source numbers (from A and B) at the end of "
            "every sentence. Leave out a kind that does not apply."
        )
    else:
        raise UsageError(f"unknown language-model task {task!r}; known: summarize, compare")
    return [ChatMessage("system", _SYSTEM), ChatMessage("user", user)]


_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL | re.IGNORECASE)
_MARKER = re.compile(r"\[\s*(\d+(?:\s*(?:[,;]|[-\u2013]|and)\s*\d+)*)\s*\]")
_MARKERS_AFTER_STOP = re.compile(
    r"([.!?][\"'\u201d\u2019)]*)((?:\s*\[\s*\d[\d\s,;\-\u2013and]*\])+)"
)
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")
_SECTION = re.compile(r"^\s*\**\s*(adds|omits|disagrees)\s*\**\s*:\s*\**", re.IGNORECASE)
_FENCE = re.compile(r"^\s*```")


def _numbers(marker: str) -> list[int]:
    """``"1, 3-5"`` -> [1, 3, 4, 5]; ranges longer than 20 are cut to their ends."""
    out: list[int] = []
    for part in re.split(r"\s*(?:[,;]|and)\s*", marker):
        bounds = [int(x) for x in re.split(r"\s*[-\u2013]\s*", part) if x.strip()]
        if len(bounds) == 2 and 0 < bounds[1] - bounds[0] <= 20:
            out.extend(range(bounds[0], bounds[1] + 1))
        else:
            out.extend(bounds)
    return out


def _clean(text: str) -> str:
    text = _MARKER.sub("", text)
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    text = " ".join(text.replace("**", "").split())
    return text.strip(" -")


def parse_answer(answer: str, task: Task) -> list[DraftSentence]:
    """The model's sentences with the source numbers each cites.

    Drops reasoning blocks (``<think>...</think>``), code fences, headings and
    lines ending in a colon (an introduction); strips bullets and numbering.
    Markers written after the full stop ("... call. [2]") belong to the
    sentence before them. For ``compare`` a line's ``ADDS:``/``OMITS:``/
    ``DISAGREES:`` prefix becomes the section of its sentences (a line without
    one continues the previous section).
    """
    text = _THINK.sub("", answer)
    out: list[DraftSentence] = []
    section: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or _FENCE.match(line) or line.startswith("#"):
            continue
        if task == "compare":
            match = _SECTION.match(line)
            if match:
                section = match.group(1).lower()
                line = line[match.end() :].strip()
        line = _BULLET.sub("", line)
        if not line or (line.endswith(":") and not _MARKER.search(line)):
            continue
        line = _MARKERS_AFTER_STOP.sub(lambda m: f" {m.group(2).strip()}{m.group(1)}", line)
        for start, end in split_sentences(line):
            piece = line[start:end]
            cited = tuple(
                dict.fromkeys(n for m in _MARKER.finditer(piece) for n in _numbers(m.group(1)))
            )
            cleaned = _clean(piece)
            if cleaned and any(ch.isalnum() for ch in cleaned):
                out.append(DraftSentence(cleaned, cited, section))
    return out
