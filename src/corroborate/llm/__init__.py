"""The optional language-model backend: abstractive text checked sentence by sentence.

Configured by :func:`load_llm_config` (environment or ``[llm]`` in a TOML
file); with nothing configured it returns ``None`` and no code here opens a
connection. :func:`abstractive_blocks` asks an OpenAI-compatible chat
endpoint for cited sentences and keeps only what the cited source sentences
support (:mod:`corroborate.llm.verify`); :func:`with_llm_fallback` shows the
extractive result with a note whenever the model fails.
"""

from __future__ import annotations

from corroborate.llm.abstractive import (
    LlmOptions,
    LlmOutcome,
    abstractive_blocks,
    run_with_llm,
    sources_from_articles,
    sources_from_digest,
    with_llm_fallback,
)
from corroborate.llm.client import ChatAnswer, ChatMessage, LlmClient, LlmError, chat_endpoint
from corroborate.llm.config import LlmConfig, default_config_path, load_llm_config
from corroborate.llm.prompt import DraftSentence, SourceSentence, build_messages, parse_answer
from corroborate.llm.verify import Verdict, VerifyOptions, features, verify_sentence

__all__ = [
    "ChatAnswer",
    "ChatMessage",
    "DraftSentence",
    "LlmClient",
    "LlmConfig",
    "LlmError",
    "LlmOptions",
    "LlmOutcome",
    "SourceSentence",
    "Verdict",
    "VerifyOptions",
    "abstractive_blocks",
    "build_messages",
    "chat_endpoint",
    "default_config_path",
    "features",
    "load_llm_config",
    "parse_answer",
    "run_with_llm",
    "sources_from_articles",
    "sources_from_digest",
    "verify_sentence",
    "with_llm_fallback",
]
