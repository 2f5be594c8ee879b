"""The chat client against a local OpenAI-compatible test server: answers and clear errors."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from corroborate.errors import CorroborateError
from corroborate.llm import ChatMessage, LlmClient, LlmConfig, LlmError, chat_endpoint
from llm_server import LlmTestServer, Reply, chat_reply

KEY = "sk-test-0123456789"
MESSAGES = [ChatMessage("system", "be brief"), ChatMessage("user", "hello")]


@pytest.fixture
def server() -> Iterator[LlmTestServer]:
    with LlmTestServer() as running:
        yield running


def _client(url: str, timeout: float = 0.5, key: str | None = KEY) -> LlmClient:
    return LlmClient(LlmConfig(url, "test-model", key=key, timeout=timeout))


@pytest.mark.parametrize(
    ("url", "endpoint"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/v1/chat/completions"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/v1/chat/completions"),
        ("http://localhost:11434/v1", "http://localhost:11434/v1/chat/completions"),
        (
            "https://api.example.org/openai/v1/",
            "https://api.example.org/openai/v1/chat/completions",
        ),
        ("http://h:1/proxy", "http://h:1/proxy/v1/chat/completions"),
        ("http://h:1/x/chat/completions", "http://h:1/x/chat/completions"),
        ("http://h:1/v1x", "http://h:1/v1x/v1/chat/completions"),
    ],
)
def test_endpoint_rule(url: str, endpoint: str) -> None:
    assert chat_endpoint(url) == endpoint


def test_good_answer_and_request_shape(server: LlmTestServer) -> None:
    server.queue(chat_reply("Hi there.", model="served-model"))
    with _client(server.url) as client:
        answer = client.chat(MESSAGES)
    assert answer.text == "Hi there."
    assert answer.model == "served-model" and answer.finish_reason == "stop"
    (request,) = server.received
    assert request.path == "/v1/chat/completions"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.body["model"] == "test-model"
    assert request.body["messages"] == [m.to_dict() for m in MESSAGES]
    assert request.body["stream"] is False


def test_no_key_no_authorization_header(server: LlmTestServer) -> None:
    server.queue(chat_reply("ok"))
    with _client(server.url + "/v1", key=None) as client:
        client.chat(MESSAGES)
    (request,) = server.received
    assert "Authorization" not in request.headers
    assert request.path == "/v1/chat/completions"


def _error(client: LlmClient) -> LlmError:
    with pytest.raises(LlmError) as info:
        client.chat(MESSAGES)
    assert isinstance(info.value, CorroborateError)
    assert KEY not in str(info.value)
    return info.value


def test_http_500_names_status_and_body(server: LlmTestServer) -> None:
    server.queue(Reply("model crashed: out of memory", status=500, content_type="text/plain"))
    with _client(server.url) as client:
        error = _error(client)
    assert error.kind == "status" and error.status == 500
    assert "HTTP 500" in str(error) and "out of memory" in str(error)
    assert client.endpoint in str(error)


def test_http_401_hints_at_the_key_and_masks_an_echoed_key(server: LlmTestServer) -> None:
    server.queue(Reply({"error": {"message": f"invalid key {KEY}"}}, status=401))
    with _client(server.url) as client:
        error = _error(client)
    assert error.status == 401 and "check the API key" in str(error)
    assert "***" in str(error)


def test_long_error_body_is_cut(server: LlmTestServer) -> None:
    server.queue(Reply("x" * 5000, status=502, content_type="text/plain"))
    with _client(server.url) as client:
        error = _error(client)
    assert error.status == 502 and len(str(error)) < 600


def test_non_json_body(server: LlmTestServer) -> None:
    server.queue(Reply("<html>gateway says hi</html>", content_type="text/html"))
    with _client(server.url) as client:
        error = _error(client)
    assert error.kind == "json" and "not JSON" in str(error) and "text/html" in str(error)


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"object": "list", "data": []}, "keys data, object"),
        ({"choices": []}, "keys choices"),
        ({"choices": [{"message": {"role": "assistant"}}]}, "keys choices"),
        ({"choices": [{"message": {"content": 42}}]}, "keys choices"),
        ({"error": {"message": "model not loaded"}}, "model not loaded"),
        ([1, 2], "a JSON list"),
    ],
)
def test_json_without_content(server: LlmTestServer, body: object, detail: str) -> None:
    server.queue(Reply(body if isinstance(body, dict) else str(body).replace("'", '"')))
    with _client(server.url) as client:
        error = _error(client)
    assert error.kind == "shape"
    assert "choices[0].message.content" in str(error) and detail in str(error)


def test_timeout_is_clear_and_fast(server: LlmTestServer) -> None:
    server.queue(Reply(chat_reply("late").body, delay=3.0))
    started = time.monotonic()
    with _client(server.url, timeout=0.3) as client:
        error = _error(client)
    assert time.monotonic() - started < 2.0
    assert error.kind == "timeout" and "did not answer within 0.3 s" in str(error)


def test_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The port was free a moment ago and nothing listens on it now.
    with _client(f"http://127.0.0.1:{port}") as client:
        error = _error(client)
    assert error.kind == "connect"
    assert "cannot connect" in str(error) and f"127.0.0.1:{port}" in str(error)


def test_repr_hides_key(server: LlmTestServer) -> None:
    with _client(server.url) as client:
        assert KEY not in repr(client) and KEY not in repr(client.config)
