"""Read YAML keeping line numbers, and without YAML's implicit typing.

Every scalar comes back as a string (``2025-06`` stays ``"2025-06"``, ``no``
stays ``"no"``): the figure loader types each field itself, so a typo gets an
error naming the field instead of a silently different value. For the same
reason a key written twice in one mapping is an error (YAML loaders keep the
last one and drop the first without a word).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from statpub.errors import InvalidInput
from statpub.report import Issue
from statpub.safetext import yaml_problem

KeyPath = tuple[str | int, ...]
MAX_BYTES = 16 << 20  # a figure file larger than this is not a maintainer's file


def load(
    path: Path, display: str | None = None, duplicates: list[Issue] | None = None
) -> tuple[Any, dict[KeyPath, int]]:
    """Parsed data (strings, lists, dicts) and the 1-based line of every key path.

    ``display`` is the name used for the file in error messages. A key written
    twice in one mapping is an error: it is added to ``duplicates`` when given
    (the first value is kept, so the file's other problems are still found),
    else raised.
    """
    from statpub.package.paths import UnsafePath, read_inside

    display = display or str(path)
    try:
        # Through the path policy: a link out of the folder, a FIFO or a huge file is refused.
        text = read_inside(path.parent, path.name, MAX_BYTES).decode("utf-8")
    except UnsafePath as exc:
        raise InvalidInput(
            [Issue(exc.problem.code, f"not read: {exc.problem.reason}", path=display)]
        ) from exc
    except OSError as exc:
        raise InvalidInput(
            [
                Issue(
                    "file-not-readable",
                    f"cannot be read ({exc.strerror or type(exc).__name__})",
                    path=display,
                )
            ]
        ) from exc
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
        # The problem only: PyYAML's full text quotes the source line, which must not reach
        # a terminal or a CI log raw.
        problem = yaml_problem(exc)
        raise InvalidInput(
            [Issue("figures-syntax", f"not valid YAML: {problem}", path=display, row=line)]
        ) from exc
    lines: dict[KeyPath, int] = {}
    if node is None:
        return None, lines
    found: list[Issue] = []
    data = _convert(node, (), lines, found, display)
    if found and duplicates is None:
        raise InvalidInput(found)
    if duplicates is not None:
        duplicates += found
    return data, lines


def _convert(
    node: yaml.Node, key: KeyPath, lines: dict[KeyPath, int], dups: list[Issue], display: str
) -> Any:
    lines[key] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for knode, vnode in node.value:
            name = str(knode.value)
            line = knode.start_mark.line + 1
            if name in out:
                dups.append(
                    Issue(
                        "figures-duplicate-key",
                        f"{name!r} is written twice in this entry (first at line "
                        f"{lines[(*key, name)]}); YAML would keep only the last one: "
                        "delete the one that is wrong",
                        path=display,
                        row=line,
                        field=name,
                    )
                )
                continue
            out[name] = _convert(vnode, (*key, name), lines, dups, display)
            lines[(*key, name)] = line
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(v, (*key, i), lines, dups, display) for i, v in enumerate(node.value)]
    value = node.value
    if (
        isinstance(node, yaml.ScalarNode)
        and node.style is None
        and value in ("", "~", "null", "Null", "NULL")
    ):
        return None
    return value
