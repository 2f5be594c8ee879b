"""How the web server is set up: archive, address, access token, limits."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from corroborate.config import Context
from corroborate.errors import UsageError

__all__ = ["LOOPBACK_NAMES", "WebConfig", "is_loopback"]

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
MB = 1024 * 1024


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or address to bind to) is only reachable from this machine."""
    name = host.strip().lower()
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class WebConfig:
    """Everything ``create_app`` needs; no module-level state is used.

    ``token`` protects every route (Bearer header or the cookie set by
    ``/?token=…``). Binding to a non-loopback ``host`` without a token is
    refused unless ``no_auth`` says so explicitly. ``warm`` analyses stories in
    the background so the story list can show flags.
    """

    db: Path
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    no_auth: bool = False
    max_upload_bytes: int = 20 * MB
    max_jobs: int = 1000
    warm: bool = True
    ctx: Context = field(default_factory=Context)

    def check(self) -> None:
        """Refuse unsafe or impossible settings with a message saying what to do."""
        if self.token is not None and len(self.token) < 16:
            raise UsageError("the access token must be at least 16 characters long")
        if self.token is not None and self.no_auth:
            raise UsageError("give either a token or --no-auth, not both")
        if not is_loopback(self.host) and self.token is None and not self.no_auth:
            raise UsageError(
                f"binding to {self.host} exposes the archive to other machines: "
                "pass --token TOKEN (or set CORROBORATE_TOKEN), or --no-auth to allow anyone"
            )
        if self.max_upload_bytes < 1024:
            raise UsageError("the upload limit must be at least 1 KB")
        if not 0 <= self.port <= 65535:
            raise UsageError(f"port {self.port} is not between 0 and 65535")

    @property
    def host_checked(self) -> bool:
        """Without a token, only loopback Host headers are served (DNS-rebinding defence)."""
        return self.token is None and is_loopback(self.host)
