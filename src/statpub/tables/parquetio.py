"""Parquet files that keep the Table Schema: types, field order, descriptions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from statpub.tables.schema import arrow_schema

# Fixed writer settings: the same table always gives the same bytes.
_WRITE_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 9,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "store_schema": True,
}


def to_arrow(rows: list[dict[str, Any]], schema: dict[str, Any]) -> pa.Table:
    """Typed Arrow table from Python rows, in schema field order."""
    return pa.Table.from_pylist(rows, schema=arrow_schema(schema))


def write_parquet(table: pa.Table, schema: dict[str, Any], path: Path) -> None:
    table = table.cast(arrow_schema(schema))
    pq.write_table(table, path, **_WRITE_OPTIONS)


def embedded_schema(path: Path) -> dict[str, Any] | None:
    """The Table Schema stored in a Parquet file's metadata, if any."""
    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(b"table_schema")
    return json.loads(raw) if raw else None
