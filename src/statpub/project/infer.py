"""Infer a Table Schema from every row of a table, and say what was inferred and why.

Each column is read once; its distinct values (every row's value is among them)
are tried against the Table Schema types in turn, by the same lexical rules
``statpub validate`` applies (:mod:`statpub.tables.lexical`): integer, number,
boolean, date, datetime, yearmonth, else string. Integers written with leading
zeros (``0101``) are codes and stay strings; integers of four digits in a
column named as a year are ``year``. A missing-value marker (``..``, ``-``,
``NA``, ``:``...) is one of ``MARKERS`` found in a column whose other values
are of a non-text type; the markers found are the schema's ``missingValues``.
A text column of few distinct short values is a code list: it gets
``categories``. The primary key is found by the search the diff uses
(:mod:`statpub.versioning.keys`); foreign keys link a column whose values all
lie among another table's one-field primary key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

    from statpub.inputs import RawTable

MARKERS = ("..", "...", "-", "--", "\u2013", "\u2014", ":", "x", "X", "NA", "N/A", "n/a", "na",
           "NaN", "null", "NULL", "None", "#N/A", "*")  # fmt: skip
MAX_CATEGORIES = 30  # a code list is short...
MAX_CODE_LENGTH = 24  # ...of short codes
_TYPES = ("integer", "number", "boolean", "date", "datetime", "yearmonth")
_YEAR_NAME = re.compile(r"(^|[^a-z])(year|yr|jahr|annee|anio|god)([^a-z]|$)", re.I)


@dataclass
class Inference:
    """One thing inferred: which table and field, what, why, and how to override it."""

    table: str
    field: str | None
    property: str  # type, missingValues, categories, primaryKey, foreignKeys
    value: Any
    why: str
    override: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "field": self.field,
            "property": self.property,
            "value": self.value,
            "why": self.why,
            "override": self.override,
        }


@dataclass
class Inferred:
    """A table's inferred schema, its typed columns (for the key and foreign key searches)."""

    name: str
    schema: dict[str, Any]
    values: dict[str, pa.Array] = field(default_factory=dict)
    notes: list[Inference] = field(default_factory=list)


def infer_table(name: str, raw: RawTable, schema_file: str) -> Inferred:
    """The Table Schema of ``raw``, from every row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    override = f"edit {schema_file}"
    texts = {label: _text(raw.columns.column(label).combine_chunks()) for label in raw.labels}
    markers = _markers(texts)
    fields: list[dict[str, Any]] = []
    out = Inferred(name, {})
    for label, column in texts.items():
        typed = raw.columns.column(label).combine_chunks()
        if column is None:  # a typed (Parquet) column
            ftype, why = _arrow_type(typed.type), f"its Parquet type is {typed.type}"
            values = typed
        else:
            ftype, why = _infer_type(label, column, markers)
            values = _values(column, ftype, markers)
        f: dict[str, Any] = {"name": label, "type": ftype}
        out.notes.append(Inference(name, label, "type", ftype, why, f'{override}: "type"'))
        if ftype == "string":
            codes = _codes(values)
            if codes is not None:
                f["categories"] = codes
                out.notes.append(
                    Inference(
                        name, label, "categories", codes,
                        f"{len(codes)} distinct short values in {len(values)} rows",
                        f'{override}: delete "categories" (any text), or add codes',
                    )
                )  # fmt: skip
        fields.append(f)
        out.values[label] = values
    out.schema = {"fields": fields}
    used = [m for m in markers if any(_has(c, m) for c in texts.values() if c is not None)]
    if used:
        out.schema["missingValues"] = ["", *used]
        out.notes.append(
            Inference(
                name, None, "missingValues", ["", *used],
                "marks missing cells in columns of numbers, dates or codes",
                f'{override}: "missingValues" (a marker listed reads as missing everywhere)',
            )
        )  # fmt: skip
    del pa, pc
    return out


def _text(column: pa.Array) -> pa.Array | None:
    import pyarrow as pa

    if pa.types.is_string(column.type):
        return column
    return None


def _has(column: pa.Array, marker: str) -> bool:
    import pyarrow as pa
    import pyarrow.compute as pc

    return bool(pc.any(pc.fill_null(pc.equal(column, pa.scalar(marker)), False)).as_py())


def _markers(texts: dict[str, pa.Array | None]) -> list[str]:
    """The markers that stand for missing values in some column of non-text values."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found: list[str] = []
    for column in texts.values():
        if column is None:
            continue
        unique = pc.unique(column)
        present = [
            m
            for m in MARKERS
            if m in set(pc.filter(unique, pc.is_in(unique, pa.array(MARKERS))).to_pylist())
        ]
        if not present:
            continue
        rest = pc.filter(unique, pc.invert(pc.is_in(unique, pa.array([*MARKERS, ""]))))
        if len(rest) and _first_type(rest) != "string":
            found += [m for m in present if m not in found]
    return [m for m in MARKERS if m in found]


def _first_type(unique: pa.Array) -> str:
    """The first type of ``_TYPES`` every value (none missing) is valid for, else string."""
    import pyarrow.compute as pc

    from statpub.tables.lexical import parse
    from statpub.tables.spec import FieldSpec

    for ftype in _TYPES:
        parsed = parse(unique, FieldSpec(name="_", type=ftype, missing_values=[]))
        if not pc.any(parsed.invalid).as_py():
            return ftype
    return "string"


def _infer_type(label: str, column: pa.Array, markers: list[str]) -> tuple[str, str]:
    import pyarrow as pa
    import pyarrow.compute as pc

    unique = pc.unique(column)
    present = pc.filter(unique, pc.invert(pc.is_in(unique, pa.array(["", *markers]))))
    if not len(present):
        return "string", "every cell is empty or a missing-value marker"
    ftype = _first_type(present)
    if ftype == "integer":
        zeros = pc.match_substring_regex(present, r"^[+-]?0[0-9]")
        if pc.any(zeros).as_py():
            example = pc.filter(present, zeros)[0].as_py()
            return "string", f"whole numbers written with leading zeros ({example!r}) are codes"
        if (
            _YEAR_NAME.search(label)
            and pc.all(pc.match_substring_regex(present, r"^[0-9]{4}$")).as_py()
        ):
            return "year", "four-digit whole numbers in a column named as a year"
        return "integer", f"all {len(present)} distinct values are whole numbers"
    if ftype == "string":
        return "string", "some values are text (not numbers, dates or booleans)"
    return ftype, f"all {len(present)} distinct values are valid as {ftype}"


def _values(column: pa.Array, ftype: str, markers: list[str]) -> pa.Array:
    from statpub.tables.lexical import parse
    from statpub.tables.spec import FieldSpec

    return parse(column, FieldSpec(name="_", type=ftype, missing_values=["", *markers])).values


def _arrow_type(t: pa.DataType) -> str:
    import pyarrow as pa

    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "number"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_timestamp(t):
        return "datetime"
    if pa.types.is_time(t):
        return "time"
    return "string"


def _codes(values: pa.Array) -> list[str] | None:
    """The sorted distinct values of a short code list, or None."""
    import pyarrow as pa
    import pyarrow.compute as pc

    unique = pc.drop_null(pc.unique(values))
    n = len(values) - values.null_count
    if not len(unique) or len(unique) > MAX_CATEGORIES or 2 * len(unique) > n:
        return None
    if pc.max(pc.utf8_length(unique)).as_py() > MAX_CODE_LENGTH:
        return None
    del pa
    return sorted(unique.to_pylist())
