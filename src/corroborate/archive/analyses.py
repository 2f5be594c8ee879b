"""Story analyses kept in the archive (the ``analysis_cache`` table).

Provenance, facts and the digest of a story take seconds (spaCy, wordllama);
their JSON form is kept so that the next ``corroborate story``, web page or
action on an unchanged story reads it instead. A row is found by a key that
covers everything the analysis depends on: the kind, the story's articles and
their content (see :meth:`corroborate.workspace.Workspace.analysis_data`) and
:func:`analysis_fingerprint`, so a changed article, a changed membership or an
upgraded corroborate or model never serves an old result.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import sys
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from corroborate.archive.store import Archive
from corroborate.config import Context
from corroborate.nlp import SPACY_MODEL_PREFIX

__all__ = ["KEPT_PER_KIND", "analysis_fingerprint", "load_analysis", "save_analysis"]

# Rows kept per kind of analysis, newest first; older ones are dropped on save.
KEPT_PER_KIND = 2000

# Installed packages whose models or code the analyses run (besides corroborate).
_DEPENDENCIES = ("spacy", "wordllama", "numpy")


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """Hash of corroborate's own files (code and shipped models) and the versions of
    the packages the analyses use: any change gives new keys. Computed once per
    process (about 3 MB to read)."""
    digest = hashlib.blake2b(digest_size=16)
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix != ".pyc":
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    for name in _DEPENDENCIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{name}=={version};".encode())
    # The installed spaCy models by their metadata folders' names (name and version):
    # listing every distribution's metadata instead takes about 60 ms.
    for entry in sys.path:
        for info in sorted(Path(entry or ".").glob(f"{SPACY_MODEL_PREFIX}*.dist-info")):
            digest.update(f"{info.name};".encode())
    return digest.hexdigest()


def analysis_fingerprint(ctx: Context) -> str:
    """What, besides the story's articles, an analysis result depends on: the code,
    the models and the run's limits."""
    return f"{_code_fingerprint()}:{ctx.limits!r}"


def load_analysis(archive: Archive, key: str) -> str | None:
    """The JSON text kept under ``key``, or None when there is none (or it is not a
    JSON object: it is then made again and replaced)."""
    row = archive.conn.execute("SELECT data FROM analysis_cache WHERE key=?", (key,)).fetchone()
    if row is None:
        return None
    text = str(row["data"])
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return text if isinstance(data, dict) else None


def save_analysis(archive: Archive, key: str, kind: str, text: str) -> bool:
    """Keep the JSON ``text`` under ``key`` (replacing any row there) and drop the oldest
    rows of ``kind`` beyond :data:`KEPT_PER_KIND`; False for a read-only archive,
    which keeps nothing."""
    if archive.readonly:
        return False
    with archive.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO analysis_cache(key, kind, data, created_at) VALUES (?,?,?,?)",
            (key, kind, text, datetime.now(UTC).isoformat()),
        )
        conn.execute(
            "DELETE FROM analysis_cache WHERE kind=? AND rowid NOT IN"
            " (SELECT rowid FROM analysis_cache WHERE kind=? ORDER BY rowid DESC LIMIT ?)",
            (kind, kind, KEPT_PER_KIND),
        )
    return True
