"""Resolve a descriptor's resources once: paths, format, compression, schema, dialect.

Every path goes through the path policy (:mod:`statpub.package.paths`) before
any file is opened; a schema or dialect given by path is read here and only
here. Problems become issues on the resource, with the JSON path of the
property at fault (``resources[2].schema``), never exceptions.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from statpub.package import paths as policy
from statpub.package import shape
from statpub.package.descriptor import DescriptorError, parse_json_text
from statpub.package.model import TABULAR_FORMATS, Package, Resource
from statpub.report import Issue
from statpub.tables.limits import MAX_COLUMNS
from statpub.tables.spec import (
    TableSpec,
    as_list,
    dialect_of,
    field_specs,
    foreign_keys,
    unique_keys,
)

# Compression by the extension after the format's (``x.csv.gz``) or ``compression``.
COMPRESSIONS = {"gz": "gz", "gzip": "gz", "bz2": "bz2", "zst": "zst", "zstd": "zst", "xz": "xz"}
MAX_REFERENCED_JSON = 16 << 20  # a schema or dialect file


def resolve_resources(pkg: Package) -> None:
    """Fill ``pkg.resources`` from ``pkg.descriptor``."""
    for problem in shape.problems(pkg.descriptor, shape.PACKAGE, "the descriptor"):
        pkg.issues.append(Issue("descriptor-error", problem, path=pkg.descriptor_label))
    entries = pkg.descriptor.get("resources")
    if not isinstance(entries, list):
        return
    for index, entry in enumerate(entries):
        pkg.resources.append(resolve_resource(pkg, index, entry))


def resolve_resource(pkg: Package, index: int, entry: Any) -> Resource:
    where = f"resources[{index}]"
    if not isinstance(entry, dict):
        res = Resource(index=index, descriptor={}, name=None, label=where)
        res.problems.append(_issue(pkg, res, "descriptor-error", f"{where} must be an object"))
        return res
    name = entry.get("name") if isinstance(entry.get("name"), str) else None
    written = entry.get("path")
    paths = as_list(written)
    label = paths[0] if paths and isinstance(paths[0], str) else (name or where)
    res = Resource(index=index, descriptor=entry, name=name, label=label, paths=paths)
    for problem in shape.problems(entry, shape.RESOURCE, where):
        res.problems.append(_issue(pkg, res, "descriptor-error", problem))
    res.inline = "data" in entry
    _resolve_paths(pkg, res, written, where)
    _resolve_format(res)
    encoding = entry.get("encoding")
    res.encoding = encoding if isinstance(encoding, str) and encoding else "utf-8"
    res.schema, res.schema_path = _referenced(pkg, res, "schema", where)
    res.dialect, res.dialect_path = _referenced(pkg, res, "dialect", where)
    _check_shapes(pkg, res, where)
    res.spec = _table_spec(pkg, res, where)
    return res


def _resolve_paths(pkg: Package, res: Resource, written: Any, where: str) -> None:
    if written is None:
        if not res.inline:
            res.problems.append(
                _issue(pkg, res, "descriptor-error", f"{where} has neither 'path' nor 'data'")
            )
        return
    items = written if isinstance(written, list) else [written]
    if isinstance(written, list) and not written:
        res.problems.append(
            _issue(pkg, res, "path-unsafe", f"{where}.path is an empty list", "path")
        )
        return
    files: list[Path] = []
    for n, item in enumerate(items):
        key = f"{where}.path" + (f"[{n}]" if isinstance(written, list) else "")
        if policy.is_remote(item):
            res.remote.append(item)
            continue
        reason = policy.check_relative(item)
        if reason is not None:
            res.problems.append(
                _issue(pkg, res, "path-unsafe", f"{key} {_show(item)}: {reason}", "path")
            )
            continue
        found = policy.resolve_inside(pkg.root, item)
        if isinstance(found, policy.PathProblem):
            res.problems.append(
                _issue(pkg, res, found.code, f"{key} {_show(item)}: {found.reason}", "path", item)
            )
            continue
        files.append(found)
    if not res.remote and len(files) == len(items):
        res.files = files


def _resolve_format(res: Resource) -> None:
    entry = res.descriptor
    first = res.paths[0] if res.paths else ""
    suffixes = [s.lower().lstrip(".") for s in PurePosixPath(first.split("?")[0]).suffixes]
    declared = entry.get("compression")
    if isinstance(declared, str) and declared:
        res.compression = COMPRESSIONS.get(declared.lower(), declared.lower())
    elif suffixes and suffixes[-1] in COMPRESSIONS:
        res.compression = COMPRESSIONS[suffixes[-1]]
    if suffixes and suffixes[-1] in COMPRESSIONS:
        suffixes = suffixes[:-1]
    fmt = entry.get("format")
    if isinstance(fmt, str) and fmt:
        res.format = fmt.lower()
    elif suffixes:
        res.format = suffixes[-1]
    elif res.inline:
        res.format = "inline"


def _referenced(
    pkg: Package, res: Resource, key: str, where: str
) -> tuple[dict[str, Any] | None, str | None]:
    """An inline object, or the JSON file a path names (read under the path policy)."""
    value = res.descriptor.get(key)
    what = "Table Schema" if key == "schema" else "Table Dialect"
    code = f"{key}-error"
    if value is None:
        return None, None
    if isinstance(value, dict):
        return value, None
    if not isinstance(value, str):
        res.problems.append(
            _issue(pkg, res, code, f"{where}.{key} must be an object or a path", key)
        )
        return None, None
    if policy.is_remote(value):
        res.problems.append(
            _issue(
                pkg,
                res,
                "remote-not-fetched",
                f"{where}.{key} {_show(value)} is remote; statpub does not fetch it: "
                f"download the {what} into the package and point to it",
                key,
            )
        )
        return None, value
    reason = policy.check_relative(value)
    if reason is not None:
        res.problems.append(
            _issue(pkg, res, "path-unsafe", f"{where}.{key} {_show(value)}: {reason}", key)
        )
        return None, value
    found = policy.resolve_inside(pkg.root, value)
    if isinstance(found, policy.PathProblem):
        res.problems.append(
            _issue(pkg, res, found.code, f"{where}.{key} {_show(value)}: {found.reason}", key)
        )
        return None, value
    loaded = _read_json(found, value)
    if isinstance(loaded, str):
        res.problems.append(_issue(pkg, res, code, f"{where}.{key} {value}: {loaded}", key, value))
        return None, value
    return loaded, value


def _read_json(path: Path, label: str) -> dict[str, Any] | str:
    try:
        if path.stat().st_size > MAX_REFERENCED_JSON:
            return f"over {MAX_REFERENCED_JSON >> 20} MiB; not read"
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        return f"cannot be read ({exc.strerror or type(exc).__name__})"
    except UnicodeDecodeError:
        return "is not UTF-8 text"
    try:
        data = parse_json_text(text, label)
    except DescriptorError as exc:
        return exc.message.removeprefix(f"{label}").lstrip(":").strip()
    if not isinstance(data, dict):
        return "must hold a JSON object"
    return data


def _check_shapes(pkg: Package, res: Resource, where: str) -> None:
    """A schema or dialect statpub cannot read by its rules makes the resource unreadable."""
    if res.schema is not None:
        fields = res.schema.get("fields")
        if isinstance(fields, list) and len(fields) > MAX_COLUMNS:
            message = (
                f"{where}.schema has {len(fields)} fields, over the {MAX_COLUMNS:,} statpub "
                "reads; the table was not read"
            )
            res.problems.append(_issue(pkg, res, "table-too-wide", message, "schema"))
        else:
            for problem in shape.problems(res.schema, shape.SCHEMA, f"{where}.schema"):
                res.problems.append(_issue(pkg, res, "schema-error", problem, "schema"))
    if res.dialect is not None:
        for problem in shape.dialect_problems(res.dialect, f"{where}.dialect", res.format):
            res.problems.append(_issue(pkg, res, "dialect-error", problem, "dialect"))


def _table_spec(pkg: Package, res: Resource, where: str) -> TableSpec | None:
    """How to read the resource's rows, when it is a local table of a format the reader reads."""
    if not res.tabular or not res.files or res.format not in TABULAR_FORMATS:
        return None
    if res.compression is not None or not res.readable:
        return None
    schema = res.schema
    if schema is None:
        return None
    fields = field_specs(schema)
    if isinstance(fields, str):
        res.problems.append(_issue(pkg, res, "schema-error", f"{where}.schema: {fields}", "schema"))
        return None
    dialect = res.dialect or {}
    fmt = res.format or "csv"
    return TableSpec(
        name=res.name or "",
        label=res.label,
        files=list(res.files),
        format=fmt,
        encoding=res.encoding,
        dialect=dialect_of(dialect, fmt),
        fields=fields,
        primary_key=as_list(schema.get("primaryKey")),
        foreign_keys=foreign_keys(schema),
        unique_keys=unique_keys(schema),
        fields_match=str(schema.get("fieldsMatch", "exact")),
    )


def _show(value: Any) -> str:
    """A descriptor value, quoted and cut short, for a message."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _issue(
    pkg: Package,
    res: Resource,
    code: str,
    message: str,
    field: str | None = None,
    path: str | None = None,
) -> Issue:
    return Issue(code, message, path=path or pkg.descriptor_label, resource=res.name, field=field)


def read_schema_file(path: Path) -> dict[str, Any]:
    """A Table Schema file the user names (``--schema``, the project's ``schemas/``).

    The same reading as a schema a descriptor points to; raises StatpubError.
    """
    from statpub.errors import StatpubError

    if not path.is_file():
        raise StatpubError(f"{path}: Table Schema not found", code="file-not-found")
    loaded = _read_json(path, str(path))
    if isinstance(loaded, str):
        raise StatpubError(f"{path}: cannot read the Table Schema: {loaded}", code="schema-error")
    problem = field_specs(loaded)
    if isinstance(problem, str):
        raise StatpubError(f"{path}: {problem}", code="schema-error")
    return loaded
