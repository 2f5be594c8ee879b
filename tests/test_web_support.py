"""Shared helpers for the web tests (no tests here): demo archive, in-process client, HTML and schema checks."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
from fastapi.testclient import TestClient

from corroborate.analysis import demo_dir
from corroborate.archive import Archive
from corroborate.config import Context
from corroborate.pipeline import ingest
from corroborate.web import WebConfig, create_app
from corroborate.workspace import Workspace

BASE = "http://127.0.0.1:8000"


def build_demo_archive(path: Path, ctx: Context) -> Path:
    """The bundled demo coverage ingested and assigned to stories, in ``path``."""
    with Archive(path) as archive:
        report = ingest([str(demo_dir())], archive, ctx)
        assert not report.errors, report.errors
        Workspace(archive, ctx).assign_stories()
    return path


def copy_archive(source: Path, target: Path) -> Path:
    """A copy of a closed archive file (its WAL was checkpointed on close)."""
    shutil.copyfile(source, target)
    return target


def client_for(db: Path, ctx: Context, **options: Any) -> TestClient:
    """An in-process client on loopback (so the Host check passes); not yet started."""
    config = WebConfig(db=db, ctx=ctx, warm=options.pop("warm", False), **options)
    return TestClient(create_app(config), base_url=BASE, raise_server_exceptions=False)


def schema(name: str) -> dict[str, Any]:
    text = resources.files("corroborate").joinpath(f"schemas/api-{name}.schema.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def validate(data: Any, name: str) -> None:
    jsonschema.validate(data, schema(name), cls=jsonschema.Draft202012Validator)


class Page(HTMLParser):
    """A parsed page: every start tag with its attributes, and the text by element id."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text_parts: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(self.text_parts)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        """Tags named ``tag`` whose attributes contain the given values (class: one word)."""
        out = []
        for name, found in self.tags:
            if name != tag:
                continue
            ok = True
            for key, value in attrs.items():
                key = key.rstrip("_").replace("_", "-")
                have = found.get(key)
                if have is None:
                    ok = False
                elif key == "class":
                    ok = ok and value in have.split()
                else:
                    ok = ok and have == value
            if ok:
                out.append(found)
        return out

    def scripts(self) -> list[dict[str, str]]:
        return self.find("script")

    def event_handlers(self) -> list[tuple[str, str]]:
        """Every ``on…`` attribute on any element (there should be none)."""
        return [(t, k) for t, attrs in self.tags for k in attrs if k.lower().startswith("on")]
