"""A small client for OpenAI-compatible chat endpoints, with errors a person can act on.

Only ``POST .../chat/completions`` is used, without streaming. Every failure
(server down, too slow, HTTP error, a body that is not the expected JSON)
becomes an :class:`LlmError` that names the endpoint and what went wrong, so
the caller can show the extractive result with that note instead. The API key
is sent in the ``Authorization`` header only; it never appears in a message
or a ``repr``, and is masked if a server echoes it back in an error body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import httpx

from corroborate.errors import CorroborateError
from corroborate.llm.config import ENV_KEY, ENV_MODEL, LlmConfig

__all__ = ["ChatAnswer", "ChatMessage", "LlmClient", "LlmError", "chat_endpoint"]

ErrorKind = Literal["connect", "timeout", "transport", "status", "json", "shape", "unsupported"]
_SNIPPET_CHARS = 200


class LlmError(CorroborateError):
    """The language model could not give a usable answer; ``kind`` says which way it failed.

    Kinds: ``connect`` (refused, unknown host), ``timeout``, ``transport``
    (connection dropped mid-answer), ``status`` (HTTP error; ``status`` holds
    the code), ``json`` (body is not JSON), ``shape`` (JSON without
    ``choices[0].message.content``), ``unsupported`` (an answer none of whose
    sentences the sources support).
    """

    def __init__(self, message: str, kind: ErrorKind, status: int | None = None) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.status = status


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One chat turn: ``role`` is ``system``, ``user`` or ``assistant``."""

    role: Literal["system", "user", "assistant"]
    content: str

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True, slots=True)
class ChatAnswer:
    """The model's reply text with what the server reported about it."""

    text: str
    model: str
    finish_reason: str | None = None
    usage: dict[str, Any] = field(default_factory=dict)


_VERSION_SEGMENT = re.compile(r"/v\d+$")


def chat_endpoint(url: str) -> str:
    """The chat-completions URL for a configured base URL.

    The rule: a URL whose path already ends in ``/chat/completions`` is used
    as given; one whose path ends in a version segment (``/v1``, ``/v2``, as
    Ollama's ``http://localhost:11434/v1`` or a hosted ``.../openai/v1``) gets
    ``/chat/completions``; any other URL (``http://127.0.0.1:8080``) gets
    ``/v1/chat/completions``. Trailing slashes are ignored.
    """
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if path.endswith("/chat/completions"):
        pass
    elif _VERSION_SEGMENT.search(path):
        path += "/chat/completions"
    else:
        path += "/v1/chat/completions"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


class LlmClient:
    """Sends chat requests to the configured endpoint; use as a context manager or ``close()``.

    ``transport`` is for tests and embedding (an ``httpx`` transport); by
    default httpx's own is used, which honours the usual proxy variables.
    Creating a client opens no connection; the first :meth:`chat` does.
    """

    def __init__(self, config: LlmConfig, transport: httpx.BaseTransport | None = None) -> None:
        self.config = config
        self.endpoint = chat_endpoint(config.url)
        headers = {"Accept": "application/json"}
        if config.key:
            headers["Authorization"] = f"Bearer {config.key}"
        self._http = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(config.timeout),
            transport=transport,
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"LlmClient(endpoint={self.endpoint!r}, model={self.config.model!r})"

    def __enter__(self) -> LlmClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def chat(self, messages: Sequence[ChatMessage]) -> ChatAnswer:
        """The model's answer to ``messages``; raises :class:`LlmError` on any failure."""
        payload = {
            "model": self.config.model,
            "messages": [m.to_dict() for m in messages],
            "temperature": self.config.temperature,
            "max_tokens": self.config.max_tokens,
            "stream": False,
        }
        response = self._post(payload)
        if not response.is_success:
            raise self._status_error(response)
        try:
            data = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            kind = response.headers.get("content-type", "no content type")
            raise LlmError(
                f"the language model at {self.endpoint} answered with a body that is not JSON "
                f"({kind}): {self._snippet(response.text)!r}",
                "json",
            ) from None
        return self._answer(data)

    def _post(self, payload: dict[str, Any]) -> httpx.Response:
        where = self.endpoint
        try:
            return self._http.post(self.endpoint, json=payload)
        except httpx.TimeoutException:
            raise LlmError(
                f"the language model at {where} did not answer within {self.config.timeout:g} s "
                "(raise CORROBORATE_LLM_TIMEOUT or timeout in [llm] for a slow model)",
                "timeout",
            ) from None
        except httpx.ConnectError as exc:
            raise LlmError(
                f"cannot connect to the language model at {where}: {_reason(exc)} "
                "(is the server running, and is the URL right?)",
                "connect",
            ) from None
        except httpx.TransportError as exc:
            raise LlmError(
                f"the connection to the language model at {where} failed: {_reason(exc)}",
                "transport",
            ) from None

    def _status_error(self, response: httpx.Response) -> LlmError:
        code = response.status_code
        hint = ""
        if code in (401, 403):
            hint = f" (check the API key: {ENV_KEY} or key in [llm])"
        elif code == 404:
            hint = f" (check the URL and the model name: {ENV_MODEL} or model in [llm])"
        elif 300 <= code < 400:
            hint = f" (redirected to {response.headers.get('location', '?')}; use that URL)"
        phrase = response.reason_phrase or "error"
        snippet = self._snippet(response.text)
        return LlmError(
            f"the language model at {self.endpoint} answered HTTP {code} {phrase}{hint}: "
            f"{snippet!r}",
            "status",
            status=code,
        )

    def _answer(self, data: Any) -> ChatAnswer:
        content = None
        choice: Any = None
        if isinstance(data, dict) and isinstance(data.get("choices"), list) and data["choices"]:
            choice = data["choices"][0]
            message = choice.get("message") if isinstance(choice, dict) else None
            if isinstance(message, dict):
                content = message.get("content")
        if not isinstance(content, str):
            raise LlmError(
                f"the language model at {self.endpoint} answered JSON without "
                f"choices[0].message.content: {self._describe(data)}",
                "shape",
            )
        usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
        model = data.get("model") if isinstance(data.get("model"), str) else self.config.model
        finish = choice.get("finish_reason") if isinstance(choice, dict) else None
        return ChatAnswer(content, model, finish if isinstance(finish, str) else None, usage)

    def _describe(self, data: Any) -> str:
        """What the JSON holds instead: a server's error message, or its keys."""
        if isinstance(data, dict):
            error = data.get("error")
            if isinstance(error, dict) and isinstance(error.get("message"), str):
                return f"error {self._snippet(error['message'])!r}"
            if isinstance(error, str):
                return f"error {self._snippet(error)!r}"
            return "keys " + (", ".join(sorted(map(str, data))[:10]) or "none")
        return f"a JSON {type(data).__name__}"

    def _snippet(self, text: str) -> str:
        """The start of a body for a message, one line, with the key masked."""
        text = " ".join(text.split())
        if self.config.key:
            text = text.replace(self.config.key, "***")
        if len(text) > _SNIPPET_CHARS:
            text = text[:_SNIPPET_CHARS] + "…"
        return text


def _reason(exc: Exception) -> str:
    """The innermost OS-level reason of a transport error (e.g. "Connection refused")."""
    inner: BaseException | None = exc
    while inner is not None and inner.__cause__ is not None:
        inner = inner.__cause__
    if isinstance(inner, OSError) and inner.strerror:
        return inner.strerror
    return str(exc) or type(exc).__name__
