"""Reading an ingest request (JSON, form or multipart upload) into job inputs.

Uploaded files are kept as bytes under a cleaned-up display name; no name or
path from a request is ever opened on the server's file system. URLs are only
checked for their scheme here: the worker fetches them with
:func:`corroborate.fetch.fetch_url`, which refuses private addresses after
resolving every hop.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request

from corroborate.errors import UsageError
from corroborate.readers.base import RawInput
from corroborate.web.jobs import JobInput

__all__ = ["display_name", "inputs_from_fields", "read_ingest_request"]

MAX_FILES = 100
MAX_URLS = 20
_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f/\\]+")


def display_name(name: str | None, fallback: str) -> str:
    """A label for an upload: the last path part, no control characters, at most 120 chars."""
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = _UNSAFE_CHARS.sub(" ", text).strip().lstrip(".")
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cs", "Co"))
    return text[:120] or fallback


def inputs_from_fields(
    text: str | None,
    title: str | None,
    urls: list[str],
    name: str | None = None,
) -> list[JobInput]:
    """Job inputs for pasted text (title becomes its first line) and URLs."""
    inputs: list[JobInput] = []
    if text and text.strip():
        body = text if not (title and title.strip()) else f"{title.strip()}\n\n{text}"
        label = display_name(name, "pasted text")
        inputs.append(JobInput(label, raw=RawInput(name=label, data=body.encode("utf-8"))))
    clean_urls = [u.strip() for u in urls if u and u.strip()]
    if len(clean_urls) > MAX_URLS:
        raise UsageError(f"at most {MAX_URLS} URLs per request")
    for url in clean_urls:
        if not re.match(r"^https?://", url, re.IGNORECASE):
            raise UsageError(f"only http and https URLs can be ingested, not {url[:80]!r}")
        inputs.append(JobInput(url, url=url))
    return inputs


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


async def read_ingest_request(request: Request, limit: int) -> tuple[list[JobInput], str | None]:
    """The inputs and reader name of an ingest request, whatever its content type."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            body = json.loads(await request.body())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(f"request body is not valid JSON ({exc})") from None
        if not isinstance(body, dict):
            raise UsageError("request body must be a JSON object")
        raw_urls = body.get("urls") or ([body["url"]] if body.get("url") else [])
        if not isinstance(raw_urls, list) or not all(isinstance(u, str) for u in raw_urls):
            raise UsageError("'urls' must be a list of strings")
        inputs = inputs_from_fields(
            _str(body.get("text")), _str(body.get("title")), raw_urls, _str(body.get("name"))
        )
        return inputs, _str(body.get("reader")) or None
    if content_type not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raise UsageError(
            "send JSON, a form, or multipart/form-data (files in a field named 'files')"
        )
    async with request.form(max_files=MAX_FILES, max_fields=50, max_part_size=limit) as form:
        urls = [u for u in form.getlist("url") if isinstance(u, str)]
        inputs = inputs_from_fields(
            _str(form.get("text")), _str(form.get("title")), urls, _str(form.get("name"))
        )
        for number, upload in enumerate(form.getlist("files"), 1):
            if not isinstance(upload, UploadFile):
                continue
            data = await upload.read()
            if not data:
                continue
            label = display_name(upload.filename, f"upload-{number}")
            inputs.append(
                JobInput(label, raw=RawInput(name=label, data=data, media_type=upload.content_type))
            )
        reader = _str(form.get("reader")) or None
    return inputs, reader
