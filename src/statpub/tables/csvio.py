"""CSV files as statpub writes and reads them: UTF-8, RFC 4180 (CRLF, minimal quoting)."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import math
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from statpub.tables.schema import missing_values


def format_cell(value: Any, field: dict[str, Any], missing: str = "") -> str:
    """The canonical lexical form of ``value`` for a field of this Table Schema type.

    It is what statpub writes in a CSV, and what ``diff`` compares cells by.
    """
    if value is None:
        return missing
    ftype = field.get("type", "string")
    if isinstance(value, bool) or ftype == "boolean":
        return "true" if value else "false"
    if ftype == "number" and isinstance(value, (int, float, decimal.Decimal)):
        return format_number(float(value))
    if ftype in ("integer", "year") and isinstance(value, (int, float)):
        return str(int(value))
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, dt.datetime):
        text = value.isoformat()
        return text.replace("+00:00", "Z")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
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


CHUNK_ROWS = 65_536  # rows formatted at a time: a large table is never all Python objects


def csv_chunks(table: pa.Table, schema: dict[str, Any]) -> Iterator[bytes]:
    """``table`` as CSV bytes, header first, fields in schema order, a slice of rows at a time."""
    fields = schema["fields"]
    missing = missing_values(schema)[0] if missing_values(schema) else ""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([f["name"] for f in fields])
    for start in range(0, max(table.num_rows, 1), CHUNK_ROWS):
        part = table.slice(start, CHUNK_ROWS)
        columns = [part.column(f["name"]).to_pylist() for f in fields]
        for row in zip(*columns, strict=True):
            writer.writerow([format_cell(v, f, missing) for v, f in zip(row, fields, strict=True)])
        yield buf.getvalue().encode("utf-8")
        buf.seek(0)
        buf.truncate()


def csv_bytes(table: pa.Table, schema: dict[str, Any]) -> bytes:
    """Serialise ``table`` to CSV bytes, header first, fields in schema order."""
    return b"".join(csv_chunks(table, schema))

