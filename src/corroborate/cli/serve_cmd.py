"""``serve``: the local web reader and JSON API over an archive."""

from __future__ import annotations

import secrets
from pathlib import Path

import click

from corroborate.cli.common import db_option
from corroborate.cli.output import fail
from corroborate.config import Context, Limits
from corroborate.errors import CorroborateError

__all__ = ["COMMANDS", "serve_command"]

TOKEN_ENV = "CORROBORATE_TOKEN"


@click.command(
    "serve",
    epilog="""\b
Examples:
  corroborate serve --db news.db
  corroborate serve --db news.db --port 8080
  corroborate serve --db news.db --host 0.0.0.0 --token "$(openssl rand -hex 16)"
""",
)
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--token",
    envvar=TOKEN_ENV,
    help=f"Access token (16+ characters) every request must carry. Also set by ${TOKEN_ENV}.",
)
@click.option(
    "--new-token", is_flag=True, help="Make up a random token and print the link to log in."
)
@click.option(
    "--no-auth",
    is_flag=True,
    help="Serve a non-loopback address without a token (anyone who can reach it can read and write).",
)
@click.option(
    "--max-upload-mb",
    type=click.FloatRange(0.01),
    default=20.0,
    show_default=True,
    help="Largest request body (uploads and pastes), in MB.",
)
@click.option(
    "--allow-private-urls",
    is_flag=True,
    help="Let URL ingestion fetch private, loopback or link-local addresses.",
)
@click.option(
    "--no-warm", is_flag=True, help="Do not analyse stories in the background for the list's flags."
)
def serve_command(
    db: str,
    host: str,
    port: int,
    token: str | None,
    new_token: bool,
    no_auth: bool,
    max_upload_mb: float,
    allow_private_urls: bool,
    no_warm: bool,
) -> None:
    """Serve the web reader and JSON API (pages at /, API at /api/, docs at /api/docs).

    Listens on 127.0.0.1 unless --host says otherwise; any other address needs
    --token (or --new-token), or an explicit --no-auth. Ctrl-C stops it.
    """
    import uvicorn

    from corroborate.web import WebConfig, create_app

    if new_token:
        token = token or secrets.token_urlsafe(24)
    limits = Limits(
        max_input_bytes=int(max_upload_mb * 1024 * 1024), allow_private_urls=allow_private_urls
    )
    config = WebConfig(
        db=Path(db),
        host=host,
        port=port,
        token=token,
        no_auth=no_auth,
        max_upload_bytes=int(max_upload_mb * 1024 * 1024),
        warm=not no_warm,
        ctx=Context(limits=limits),
    )
    new = not config.db.exists()
    try:
        app = create_app(config)
    except CorroborateError as exc:
        fail(exc, False)
    shown = f"[{host}]" if ":" in host else host
    link = f"http://{shown}:{port}/"
    if token and new_token:
        link += f"?token={token}"
    click.echo(f"corroborate: serving {db}{' (new archive)' if new else ''} at {link}", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


COMMANDS = [serve_command]
