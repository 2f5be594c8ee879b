"""A tiny OpenAI-compatible chat server on 127.0.0.1 for the language-model tests.

Each test queues the replies it wants (a good answer, garbage, an HTTP error,
a reply that comes too late) and reads back the requests the server got. The
server runs in a daemon thread of the test process, binds an ephemeral port
on the loopback address only, and stops (waking any delayed reply) when the
``with`` block ends.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass
class Reply:
    """What the server sends for one request: status, body, content type, delay in seconds."""

    body: bytes | str | dict[str, Any]
    status: int = 200
    content_type: str = "application/json"
    delay: float = 0.0


def chat_reply(content: str, model: str = "test-model", finish: str = "stop") -> Reply:
    """A well-formed chat-completions answer whose message is ``content``."""
    return Reply(
        {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": finish,
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }
    )


@dataclass
class Received:
    """One request the server got."""

    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class _State:
    replies: deque[Reply] = field(default_factory=deque)
    received: list[Received] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""

    def do_POST(self) -> None:
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        with state.lock:
            state.received.append(Received(self.path, dict(self.headers.items()), body))
            reply = state.replies.popleft() if state.replies else Reply("no reply queued", 599)
        if reply.delay and state.stopping.wait(reply.delay):
            return
        data = reply.body
        if isinstance(data, dict):
            data = json.dumps(data)
        payload = data.encode("utf-8") if isinstance(data, str) else data
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: _State


class LlmTestServer:
    """``with LlmTestServer() as server:`` then ``server.queue(...)`` and ``server.url``."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = _State()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def received(self) -> list[Received]:
        with self._server.state.lock:
            return list(self._server.state.received)

    def queue(self, *replies: Reply) -> None:
        with self._server.state.lock:
            self._server.state.replies.extend(replies)

    def __enter__(self) -> LlmTestServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.state.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
