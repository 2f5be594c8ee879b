"""Quotations in an article: the quoted words, the speaker, full or partial.

Finding quote spans is pure text work on paragraphs (straight and curly double
quotes, British single quotes, a quote running on over paragraphs by the
"no closing mark, next paragraph opens again" convention, nested quotes kept
inside). Speakers come from the sentence around the quote ("X said", "said X",
"according to X", "X said:"), from spaCy entities given in body coordinates,
and from the nearest earlier speaker for "he said" or "the statement said" (for
"he"/"she", a person who opens a sentence after the last quote comes first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corroborate.facts.entities import NamedSpan, entity_key
from corroborate.facts.lexicon import GENERIC_SPEAKERS, PRONOUNS, SPEECH_VERBS, wordset
from corroborate.facts.records import Evidence, Quotation
from corroborate.text import Sentence

__all__ = ["QuoteSpan", "extract_quotes", "find_quote_spans"]

_OPEN = {"“": "”", "„": "”", "«": "»", '"': '"'}
# Single quotation marks, read only where a paragraph has no double ones: curly
# (‘in near future’), then straight ('near future'), where an opening mark follows a
# space and precedes a letter, and a closing one follows a non-space and precedes a
# space or punctuation (so "Carney's" and "the players' union" open nothing).
_SINGLE_MARKS = (
    (
        re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))‘(?=\S)"),
        re.compile(r"’(?=[\s.,;:!?)\]—–-]|$)"),
    ),
    (
        re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))'(?=[^\W\d_])"),
        re.compile(r"(?<=\S)'(?=[\s.,;:!?)\]—–-]|$)"),
    ),
)
_WORD = re.compile(r"\w+(?:['’.\-]\w+)*")


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """Inner text span of one quote in a paragraph; ``open_end`` when it runs on;
    ``mark``: characters of its quotation marks (2 for ``…'' of older newswire)."""

    start: int
    end: int
    open_end: bool = False
    mark: int = 1


def find_quote_spans(paragraph: str) -> list[QuoteSpan]:
    """Spans of the words inside quotation marks in one paragraph."""
    spans: list[QuoteSpan] = []
    i = 0
    n = len(paragraph)
    while i < n:
        ch = paragraph[i]
        if paragraph.startswith("``", i):
            j = paragraph.find("''", i + 2)
            if j < 0:
                if paragraph[i + 2 :].strip():
                    spans.append(QuoteSpan(i + 2, n, open_end=True, mark=2))
                break
            if j > i + 2:
                spans.append(QuoteSpan(i + 2, j, mark=2))
            i = j + 2
            continue
        if ch in _OPEN:
            close = _OPEN[ch]
            j = paragraph.find(close, i + 1)
            if ch == '"' and j < 0:
                break
            if j < 0:
                if paragraph[i + 1 :].strip():
                    spans.append(QuoteSpan(i + 1, n, open_end=True))
                break
            if j > i + 1:
                spans.append(QuoteSpan(i + 1, j))
            i = j + 1
            continue
        i += 1
    for opening, closing in _SINGLE_MARKS:
        if spans:
            break
        for match in opening.finditer(paragraph):
            start = match.end()
            end = closing.search(paragraph, start)
            if end:
                spans.append(QuoteSpan(start, end.start()))
    return spans


@dataclass(slots=True)
class _Raw:
    start: int
    end: int
    parts: list[tuple[int, int]]
    mark: int = 1


def _merge_runs(paragraphs: list[str]) -> list[_Raw]:
    """Quotes in body coordinates, joining a quote that runs on into the next paragraph."""
    out: list[_Raw] = []
    offset = 0
    pending: _Raw | None = None
    for paragraph in paragraphs:
        spans = find_quote_spans(paragraph)
        for k, span in enumerate(spans):
            start, end = offset + span.start, offset + span.end
            if pending is not None and k == 0 and span.start <= span.mark:
                pending.parts.append((start, end))
                pending.end = end
            else:
                if pending is not None:
                    out.append(pending)
                pending = _Raw(start, end, [(start, end)], span.mark)
            if not span.open_end:
                out.append(pending)
                pending = None
        if pending is not None and not spans:
            out.append(pending)
            pending = None
        offset += len(paragraph) + 2
    if pending is not None:
        out.append(pending)
    return out


def _sentence_at(sentences: list[Sentence], pos: int) -> Sentence | None:
    for sentence in sentences:
        if sentence.start <= pos < sentence.end + 1:
            return sentence
    return None


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


@dataclass(frozen=True, slots=True)
class _Who:
    text: str
    start: int
    end: int


def _who_after(body: str, pos: int, limit: int) -> _Who | None:
    """ "…,” X said" or "…,” said X" right after the closing quote."""
    tail = body[pos:limit]
    match = re.match(r"^[\s,.!?;—–-]*", tail)
    assert match is not None
    base = pos + match.end()
    rest = body[base:limit]
    tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(rest)]
    for k, (_s, e, word) in enumerate(tokens[:9]):
        low = word.lower()
        if low == "according" and k + 1 < len(tokens) and tokens[k + 1][2].lower() == "to":
            return _phrase(body, base, rest, tokens[k + 2 :])
        if low in SPEECH_VERBS:
            if k == 0:
                return _phrase(body, base, rest, tokens[1:])
            if not _subject_words_ok([t[2] for t in tokens[:k]]):
                return None
            return _Who(body[base : base + e - len(word)].strip(" ,"), base, base + tokens[k][0])
        gap = rest[tokens[k - 1][1] if k else 0 : _s]
        abbreviation = k > 0 and (
            tokens[k - 1][2].lower() in _ABBREVIATED or len(tokens[k - 1][2]) == 1
        )
        if re.search(r"[;!?]", gap) or ("." in gap and not abbreviation):
            return None
    return None


def _subject_words_ok(words: list[str]) -> bool:
    """Whether the words between a quote and its speech verb can name the speaker: names,
    and lower-case words that are common in attributions ("the police") or, before a
    name, a role with what it is of ("fire chief Bram Tolle", "health ministry
    spokesman Al Ode"; "the officer said" alone names nobody in particular)."""
    run: list[str] = []
    for word in words:
        if word[0].islower():
            run.append(word.lower())
            continue
        if run and run[-1] not in _PERSONISH and any(w not in _SUBJECT_OK for w in run):
            return False
        run = []
    return all(w in _SUBJECT_OK for w in run)


_ABBREVIATED = frozenset({"mr", "mrs", "ms", "dr", "gov", "sen", "rep", "gen", "lt", "sgt", "st"})
_SUBJECT_OK = wordset(
    """the a an he she they it we i of for and mr mrs ms dr also later then in
    spokesperson spokesman spokeswoman statement office readout release official
    officials police secretary press deputy minister prime president source sources
    leader chief director told reporters"""
)


_PHRASE_STOP = wordset(
    """on in at after before during for to that who which when while as about with and
    but because since if"""
)
_NOISE = wordset(
    """also later then has had have was is were will would further previously earlier
    again repeatedly once reportedly meanwhile however had both all publicly
    privately"""
)
_RELATIVE = frozenset({"who", "whose", "which", "whom", "where", "when"})
_PERSONISH = wordset(
    """minister president secretary spokesperson spokesman spokeswoman leader chief
    director ambassador governor mayor senator officer official commissioner sheriff
    coach judge lawyer attorney"""
)


def _phrase(body: str, base: int, rest: str, tokens: list[tuple[int, int, str]]) -> _Who | None:
    """Name-like words following "said"/"according to": "Mark Carney", "police"."""
    taken: list[tuple[int, int, str]] = []
    for tok in tokens[:10]:
        if taken and re.search(r"[,;.:!?()]", rest[taken[-1][1] : tok[0]]):
            break
        if taken and tok[2].lower() in _PHRASE_STOP:
            break
        taken.append(tok)
    if not taken:
        return None
    return _Who(rest[taken[0][0] : taken[-1][1]], base + taken[0][0], base + taken[-1][1])


def _who_before(body: str, start: int, pos: int) -> _Who | None:
    """The subject of the last speech verb between ``start`` and the opening quote."""
    head = body[start:pos]
    tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(head)]
    for k in range(len(tokens) - 1, -1, -1):
        word = tokens[k][2].lower()
        if word == "according" and k + 1 < len(tokens) and tokens[k + 1][2].lower() == "to":
            return _phrase(body, start, head, tokens[k + 2 :])
        if word in SPEECH_VERBS:
            clause_start = 0
            for m in re.finditer(r"[;:]|,\s(?:and|but|while)\s|\.\s", head[: tokens[k][0]]):
                clause_start = m.end()
            segments = _segments(head, clause_start, tokens[k][0])
            if not segments:
                return None
            seg_start, seg_end = segments[-1]
            return _Who(head[seg_start:seg_end], start + seg_start, start + seg_end)
    return None


_LEADERS = wordset(
    """in on at after before the a an meanwhile however but and when while as speaking
    earlier later separately"""
)


def _segments(head: str, a: int, b: int) -> list[tuple[int, int]]:
    """Comma pieces of a subject without relative clauses; a name before its description.

    "Mr. Blanchet, whose party lost 12 seats, said" → "Mr. Blanchet";
    "Pete Hoekstra, the new ambassador, said" → "Pete Hoekstra".
    """
    pieces: list[tuple[int, int]] = []
    pos = a
    for m in re.finditer(r",", head[a:b]):
        pieces.append((pos, a + m.start()))
        pos = a + m.end()
    pieces.append((pos, b))
    kept = [
        (s, e)
        for s, e in pieces
        if _words(head[s:e]) and _words(head[s:e])[0].lower() not in _RELATIVE
    ]
    if len(kept) > 1:
        last_words = _words(head[kept[-1][0] : kept[-1][1]])
        first_words = _words(head[kept[0][0] : kept[0][1]])
        relative_cut = len(kept) < len(pieces)
        named_first = (
            bool(first_words)
            and first_words[0].lower() not in _LEADERS
            and any(w[0].isupper() for w in first_words)
        )
        if named_first and (relative_cut or last_words[0].lower() in ("the", "a", "an")):
            return [kept[0]]
    return kept


@dataclass(frozen=True, slots=True)
class _Speaker:
    text: str
    key: str
    person: bool


@dataclass(slots=True)
class _SpeakerState:
    """What earlier quotes and attributions say, for "he said" and "the statement said"."""

    last_speaker: _Speaker | None = None
    last_person: _Speaker | None = None
    subject: _Speaker | None = None  # a person who opens a sentence since the last quote


def _clean_who(text: str) -> str:
    words = _words(text)
    kept = [w for w in words if w.lower() not in _NOISE]
    if not kept:
        return ""
    first = text.find(kept[0])
    last = text.rfind(kept[-1]) + len(kept[-1])
    cleaned = text[first:last] if first >= 0 and last > first else " ".join(kept)
    if " from " in cleaned:
        cleaned = cleaned.rsplit(" from ", 1)[1]
    return cleaned.strip(" ,")


def _resolve(who: _Who, ents: list[NamedSpan], state: _SpeakerState) -> _Speaker | None:
    inside = [e for e in ents if e.start >= who.start and e.end <= who.end + 2]
    people = [e for e in inside if e.label == "PERSON"]
    text = _clean_who(who.text)
    words = [w.lower() for w in _words(text)]
    if people:
        ent = people[-1]
        return _Speaker(ent.text, entity_key(ent.text, "PERSON"), True)
    generic = bool(words) and words[-1] in GENERIC_SPEAKERS
    orgs = [e for e in inside if e.label in ("ORG", "GPE", "NORP", "FAC")]
    if orgs and not generic:
        ent = orgs[-1]
        single = len(_words(ent.text)) <= 2 and ent.label in ("GPE", "ORG")
        return _Speaker(ent.text, entity_key(ent.text, ent.label), single and len(words) <= 3)
    if not words:
        return None
    if len(words) == 1 and words[0] in PRONOUNS:
        if words[0] in ("he", "she"):
            if state.subject is not None:
                return state.subject
            if state.last_speaker and state.last_speaker.person:
                return state.last_speaker
            return state.last_person or state.last_speaker
        return state.last_speaker
    if generic and len(words) <= 3:
        last = state.last_speaker
        if words[-1] == "office":
            if last and "office" in last.key:
                return last
        elif last:
            return last
    speakerish = words[-1] in GENERIC_SPEAKERS or words[-1] in _PERSONISH
    if len(words) > 7 or (
        len(words) > 3 and not speakerish and not any(w[0].isupper() for w in _words(text))
    ):
        return None
    person = any(w in _PERSONISH for w in words) or (
        1 <= len(words) <= 3 and all(w[0].isupper() for w in _words(text))
    )
    return _Speaker(text, entity_key(text, "PERSON" if person else "ORG"), person)


def _first_upper(text: str) -> bool:
    stripped = text.lstrip(" .…'‘’\"“(")
    return bool(stripped) and stripped[0].isupper()


def _attribution(
    body: str, sentence: Sentence, ents: list[NamedSpan], state: _SpeakerState
) -> None:
    """Follow who speaks in sentences without quotes ("..., according to the office")."""
    head = body[sentence.start : sentence.end]
    match = re.search(r"\b[Aa]ccording to\b", head)
    if match:
        rest = head[match.end() :]
        tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(rest)]
        who = _phrase(body, sentence.start + match.end(), rest, tokens)
    else:
        who = _who_before(body, sentence.start, sentence.end)
    if who is None:
        return
    speaker = _resolve(who, ents, state)
    if speaker is not None and _words(speaker.text)[0].lower() not in PRONOUNS:
        state.last_speaker = speaker


def _subject(body: str, sentence: Sentence, ents: list[NamedSpan]) -> _Speaker | None:
    """The person a sentence opens with ("Smith was back at work the next day."): after
    the last quote, "he said" refers to that person rather than the previous speaker."""
    text = body[sentence.start : sentence.end]
    start = sentence.start + len(text) - len(text.lstrip())
    words = _words(text)
    first = words[0].lower() if words and words[0][:1].isupper() else ""
    for ent in ents:
        if ent.label != "PERSON" or ent.start > start:
            continue
        key = entity_key(ent.text, "PERSON")
        # the person itself, or a surname named earlier (sentences without numbers
        # or quotes are not run through the entity recogniser)
        if ent.start == start or (first and first == key):
            return _Speaker(ent.text, key, True)
    return None


def extract_quotes(
    article: str, paragraphs: list[str], sentences: list[Sentence], ents: list[NamedSpan]
) -> list[Quotation]:
    """Quotations of one article with speakers and full/partial flags."""
    body = "\n\n".join(paragraphs)
    state = _SpeakerState()
    out: list[Quotation] = []
    ent_index = sorted(ents, key=lambda e: e.start)
    cursor = 0
    next_sentence = 0
    prev_end = -1
    for raw in _merge_runs(paragraphs):
        opening = raw.start - raw.mark
        first = _sentence_at(sentences, opening)
        last = _sentence_at(sentences, raw.end)
        # Sentences between the previous quote and this one may name the next speaker.
        while next_sentence < len(sentences) and sentences[next_sentence].end <= opening:
            if sentences[next_sentence].start > prev_end:
                _attribution(body, sentences[next_sentence], ents, state)
                state.subject = _subject(body, sentences[next_sentence], ents) or state.subject
            next_sentence += 1
        while cursor < len(ent_index) and ent_index[cursor].end <= raw.start:
            ent = ent_index[cursor]
            if ent.label == "PERSON":
                state.last_person = _Speaker(ent.text, entity_key(ent.text, "PERSON"), True)
            cursor += 1
        s_start = first.start if first else raw.start
        s_end = last.end if last else raw.end
        text = " ".join(body[a:b].strip() for a, b in raw.parts).strip()
        if not text or not _words(text):
            continue
        who = _who_after(body, raw.end + raw.mark, s_end) if raw.end < s_end else None
        lead = body[s_start : max(s_start, opening)]
        if who is None:
            who = _who_before(body, s_start, opening)
        speaker = _resolve(who, ents, state) if who else None
        para_gap = body[prev_end : raw.start].count("\n\n") if prev_end >= 0 else 99
        if speaker is None and not lead.strip() and para_gap <= 1 and state.last_speaker:
            speaker = state.last_speaker
        partial = bool(lead.strip()) and not lead.rstrip().endswith(":")
        if not partial and not _first_upper(text) and not text.startswith("…"):
            partial = True
        evidence = Evidence(article, first.index if first else -1, raw.start, raw.end, text)
        out.append(
            Quotation(
                text=text,
                speaker=speaker.text if speaker else None,
                speaker_key=speaker.key if speaker else "",
                partial=partial,
                evidence=evidence,
            )
        )
        if speaker:
            state.last_speaker = speaker
        state.subject = None
        prev_end = max(raw.end, s_end)
    return out
