"""Rows given as JSON: inline ``data``, JSON files (an array) and NDJSON / JSON lines.

A row is an array of cells (the first array being the header, unless the
dialect says there is none) or an object of cells by label. For objects the
labels are the dialect's ``itemKeys``, else the schema's field names, else
the first object's keys; a key not given is a null cell, a key not in the
labels is ignored, as in frictionless-py. A JSON file's rows may sit under a
top-level key, which the dialect's ``property`` names. Row numbers are frictionless-py's: the header
is row 1 (for objects too, where it is implied), the first data row is row 2.

Cells become the text the lexical rules read: strings as they are, numbers
in their JSON form (a whole number written ``1.0`` as ``1``), ``true`` and
``false``, objects and arrays as JSON, ``null`` as a missing value. Each cell's
JSON kind is kept (``Batch.kinds``) so that a value of a kind its field cannot
hold (a number in a ``string`` field, ``true`` in an ``integer`` one) is a
type error, as it is to frictionless-py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from statpub.tables import arrow, jsontext
from statpub.tables.spec import TableSpec

BATCH_ROWS = 50_000
MAX_JSON_BYTES = 256 << 20  # one JSON document is read whole; NDJSON is streamed

# JSON kinds, as kept in ``Batch.kinds``.
STRING, INTEGER, FLOAT, BOOLEAN, OBJECT, ARRAY = 0, 1, 2, 3, 4, 5
# The kinds a field of each type accepts (a string is read by the lexical rules).
ACCEPTS: dict[str, set[int]] = {
    "string": {STRING},
    "integer": {STRING, INTEGER, FLOAT},
    "number": {STRING, INTEGER, FLOAT},
    "year": {STRING, INTEGER},
    "boolean": {STRING, BOOLEAN},
    "object": {STRING, OBJECT},
    "array": {STRING, ARRAY},
    "list": {STRING, ARRAY},
    "geojson": {STRING, OBJECT},
    "geopoint": {STRING, ARRAY, OBJECT},
}
# Other types (dates, times, durations) accept strings only; ``any`` accepts all.


class JsonError(Exception):
    """The rows cannot be read: the message says why."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.row = row


def rows_of(spec: TableSpec) -> Iterator[Any]:
    """Every row of the table, as parsed JSON values."""
    if spec.format == "inline":
        data = spec.inline
        if not isinstance(data, list):
            raise JsonError("inline 'data' is not an array of rows")
        yield from data
        return
    for path in spec.files:
        if spec.format in ("ndjson", "jsonl"):
            yield from _lines(path)
            continue
        if path.stat().st_size > MAX_JSON_BYTES:
            raise JsonError(
                f"{path.name} is over {MAX_JSON_BYTES >> 20} MiB, the most statpub reads as one "
                "JSON document; write it as NDJSON (one row a line) to have it checked"
            )
        try:
            data = jsontext.loads(path.read_bytes().decode(_encoding(spec)))
        except (ValueError, UnicodeDecodeError) as exc:
            raise JsonError(f"{path.name} is not valid JSON ({exc})") from exc
        where = spec.dialect.json_property
        if where is not None:
            if not isinstance(data, dict) or where not in data:
                raise JsonError(
                    f"{path.name} has no property {where!r} (the dialect's 'property') at its top"
                )
            data = data[where]
        if not isinstance(data, list):
            raise JsonError(f"{path.name} holds {_kind_name(data)}, not an array of rows")
        yield from data


def _encoding(spec: TableSpec) -> str:
    return (
        "utf-8-sig"
        if spec.encoding.lower().replace("_", "-") in ("utf-8", "utf8")
        else spec.encoding
    )


def _lines(path: Any) -> Iterator[Any]:
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield jsontext.loads(line)
            except ValueError as exc:
                raise JsonError(f"line {number} is not valid JSON ({exc})", number) from exc


def _text(value: Any) -> tuple[str | None, int | None]:
    """A JSON value as the text the lexical rules read, and its kind."""
    if value is None:
        return None, None
    if isinstance(value, str):
        return value, STRING
    if isinstance(value, bool):
        return ("true" if value else "false"), BOOLEAN
    if isinstance(value, int):
        return str(value), INTEGER
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() else repr(value)), FLOAT
    kind = OBJECT if isinstance(value, dict) else ARRAY
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")), kind


def open_json(spec: TableSpec) -> tuple[list[str] | None, int, Iterator[dict[str, Any]]]:
    """(labels, width, batches as keyword arguments of ``Batch``)."""
    rows = rows_of(spec)
    first = next(rows, None)
    if first is None:
        raise JsonError("there are no rows, not even a header")
    if isinstance(first, dict):
        if spec.dialect.item_keys is not None:
            labels = list(spec.dialect.item_keys)
        elif spec.fields:
            labels = [f.name for f in spec.fields]
        else:
            labels = [str(k) for k in first]
        return labels, len(labels), _object_batches(labels, _chain(first, rows))
    if not isinstance(first, list):
        raise JsonError(f"row 1 is {_kind_name(first)}; a row is an array or an object", 1)
    if spec.dialect.header:
        labels = [_text(c)[0] or "" for c in first]
        return (
            [label.strip() for label in labels],
            len(labels),
            _array_batches(len(labels), rows, 2),
        )
    width = len(spec.fields)
    return None, width, _array_batches(width, _chain(first, rows), 1)


def _chain(first: Any, rows: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rows


def _object_batches(labels: list[str], rows: Iterator[Any]) -> Iterator[dict[str, Any]]:
    number = 2
    buf: list[list[tuple[str | None, int | None]]] = []
    for row in rows:
        if not isinstance(row, dict):
            raise JsonError(
                f"row {number} is {_kind_name(row)}; rows of objects cannot mix", number
            )
        buf.append([_text(row.get(label)) for label in labels])
        number += 1
        if len(buf) >= BATCH_ROWS:
            yield _batch(buf, len(labels), number - len(buf), None)
            buf = []
    if buf:
        yield _batch(buf, len(labels), number - len(buf), None)


def _array_batches(width: int, rows: Iterator[Any], number: int) -> Iterator[dict[str, Any]]:
    buf: list[list[tuple[str | None, int | None]]] = []
    counts: list[int] = []
    for row in rows:
        if not isinstance(row, list):
            raise JsonError(f"row {number} is {_kind_name(row)}; rows of arrays cannot mix", number)
        buf.append([_text(c) for c in row])
        counts.append(len(row))
        number += 1
        if len(buf) >= BATCH_ROWS:
            yield _batch(buf, width, number - len(buf), counts)
            buf, counts = [], []
    if buf:
        yield _batch(buf, width, number - len(buf), counts)


def _batch(
    rows: list[list[tuple[str | None, int | None]]],
    width: int,
    first_row: int,
    counts: list[int] | None,
) -> dict[str, Any]:
    columns = []
    kinds = []
    for i in range(width):
        cells = [r[i] if i < len(r) else (None, None) for r in rows]
        columns.append(arrow.array([t for t, _ in cells], pa.string()))
        kinds.append(arrow.array([k for _, k in cells], pa.uint8()))
    ragged = counts is not None and any(n != width for n in counts)
    extra = [(k, n) for k, n in enumerate(counts or []) if n > width]
    return {
        "columns": columns,
        "first_row": first_row,
        "cell_counts": arrow.array(counts, pa.int32()) if ragged and counts else None,
        "extra_cells": extra or None,
        "kinds": kinds,
    }


def _kind_name(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"
