"""What a DataStore table must hold for a CSV, worked out from the CSV alone.

An oracle independent of the publisher: Python's csv module and the Table
Schema's types, not statpub's reader or its DataStore mapping.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any


def csv_rows(path: Path, schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Each row as datastore_search should return it: NULL for a missing value,
    integers and numbers as numbers, booleans as booleans, everything else as written."""
    missing = {m["value"] if isinstance(m, dict) else m for m in schema.get("missingValues", [""])}
    types = {f["name"]: f.get("type", "string") for f in schema["fields"]}
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            {k: _value(types[k], v, missing) for k, v in row.items()} for row in csv.DictReader(fh)
        ]


def _value(ftype: str, text: str, missing: set[str]) -> Any:
    if text in missing:
        return None
    if ftype in ("integer", "year"):
        return int(text)
    if ftype == "number":
        return float(text)
    if ftype == "boolean":
        return text == "true"
    if ftype in ("object", "array"):
        return json.loads(text)
    return text


def comparable(rows: list[dict[str, Any]], schema: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Rows as sorted tuples in schema order, numbers as floats (NaN as a string), so that
    two tables compare equal whatever their row order and however numbers were written."""
    names = [f["name"] for f in schema["fields"]]
    numbers = {f["name"] for f in schema["fields"] if f.get("type") == "number"}

    def cell(name: str, v: Any) -> Any:
        if name in numbers and v is not None:
            f = float(v)
            return "NaN" if math.isnan(f) else f
        return json.dumps(v, sort_keys=True) if isinstance(v, dict | list) else v

    return sorted((tuple(cell(n, r.get(n)) for n in names) for r in rows), key=repr)


def assert_table_is_csv(rows: list[dict[str, Any]], path: Path, schema: dict[str, Any]) -> None:
    assert [set(r) for r in rows] == [{f["name"] for f in schema["fields"]}] * len(rows)
    assert comparable(rows, schema) == comparable(csv_rows(path, schema), schema), path.name
