"""Parquet files that keep the Table Schema: types, field order, descriptions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from statpub.tables.schema import arrow_schema, coded_values

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
    """Typed Arrow table from Python rows, in schema field order.

    Coded fields get the schema's codes as their dictionary (see
    :func:`declared_dictionaries`).
    """
    return declared_dictionaries(pa.Table.from_pylist(rows, schema=arrow_schema(schema)), schema)


def declared_dictionaries(table: pa.Table, schema: dict[str, Any]) -> pa.Table:
    """Re-encode each dictionary column with the field's codes, in the schema's order.

    Arrow builds a dictionary from the values present, in order of first
    appearance, so a pandas ``category`` dtype or an R factor read from the file
    would change from release to release. With the declared codes as the
    dictionary (unused ones included), it changes only when the schema does.
    A value the schema does not declare is kept, after the declared codes, for
    validation to report.
    """
    for i, field in enumerate(schema["fields"]):
        declared = coded_values(field)
        column = table.column(i)
        if declared is None or not pa.types.is_dictionary(column.type):
            continue
        value_type = column.type.value_type
        plain = column.cast(value_type)
        codes = list(dict.fromkeys(declared))
        known = set(codes)
        extra = [v for v in pc.unique(plain).to_pylist() if v is not None and v not in known]
        dictionary = pa.array(codes + extra, value_type)
        chunks = [
            pa.DictionaryArray.from_arrays(
                pc.index_in(chunk, value_set=dictionary).cast(column.type.index_type), dictionary
            )
            for chunk in plain.chunks
        ]
        table = table.set_column(i, table.field(i), pa.chunked_array(chunks, column.type))
    return table


def write_parquet(table: pa.Table, schema: dict[str, Any], path: Path) -> None:
    table = declared_dictionaries(table.cast(arrow_schema(schema)), schema)
    pq.write_table(table, path, **_WRITE_OPTIONS)


def embedded_schema(path: Path) -> dict[str, Any] | None:
    """The Table Schema stored in a Parquet file's metadata, if any."""
    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(b"table_schema")
    return json.loads(raw) if raw else None
