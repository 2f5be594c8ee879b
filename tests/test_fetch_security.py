"""URL fetching: server-side request forgery and the fetch budgets (issue 9, part 3).

A local HTTP server on 127.0.0.1 (a thread in this process) plays every kind of
web server. With the default limits, loopback, private, link-local and
metadata addresses, in every spelling, must be refused *before* any connection;
with ``Limits(allow_private_urls=True)`` the same server checks the redirect,
size and time limits and the reporting of HTTP errors.

Nothing here touches the outside network: public-looking names are resolved by a
stand-in resolver (see ``FakeResolver``) and their traffic is routed to the local
server by a transport that rewrites the host (see ``LoopbackRouter``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from corroborate.archive import Archive
from corroborate.config import Context, Limits
from corroborate.errors import InputError
from corroborate.fetch import check_url_allowed, fetch_url, is_public_address
from corroborate.pipeline import ingest

PUBLIC_IP = "93.184.216.34"  # documentation-style public address; never contacted
ARTICLE = (
    b"<!doctype html><html><head><title>Local story</title></head><body><article>"
    b"<h1>Local story</h1><p>"
    + b"The harbour authority said the breakwater is late. "
    * 8
    + b"</p>"
    b"</article></body></html>"
)
BIG = 5_000_000


@dataclass
class Served:
    """What the local server saw: every request path, in order."""

    paths: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str) -> None:
        with self.lock:
            self.paths.append(path)

    def saw(self, prefix: str) -> bool:
        with self.lock:
            return any(p.startswith(prefix) for p in self.paths)


def _handler(served: Served) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            return

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            if "Content-Length" not in (headers or {}):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            served.add(self.path)
            parts = urlsplit(self.path)
            route, query = parts.path, parse_qs(parts.query)
            # the client may hang up on purpose (size or time limit)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._route(route, query)

        def _route(self, route: str, query: dict[str, list[str]]) -> None:
            if route in ("/ok", "/secret"):
                self._send(200, ARTICLE, {"Content-Type": "text/html; charset=utf-8"})
            elif route.startswith("/redirect/"):
                left = int(route.rsplit("/", 1)[1])
                if left == 0:
                    self._send(200, ARTICLE, {"Content-Type": "text/html"})
                else:
                    self._redirect(f"/redirect/{left - 1}")
            elif route == "/loop":
                self._redirect("/loop")
            elif route == "/to":
                self._redirect(query["u"][0])
            elif route == "/nolocation":
                self._send(302, b"", {})
            elif route.startswith("/status/"):
                self._send(int(route.rsplit("/", 1)[1]), b"no", {})
            elif route == "/big-declared":
                self.send_response(200)
                self.send_header("Content-Length", str(BIG))
                self.end_headers()
                self.wfile.write(b"x" * 1000)
            elif route == "/big-chunked":
                self._big_chunked()
            elif route == "/big-close":
                self.send_response(200)
                self.send_header("Connection", "close")
                self.end_headers()
                for _ in range(BIG // 65536 + 1):
                    self.wfile.write(b"x" * 65536)
                self.close_connection = True
            elif route == "/gzip-bomb":
                body = gzip.compress(b"\0" * (20 << 20), 9)
                self._send(
                    200, body, {"Content-Encoding": "gzip", "Content-Length": str(len(body))}
                )
            elif route == "/slow":
                time.sleep(3)
                self._send(200, ARTICLE, {})
            elif route == "/drip":
                self._drip(seconds=float(query.get("s", ["5"])[0]))
            else:
                self._send(404, b"unknown", {})

        def _big_chunked(self) -> None:
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"x" * 65536
            for _ in range(BIG // len(chunk) + 1):
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")

        def _drip(self, seconds: float) -> None:
            """Headers at once, then one byte every 0.25 s: never idle long enough to time out."""
            count = int(seconds / 0.25)
            self.send_response(200)
            self.send_header("Content-Length", str(count))
            self.end_headers()
            for _ in range(count):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.25)

    return Handler


@dataclass
class LocalServer:
    port: int
    served: Served

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    served = Served()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(served))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield LocalServer(httpd.server_address[1], served)
    finally:
        httpd.shutdown()
        httpd.server_close()


PRIVATE = Limits(allow_private_urls=True)
LIMIT_FIELDS = {f.name for f in dataclasses.fields(Limits)}


class RecordingTransport(httpx.BaseTransport):
    """Answers nothing: it only records that a request would have been sent."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, content=ARTICLE, headers={"Content-Type": "text/html"})


class LoopbackRouter(httpx.BaseTransport):
    """Sends requests for the given public-looking names to the local server instead.

    This stands in for the internet: ``public.test`` "is" a public web server
    whose traffic happens to arrive at our loopback server. Only the connection
    target changes; the URL the fetcher checked, and the Host header, stay as
    they were.
    """

    def __init__(self, names: set[str]) -> None:
        self.names = names
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host in self.names:
            request.url = request.url.copy_with(host="127.0.0.1")
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class FakeResolver:
    """``socket.getaddrinfo`` that answers for chosen names and defers for the rest.

    ``answers[name]`` is a list of addresses; each call takes the next one and
    repeats the last, which models DNS rebinding (public first, private next).
    """

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.calls: dict[str, int] = {}
        self.real: Callable[..., Any] = socket.getaddrinfo

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in self.answers:
            return self.real(host, port, *args, **kwargs)
        n = self.calls.get(name, 0)
        self.calls[name] = n + 1
        address = self.answers[name][min(n, len(self.answers[name]) - 1)]
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sockaddr = (
            (address, int(port or 80), 0, 0)
            if family == socket.AF_INET6
            else (address, int(port or 80))
        )
        return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr)]


# --- (a) default limits: refused before any connection ------------------------------

REFUSED_HOSTS = [
    "127.0.0.1",
    "localhost",
    "[::1]",
    "169.254.169.254",
    "10.0.0.1",
    "192.168.1.1",
    "172.16.0.1",
    "2130706433",  # 127.0.0.1 as one decimal number
    "0x7f000001",  # ... in hex
    "017700000001",  # ... in octal
    "127.1",  # ... shortened
    "[::ffff:127.0.0.1]",  # IPv4-mapped IPv6
    "[::ffff:7f00:1]",
    "[::127.0.0.1]",  # IPv4-compatible IPv6
    "0.0.0.0",
    "[::]",
    "[fe80::1]",
    "[fc00::1]",
    "user:pass@127.0.0.1",
    "public.test@127.0.0.1",
]


@pytest.mark.parametrize("host", REFUSED_HOSTS)
def test_private_addresses_are_refused_without_a_connection(server: LocalServer, host: str) -> None:
    transport = RecordingTransport()
    url = f"http://{host}:{server.port}/secret?from={host}"
    with httpx.Client(transport=transport) as client, pytest.raises(InputError) as caught:
        fetch_url(url, Limits(), client=client)
    assert caught.value.reason.startswith(("refused", "cannot resolve")), caught.value.reason
    assert transport.requests == []
    assert not server.served.saw(f"/secret?from={host}")


def test_loopback_server_is_not_contacted_by_the_default_client(server: LocalServer) -> None:
    with pytest.raises(InputError, match="refused"):
        fetch_url(server.url("/secret?from=default-client"), Limits())
    assert not server.served.saw("/secret?from=default-client")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/file.txt",
        "gopher://127.0.0.1:70/_stats",
        "dict://127.0.0.1:11211/stats",
        "data:text/html,<p>hi</p>",
        "javascript:alert(1)",
        "//127.0.0.1/no-scheme",
    ],
)
def test_non_http_schemes_are_refused(url: str) -> None:
    transport = RecordingTransport()
    with httpx.Client(transport=transport) as client, pytest.raises(InputError) as caught:
        fetch_url(url, Limits(allow_private_urls=True), client=client)
    assert "only http and https" in caught.value.reason
    assert transport.requests == []


def test_ingest_reports_a_refused_url_and_goes_on(tmp_path: Path, server: LocalServer) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Harbour works delayed\n\nThe breakwater will be late, engineers said.\n")
    with Archive(tmp_path / "a.db") as archive:
        report = ingest(
            [server.url("/secret?from=ingest"), "file:///etc/passwd", str(good)],
            archive,
            Context(),
        )
        texts = [a.body for a in archive.iter_articles()]
    statuses = [(o.status, o.reason or "") for o in report.outcomes]
    assert statuses[0][0] == "error" and "refused" in statuses[0][1]
    assert statuses[1][0] == "error"  # not a URL we fetch, and not a file either
    assert statuses[2][0] == "ingested"
    assert not any("root:" in t for t in texts)
    assert not server.served.saw("/secret?from=ingest")


@pytest.mark.parametrize(
    "address", ["100.100.100.200", "100.64.0.1", "2002:7f00:1::", "2002:a9fe:a9fe::"]
)
def test_shared_and_wrapped_private_addresses_are_refused(address: str) -> None:
    assert not is_public_address(address)


def test_public_addresses_are_allowed() -> None:
    for address in (PUBLIC_IP, "8.8.8.8", "2606:4700:4700::1111"):
        assert is_public_address(address)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1\\@public.test/",
        "http://public.test\\@127.0.0.1/",
        "http://127.0.0.1#@public.test/",
        "http://public.test#@127.0.0.1/",
        "http://127.0.0.1:80@public.test/",
        "http://public.test@127.0.0.1/",
        "http://127.0.0.1%2f@public.test/",
        "http://[::1]@public.test/",
        "http://127.0.0.1 @public.test/",
        "http://PUBLIC.test/",
        "http://public.test./",
    ],
)
def test_the_checked_host_is_the_host_contacted(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """No URL parser differential: whatever passes the check goes to the checked host."""
    monkeypatch.setattr(socket, "getaddrinfo", FakeResolver({"public.test": [PUBLIC_IP]}))
    transport = RecordingTransport()
    with httpx.Client(transport=transport) as client:
        try:
            fetch_url(url, Limits(), client=client)
        except InputError:
            assert transport.requests == []
            return
    checked = (urlsplit(url).hostname or "").rstrip(".").lower()
    contacted = [r.url.host.rstrip(".").lower() for r in transport.requests]
    assert contacted == [checked] == ["public.test"], (url, contacted)


# --- (b) with private URLs allowed: the budgets ------------------------------------------


def test_fetch_from_the_local_server(server: LocalServer) -> None:
    page = fetch_url(server.url("/ok"), PRIVATE)
    assert page.data == ARTICLE and page.media_type == "text/html" and page.charset == "utf-8"


def test_redirect_limit_is_enforced(server: LocalServer) -> None:
    limits = Limits(allow_private_urls=True, http_max_redirects=5)
    page = fetch_url(server.url("/redirect/5"), limits)
    assert page.final_url.endswith("/redirect/0") and page.data == ARTICLE
    with pytest.raises(InputError, match="more than 5 redirects"):
        fetch_url(server.url("/redirect/6"), limits)
    with pytest.raises(InputError, match="more than 5 redirects"):
        fetch_url(server.url("/loop"), limits)


def test_redirect_without_location_is_an_error(server: LocalServer) -> None:
    with pytest.raises(InputError, match="redirect without a location"):
        fetch_url(server.url("/nolocation"), PRIVATE)


def test_redirect_to_a_file_url_is_refused(server: LocalServer) -> None:
    with pytest.raises(InputError, match="only http and https"):
        fetch_url(server.url("/to?u=file:///etc/passwd"), PRIVATE)


@pytest.mark.parametrize("path", ["/big-declared", "/big-chunked", "/big-close"])
def test_size_limit_with_and_without_content_length(server: LocalServer, path: str) -> None:
    limits = Limits(allow_private_urls=True, max_input_bytes=100_000)
    with pytest.raises(InputError, match="over the 100,000-byte limit"):
        fetch_url(server.url(path), limits)


def test_compressed_response_is_limited_after_decompression(server: LocalServer) -> None:
    """A small gzip body (Content-Encoding) that inflates to 20 MB is stopped at the limit."""
    limits = Limits(allow_private_urls=True, max_input_bytes=1_000_000)
    with pytest.raises(InputError, match="over the 1,000,000-byte limit"):
        fetch_url(server.url("/gzip-bomb"), limits)


def test_timeout_is_enforced(server: LocalServer) -> None:
    limits = Limits(allow_private_urls=True, http_timeout_s=0.5)
    start = time.perf_counter()
    with pytest.raises(InputError, match=r"timed out after 0\.5 s"):
        fetch_url(server.url("/slow"), limits)
    assert time.perf_counter() - start < 2.5


def test_a_trickling_server_cannot_hold_the_fetch(server: LocalServer) -> None:
    """The proposed fix adds ``Limits.http_total_timeout_s``; set it when it exists."""
    total = {"http_total_timeout_s": 2.0} if "http_total_timeout_s" in LIMIT_FIELDS else {}
    limits = Limits(allow_private_urls=True, http_timeout_s=1.0, **total)  # type: ignore[arg-type]
    start = time.perf_counter()
    with pytest.raises(InputError, match="timed out"):
        fetch_url(server.url("/drip?s=5"), limits)
    assert time.perf_counter() - start < 3.0


@pytest.mark.parametrize(("status", "words"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500")])
def test_http_errors_are_reported_with_their_status(
    server: LocalServer, status: int, words: str
) -> None:
    with pytest.raises(InputError, match=words):
        fetch_url(server.url(f"/status/{status}"), PRIVATE)


def test_ingest_with_private_urls_allowed(tmp_path: Path, server: LocalServer) -> None:
    with Archive(tmp_path / "a.db") as archive:
        report = ingest(
            [server.url("/status/404"), server.url("/ok")],
            archive,
            Context(limits=PRIVATE),
        )
    assert [o.status for o in report.outcomes] == ["error", "ingested"]
    assert "HTTP 404" in (report.outcomes[0].reason or "")
    assert report.outcomes[1].title == "Local story"


# --- (c) redirects are re-checked; (d) DNS rebinding ------------------------------------

PRIVATE_TARGETS = [
    "http://127.0.0.1:{port}/secret",
    "http://localhost:{port}/secret",
    "http://[::1]:{port}/secret",
    "http://2130706433:{port}/secret",
    "http://169.254.169.254/latest/meta-data/",
    "//127.0.0.1:{port}/secret",  # scheme-relative
]


@pytest.mark.parametrize("target", PRIVATE_TARGETS)
def test_public_url_redirecting_to_a_private_one_is_refused(
    monkeypatch: pytest.MonkeyPatch, server: LocalServer, target: str
) -> None:
    """``public.test`` passes the check (the stand-in resolver says it is public) and
    its traffic reaches the local server through ``LoopbackRouter``; the server then
    redirects to a private address, which must be checked and refused before the
    second request. The server's log shows the first hop and never the second."""
    monkeypatch.setattr(socket, "getaddrinfo", FakeResolver({"public.test": [PUBLIC_IP]}))
    location = target.format(port=server.port)
    tag = f"hop-{zlib.crc32(target.encode())}"
    start = f"http://public.test:{server.port}/to?u={location}%3Ftag%3D{tag}"
    router = LoopbackRouter({"public.test"})
    with httpx.Client(transport=router) as client, pytest.raises(InputError) as caught:
        fetch_url(start, Limits(), client=client)
    assert caught.value.reason.startswith(("refused", "cannot resolve")), caught.value.reason
    assert server.served.saw(f"/to?u={location}")
    assert not server.served.saw(f"/secret?tag={tag}")


def test_public_redirect_to_public_is_followed(
    monkeypatch: pytest.MonkeyPatch, server: LocalServer
) -> None:
    """The same set-up without a private hop works, so the refusal above is the check."""
    monkeypatch.setattr(socket, "getaddrinfo", FakeResolver({"public.test": [PUBLIC_IP]}))
    start = f"http://public.test:{server.port}/redirect/2"
    with httpx.Client(transport=LoopbackRouter({"public.test"})) as client:
        page = fetch_url(start, Limits(), client=client)
    assert page.data == ARTICLE and page.final_url.endswith("/redirect/0")


def test_dns_rebinding_cannot_reach_a_private_address(
    monkeypatch: pytest.MonkeyPatch, server: LocalServer
) -> None:
    """``rebind.test`` resolves to a public address on the first lookup (the check)
    and to 127.0.0.1 on every later one (httpx's connect), as an attacker's DNS
    server with a zero TTL would answer. The default client is used, unmodified."""
    resolver = FakeResolver({"rebind.test": [PUBLIC_IP, "127.0.0.1"]})
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    url = f"http://rebind.test:{server.port}/secret?tag=rebinding"
    with contextlib.suppress(InputError):
        fetch_url(url, Limits())
    assert resolver.calls.get("rebind.test", 0) >= 1
    assert not server.served.saw("/secret?tag=rebinding")


def test_check_url_allowed_refuses_names_that_do_not_resolve() -> None:
    with pytest.raises(InputError, match="cannot resolve"):
        check_url_allowed("http://no-such-host.invalid/", Limits())
