"""One-click actions on an article or a story (summaries, key facts, quotes, ...).

``default_registry()`` holds the built-in actions plus any a package declares
under the ``corroborate.actions`` entry point; ``run_action`` runs one by name.
"""

from __future__ import annotations

from typing import Any

from corroborate.actions.base import (
    ENTRY_POINT_GROUP,
    ActionRegistry,
    ActionResult,
    ActionSet,
    ActionSpec,
    ActionTarget,
    Citation,
    ListBlock,
    TableBlock,
    TextBlock,
    parse_options,
)
from corroborate.errors import UsageError
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
    "default_registry",
    "resolve_target",
    "run_action",
]


def default_registry(entry_points: bool = True) -> ActionRegistry:
    """The built-in actions, plus those other installed packages declare."""
    from corroborate.actions.builtin import BUILTIN
    from corroborate.actions.provenance_actions import PROVENANCE_ACTIONS

    registry = ActionRegistry()
    registry.add_set(BUILTIN)
    registry.add_set(PROVENANCE_ACTIONS)
    if entry_points:
        registry.load_entry_points()
    return registry


def resolve_target(ws: Workspace, text: str) -> ActionTarget:
    """``s3``/``story:s3`` is a story; anything else an article id (or unique prefix)."""
    if text.startswith("story:"):
        return ActionTarget("story", ws.story(text[6:]).id)
    if text.startswith("article:"):
        return ActionTarget("article", ws.article(text[8:]).id)
    if text in ws.index.profiles or text in ws.index.redirect:
        return ActionTarget("story", ws.story(text).id)
    return ActionTarget("article", ws.article(text).id)


def run_action(
    ws: Workspace,
    name: str,
    target: ActionTarget,
    options: dict[str, Any] | None = None,
    registry: ActionRegistry | None = None,
) -> ActionResult:
    """Run action ``name`` on ``target``; unknown names and wrong targets are usage errors."""
    spec = (registry or default_registry()).get(name)
    if target.kind not in spec.applies_to:
        raise UsageError(
            f"action {name!r} applies to {' and '.join(sorted(spec.applies_to))}, not to a {target.kind}"
        )
    return spec.run(ws, target, parse_options(spec, options or {}))
