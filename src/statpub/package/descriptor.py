"""Read a descriptor file (JSON or YAML) into plain JSON data, safely.

JSON is read strictly: ``NaN`` and ``Infinity`` are not JSON, unpaired
surrogates cannot be printed or encoded, and nesting deep enough to exhaust
the interpreter's stack is refused with a message rather than a crash. YAML
(``datapackage.yaml``/``.yml``, which the spec allows) is read as the JSON it
stands for: no aliases (an alias bomb expands without bound), no dates turned
into date objects, string keys only. A key given twice is reported as a
warning: JSON leaves its meaning to the reader, and readers disagree.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import yaml

from statpub.errors import StatpubError
from statpub.package.paths import UnsafePath, open_regular
from statpub.report import WARNING, Issue
from statpub.safetext import yaml_problem
from statpub.tables.jsontext import containers

MAX_DESCRIPTOR_BYTES = 64 << 20  # inline data beyond this belongs in a file
MAX_CONTAINERS = 1_000_000  # arrays and objects in a descriptor: rows of inline data, mostly
YAML_SUFFIXES = (".yaml", ".yml")


class DescriptorError(StatpubError):
    """The descriptor cannot be read as JSON data; ``code`` says how it failed."""


def read_descriptor(path: Path, label: str) -> tuple[dict[str, Any], list[Issue]]:
    """The descriptor at ``path`` and the warnings found reading it; ``label`` names it."""
    try:
        # Opened once; the type and size are read from the open file (no check-then-open
        # race, and a FIFO swapped in does not block the open).
        with open_regular(path, follow=True) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_DESCRIPTOR_BYTES:
                raise DescriptorError(
                    f"{label}: the descriptor is {size} bytes, over the "
                    f"{MAX_DESCRIPTOR_BYTES >> 20} MiB statpub reads; move inline data into files",
                    code="descriptor-too-large",
                )
            raw = fh.read(MAX_DESCRIPTOR_BYTES + 1)
        if len(raw) > MAX_DESCRIPTOR_BYTES:
            raise DescriptorError(
                f"{label}: the descriptor grew over {MAX_DESCRIPTOR_BYTES >> 20} MiB while read",
                code="descriptor-too-large",
            )
    except UnsafePath as exc:
        raise DescriptorError(
            f"{label}: the descriptor is not a regular file; only regular files are read",
            code="file-not-regular",
        ) from exc
    except OSError as exc:
        raise DescriptorError(
            f"{label}: cannot read the descriptor ({exc.strerror or type(exc).__name__})",
            code="file-not-readable",
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DescriptorError(
            f"{label}: the descriptor is not UTF-8 (byte {exc.start}: {exc.reason}); save it as "
            "UTF-8",
            code="descriptor-encoding",
        ) from exc
    if containers(text, MAX_CONTAINERS):
        # Each array or object becomes a Python object of some 60 bytes or more: 64 MiB of
        # ``[],`` would take gigabytes once parsed.
        raise DescriptorError(
            f"{label}: the descriptor holds over {MAX_CONTAINERS:,} arrays and objects (inline "
            "data of that many rows?), more than statpub parses; move inline data into a file",
            code="descriptor-too-large",
        )
    duplicates: list[str] = []
    if path.suffix.lower() in YAML_SUFFIXES:
        data = _load_yaml(text, label, duplicates)
    else:
        data = _load_json(text, label, duplicates)
    if not isinstance(data, dict):
        raise DescriptorError(
            f"{label}: a descriptor must be a JSON object, not {_kind(data)}",
            code="descriptor-json",
        )
    _check_text(data, label)
    warnings = [
        Issue(
            "descriptor-duplicate-key",
            f"key {key!r} is given twice in one object; readers disagree on which one counts "
            "(statpub takes the last): keep one",
            path=label,
            severity=WARNING,
        )
        for key in duplicates
    ]
    return data, warnings


def parse_json_text(text: str, label: str, *, as_yaml: bool = False) -> Any:
    """Strict JSON (or YAML read as the JSON it stands for) for other files a descriptor
    points to (schemas, dialects)."""
    data = _load_yaml(text, label, []) if as_yaml else _load_json(text, label, [])
    _check_text(data, label)
    return data


def _load_json(text: str, label: str, duplicates: list[str]) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                duplicates.append(key)
            out[key] = value
        return out

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON value")

    try:
        return json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise DescriptorError(
            f"{label}:{exc.lineno}: not valid JSON ({exc.msg}, column {exc.colno}); fix the syntax",
            code="descriptor-json",
        ) from exc
    except ValueError as exc:
        raise DescriptorError(f"{label}: not valid JSON ({exc})", code="descriptor-json") from exc
    except RecursionError as exc:
        raise DescriptorError(
            f"{label}: the JSON is nested too deeply to read; a descriptor is a few levels deep",
            code="descriptor-json",
        ) from exc


class _Loader(yaml.SafeLoader):
    """YAML as JSON data: no aliases, no timestamps, string keys."""


# Dates stay the text they are, as in JSON.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load_yaml(text: str, label: str, duplicates: list[str]) -> Any:
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{label}:{mark.line + 1}" if mark is not None else label
        problem = yaml_problem(exc)  # never the source line PyYAML quotes
        raise DescriptorError(
            f"{where}: not valid YAML ({problem})", code="descriptor-yaml"
        ) from exc
    except RecursionError as exc:
        raise DescriptorError(
            f"{label}: the YAML is nested too deeply to read", code="descriptor-yaml"
        ) from exc
    if node is None:
        return None
    try:
        return _construct(loader, node, label, duplicates, set())
    except RecursionError as exc:
        raise DescriptorError(
            f"{label}: the YAML is nested too deeply to read", code="descriptor-yaml"
        ) from exc


def _construct(
    loader: _Loader, node: yaml.Node, label: str, duplicates: list[str], seen: set[int]
) -> Any:
    if id(node) in seen:
        raise DescriptorError(
            f"{label}:{node.start_mark.line + 1}: YAML anchors and aliases are not supported in a "
            "descriptor; write the value out",
            code="descriptor-yaml",
        )
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for knode, vnode in node.value:
            key = _construct(loader, knode, label, duplicates, seen)
            if not isinstance(key, str):
                raise DescriptorError(
                    f"{label}:{knode.start_mark.line + 1}: key {key!r} is not a string; quote it",
                    code="descriptor-yaml",
                )
            if key in out:
                duplicates.append(key)
            out[key] = _construct(loader, vnode, label, duplicates, seen)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, v, label, duplicates, seen) for v in node.value]
    try:
        value = loader.construct_object(node, deep=False)
    except yaml.YAMLError as exc:
        raise DescriptorError(
            f"{label}:{node.start_mark.line + 1}: {exc}", code="descriptor-yaml"
        ) from exc
    if isinstance(value, float) and not math.isfinite(value):
        raise DescriptorError(
            f"{label}:{node.start_mark.line + 1}: {node.value} has no JSON equivalent",
            code="descriptor-yaml",
        )
    if not isinstance(value, (str, int, float, bool)) and value is not None:
        # !!binary, !!set and other tags JSON has no form for.
        raise DescriptorError(
            f"{label}:{node.start_mark.line + 1}: a {type(value).__name__} has no JSON "
            "equivalent; write it as a string",
            code="descriptor-yaml",
        )
    return value


def _check_text(value: Any, label: str) -> None:
    """Refuse unpaired surrogates: they cannot be encoded, so no message could name them."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise DescriptorError(
                    f"{label}: a string holds an unpaired surrogate "
                    f"({item[exc.start]!a}); it is not Unicode text",
                    code="descriptor-json",
                ) from exc
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"
