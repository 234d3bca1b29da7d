"""How to read one table: its files, dialect and fields, resolved from a descriptor.

Built by :mod:`statpub.package.resolve` from a resource whose schema and
dialect have already been read; the reader and the lexical rules take it as it
is. Building one reads no file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


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
    header_rows: list[int] = field(default_factory=lambda: [1])  # when ``header``
    header_join: str = " "
    comment_rows: list[int] = field(default_factory=list)
    null_sequence: str | None = None
    json_property: str | None = None  # JSON: where the array of rows is (``property``)
    item_keys: list[str] | None = None  # JSON rows of objects: the keys to read (``itemKeys``)

    @property
    def plain(self) -> bool:
        """One header row (or none), no comments, no initial spaces: the fast path reads it."""
        return (
            self.comment_char is None
            and not self.skip_initial_space
            and not self.comment_rows
            and (not self.header or self.header_rows == [1])
        )


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
    compression: str | None = None  # gz, bz2, xz, zst: decompressed before reading
    inline: Any = None  # the rows, for ``format == "inline"``
    schema_given: bool = True  # False: fields are the header's labels, each of type any


def as_list(value: Any) -> list[str]:
    """A Table Schema "string or array of strings" property, as a list."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def missing_values(values: Any) -> list[str]:
    """The lexical missing values, written as strings (v1) or ``{value, label}`` (v2)."""
    if not isinstance(values, list):
        return [""]
    out = []
    for v in values:
        item = v.get("value") if isinstance(v, dict) else v
        if isinstance(item, str):
            out.append(item)
    return out


def field_specs(schema: dict[str, Any]) -> list[FieldSpec] | str:
    """The fields of ``schema``, or why they cannot be used (a sentence)."""
    if not isinstance(schema.get("fields"), list):
        return "the Table Schema has no 'fields' list"
    schema_missing = missing_values(schema.get("missingValues", [""]))
    fields: list[FieldSpec] = []
    for number, raw in enumerate(schema["fields"], start=1):
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            return f"field {number} is not an object with a 'name'"
        fmt_name = raw.get("format", "default")
        if isinstance(fmt_name, str) and fmt_name.startswith("fmt:"):
            fmt_name = fmt_name[4:]
        cats = raw.get("categories")
        constraints = raw.get("constraints")
        fields.append(
            FieldSpec(
                name=raw["name"],
                type=str(raw.get("type", "any")),
                format=str(fmt_name),
                constraints=dict(constraints) if isinstance(constraints, dict) else {},
                missing_values=(
                    missing_values(raw["missingValues"])
                    if "missingValues" in raw
                    else schema_missing
                ),
                categories=(
                    [c.get("value") if isinstance(c, dict) else c for c in cats]
                    if isinstance(cats, list)
                    else None
                ),
                props=raw,
            )
        )
    return fields


def foreign_keys(schema: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    fks = schema.get("foreignKeys")
    for fk in fks if isinstance(fks, list) else []:
        if isinstance(fk, dict) and isinstance(fk.get("reference"), dict):
            out.append(
                {
                    "fields": as_list(fk.get("fields")),
                    "resource": fk["reference"].get("resource") or "",
                    "reference_fields": as_list(fk["reference"].get("fields")),
                }
            )
    return out


def unique_keys(schema: dict[str, Any]) -> list[list[str]]:
    keys = schema.get("uniqueKeys")
    found = [as_list(k) for k in keys] if isinstance(keys, list) else []
    return [k for k in found if k]


def dialect_of(desc: dict[str, Any], fmt: str) -> Dialect:
    """The CSV dialect a Table Dialect descriptor describes (defaults where it is silent)."""
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
    rows = desc.get("headerRows")
    if isinstance(rows, list) and rows and all(_positive(r) for r in rows):
        d.header_rows = sorted(set(rows))
    if isinstance(desc.get("headerJoin"), str):
        d.header_join = desc["headerJoin"]
    rows = desc.get("commentRows")
    if isinstance(rows, list) and all(_positive(r) for r in rows):
        d.comment_rows = sorted(set(rows))
    if isinstance(desc.get("nullSequence"), str):
        d.null_sequence = desc["nullSequence"]
    if isinstance(desc.get("property"), str):
        d.json_property = desc["property"]
    keys = desc.get("itemKeys")
    if isinstance(keys, list) and all(isinstance(k, str) for k in keys):
        d.item_keys = list(keys)
    return d


def _positive(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1
