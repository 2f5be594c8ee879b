"""Actions: named, one-click analyses of an article or a story, with typed results.

An action is an :class:`ActionSpec` (name, one-line description, what it
applies to, an options dataclass, and a run function). Results are made of
blocks — cited text, tables, lists — so the CLI, the JSON output and the web
reader render the same thing. Every text block carries citations to article ids
and sentence offsets, so a reader can check each sentence against its source.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from corroborate.errors import UsageError
from corroborate.summarize.records import Citation

if TYPE_CHECKING:  # pragma: no cover
    from corroborate.workspace import Workspace

__all__ = [
    "ENTRY_POINT_GROUP",
    "ActionRegistry",
    "ActionResult",
    "ActionSet",
    "ActionSpec",
    "ActionTarget",
    "Citation",
    "ListBlock",
    "TableBlock",
    "TextBlock",
    "parse_options",
]

TargetKind = Literal["article", "story"]
ENTRY_POINT_GROUP = "corroborate.actions"


@dataclass(frozen=True, slots=True)
class ActionTarget:
    """What an action runs on: an article id or a story id."""

    kind: TargetKind
    id: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "id": self.id}


@dataclass(slots=True)
class TextBlock:
    """A sentence or paragraph with its sources; ``flag`` marks e.g. ``unsupported`` text."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    label: str | None = None
    flag: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "text",
            "text": self.text,
            "label": self.label,
            "flag": self.flag,
            "citations": [c.to_dict() for c in self.citations],
        }


@dataclass(slots=True)
class TableBlock:
    """A table; ``row_citations[i]`` are the sources of row ``i`` (may be empty)."""

    columns: list[str]
    rows: list[list[str]]
    title: str | None = None
    row_citations: list[list[Citation]] = field(default_factory=list)
    row_flags: list[str | None] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "table",
            "title": self.title,
            "columns": list(self.columns),
            "rows": [list(r) for r in self.rows],
            "row_citations": [[c.to_dict() for c in cs] for cs in self.row_citations],
            "row_flags": list(self.row_flags),
        }


@dataclass(slots=True)
class ListBlock:
    """A titled list of cited items."""

    items: list[TextBlock]
    title: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"type": "list", "title": self.title, "items": [i.to_dict() for i in self.items]}


Block = TextBlock | TableBlock | ListBlock


@dataclass(slots=True)
class ActionResult:
    """What an action returns: titled blocks plus notes (e.g. why an LLM was not used)."""

    action: str
    target: ActionTarget
    title: str
    blocks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    engine: str = "extractive"

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "target": self.target.to_dict(),
            "title": self.title,
            "engine": self.engine,
            "blocks": [b.to_dict() for b in self.blocks],
            "notes": list(self.notes),
        }

    def citations(self) -> Iterator[Citation]:
        for block in self.blocks:
            if isinstance(block, TextBlock):
                yield from block.citations
            elif isinstance(block, ListBlock):
                for item in block.items:
                    yield from item.citations
            else:
                for cites in block.row_citations:
                    yield from cites


RunFunction = Callable[["Workspace", ActionTarget, Any], ActionResult]


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """A registered action. ``options`` is a dataclass type (or None for no options)."""

    name: str
    description: str
    applies_to: frozenset[TargetKind]
    run: RunFunction
    options: type | None = None

    def option_fields(self) -> list[dict[str, Any]]:
        """The options as ``{name, type, default, help}`` for help texts and the web menu."""
        if self.options is None:
            return []
        out = []
        for f in dataclasses.fields(self.options):
            default = f.default if f.default is not dataclasses.MISSING else None
            out.append(
                {
                    "name": f.name,
                    "type": str(f.type),
                    "default": default,
                    "help": f.metadata.get("help", ""),
                }
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "applies_to": sorted(self.applies_to),
            "options": self.option_fields(),
        }


def parse_options(spec: ActionSpec, raw: dict[str, Any]) -> Any:
    """Build ``spec.options`` from strings or values, failing with the valid names."""
    if spec.options is None:
        if raw:
            raise UsageError(
                f"action {spec.name!r} takes no options (got {', '.join(sorted(raw))})"
            )
        return None
    fields = {f.name: f for f in dataclasses.fields(spec.options)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = key.replace("-", "_")
        if name not in fields:
            raise UsageError(
                f"unknown option {key!r} for action {spec.name!r}; valid options: {', '.join(sorted(fields)) or 'none'}"
            )
        default = fields[name].default
        if isinstance(value, str) and isinstance(default, bool):
            value = value.lower() in ("1", "true", "yes", "on")
        elif isinstance(value, str) and isinstance(default, int):
            try:
                value = int(value)
            except ValueError:
                raise UsageError(
                    f"option {key!r} of {spec.name!r} must be a whole number"
                ) from None
        elif isinstance(value, str) and isinstance(default, float):
            try:
                value = float(value)
            except ValueError:
                raise UsageError(f"option {key!r} of {spec.name!r} must be a number") from None
        values[name] = value
    try:
        return spec.options(**values)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"bad options for {spec.name!r}: {exc}") from None


class ActionSet:
    """A static collection of action definitions, filled by the ``@actions.action`` decorator.

    Defining actions with the decorator only records them; a registry adopts
    the set with :meth:`ActionRegistry.add_set`.
    """

    def __init__(self) -> None:
        self.specs: list[ActionSpec] = []

    def action(
        self,
        name: str,
        description: str,
        applies_to: Iterable[TargetKind],
        options: type | None = None,
    ) -> Callable[[RunFunction], RunFunction]:
        def decorate(run: RunFunction) -> RunFunction:
            self.specs.append(ActionSpec(name, description, frozenset(applies_to), run, options))
            return run

        return decorate


class ActionRegistry:
    """Actions by name; an unknown name fails listing the known ones."""

    def __init__(self) -> None:
        self._specs: dict[str, ActionSpec] = {}

    def register(self, spec: ActionSpec) -> ActionSpec:
        if spec.name in self._specs:
            raise UsageError(f"an action named {spec.name!r} is already registered")
        if not spec.applies_to or not spec.applies_to <= {"article", "story"}:
            raise UsageError(f"action {spec.name!r} must apply to 'article' and/or 'story'")
        self._specs[spec.name] = spec
        return spec

    def add_set(self, action_set: ActionSet) -> None:
        for spec in action_set.specs:
            self.register(spec)

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> list[str]:
        """Register actions other packages declare under the ``corroborate.actions`` entry point.

        An entry point names an :class:`ActionSpec`, an :class:`ActionSet`, or a
        callable taking this registry.
        """
        loaded = []
        for entry in importlib.metadata.entry_points(group=group):
            obj = entry.load()
            if isinstance(obj, ActionSpec):
                self.register(obj)
            elif isinstance(obj, ActionSet):
                self.add_set(obj)
            elif callable(obj):
                obj(self)
            else:
                raise UsageError(f"entry point {entry.name!r} is not an action, action set or hook")
            loaded.append(entry.name)
        return loaded

    def names(self) -> list[str]:
        return sorted(self._specs)

    def specs(self) -> list[ActionSpec]:
        return [self._specs[n] for n in self.names()]

    def get(self, name: str) -> ActionSpec:
        try:
            return self._specs[name]
        except KeyError:
            raise UsageError(
                f"unknown action {name!r}; known actions: {', '.join(self.names())}"
            ) from None
