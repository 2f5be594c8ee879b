"""Where the optional language model lives: URL, model name, key and timeout.

The backend is any OpenAI-compatible chat endpoint (llama.cpp server, Ollama,
vLLM, a hosted service). It is configured by environment variables or by the
``[llm]`` table of a TOML file; :func:`load_llm_config` is pure (the caller
passes the environment) and returns ``None`` when nothing is configured, so a
run without a backend never touches the network.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from corroborate.errors import UsageError

__all__ = [
    "DEFAULT_TIMEOUT_S",
    "ENV_KEY",
    "ENV_MODEL",
    "ENV_TIMEOUT",
    "ENV_URL",
    "LlmConfig",
    "default_config_path",
    "load_llm_config",
]

ENV_URL = "CORROBORATE_LLM_URL"
ENV_MODEL = "CORROBORATE_LLM_MODEL"
ENV_KEY = "CORROBORATE_LLM_KEY"
ENV_TIMEOUT = "CORROBORATE_LLM_TIMEOUT"
DEFAULT_TIMEOUT_S = 60.0

_ENV_FIELDS = {"url": ENV_URL, "model": ENV_MODEL, "key": ENV_KEY, "timeout": ENV_TIMEOUT}
_FILE_FIELDS = frozenset({"url", "model", "key", "timeout", "max_tokens", "temperature"})


@dataclass(frozen=True, slots=True)
class LlmConfig:
    """An OpenAI-compatible chat endpoint.

    - ``url``: the server's base URL (``http://127.0.0.1:8080``,
      ``http://localhost:11434/v1``) or the full ``.../chat/completions``
      endpoint; see :func:`corroborate.llm.client.chat_endpoint` for the rule.
    - ``model``: the model name sent with each request.
    - ``key``: API key sent as ``Authorization: Bearer``; never shown in
      ``repr`` or in error messages.
    - ``timeout``: seconds allowed for each network step (connect, send, each
      read); a local model on a CPU can take tens of seconds per answer.
    - ``max_tokens`` / ``temperature``: generation settings (file only).
    - ``origin``: where the settings came from, for messages.
    """

    url: str
    model: str
    key: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT_S
    max_tokens: int = 800
    temperature: float = 0.0
    origin: str = "arguments"

    def __post_init__(self) -> None:
        _check_url(self.url, self.origin)
        if not self.model.strip():
            raise UsageError(f"{self.origin}: the language-model name is empty")
        if not (math.isfinite(self.timeout) and self.timeout > 0):
            raise UsageError(f"{self.origin}: timeout must be a positive number of seconds")
        if self.max_tokens <= 0:
            raise UsageError(f"{self.origin}: max_tokens must be positive")
        if not 0.0 <= self.temperature <= 2.0:
            raise UsageError(f"{self.origin}: temperature must be between 0 and 2")


def _check_url(url: str, origin: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"{origin}: the language-model URL must start with http:// or https:// and "
            f"name a host, got {url!r}"
        )
    if parts.query or parts.fragment:
        raise UsageError(f"{origin}: the language-model URL must not have a query or fragment")


def default_config_path(env: Mapping[str, str]) -> Path | None:
    """``$XDG_CONFIG_HOME/corroborate/config.toml``, else ``$HOME/.config/...``; None without either."""
    base = env.get("XDG_CONFIG_HOME") or ""
    if base:
        return Path(base) / "corroborate" / "config.toml"
    home = env.get("HOME") or ""
    if home:
        return Path(home) / ".config" / "corroborate" / "config.toml"
    return None


def _read_file(path: Path) -> dict[str, Any]:
    """The ``[llm]`` table of a TOML file (empty when the file has none)."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise UsageError(f"config file {path} does not exist") from None
    except OSError as exc:
        raise UsageError(f"config file {path} cannot be read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"config file {path} is not valid TOML: {exc}") from None
    table = data.get("llm", {})
    if not isinstance(table, dict):
        raise UsageError(f"config file {path}: 'llm' must be a table ([llm])")
    unknown = sorted(set(table) - _FILE_FIELDS)
    if unknown:
        raise UsageError(
            f"config file {path}: unknown key(s) in [llm]: {', '.join(unknown)}; "
            f"valid keys: {', '.join(sorted(_FILE_FIELDS))}"
        )
    return dict(table)


def _typed(values: dict[str, Any], origin: str) -> dict[str, Any]:
    """Check and convert each setting's type, naming the bad one."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name in ("url", "model", "key"):
            if not isinstance(value, str):
                raise UsageError(f"{origin}: {name} must be a string")
            if value.strip():
                out[name] = value.strip()
        elif name in ("timeout", "temperature"):
            out[name] = _number(name, value, origin)
        elif name == "max_tokens":
            if isinstance(value, bool) or not isinstance(value, int):
                raise UsageError(f"{origin}: max_tokens must be a whole number")
            out[name] = value
    return out


def _number(name: str, value: Any, origin: str) -> float:
    if isinstance(value, bool):
        raise UsageError(f"{origin}: {name} must be a number, got {value!r}")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise UsageError(f"{origin}: {name} must be a number, got {value!r}")


def load_llm_config(env: Mapping[str, str], path: Path | None = None) -> LlmConfig | None:
    """The language-model settings, or ``None`` when no backend is configured.

    Settings are read from ``path`` (an explicit TOML file, which must exist)
    or else from the default file (:func:`default_config_path`, used only when
    it exists), then ``CORROBORATE_LLM_URL``/``_MODEL``/``_KEY``/``_TIMEOUT``
    from ``env`` override them field by field; empty variables count as unset.
    A backend is configured when a URL is set; a URL without a model, or a
    model or key without a URL, is a :class:`UsageError` (a half-made setup is
    a mistake to report, not a reason to quietly skip the model).
    """
    file_path = path if path is not None else default_config_path(env)
    values: dict[str, Any] = {}
    origins: list[str] = []
    if file_path is not None and (path is not None or file_path.is_file()):
        file_values = _typed(_read_file(file_path), f"config file {file_path}")
        if file_values:
            values.update(file_values)
            origins.append(f"config file {file_path}")
    env_values = {name: env[var] for name, var in _ENV_FIELDS.items() if env.get(var, "").strip()}
    if env_values:
        values.update(_typed(env_values, "environment"))
        origins.append("environment (" + ", ".join(_ENV_FIELDS[n] for n in env_values) + ")")
    origin = " and ".join(origins) or "no settings"
    if "url" not in values:
        extra = sorted(set(values) & {"model", "key"})
        if extra:
            raise UsageError(
                f"{origin}: {' and '.join(extra)} set but no language-model URL; set {ENV_URL} "
                "or url in the [llm] table"
            )
        return None
    if "model" not in values:
        raise UsageError(
            f"{origin}: a language-model URL is set but no model name; set {ENV_MODEL} "
            "or model in the [llm] table"
        )
    return LlmConfig(origin=origin, **values)
