"""A table's rows as canonical text, for comparing two versions cell by cell.

Rows come through the one reader and the lexical rules of validation
(:func:`statpub.package.parsed_batches`), so ``1.0`` and ``1`` in a number
field, or a Parquet date and its CSV text, compare equal. The canonical form
is the CSV form statpub writes, so the old and new values reported are what a
consumer sees. A cell that does not read as its field's type keeps its text:
it differs from every valid value.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Iterator
from typing import Any

from statpub.package import Resource, parsed_batches
from statpub.tables.csvio import format_number
from statpub.tables.spec import FieldSpec

Row = tuple[str | None, ...]


def read_rows(res: Resource) -> Iterator[Row]:
    """Every row of ``res`` as canonical text, one cell per schema field, in schema order.

    Raises InvalidInput when the resource cannot be read as a table.
    """
    for pb in parsed_batches(res):
        n = pb.batch.num_rows
        columns: list[list[str | None]] = []
        for f, parsed in zip(pb.fields, pb.columns, strict=True):
            if parsed is None:
                columns.append([None] * n)
                continue
            values = parsed.values.to_pylist()
            cells = [None if v is None else canonical_value(v, f) for v in values]
            invalid = parsed.invalid.to_pylist()
            if any(invalid):
                strings = parsed.strings.to_pylist()
                cells = [s if bad else c for c, s, bad in zip(cells, strings, invalid, strict=True)]
            columns.append(cells)
        yield from zip(*columns, strict=True)


def canonical_value(value: Any, field: FieldSpec) -> str:
    """The canonical text of a typed value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if field.type != "number" else format_number(float(value))
    if isinstance(value, float):
        if field.type in ("integer", "year") and value.is_integer():
            return str(int(value))
        return format_number(value)
    if isinstance(value, decimal.Decimal):
        return format_number(float(value))
    if isinstance(value, dt.datetime):
        return _datetime_text(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.hex()
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _datetime_text(value: dt.datetime) -> str:
    if value.tzinfo is not None and value.utcoffset() == dt.timedelta(0):
        return value.replace(tzinfo=None).isoformat() + "Z"
    return value.isoformat()
