"""CSV files as statpub writes and reads them: UTF-8, RFC 4180 (CRLF, minimal quoting)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path
from typing import Any

import pyarrow as pa

from statpub.tables.schema import arrow_schema, arrow_type, missing_values


def format_cell(value: Any, field: dict[str, Any], missing: str = "") -> str:
    """The canonical lexical form of ``value`` for a field of this Table Schema type."""
    if value is None:
        return missing
    ftype = field.get("type", "string")
    if ftype == "boolean":
        return "true" if value else "false"
    if ftype == "number":
        return format_number(float(value))
    if ftype in ("integer", "year"):
        return str(int(value))
    if ftype == "datetime" and isinstance(value, dt.datetime):
        text = value.isoformat()
        return text.replace("+00:00", "Z")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def format_number(value: float) -> str:
    """Shortest round-tripping form; integral values without a trailing ``.0``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def csv_bytes(table: pa.Table, schema: dict[str, Any]) -> bytes:
    """Serialise ``table`` to CSV bytes, header first, fields in schema order."""
    fields = schema["fields"]
    missing = missing_values(schema)[0] if missing_values(schema) else ""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([f["name"] for f in fields])
    columns = [table.column(f["name"]).to_pylist() for f in fields]
    for row in zip(*columns, strict=True):
        writer.writerow([format_cell(v, f, missing) for v, f in zip(row, fields, strict=True)])
    return buf.getvalue().encode("utf-8")


def write_csv(table: pa.Table, schema: dict[str, Any], path: Path) -> None:
    path.write_bytes(csv_bytes(table, schema))


def read_csv(path: Path, schema: dict[str, Any]) -> pa.Table:
    """Read a CSV written to ``schema`` into an Arrow table of the schema's types.

    This is the trusting reader used for round trips and CSV/Parquet parity; the
    validation engine does the strict, per-cell checking of untrusted files.
    """
    import pyarrow.csv as pacsv

    plain_types = {}
    for f in schema["fields"]:
        t = arrow_type(f)
        plain_types[f["name"]] = t.value_type if pa.types.is_dictionary(t) else t
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding="utf8"),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types=plain_types,
            null_values=missing_values(schema),
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
    return table.cast(arrow_schema(schema, embed=False)).replace_schema_metadata(None)
