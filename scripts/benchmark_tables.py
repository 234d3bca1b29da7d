"""Seeded statistics tables for the validation benchmark (see scripts/benchmark).

A table has ten columns and a three-field primary key (geo, year, sex); its
schema uses a uri field, enums, a minimum, a pattern and a date. "errors"
tables get one planted error in every thousandth row (0.1%), each of a kind
both statpub and frictionless-py report the same way.
"""

from __future__ import annotations

import json
from pathlib import Path

SCHEMA = {
    "fields": [
        {
            "name": "geo",
            "type": "string",
            "constraints": {"required": True, "pattern": "[A-Z]{2}[0-9]{3}"},
        },
        {"name": "year", "type": "integer", "constraints": {"required": True, "minimum": 1900}},
        {
            "name": "sex",
            "type": "string",
            "constraints": {"required": True, "enum": ["F", "M", "T"]},
        },
        {
            "name": "age",
            "type": "string",
            "constraints": {"enum": ["Y0-14", "Y15-64", "Y65-MAX", "TOTAL"]},
        },
        {"name": "unit", "type": "string", "constraints": {"enum": ["NR", "PC", "THS"]}},
        {"name": "value", "type": "number", "constraints": {"minimum": 0}},
        {"name": "flag", "type": "string", "constraints": {"enum": ["b", "e", "p", "u"]}},
        {"name": "obs_count", "type": "integer"},
        {"name": "updated", "type": "date"},
        {"name": "source", "type": "string", "format": "uri"},
    ],
    "primaryKey": ["geo", "year", "sex"],
}
# (column, bad cell): each gives exactly one error in the row, on both engines.
PLANTED = [
    ("value", "-1.5"),  # constraint-error minimum
    ("sex", "X"),  # constraint-error enum
    ("geo", None),  # constraint-error pattern: the code in lower case
    ("year", "1850"),  # constraint-error minimum
    ("updated", "2021-02-30"),  # type-error date
    ("source", "no scheme here"),  # type-error uri
    ("obs_count", "1.5"),  # type-error integer
]


def generate(rows: int, errors: bool, folder: Path, seed: int = 20240601) -> Path:
    """Write ``folder/table.csv`` and ``folder/schema.json``; return the CSV path."""
    import numpy as np
    import polars as pl

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    i = np.arange(rows, dtype=np.int64)
    geo_index = i // 600
    letters = np.array([chr(65 + k) for k in range(26)])
    geo = pl.Series(letters[(geo_index // 26000) % 26]) + pl.Series(
        letters[(geo_index // 1000) % 26]
    )
    geo = geo + pl.Series(geo_index % 1000).cast(pl.String).str.zfill(3)
    frame = pl.DataFrame(
        {
            "geo": geo,
            "year": pl.Series(1900 + (i // 3) % 200).cast(pl.String),
            "sex": pl.Series(np.array(["F", "M", "T"])[i % 3]),
            "age": pl.Series(
                np.array(["Y0-14", "Y15-64", "Y65-MAX", "TOTAL"])[rng.integers(0, 4, rows)]
            ),
            "unit": pl.Series(np.array(["NR", "PC", "THS"])[rng.integers(0, 3, rows)]),
            "value": pl.Series(np.round(rng.gamma(2.0, 500.0, rows), 2)).cast(pl.String),
            "flag": pl.Series(
                np.array(["", "", "", "", "b", "e", "p", "u"])[rng.integers(0, 8, rows)]
            ).replace("", None),
            "obs_count": pl.Series(rng.integers(0, 100_000, rows)).cast(pl.String),
            "updated": pl.Series(
                np.datetime64("2020-01-01") + rng.integers(0, 1500, rows).astype("timedelta64[D]")
            ).cast(pl.String),
            "source": pl.Series(["https://data.example.org/series/"] * rows) + geo,
        }
    )
    if errors:
        planted = np.arange(500, rows, 1000)
        for n, (column, bad) in enumerate(PLANTED):
            at = planted[n :: len(PLANTED)]
            values = frame[column].to_numpy().astype(object)
            values[at] = [v.lower() for v in values[at]] if bad is None else bad
            frame = frame.with_columns(pl.Series(column, values, dtype=pl.String))
        # Duplicate primary keys: copy the key of the row before.
        dup = np.arange(700, rows, 7000)
        for column in ("geo", "year", "sex"):
            values = frame[column].to_numpy().astype(object)
            values[dup] = values[dup - 1]
            frame = frame.with_columns(pl.Series(column, values, dtype=pl.String))
    path = folder / "table.csv"
    frame.write_csv(path, line_terminator="\r\n")
    (folder / "schema.json").write_text(json.dumps(SCHEMA, indent=2) + "\n", encoding="utf-8")
    return path


def expected_errors(rows: int) -> int:
    return len(range(500, rows, 1000)) + len(range(700, rows, 7000))
