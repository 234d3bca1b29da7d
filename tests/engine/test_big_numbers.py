"""Integers of any size, numbers as the decimals written, constraints on logical values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from statpub.validate import validate

BIG = 2**70


def issues(
    tmp_path: Path, column: list[str], field: dict[str, Any], **schema: Any
) -> list[tuple[str, int | None]]:
    (tmp_path / "data.csv").write_text("x\n" + "".join(f"{c}\n" for c in column), encoding="utf-8")
    resource = {"name": "t", "path": "data.csv", "schema": {"fields": [field], **schema}}
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": [resource]}), encoding="utf-8"
    )
    report = validate(tmp_path)
    return [(i.type, i.row) for i in report.errors]


def integer(**constraints: Any) -> dict[str, Any]:
    return {"name": "x", "type": "integer", "constraints": constraints}


def number(**constraints: Any) -> dict[str, Any]:
    return {"name": "x", "type": "number", "constraints": constraints}


def test_integers_beyond_64_bits_are_keys(tmp_path: Path) -> None:
    column = [str(BIG), f"+000{BIG}", str(-BIG), str(2**63), str(2**63 - 1), str(BIG + 1)]
    found = issues(tmp_path, column, integer(), primaryKey=["x"])
    assert found == [("primary-key", 3)]  # +000<BIG> is <BIG>; nothing is "empty"


def test_unique_among_big_integers_past_the_hashed_threshold(tmp_path: Path) -> None:
    column = [str(BIG + i) for i in range(25_000)] + [str(BIG + 7), "7"]
    found = issues(tmp_path, column, integer(unique=True))
    assert found == [("unique-error", 25_002)]


@pytest.mark.parametrize(
    "constraints",
    [
        {"minimum": 0},
        {"maximum": 2**80},
        {"minimum": 2**64},
        {"exclusiveMaximum": -(2**64)},
        {"exclusiveMinimum": str(-BIG)},
        {"maximum": str(BIG)},
        {"enum": [BIG, 5, 18446744073709551616]},  # the profile: all numbers, or all text
    ],
)
def test_bounds_and_enums_of_any_size(tmp_path: Path, constraints: dict[str, Any]) -> None:
    column = ["5", "6", str(BIG), f"+{BIG}", str(BIG + 1), str(2**64), str(-BIG), str(2**81)]
    expected = [
        ("constraint-error", row)
        for row, cell in enumerate(column, start=2)
        if not _holds(constraints, int(cell))
    ]
    assert expected, "the column must break the constraint somewhere"
    assert issues(tmp_path, column, integer(**constraints)) == expected


def _holds(constraints: dict[str, Any], v: int) -> bool:
    for name, bound in constraints.items():
        if name == "enum":
            if v not in [int(b) for b in bound]:
                return False
            continue
        b = int(bound)
        if not {
            "minimum": v >= b,
            "maximum": v <= b,
            "exclusiveMinimum": v > b,
            "exclusiveMaximum": v < b,
        }[name]:
            return False
    return True


@pytest.mark.parametrize("cell", ["0x10", "0X1f", "1_000", "\u0661", " 7", "1e3"])
def test_only_decimal_digits_are_integers(tmp_path: Path, cell: str) -> None:
    assert issues(tmp_path, ["1", cell], integer()) == [("type-error", 3)]


def test_number_keys_compare_the_decimal_written(tmp_path: Path) -> None:
    column = ["0.1", "0.10000000000000001", "1", "1.0", "-0", "0", "15E-1", "1.50", "NaN", "NaN"]
    found = issues(tmp_path, column, number(), primaryKey=["x"])
    assert found == [("primary-key", 5), ("primary-key", 7), ("primary-key", 9)]


def test_constraints_compare_logical_values(tmp_path: Path) -> None:
    assert issues(tmp_path, ["-0", "0.0", "1.50", "+1.5"], number(enum=[0, 1.5])) == []
    assert issues(tmp_path, ["2"], number(enum=[0, 1.5])) == [("constraint-error", 2)]
    assert issues(tmp_path, ["-0", "+0", "000"], integer(enum=[0])) == []


def test_a_foreign_key_finds_an_integer_among_numbers(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("id\n1.0\n2.5\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("ref\n1\n2\n", encoding="utf-8")
    fk = {"fields": "ref", "reference": {"resource": "a", "fields": "id"}}
    descriptor = {
        "name": "p",
        "resources": [
            {
                "name": "a",
                "path": "a.csv",
                "schema": {"fields": [{"name": "id", "type": "number"}]},
            },
            {
                "name": "b",
                "path": "b.csv",
                "schema": {"fields": [{"name": "ref", "type": "integer"}], "foreignKeys": [fk]},
            },
        ],
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert [(i.type, i.row) for i in validate(tmp_path).errors] == [("foreign-key", 3)]


def test_uint64_parquet_columns_read_whole(tmp_path: Path) -> None:
    values = pa.array([0, 2**63, 2**64 - 1, 2**64 - 1], pa.uint64())
    pq.write_table(pa.table({"x": values}), tmp_path / "data.parquet")
    fields = [integer(minimum=0, maximum=2**64)]
    resource = {
        "name": "t",
        "path": "data.parquet",
        "format": "parquet",
        "schema": {"fields": fields, "primaryKey": ["x"]},
    }
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": [resource]}), encoding="utf-8"
    )
    assert [(i.type, i.row) for i in validate(tmp_path).errors] == [("primary-key", 5)]
