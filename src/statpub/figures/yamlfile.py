"""Read YAML keeping line numbers, and without YAML's implicit typing.

Every scalar comes back as a string (``2025-06`` stays ``"2025-06"``, ``no``
stays ``"no"``): the figure loader types each field itself, so a typo gets an
error naming the field instead of a silently different value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from statpub.errors import InvalidInput
from statpub.report import Issue

KeyPath = tuple[str | int, ...]


def load(path: Path, display: str | None = None) -> tuple[Any, dict[KeyPath, int]]:
    """Parsed data (strings, lists, dicts) and the 1-based line of every key path.

    ``display`` is the name used for the file in error messages.
    """
    display = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            [
                Issue(
                    "figures-encoding",
                    f"not UTF-8 ({exc.reason}); save the file as UTF-8",
                    path=display,
                )
            ]
        ) from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InvalidInput(
            [Issue("figures-syntax", f"not valid YAML: {problem}", path=display, row=line)]
        ) from exc
    lines: dict[KeyPath, int] = {}
    if node is None:
        return None, lines
    return _convert(node, (), lines), lines


def _convert(node: yaml.Node, key: KeyPath, lines: dict[KeyPath, int]) -> Any:
    lines[key] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for knode, vnode in node.value:
            name = str(knode.value)
            out[name] = _convert(vnode, (*key, name), lines)
            lines[(*key, name)] = knode.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(v, (*key, i), lines) for i, v in enumerate(node.value)]
    value = node.value
    if (
        isinstance(node, yaml.ScalarNode)
        and node.style is None
        and value in ("", "~", "null", "Null", "NULL")
    ):
        return None
    return value
