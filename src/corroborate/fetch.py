"""Fetching URLs: timeouts, a size limit, a redirect limit, and no private addresses.

Every hop of a redirect chain is resolved and checked before it is requested,
so a public URL cannot redirect the fetcher to ``127.0.0.1`` or the cloud
metadata address (server-side request forgery). Private, loopback, link-local
and reserved addresses are refused unless ``Limits.allow_private_urls`` is set.
The connection itself goes to the address that was checked (a second DNS answer
cannot point it elsewhere: DNS rebinding), and the whole fetch has a deadline.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from corroborate._version import __version__
from corroborate.config import Limits
from corroborate.errors import InputError

__all__ = ["FetchedPage", "check_url_allowed", "fetch_url", "is_public_address"]

USER_AGENT = f"corroborate/{__version__} (+offline news analysis; respects robots by user choice)"


@dataclass(frozen=True, slots=True)
class FetchedPage:
    url: str
    final_url: str
    data: bytes
    media_type: str | None
    charset: str | None


def is_public_address(address: str) -> bool:
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv4 inside IPv6: mapped (::ffff:a.b.c.d) and 6to4 (2002:aabb:ccdd::).
        ip = ip.ipv4_mapped or ip.sixtofour or ip
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def check_url_allowed(url: str, limits: Limits) -> None:
    """Raise :class:`InputError` unless ``url`` is http(s) to a public address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise InputError(
            url, f"only http and https URLs can be fetched, not {parts.scheme or 'none'!r}"
        )
    host = parts.hostname
    if not host:
        raise InputError(url, "URL has no host")
    if limits.allow_private_urls:
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(url, f"cannot resolve host {host!r}: {exc}") from None
    for info in infos:
        address = str(info[4][0])
        if not is_public_address(address):
            raise InputError(
                url,
                f"refused: {host} resolves to a private, loopback or link-local address "
                f"({address}); allow it explicitly to fetch internal pages",
            )


def _checked_address(host: str, port: int) -> str:
    """The address to connect to for ``host``: resolved once, refused unless public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise httpcore.ConnectError(f"cannot resolve host {host!r}: {exc}") from None
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        if not is_public_address(address):
            raise httpcore.ConnectError(
                f"refused: {host} resolves to a private, loopback or link-local address "
                f"({address}) when connecting"
            )
    if not addresses:
        raise httpcore.ConnectError(f"cannot resolve host {host!r}: no addresses")
    return addresses[0]


class _CheckedBackend(httpcore.SyncBackend):
    """Connects to the very address it checked, so DNS cannot change its answer
    between the check and the connection (DNS rebinding)."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        address = _checked_address(host, port)
        return super().connect_tcp(address, port, timeout, local_address, socket_options)


class _PublicOnlyTransport(httpx.HTTPTransport):
    """httpx's transport with the checking backend (TLS still verifies the host name)."""

    def __init__(self) -> None:
        super().__init__()
        # httpx has no public hook for the network backend: replace the pool it built.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=_CheckedBackend()
        )


def fetch_url(url: str, limits: Limits, client: httpx.Client | None = None) -> FetchedPage:
    """GET ``url`` following up to ``limits.http_max_redirects`` checked redirects."""
    own = client is None
    http = client or httpx.Client(
        transport=None if limits.allow_private_urls else _PublicOnlyTransport(),
        timeout=httpx.Timeout(limits.http_timeout_s),
        follow_redirects=False,
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        },
    )
    deadline = time.monotonic() + limits.http_total_timeout_s
    try:
        current = url
        for _hop in range(limits.http_max_redirects + 1):
            check_url_allowed(current, limits)
            try:
                with http.stream("GET", current) as response:
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise InputError(url, f"redirect without a location from {current}")
                        current = urljoin(current, location)
                        continue
                    if response.status_code >= 400:
                        raise InputError(
                            url, f"HTTP {response.status_code} {response.reason_phrase}"
                        )
                    data = _read_limited(response, limits, url, deadline)
                    content_type = response.headers.get("content-type", "")
                    media_type = content_type.split(";")[0].strip().lower() or None
                    return FetchedPage(url, current, data, media_type, response.charset_encoding)
            except httpx.TimeoutException:
                raise InputError(url, f"timed out after {limits.http_timeout_s:g} s") from None
            except httpx.HTTPError as exc:
                raise InputError(url, f"could not fetch: {exc}") from None
        raise InputError(url, f"more than {limits.http_max_redirects} redirects")
    finally:
        if own:
            http.close()


def _read_limited(response: httpx.Response, limits: Limits, url: str, deadline: float) -> bytes:
    """The body, refused past ``max_input_bytes`` or past the whole fetch's deadline
    (a server trickling a byte at a time never trips the per-read timeout)."""
    limit = limits.max_input_bytes
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise InputError(url, f"response is {int(declared):,} bytes, over the {limit:,}-byte limit")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise InputError(url, f"response is over the {limit:,}-byte limit")
        if time.monotonic() > deadline:
            raise InputError(
                url, f"timed out: the download took over {limits.http_total_timeout_s:g} s in all"
            )
        chunks.append(chunk)
    return b"".join(chunks)
