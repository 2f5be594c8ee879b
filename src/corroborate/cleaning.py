"""Cleaning a reader would expect, with every removal recorded on the article.

Pure functions: :func:`clean_article` takes an article as a reader produced it
and returns a new one with cruft removed (photo captions, reader-app and share
lines, "image for illustrative purpose"), a trailing "headline - Outlet" line
turned into title/outlet, wire attribution lines moved to ``wire``, mojibake
repaired, and, for plain text, the headline and dek chosen from the first lines.
Nothing is dropped silently: each removal is a :class:`Removal` with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from corroborate.model import Article, Removal
from corroborate.readers.plaintext import HEADER_BLOCK_META
from corroborate.text import fix_text, normalize_for_matching, words

__all__ = ["RULES", "CleaningRule", "clean_article", "clean_headline", "split_outlet_line"]


@dataclass(frozen=True, slots=True)
class CleaningRule:
    """A paragraph-level rule: paragraphs it matches are removed with ``reason``."""

    name: str
    reason: str
    matches: Callable[[str], bool]


def _regex(pattern: str) -> Callable[[str], bool]:
    compiled = re.compile(pattern, re.IGNORECASE)
    return lambda text: compiled.search(text) is not None


RULES: tuple[CleaningRule, ...] = (
    CleaningRule(
        "photo-caption",
        "photo gallery caption and credit",
        _regex(r"^(open this photo in gallery|view (the )?(photo )?gallery|photo:|image:)"),
    ),
    CleaningRule(
        "illustrative-image",
        "placeholder note about an illustrative image",
        _regex(r"^(image|photo|picture)s? (is |are )?(for|used for) illustrat\w* purposes?\.?$"),
    ),
    CleaningRule(
        "reader-app",
        "reader-app or AI-button prompt, not part of the article",
        _regex(
            r"(click on the .{0,40}button|run some ai magic|choose an ai action|"
            r"^listen to (this|the) article|^\d+ min(ute)? read$|^save (this )?article|"
            r"^open in app$|^read in app$)"
        ),
    ),
    CleaningRule(
        "share-buttons",
        "share, follow or subscribe buttons",
        _regex(
            r"^(share (this|on)|share$|follow us on|subscribe( now| to)|sign up (for|to) (our|the)"
            r"|tweet$|email$|print$|copy link|comments?$|\d+ comments?$|advertisement$"
            r"|story continues below advertisement|skip advertisement"
            r"|read more:|related:|recommended:|you may also like|most popular$)"
        ),
    ),
)

_WIRE = re.compile(
    r"^(?:with (?:a |additional )?(?:reports?|files|reporting) from|"
    r"(?:additional )?reporting by|with files from)\s+(?:the\s+)?(?P<who>[^.]{2,80}?)\.?$",
    re.IGNORECASE,
)
_WIRE_SUFFIX = re.compile(
    r"^[-\u2014\u2013]\s*(?:the\s+)?(?P<who>associated press|reuters|afp|ap|canadian press)\.?$",
    re.I,
)
_OUTLET_SEPARATORS = (" - ", " \u2013 ", " \u2014 ", " | ")
_TITLE_PREFIX = re.compile(
    r"^(?:update[sd]?|breaking(?: news)?|live|watch|exclusive|opinion|analysis|video)\s*[:\-\u2013|]\s*",
    re.IGNORECASE,
)


def clean_headline(title: str) -> str:
    """A headline without "Update:"-style prefixes, folded whitespace, fixed characters."""
    title = re.sub(r"\s+", " ", fix_text(title)).strip()
    previous = None
    while previous != title:
        previous = title
        title = _TITLE_PREFIX.sub("", title).strip()
    return title


def split_outlet_line(line: str) -> tuple[str, str] | None:
    """("headline", "Outlet") for a line like "Headline words - The Outlet", else None.

    The outlet part must be short and name-like (capitalised words) and the line
    must not end like a sentence, so ordinary body text with a dash is not taken.
    """
    text = line.strip()
    if not text or text[-1] in '.!?:;,\u201d"' or len(text) > 250:
        return None
    for sep in _OUTLET_SEPARATORS:
        if sep not in text:
            continue
        head, outlet = text.rsplit(sep, 1)
        outlet_words = outlet.split()
        if not 1 <= len(outlet_words) <= 6 or len(words(head)) < 3:
            continue
        if not all(
            w[0].isupper() or w.lower() in {"the", "of", "and", "de", "la"} for w in outlet_words
        ):
            continue
        if not outlet_words[0][0].isupper():
            continue
        return head.strip(), outlet.strip()
    return None


def _is_sentence_like(text: str) -> bool:
    return text.rstrip()[-1:] in ".!?\u201d\"'" and len(words(text)) > 12


def _header_dek(paragraphs: list[str], header_lines: int) -> bool:
    """Whether the second line of a plain-text header block reads as a dek."""
    if header_lines < 2 or len(paragraphs) < 3:
        return False
    candidate = paragraphs[1]
    return len(words(candidate)) <= 60 and not candidate.lstrip().startswith(("\u201c", '"'))


def clean_article(article: Article) -> Article:
    """Return a cleaned copy of ``article`` with every removal recorded."""
    removed = list(article.removed)
    kept: list[tuple[int, str]] = []
    wire = list(article.wire)
    for index, paragraph in enumerate(article.paragraphs):
        text = fix_text(paragraph).strip()
        if text != paragraph.strip() and normalize_for_matching(text) != normalize_for_matching(
            paragraph
        ):
            removed.append(
                Removal(paragraph, "text-repair", "mojibake or control characters repaired", index)
            )
        rule = next((r for r in RULES if r.matches(text)), None)
        if rule is not None:
            removed.append(Removal(paragraph, rule.name, rule.reason, index))
            continue
        wire_match = _WIRE.match(text) or _WIRE_SUFFIX.match(text)
        if wire_match and len(text) < 120:
            wire.append(wire_match.group("who").strip())
            removed.append(
                Removal(paragraph, "wire-attribution", "wire attribution kept as metadata", index)
            )
            continue
        if text:
            kept.append((index, text))

    title = _tidy(article.title) if article.title else ""
    source = article.source
    # A trailing "headline - Outlet" line (scraped pages, reader apps).
    for position in range(len(kept) - 1, max(len(kept) - 4, -1), -1):
        index, text = kept[position]
        split = split_outlet_line(text)
        if split is None:
            continue
        head, outlet = split
        similar = not title or _similar_titles(head, title)
        if similar:
            del kept[position]
            removed.append(
                Removal(
                    text,
                    "outlet-line",
                    f"trailing headline line naming the outlet ({outlet})",
                    index,
                )
            )
            if not title:
                title = _tidy(head)
            if not source:
                source = outlet
            break

    dek = article.dek
    if not title and article.format == "text" and kept:
        header_lines = int(article.meta.get(HEADER_BLOCK_META, "1"))
        # Removed cruft inside the header block no longer counts as a header line.
        header_lines -= sum(
            1 for r in removed if 0 <= r.paragraph < header_lines and r.rule != "text-repair"
        )
        _first_index, first = kept[0]
        if not _is_sentence_like(first) or header_lines >= 2:
            title = _tidy(first)
            kept.pop(0)
            paragraphs_only = [first] + [t for _, t in kept]
            if dek is None and _header_dek(paragraphs_only, header_lines):
                dek = kept.pop(0)[1]
    if not title and kept:
        title = _tidy(kept[0][1])[:200]
    # Pages often repeat the headline as the first line of the body.
    if title and len(kept) > 1 and _same_text(kept[0][1], title):
        index, text = kept.pop(0)
        removed.append(
            Removal(text, "headline-repeat", "headline repeated at the top of the body", index)
        )

    meta = {k: v for k, v in article.meta.items() if k != HEADER_BLOCK_META}
    return replace(
        article,
        title=title,
        dek=fix_text(dek).strip() if dek else None,
        # Displayed too, so repaired like the title (bidi overrides, mojibake).
        source=(_tidy(source) or None) if source else None,
        authors=[a for a in (_tidy(a) for a in article.authors) if a],
        tags=[t for t in (_tidy(t) for t in article.tags) if t],
        paragraphs=[text for _, text in kept],
        removed=removed,
        wire=list(dict.fromkeys(wire)),
        meta=meta,
    )


def _same_text(a: str, b: str) -> bool:
    return normalize_for_matching(a).casefold().rstrip(".") == normalize_for_matching(
        b
    ).casefold().rstrip(".")


def _tidy(text: str) -> str:
    """Display form of a headline: repaired characters, folded spaces, prefixes kept."""
    return re.sub(r"\s+", " ", fix_text(text)).strip()


def _similar_titles(a: str, b: str) -> bool:
    wa, wb = set(words(a)), set(words(b))
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= 0.6
