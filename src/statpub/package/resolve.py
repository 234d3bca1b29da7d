"""Resolve a descriptor's resources once: paths, format, compression, schema, dialect.

Every path goes through the path policy (:mod:`statpub.package.paths`) before
any file is opened; a schema or dialect given by path is read here and only
here. Problems become issues on the resource, with the JSON path of the
property at fault (``resources[2].schema``), never exceptions.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from statpub.errors import StatpubError
from statpub.package import paths as policy
from statpub.package import profiles, schemarules, shape
from statpub.package.descriptor import YAML_SUFFIXES, DescriptorError, parse_json_text
from statpub.package.model import READ_FORMATS, Package, Resource
from statpub.report import ERROR, WARNING, Issue
from statpub.tables.limits import MAX_COLUMNS
from statpub.tables.spec import (
    FieldSpec,
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
MAX_RESOURCES = 2_000  # resources in one package


def resolve_resources(pkg: Package) -> None:
    """Fill ``pkg.resources`` from ``pkg.descriptor``."""
    entries = pkg.descriptor.get("resources")
    if isinstance(entries, list) and len(entries) > MAX_RESOURCES:
        # Each resource costs its own checks and reads (a few milliseconds at the least):
        # a descriptor listing 100,000 of them, all naming one small file, would keep every
        # command busy for many minutes.
        raise StatpubError(
            f"{pkg.descriptor_label}: lists {len(entries):,} resources, over the "
            f"{MAX_RESOURCES:,} statpub reads in one package; split it into several packages",
            code="too-many-resources",
            path=pkg.descriptor_label,
        )
    choice = profiles.choose(pkg.descriptor, "package")
    _profile(pkg, None, pkg.descriptor, "package", choice, "")
    if not isinstance(entries, list):
        return
    version = choice.version
    for index, entry in enumerate(entries):
        pkg.resources.append(resolve_resource(pkg, index, entry, version))


def resolve_resource(pkg: Package, index: int, entry: Any, version: str = profiles.V2) -> Resource:
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
    res.inline = "data" in entry
    _resolve_paths(pkg, res, written, where)
    _resolve_format(res)
    encoding = entry.get("encoding")
    res.encoding = encoding if isinstance(encoding, str) and encoding else "utf-8"
    res.schema, res.schema_path = _referenced(pkg, res, "schema", where)
    res.dialect, res.dialect_path = _referenced(pkg, res, "dialect", where)
    choice = profiles.choose(entry, "resource", version, inline=True)
    res.profile = choice.version
    _profile(pkg, res, entry, "resource", choice, where)
    _check_described(pkg, res, where)
    _check_shapes(pkg, res, where)
    res.spec = _table_spec(pkg, res, where)
    return res


def _profile(
    pkg: Package,
    res: Resource | None,
    value: dict[str, Any],
    level: str,
    choice: profiles.Choice,
    where: str,
) -> None:
    """The package, or a resource, against its profile; then what statpub reads of it
    (:mod:`statpub.package.shape`), where the profile found nothing wrong.

    A table named on the command line has no descriptor of its own: statpub wrote it.
    """
    if pkg.descriptor_path is None:
        return
    out = pkg.issues if res is None else res.problems
    label = pkg.descriptor_label
    name = res.name if res is not None else None
    if choice.note:
        out.append(Issue("profile-not-checked", choice.note, path=label, resource=name,
                         severity=WARNING))  # fmt: skip
    policy_said = res is not None and any(p.type in _PATH_CODES for p in res.problems)
    checked = profiles.check(value, level, choice.version, where)
    if choice.version == profiles.V1 and profiles.tabular(value, level, inline=res is not None):
        checked += [
            profiles.Problem(profiles.json_path([p.path] if p.path else [], where), p.message)
            for p in profiles.tabular_problems(value, level)
        ]
    found = [
        p
        for p in checked
        if not (policy_said and p.path.startswith(f"{where}.path"))  # said once, by the policy
    ]
    blocking = [p for p in found if res is None or _about_reading(p.path, where)]
    for p in found:
        text = f"{p.path}: {p.message}" if p.path else p.message
        # A fault in what reading does not use (a licence without a name) is reported, and
        # the rows are still read.
        to = out if p in blocking else pkg.issues
        to.append(Issue("descriptor-error", text, path=label, resource=name))
    if not blocking:
        read = shape.PACKAGE if res is None else shape.RESOURCE
        for problem in shape.problems(value, read, where or "the descriptor"):
            out.append(Issue("descriptor-error", problem, path=label, resource=name))


_PATH_CODES = {"path-unsafe", "file-missing", "file-not-regular"}
# The properties of a resource its reading depends on: a profile error anywhere else (its
# licences, sources, title) does not stop its rows from being read.
_READ_KEYS = {
    "path", "data", "type", "profile", "format", "mediatype", "encoding",
    "compression", "schema", "dialect", "bytes", "hash",
}  # fmt: skip


def _about_reading(json_path: str, where: str) -> bool:
    rest = json_path.removeprefix(where)
    if not rest.startswith("."):
        return True  # the resource itself (a required key, its type)
    key = rest[1:].split(".")[0].split("[")[0]
    return key in _READ_KEYS


def _check_described(pkg: Package, res: Resource, where: str) -> None:
    """The schema and dialect against their profiles and the rules beyond them.

    A break is an error on the resource: its rows cannot be read as described.
    """
    for key, level in (("schema", "schema"), ("dialect", "dialect")):
        value = getattr(res, key)
        if value is None:
            continue
        ref = getattr(res, f"{key}_path")
        prefix = f"{where}.{key}" if ref is None else ""
        path = ref or pkg.descriptor_label
        if key == "schema" and pkg.given_schema is not None:
            prefix, path = "", pkg.given_schema  # the file --schema named, not statpub's wrapper
        choice = profiles.choose(value, level, res.profile, inline=ref is None)
        if choice.note:
            res.problems.append(
                _at(pkg, res, "profile-not-checked", path, prefix, choice.note, WARNING)
            )
        found = [
            (f"{key}-error", p.path, p.message, ERROR)
            for p in profiles.check(value, level, choice.version, prefix)
        ]
        if level == "schema":
            # Whether v2 is declared where a ``$schema`` counts: the package, and a schema
            # read from its own file (an inlined descriptor's ``$schema`` is ignored).
            v2 = any(
                profiles.declares(d, profiles.V2)
                for d in (pkg.descriptor, None if ref is None else value)
            )
            found += [
                (
                    "schema-error" if bad else "schema-warning",
                    (f"{prefix}." if prefix else "") + rel,
                    msg if bad else f"{msg} (a v1 schema may; v2 says it MUST NOT)",
                    ERROR if bad else WARNING,
                )
                for rel, msg, bad in schemarules.schema_problems(value, v2)
            ]
        else:
            found += [
                (code, (f"{prefix}." if prefix else "") + rel, msg, ERROR)
                for code, rel, msg in schemarules.dialect_problems(value)
            ]
        for code, json_path, message, severity in found:
            res.problems.append(_at(pkg, res, code, path, json_path, message, severity))


def _at(
    pkg: Package,
    res: Resource,
    code: str,
    path: str,
    json_path: str,
    message: str,
    severity: str = ERROR,
) -> Issue:
    text = f"{json_path}: {message}" if json_path else message
    return Issue(code, text, path=path, resource=res.name, severity=severity)


def _resolve_paths(pkg: Package, res: Resource, written: Any, where: str) -> None:
    if written is None:
        return  # neither path nor data: the profile says so
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
        # Allowed by the spec (Camtrap DP requires it): a warning, and the rows it
        # describes are reported as not checked.
        res.problems.append(
            Issue(
                "remote-not-fetched",
                f"{where}.{key} {_show(value)} is remote; statpub does not fetch it, so the "
                f"rows it describes were not checked: download the {what} into the package "
                "and point to it to check them",
                path=pkg.descriptor_label,
                resource=res.name,
                field=key,
                severity=WARNING,
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
    """The JSON (or, by its suffix, YAML) object in the file, or what stops it being read."""
    try:
        if path.stat().st_size > MAX_REFERENCED_JSON:
            return f"over {MAX_REFERENCED_JSON >> 20} MiB; not read"
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        return f"cannot be read ({exc.strerror or type(exc).__name__})"
    except UnicodeDecodeError:
        return "is not UTF-8 text"
    try:
        data = parse_json_text(text, label, as_yaml=path.suffix.lower() in YAML_SUFFIXES)
    except DescriptorError as exc:
        return exc.message.removeprefix(f"{label}").lstrip(":").strip()
    if not isinstance(data, dict):
        return "must hold a JSON object"
    return data


def _check_shapes(pkg: Package, res: Resource, where: str) -> None:
    """A schema statpub cannot read by its rules makes the resource unreadable.

    Checked after the profile (:func:`_check_described`), and only what the profile
    found no fault in, so one mistake is reported once.
    """
    faulted = {p.type for p in res.problems if p.severity == ERROR}
    if res.schema is not None and "schema-error" not in faulted:
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


def _table_spec(pkg: Package, res: Resource, where: str) -> TableSpec | None:
    """How to read the resource's rows, when it is a table the reader reads.

    Local CSV, TSV, Parquet, JSON and NDJSON files (plain or compressed) and
    inline rows; a table without a schema is read for its structure alone.
    """
    if not res.tabular or not res.readable:
        return None
    if res.schema is None and "schema" in res.descriptor:
        return None  # declared, but not read (remote): the rows cannot be read by it
    inline = res.inline and isinstance(res.descriptor.get("data"), list)
    if inline:
        fmt = "inline"
    elif not res.files or res.format not in READ_FORMATS or res.format == "inline":
        return None
    else:
        fmt = res.format or "csv"
    if res.compression is not None:
        from statpub.tables.compressed import CODECS

        if inline or res.compression not in CODECS:
            return None
    if res.compression is not None and fmt == "parquet":
        return None  # Parquet compresses inside the file
    schema = res.schema
    fields: list[FieldSpec] | str = [] if schema is None else field_specs(schema)
    if isinstance(fields, str):
        res.problems.append(_issue(pkg, res, "schema-error", f"{where}.schema: {fields}", "schema"))
        return None
    dialect = dialect_of(res.dialect or {}, fmt)
    if dialect.null_sequence is not None:
        for f in fields:
            f.missing_values = [*f.missing_values, dialect.null_sequence]
    schema = schema or {}
    return TableSpec(
        name=res.name or "",
        label=res.label,
        files=list(res.files),
        format=fmt,
        encoding=res.encoding,
        dialect=dialect,
        fields=fields,
        primary_key=as_list(schema.get("primaryKey")),
        foreign_keys=foreign_keys(schema),
        unique_keys=unique_keys(schema),
        fields_match=str(schema.get("fieldsMatch", "exact")),
        compression=res.compression,
        inline=res.descriptor.get("data") if inline else None,
        schema_given=res.schema is not None,
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


def load_schema_file(path: Path) -> dict[str, Any] | str:
    """A Table Schema file the user names (``--schema``), JSON or YAML: the same reading as
    a schema a descriptor points to; a str says why it cannot be read as one. Raises
    StatpubError only when there is no such file."""
    from statpub.errors import StatpubError

    if not path.is_file():
        raise StatpubError(f"{path}: Table Schema not found", code="file-not-found", path=path)
    return _read_json(path, str(path))


def read_schema_file(path: Path) -> dict[str, Any]:
    """A Table Schema file the project names (its ``schemas/``), which must be readable;
    raises StatpubError."""
    from statpub.errors import StatpubError

    loaded = load_schema_file(path)
    if isinstance(loaded, str):
        raise StatpubError(
            f"{path}: cannot read the Table Schema: {loaded}", code="schema-error", path=path
        )
    problem = field_specs(loaded)
    if isinstance(problem, str):
        raise StatpubError(f"{path}: {problem}", code="schema-error", path=path)
    return loaded
