"""Read the DUC 2006 data in ``../shared/data/duc2006`` into corroborate records.

Only reading and cleaning lives here (no scoring, no summarising): the topic
statements, the 25 source documents of each topic as :class:`Article` objects,
and the four human reference summaries. The documents are read straight from
the tarball, nothing is unpacked to disk.
"""

from __future__ import annotations

import html
import re
import tarfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from corroborate.model import Article

__all__ = [
    "DucTopic",
    "default_data_dir",
    "load_topics",
    "parse_document",
    "split_dev_test",
]

DEV_TOPICS = 20


@dataclass(frozen=True, slots=True)
class DucTopic:
    """One DUC topic: its statement, its documents and the human summaries."""

    topic_id: str
    title: str
    narrative: str
    articles: list[Article]
    references: dict[str, str]

    @property
    def focus(self) -> str:
        """The topic statement DUC systems used as the query: title plus narrative."""
        return f"{self.title}. {self.narrative}"


def default_data_dir() -> Path:
    """``shared/data/duc2006`` beside the repository."""
    return Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "duc2006"


_TAG = re.compile(r"<[^>]+>")
_ENTITY = re.compile(r"&[A-Za-z][A-Za-z0-9]*;")
_KEEP_ENTITIES = {"&AMP;": "&", "&LT;": "<", "&GT;": ">"}


def _clean(text: str) -> str:
    """Drop SGML tags and the wire-service control entities (&QL; &HT; ...)."""
    text = _TAG.sub(" ", text)
    text = _ENTITY.sub(lambda m: _KEEP_ENTITIES.get(m.group(0).upper(), " "), text)
    return html.unescape(text)


def _field(doc: str, name: str) -> str:
    match = re.search(rf"<{name}>(.*?)</{name}>", doc, re.S)
    return match.group(1) if match else ""


def _paragraphs(text: str) -> list[str]:
    """Paragraphs of a <TEXT> field: <P> blocks, else indented lines start paragraphs."""
    if "<P>" in text:
        blocks = re.findall(r"<P>(.*?)</P>", text, re.S)
    else:
        # Unmarked wire text: a paragraph starts on a line indented by a tab or spaces.
        blocks = re.split(r"\n(?=[ \t]|&HT;)", text)
    out: list[str] = []
    for block in blocks:
        paragraph = " ".join(_clean(block).split())
        if paragraph:
            out.append(paragraph)
    return out


def _date(raw: str, docno: str) -> datetime | None:
    raw = raw.strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%m/%d/%Y %H:%M:%S"):
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    match = re.search(r"(\d{8})", docno)
    return datetime.strptime(match.group(1), "%Y%m%d") if match else None


def parse_document(raw: str) -> Article:
    """One DUC source document (SGML) as an Article; the body is its <TEXT> field.

    NIST's lead baseline used the <TEXT> field too, so this keeps the same text.
    """
    docno = _field(raw, "DOCNO").strip()
    title = " ".join(_clean(_field(raw, "HEADLINE")).split())
    paragraphs = _paragraphs(_field(raw, "TEXT"))
    source = {"APW": "Associated Press", "NYT": "New York Times", "XIE": "Xinhua"}.get(
        docno[:3], docno[:3]
    )
    return Article(
        title=title,
        paragraphs=paragraphs,
        id=docno,
        source=source,
        published_at=_date(_field(raw, "DATE_TIME"), docno),
        input=f"duc2006:{docno}",
        format="duc-sgml",
    )


def _read_topic_statements(path: Path) -> dict[str, tuple[str, str]]:
    text = path.read_text(encoding="latin-1")
    out: dict[str, tuple[str, str]] = {}
    for block in re.findall(r"<topic>(.*?)</topic>", text, re.S):
        num = re.search(r"<num>(.*?)</num>", block, re.S)
        title = re.search(r"<title>(.*?)</title>", block, re.S)
        narr = re.search(r"<narr>(.*?)</narr>", block, re.S)
        if num is None or title is None or narr is None:
            raise ValueError(f"malformed topic block in {path}: {block[:80]!r}")
        out[num.group(1).strip()] = (
            " ".join(title.group(1).split()),
            " ".join(narr.group(1).split()),
        )
    return out


def _read_references(models_dir: Path) -> dict[str, dict[str, str]]:
    """Human summaries by topic (``D0601``) and summariser id (``A``)."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted(models_dir.iterdir()):
        parts = path.name.split(".")  # D0601.M.250.A.A
        if len(parts) != 5:
            continue
        out.setdefault(parts[0], {})[parts[4]] = path.read_text(encoding="latin-1")
    return out


def load_topics(data_dir: Path | None = None) -> list[DucTopic]:
    """All 50 topics, sorted by topic id, each with its documents and references."""
    data_dir = data_dir or default_data_dir()
    statements = _read_topic_statements(data_dir / "duc2006_topics.sgml")
    references = _read_references(data_dir / "NISTeval" / "models")
    docs: dict[str, list[Article]] = {}
    with tarfile.open(data_dir / "duc2006_docs.tar.gz") as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            parts = member.name.split("/")
            handle = tar.extractfile(member)
            if len(parts) < 3 or handle is None:
                continue
            raw = handle.read().decode("latin-1")
            docs.setdefault(parts[-2], []).append(parse_document(raw))
    topics: list[DucTopic] = []
    for topic_id in sorted(docs):
        title, narrative = statements[topic_id]
        articles = sorted(docs[topic_id], key=lambda a: a.id)
        topics.append(DucTopic(topic_id, title, narrative, articles, references[topic_id[:5]]))
    return topics


def split_dev_test(topics: list[DucTopic]) -> tuple[list[DucTopic], list[DucTopic]]:
    """Development = the first 20 topic ids (sorted), held out = the other 30."""
    ordered = sorted(topics, key=lambda t: t.topic_id)
    return ordered[:DEV_TOPICS], ordered[DEV_TOPICS:]
