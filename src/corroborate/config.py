"""Options and the per-run context, passed explicitly instead of global state."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from corroborate.nlp import NlpResources

if TYPE_CHECKING:  # pragma: no cover
    from corroborate.llm import LlmConfig

__all__ = ["DEFAULT_DB", "Context", "Limits"]

DEFAULT_DB = Path("corroborate.db")


@dataclass(frozen=True, slots=True)
class Limits:
    """Size and time budgets that keep hostile or broken input from hurting a run.

    ``reader_time_budget_s`` bounds each reader call (content sniffing plus
    reading one input, and each part of a long one's cleaning: see
    :mod:`corroborate.budget`), which runs in a worker process killed on overrun; 0 or
    None reads in-process with no time budget (for callers that isolate work
    themselves, such as Spark executors with task timeouts).
    """

    max_input_bytes: int = 20 * 1024 * 1024
    max_decompressed_bytes: int = 50 * 1024 * 1024
    max_items_per_input: int = 100_000
    http_timeout_s: float = 20.0
    http_total_timeout_s: float = 120.0
    http_max_redirects: int = 5
    reader_time_budget_s: float | None = 30.0
    allow_private_urls: bool = False


@dataclass
class Context:
    """What one run shares: limits, lazily loaded NLP resources, and the optional LLM.

    ``llm`` is None unless the user configured a language-model endpoint
    (see :func:`corroborate.llm.load_llm_config`); with None nothing ever
    touches the network for actions.
    """

    limits: Limits = field(default_factory=Limits)
    nlp: NlpResources = field(default_factory=NlpResources)
    llm: LlmConfig | None = None
