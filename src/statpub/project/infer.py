"""Infer a Table Schema from every row of a table, and say what was inferred and why.

Each column's distinct values (every row's value is among them) are tried
against the Table Schema types in turn, by the same lexical rules ``statpub
validate`` applies (:mod:`statpub.tables.lexical`): integer, number, boolean,
date, datetime, yearmonth, else string. Integers written with leading zeros
(``0101``) are codes and stay strings; integers of four digits in a column
named as a year are ``year``. A missing-value marker (``..``, ``-``, ``NA``,
``:``...) is one of ``MARKERS`` found in a column whose other values are of a
non-text type; the markers found are the schema's ``missingValues``. A text
column of few distinct short values is a code list: it gets ``categories``.
The primary key and foreign keys are found in :mod:`statpub.project.keys`.
Every kernel runs on whole columns (Arrow compute), never once per row.
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
SAMPLE = 1024  # distinct values a type is tried on before all of them
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
    """A table's inferred schema; its columns' typed values are read when first asked for."""

    name: str
    schema: dict[str, Any]
    columns: dict[str, pa.ChunkedArray] = field(default_factory=dict)
    missing: list[str] = field(default_factory=lambda: [""])
    notes: list[Inference] = field(default_factory=list)
    # A text column's distinct texts, and each cell's position among them (null where
    # the cell is null): for the search of a key, until it is done.
    codes: dict[str, tuple[pa.ChunkedArray, pa.Array]] = field(default_factory=dict)
    _values: dict[str, pa.Array] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def value(self, name: str) -> pa.Array:
        """The typed values of column ``name`` (missing cells null)."""
        if name not in self._values:
            ftype = next(f["type"] for f in self.schema["fields"] if f["name"] == name)
            self._values[name] = _values(self.columns[name], ftype, self.missing)
        return self._values[name]


@dataclass
class _Column:
    """A text column's distinct values: the markers among them, and the rest's type."""

    markers: list[str]
    rest: pa.Array  # distinct values, neither empty nor a marker
    type: str  # the first type all of ``rest`` is valid for
    distinct: pa.Array  # every distinct value, in the order they first appear
    codes: pa.ChunkedArray  # each cell's position in ``distinct``


def infer_table(name: str, raw: RawTable, schema_file: str) -> Inferred:
    """The Table Schema of ``raw``, from every row."""
    import pyarrow as pa

    override = f"edit {schema_file}"
    columns = {label: raw.columns.column(label) for label in raw.labels}
    text = {
        label: _distinct(c)
        for label, c in columns.items()
        if pa.types.is_string(c.type) or pa.types.is_large_string(c.type)
    }
    found = {m for c in text.values() if c.type != "string" for m in c.markers}
    markers = [m for m in MARKERS if m in found]
    missing = ["", *markers]
    out = Inferred(name, {}, columns=columns, missing=missing)
    out.codes = {label: (c.codes, c.distinct) for label, c in text.items()}
    fields: list[dict[str, Any]] = []
    for label, column in columns.items():
        if label in text:
            ftype, why = _infer_type(label, text[label])
            codes = None
            if ftype == "string":  # a marker not declared missing is a value here
                kept = [m for m in text[label].markers if m not in missing]
                codes = _codes([*text[label].rest.to_pylist(), *kept], len(column))
        else:  # a typed (Parquet) column
            ftype, why = _arrow_type(column.type), f"its Parquet type is {column.type}"
            codes = None
        f: dict[str, Any] = {"name": label, "type": ftype}
        out.notes.append(Inference(name, label, "type", ftype, why, f'{override}: "type"'))
        if codes is not None:
            f["categories"] = codes
            out.notes.append(
                Inference(
                    name, label, "categories", codes,
                    f"{len(codes)} distinct short values in {len(column)} rows",
                    f'{override}: delete "categories" (any text), or add codes',
                )
            )  # fmt: skip
        fields.append(f)
    out.schema = {"fields": fields}
    if markers:
        out.schema["missingValues"] = missing
        out.notes.append(
            Inference(
                name, None, "missingValues", missing,
                "marks missing cells in columns of numbers, dates or booleans",
                f'{override}: "missingValues" (a marker listed reads as missing in every column)',
            )
        )  # fmt: skip
    return out


def _distinct(column: pa.ChunkedArray) -> _Column:
    import pyarrow as pa

    from statpub.tables import arrow
    from statpub.tables import compute as pc

    # One pass of a hash table gives the distinct values and each cell's among them (the
    # chunks share one dictionary, in the order the values first appear).
    encoded = pc.dictionary_encode(column)
    if encoded.num_chunks:
        unique = encoded.chunk(0).dictionary
        codes = pa.chunked_array([c.indices for c in encoded.chunks])
    else:
        unique, codes = arrow.array([], pa.string()), pa.chunked_array([], pa.int32())
    if pa.types.is_large_string(unique.type):
        unique = pc.cast(unique, pa.string())
    listed = pc.is_in(unique, arrow.array(["", *MARKERS], pa.string()))
    present = set(pc.filter(unique, listed).to_pylist())
    rest = pc.filter(unique, pc.invert(listed))
    markers = [m for m in MARKERS if m in present]
    return _Column(markers, rest, _first_type(rest), unique, codes)


def _first_type(unique: pa.Array) -> str:
    """The first type of ``_TYPES`` every value (none missing) is valid for, else string."""
    from statpub.tables import compute as pc
    from statpub.tables.lexical import parse
    from statpub.tables.spec import FieldSpec

    if not len(unique):
        return "string"
    head = unique.slice(0, SAMPLE)
    for ftype in _TYPES:
        spec = FieldSpec(name="_", type=ftype, missing_values=[])
        # Most types fail on the first few values: only a type they pass is tried on all.
        if len(unique) > SAMPLE and pc.any(parse(head, spec).invalid).as_py():
            continue
        if not pc.any(parse(unique, spec).invalid).as_py():
            return ftype
    return "string"


def _infer_type(label: str, column: _Column) -> tuple[str, str]:
    from statpub.tables import compute as pc

    present = column.rest
    if not len(present):
        return "string", "every cell is empty or a missing-value marker"
    if column.type == "integer":
        zeros = pc.match_substring_regex(present, r"^[+-]?0[0-9]")
        if pc.any(zeros).as_py():
            example = pc.filter(present, zeros)[0].as_py()
            return "string", f"whole numbers written with leading zeros ({example!r}) are codes"
        digits = pc.match_substring_regex(present, r"^[0-9]{4}$")
        if _YEAR_NAME.search(label) and pc.all(digits).as_py():
            return "year", "four-digit whole numbers in a column named as a year"
        return "integer", f"all {len(present)} distinct values are whole numbers"
    if column.type == "string":
        return "string", "some values are text (not numbers, dates or booleans)"
    return column.type, f"all {len(present)} distinct values are valid as {column.type}"


def _values(column: pa.ChunkedArray, ftype: str, missing: list[str]) -> pa.Array:
    """The column's typed values (missing cells null), read chunk by chunk."""
    import pyarrow as pa

    from statpub.tables.lexical import parse
    from statpub.tables.spec import FieldSpec

    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return column.combine_chunks()

    spec = FieldSpec(name="_", type="integer" if ftype == "year" else ftype, missing_values=missing)
    chunks = [parse(chunk, spec).values for chunk in column.chunks]
    if not chunks:
        return pa.nulls(0, pa.string())
    return pa.chunked_array(chunks).combine_chunks()


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


def _codes(distinct: list[str], rows: int) -> list[str] | None:
    """The sorted distinct values of a short code list that repeats, or None."""
    if not distinct or len(distinct) > MAX_CATEGORIES or 2 * len(distinct) > rows:
        return None
    values = [str(v) for v in distinct]
    if max(len(v) for v in values) > MAX_CODE_LENGTH:
        return None
    return sorted(values)
