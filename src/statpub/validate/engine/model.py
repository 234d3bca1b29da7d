"""What the engine needs to know about one tabular resource, resolved once.

The schema may be inline or a path to a JSON file relative to the descriptor;
the dialect may be inline or a path too. Problems that stop a resource from
being checked at all become issues (``schema-error``, ``source-error``), not
exceptions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from statpub.report import Issue

TABULAR_FORMATS = ("csv", "tsv", "parquet")


@dataclass
class FieldSpec:
    name: str
    type: str = "any"
    format: str = "default"
    constraints: dict[str, Any] = field(default_factory=dict)
    missing_values: list[str] = field(default_factory=lambda: [""])
    categories: list[Any] | None = None
    props: dict[str, Any] = field(default_factory=dict)  # the whole descriptor

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required", False))


@dataclass
class Dialect:
    delimiter: str = ","
    quote_char: str = '"'
    double_quote: bool = True
    escape_char: str | None = None
    header: bool = True
    skip_initial_space: bool = False
    comment_char: str | None = None


@dataclass
class TableSpec:
    name: str
    label: str  # the path as written in the descriptor, for messages
    files: list[Path]
    format: str  # csv, tsv or parquet
    encoding: str
    dialect: Dialect
    fields: list[FieldSpec]
    primary_key: list[str]
    foreign_keys: list[dict[str, Any]]
    unique_keys: list[list[str]]
    fields_match: str = "exact"


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _missing(values: Any) -> list[str]:
    if not isinstance(values, list):
        return [""]
    return [v["value"] if isinstance(v, dict) else str(v) for v in values]


def _load_json(base_dir: Path, ref: str, what: str, label: str) -> dict[str, Any] | Issue:
    path = base_dir / ref
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return Issue(
            "schema-error",
            f"cannot read the {what} {ref!r} ({exc}); fix the path or the JSON in the descriptor",
            path=label,
        )
    if not isinstance(data, dict):
        return Issue("schema-error", f"the {what} {ref!r} must be a JSON object", path=label)
    return data


def resource_format(res: dict[str, Any]) -> str | None:
    fmt = res.get("format")
    if isinstance(fmt, str):
        return fmt.lower()
    paths = _as_list(res.get("path"))
    if not paths:
        return None
    suffix = PurePosixPath(paths[0]).suffix.lower().lstrip(".")
    return suffix or None


def is_tabular(res: dict[str, Any]) -> bool:
    if not isinstance(res, dict) or "data" in res:
        return False
    if res.get("schema") is None and res.get("type") != "table":
        return False
    return resource_format(res) in TABULAR_FORMATS


def table_spec(res: dict[str, Any], base_dir: Path) -> TableSpec | Issue:
    """Resolve ``res`` into a :class:`TableSpec`, or the issue that prevents checking it."""
    name = str(res.get("name", ""))
    paths = _as_list(res.get("path"))
    label = paths[0] if paths else name
    schema = res.get("schema")
    if isinstance(schema, str):
        loaded = _load_json(base_dir, schema, "Table Schema", label)
        if isinstance(loaded, Issue):
            return loaded
        schema = loaded
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        return Issue(
            "schema-error",
            f"resource {name!r} has no Table Schema with a 'fields' list; "
            "add one to check its rows",
            path=label,
            resource=name,
        )
    dialect_desc = res.get("dialect") or {}
    if isinstance(dialect_desc, str):
        loaded = _load_json(base_dir, dialect_desc, "dialect", label)
        if isinstance(loaded, Issue):
            return loaded
        dialect_desc = loaded
    fmt = resource_format(res) or "csv"
    dialect = _dialect(dialect_desc if isinstance(dialect_desc, dict) else {}, fmt)
    schema_missing = _missing(schema.get("missingValues", [""]))
    fields: list[FieldSpec] = []
    for raw in schema["fields"]:
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            return Issue("schema-error", "every field needs a 'name'", path=label, resource=name)
        fmt_name = raw.get("format", "default")
        if isinstance(fmt_name, str) and fmt_name.startswith("fmt:"):
            fmt_name = fmt_name[4:]
        cats = raw.get("categories")
        fields.append(
            FieldSpec(
                name=raw["name"],
                type=str(raw.get("type", "any")),
                format=str(fmt_name),
                constraints=dict(raw.get("constraints") or {}),
                missing_values=(
                    _missing(raw["missingValues"]) if "missingValues" in raw else schema_missing
                ),
                categories=(
                    [c["value"] if isinstance(c, dict) else c for c in cats]
                    if isinstance(cats, list)
                    else None
                ),
                props=raw,
            )
        )
    foreign_keys = []
    for fk in schema.get("foreignKeys") or []:
        if isinstance(fk, dict) and isinstance(fk.get("reference"), dict):
            foreign_keys.append(
                {
                    "fields": _as_list(fk.get("fields")),
                    "resource": fk["reference"].get("resource") or "",
                    "reference_fields": _as_list(fk["reference"].get("fields")),
                }
            )
    unique_keys = [_as_list(k) for k in schema.get("uniqueKeys") or []]
    return TableSpec(
        name=name,
        label=label,
        files=[base_dir / p for p in paths],
        format="parquet" if fmt == "parquet" else fmt,
        encoding=str(res.get("encoding") or "utf-8"),
        dialect=dialect,
        fields=fields,
        primary_key=_as_list(schema.get("primaryKey")),
        foreign_keys=foreign_keys,
        unique_keys=[k for k in unique_keys if k],
        fields_match=str(schema.get("fieldsMatch", "exact")),
    )


def _dialect(desc: dict[str, Any], fmt: str) -> Dialect:
    d = Dialect(delimiter="\t" if fmt == "tsv" else ",")
    if isinstance(desc.get("delimiter"), str) and len(desc["delimiter"]) == 1:
        d.delimiter = desc["delimiter"]
    if isinstance(desc.get("quoteChar"), str) and len(desc["quoteChar"]) == 1:
        d.quote_char = desc["quoteChar"]
    if isinstance(desc.get("doubleQuote"), bool):
        d.double_quote = desc["doubleQuote"]
    if isinstance(desc.get("escapeChar"), str) and len(desc["escapeChar"]) == 1:
        d.escape_char = desc["escapeChar"]
    if isinstance(desc.get("header"), bool):
        d.header = desc["header"]
    if isinstance(desc.get("skipInitialSpace"), bool):
        d.skip_initial_space = desc["skipInitialSpace"]
    if isinstance(desc.get("commentChar"), str) and desc["commentChar"]:
        d.comment_char = desc["commentChar"]
    return d
