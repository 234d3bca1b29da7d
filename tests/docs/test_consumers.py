"""Every Python and SQL recipe in docs/consumers.md runs against a built package.

What a recipe returns is checked against the package itself, read here with the
standard library and typed from the Table Schemas (not from statpub's readers):
dates must arrive as dates, integers as 64-bit integers, numbers as numbers, every
value must equal the CSV's, and a ``<field>_label`` column must hold the schema's
label for that field's code.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "consumers.md"
FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)


@dataclass(frozen=True)
class Block:
    lang: str
    code: str
    line: int


def doc_blocks(lang: str) -> list[Block]:
    text = DOC.read_text(encoding="utf-8")
    return [
        Block(m.group(1), m.group(2), text[: m.start()].count("\n") + 1)
        for m in FENCE.finditer(text)
        if m.group(1) == lang
    ]


# -- the package, read independently -------------------------------------------------


@dataclass
class Table:
    name: str
    fields: dict[str, dict[str, Any]]
    rows: dict[tuple[str, ...], dict[str, Any]]  # row key -> typed row
    key: tuple[str, ...]  # indicator_id, plus time_period for observations

    def kind(self, column: str) -> str:
        f = self.fields[column]
        if f.get("categories"):
            return "code"
        return {"date": "date", "integer": "integer", "number": "number"}.get(f["type"], "string")

    def labels(self, column: str) -> dict[str, str]:
        return {c["value"]: c["label"] for c in self.fields[column]["categories"]}


def read_table(package: Path, name: str) -> Table:
    schema = json.loads((package / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in schema["fields"]}
    parse = {"date": dt.date.fromisoformat, "integer": int, "number": float}
    rows: dict[tuple[str, ...], dict[str, Any]] = {}
    # One area (KZ): an indicator and a period identify an observation.
    key = ("indicator_id", "time_period") if "time_period" in fields else ("indicator_id",)
    with (package / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        for raw in csv.DictReader(fh):
            row = {
                k: None if v == "" else parse.get(fields[k]["type"], str)(v) for k, v in raw.items()
            }
            k = tuple(row[f] for f in key)
            assert k not in rows, f"the checks key rows by {', '.join(key)}"
            rows[k] = row
    return Table(name, fields, rows, key)


@pytest.fixture(scope="module")
def tables(built_package: Path) -> dict[str, Table]:
    return {name: read_table(built_package, name) for name in ("observations", "indicators")}


# -- turning each library's result into columns ------------------------------------


@dataclass
class Result:
    """A recipe's result as plain columns, with each column's type as the library reports it."""

    library: str
    columns: dict[str, list[Any]]
    types: dict[str, Any]


def as_result(value: Any) -> Result | None:
    import pandas as pd
    import polars as pl

    if isinstance(value, pd.DataFrame):
        return Result("pandas", {c: value[c].tolist() for c in value.columns}, dict(value.dtypes))
    if isinstance(value, pl.DataFrame):
        return Result("polars", {c: value[c].to_list() for c in value.columns}, dict(value.schema))
    if isinstance(value, list) and value and type(value[0]).__name__ == "Row":
        names = list(value[0].keys())
        return Result("frictionless", {n: [r[n] for r in value] for n in names}, {})
    return None


def plain(v: Any) -> Any:
    """One cell as a plain Python value: nulls to None, timestamps to dates, Decimal to float."""
    import pandas as pd

    if v is None or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, Decimal):
        return float(v)
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


def check_type(result: Result, table: Table, column: str) -> None:
    import pandas as pd
    import polars as pl

    kind = table.kind(column)
    values = [v for v in result.columns[column] if plain(v) is not None]
    dtype = result.types.get(column)
    where = f"{result.library} column {column!r} ({kind})"
    if kind == "date":
        if result.library == "pandas" and pd.api.types.is_datetime64_any_dtype(dtype):
            return
        if result.library == "polars":
            assert dtype == pl.Date, f"{where}: {dtype}"
        assert all(type(v) is dt.date for v in values), (
            f"{where}: {sorted({type(v) for v in values}, key=str)}"
        )
    elif kind == "integer":
        if result.library == "pandas":
            assert str(dtype) in ("int64", "Int64"), f"{where}: {dtype}"
        elif result.library == "polars":
            assert dtype == pl.Int64, f"{where}: {dtype}"
        elif result.library == "duckdb":
            assert dtype == "BIGINT", f"{where}: {dtype}"
        assert all(isinstance(plain(v), int) and not isinstance(v, bool) for v in values), where
    elif kind == "number":
        if result.library == "pandas":
            assert str(dtype) == "float64", f"{where}: {dtype}"
        elif result.library == "polars":
            assert dtype == pl.Float64, f"{where}: {dtype}"
        elif result.library == "duckdb":
            assert dtype == "DOUBLE", f"{where}: {dtype}"
        assert all(isinstance(v, float | Decimal) for v in values), where
    elif kind == "code" and result.library == "pandas":
        assert isinstance(dtype, pd.CategoricalDtype), f"{where}: {dtype}"
    elif kind == "code" and result.library == "polars":
        assert dtype in (pl.Categorical, pl.String) or isinstance(dtype, pl.Enum), (
            f"{where}: {dtype}"
        )


def check_result(result: Result, tables: dict[str, Table]) -> list[str]:
    """Check ``result``; return the columns checked (a recipe must return some)."""
    obs, ind = tables["observations"], tables["indicators"]
    cols = result.columns
    table = ind if set(cols) <= set(ind.fields) else obs
    assert set(table.key) <= set(cols), (
        f"{result.library}: the recipes keep {', '.join(table.key)} to identify rows"
    )
    keys = list(zip(*(cols[f] for f in table.key), strict=True))
    assert sorted(keys) == sorted(table.rows), (
        f"{result.library}: not every row of {table.name} came back"
    )
    checked = []
    for column, values in cols.items():
        if column in table.fields:
            check_type(result, table, column)
            expected = [table.rows[k][column] for k in keys]
            assert [plain(v) for v in values] == expected, (
                f"{result.library} column {column!r} differs"
            )
        elif column in ind.fields:  # joined from the indicators table
            expected = [ind.rows[k[:1]][column] for k in keys]
            assert [plain(v) for v in values] == expected, (
                f"{result.library} joined {column!r} differs"
            )
        elif column.endswith("_label") and column.removesuffix("_label") in table.fields:
            field = column.removesuffix("_label")
            labels = table.labels(field)
            expected = [labels[table.rows[k][field]] for k in keys]
            assert [plain(v) for v in values] == expected, (
                f"{result.library}: {column} is not the schema's label"
            )
        else:
            continue
        checked.append(column)
    return checked


# -- the tests -----------------------------------------------------------------------


def test_the_doc_has_recipes_for_every_tool() -> None:
    python = "\n".join(b.code for b in doc_blocks("python"))
    sql = "\n".join(b.code for b in doc_blocks("sql"))
    r = "\n".join(b.code for b in doc_blocks("r"))
    for needle in (
        "pd.read_parquet",
        "pd.read_csv",
        "pl.read_parquet",
        "pl.read_csv",
        "from frictionless",
    ):
        assert needle in python, needle
    assert ".parquet'" in sql and "read_csv(" in sql
    assert "library(frictionless)" in r and "library(arrow)" in r and "library(readr)" in r
    assert "not run" in DOC.read_text(encoding="utf-8").lower()


def test_python_recipes(
    built_package: Path, tables: dict[str, Table], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(built_package)
    namespace: dict[str, Any] = {}
    blocks = doc_blocks("python")
    assert blocks
    checked_columns: set[str] = set()
    for block in blocks:
        before = dict(namespace)
        exec(compile(block.code, f"{DOC.name}:{block.line}", "exec"), namespace)
        new = {k: v for k, v in namespace.items() if k not in before or before[k] is not v}
        results = 0
        for name, value in new.items():
            if type(value).__name__ == "Report":
                assert value.valid, f"block at line {block.line}: {name} is not valid"
                results += 1
                continue
            result = as_result(value)
            if result is not None:
                columns = check_result(result, tables)
                assert columns, f"block at line {block.line}: nothing in {name} could be checked"
                checked_columns.update(columns)
                results += 1
        if "labels" in new:  # the block the others build on
            obs = tables["observations"]
            coded = {c for c in obs.fields if obs.kind(c) == "code"}
            assert set(new["labels"]) == coded
            assert all(new["labels"][c] == obs.labels(c) for c in coded)
            results += 1
        assert results, f"block at line {block.line} returns nothing the test can check"
    # What the issue promises: dates, integers and coded fields with labels all get checked.
    assert {"period_end", "paragraph", "qualifier_label"} <= checked_columns


def test_sql_recipes(
    built_package: Path, tables: dict[str, Table], monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    monkeypatch.chdir(built_package)
    con = duckdb.connect()
    blocks = doc_blocks("sql")
    assert blocks
    checked_columns: set[str] = set()
    for block in blocks:
        statements = con.extract_statements(block.code)
        for statement in statements[:-1]:
            con.execute(statement)
        relation = con.sql(statements[-1].query)
        rows = relation.fetchall()
        columns = {c: [r[i] for r in rows] for i, c in enumerate(relation.columns)}
        types = {c: str(t) for c, t in zip(relation.columns, relation.types, strict=True)}
        checked = check_result(Result("duckdb", columns, types), tables)
        assert checked, f"block at line {block.line} returns nothing the test can check"
        checked_columns.update(checked)
    assert {"period_end", "paragraph", "value", "qualifier_label"} <= checked_columns


def test_the_checks_reject_guessed_types(
    built_package: Path, tables: dict[str, Table], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checks are not vacuous: reading the CSV without declaring its types fails them."""
    import duckdb
    import pandas as pd

    monkeypatch.chdir(built_package)
    relation = duckdb.connect().sql("SELECT * FROM 'data/observations.csv'")
    rows = relation.fetchall()
    guessed = Result(
        "duckdb",
        {c: [r[i] for r in rows] for i, c in enumerate(relation.columns)},
        {c: str(t) for c, t in zip(relation.columns, relation.types, strict=True)},
    )
    with pytest.raises(AssertionError, match="'value'"):
        check_result(guessed, tables)
    obs = tables["observations"]
    frame = pd.read_csv(  # codes declared, dates left as text
        "data/observations.csv", dtype={c: "category" for c in obs.fields if obs.kind(c) == "code"}
    )
    result = as_result(frame)
    assert result is not None
    with pytest.raises(AssertionError, match="period_start"):
        check_result(result, tables)
