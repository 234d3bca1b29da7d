"""Property: Table Schema types survive CSV -> Parquet -> read back unchanged."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statpub.package import read_package, read_table
from statpub.tables.csvio import csv_bytes
from statpub.tables.parquetio import embedded_schema, to_arrow, write_parquet

CODES = ["a", "b", "c,d", "é"]

VALUES: dict[str, st.SearchStrategy[Any]] = {
    # Empty strings are the missing value in CSV, so real strings are non-empty.
    "string": st.text(min_size=1),
    "integer": st.integers(min_value=-(2**63), max_value=2**63 - 1),
    "number": st.floats(allow_nan=False, allow_infinity=False).map(lambda x: x + 0.0),
    "boolean": st.booleans(),
    "date": st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    "coded": st.sampled_from(CODES),
}


def field_for(name: str, kind: str, required: bool) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "type": "string" if kind == "coded" else kind}
    if kind == "coded":
        field["categories"] = [{"value": c, "label": c.upper()} for c in CODES]
    if required:
        field["constraints"] = {"required": True}
    return field


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    kinds = draw(st.lists(st.sampled_from(sorted(VALUES)), min_size=1, max_size=6))
    required = [draw(st.booleans()) for _ in kinds]
    fields = [
        field_for(f"f{i}", k, r) for i, (k, r) in enumerate(zip(kinds, required, strict=True))
    ]
    schema = {"fields": fields, "missingValues": [""]}
    n = draw(st.integers(min_value=0, max_value=20))
    rows = []
    for _ in range(n):
        row = {}
        for f, kind, req in zip(fields, kinds, required, strict=True):
            value = draw(VALUES[kind])
            row[f["name"]] = value if req or draw(st.booleans()) else None
        rows.append(row)
    return schema, rows


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tables())
def test_csv_and_parquet_round_trip(
    tmp_path: Path, case: tuple[dict[str, Any], list[dict[str, Any]]]
) -> None:
    schema, rows = case
    original = to_arrow(rows, schema)
    (tmp_path / "t.csv").write_bytes(csv_bytes(original, schema))
    write_parquet(original, schema, tmp_path / "t.parquet")

    (tmp_path / "s.json").write_text(json.dumps(schema), encoding="utf-8")
    from_csv = read_table(read_package(tmp_path / "t.csv", schema=tmp_path / "s.json").resources[0])
    from_parquet = read_parquet(tmp_path / "t.parquet")

    plain = original.replace_schema_metadata(None)
    assert from_csv.to_pylist() == plain.to_pylist()
    assert from_parquet.replace_schema_metadata(None).equals(plain)
    assert from_parquet.schema.types == plain.schema.types
    assert embedded_schema(tmp_path / "t.parquet") == schema
    # CSV serialisation is canonical: writing what was read gives the same bytes.
    assert csv_bytes(from_csv, schema) == (tmp_path / "t.csv").read_bytes()


def read_parquet(path: Path) -> pa.Table:
    """The Parquet file as written: its own Arrow types, dictionaries included."""
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).read()


def test_dates_stay_dates_and_codes_stay_dictionary(tmp_path: Path) -> None:
    schema = {"fields": [field_for("d", "date", True), field_for("c", "coded", False)]}
    table = to_arrow(
        [{"d": dt.date(2025, 6, 30), "c": "b"}, {"d": dt.date(2019, 1, 1), "c": None}], schema
    )
    write_parquet(table, schema, tmp_path / "t.parquet")
    back = read_parquet(tmp_path / "t.parquet")
    assert back.schema.field("d").type == pa.date32()
    assert pa.types.is_dictionary(back.schema.field("c").type)
    assert not back.schema.field("d").nullable


def test_codes_keep_the_schema_order_whatever_the_rows(tmp_path: Path) -> None:
    """The dictionary is the schema's codes: a pandas category dtype is the same every release."""
    schema = {
        "fields": [
            field_for("c", "coded", False),
            {"name": "e", "type": "string", "constraints": {"enum": ["3", "1", "2"]}},
        ]
    }
    for n, rows in enumerate(
        (
            [{"c": "é", "e": "2"}, {"c": "a", "e": None}],
            [{"c": None, "e": "1"}],
            [{"c": "b", "e": "3"}, {"c": "b", "e": "3"}, {"c": "c,d", "e": "1"}],
        )
    ):
        write_parquet(to_arrow(rows, schema), schema, tmp_path / f"{n}.parquet")
        back = read_parquet(tmp_path / f"{n}.parquet")
        assert back.column("c").chunk(0).dictionary.to_pylist() == CODES
        assert back.column("e").chunk(0).dictionary.to_pylist() == ["3", "1", "2"]
        assert back.to_pylist() == rows


def test_a_code_the_schema_does_not_declare_is_kept(tmp_path: Path) -> None:
    schema = {"fields": [field_for("c", "coded", True)]}
    table = to_arrow([{"c": "zz"}, {"c": "a"}, {"c": "yy"}, {"c": "zz"}], schema)
    assert table.column("c").chunk(0).dictionary.to_pylist() == [*CODES, "zz", "yy"]
    assert table.column("c").to_pylist() == ["zz", "a", "yy", "zz"]


def test_coded_integers_stay_integers(tmp_path: Path) -> None:
    """Parquet returns an integer dictionary as int64, so coded integers are not encoded."""
    schema = {"fields": [{"name": "n", "type": "integer", "categories": [1, 2, 3]}]}
    write_parquet(to_arrow([{"n": 2}, {"n": None}], schema), schema, tmp_path / "t.parquet")
    from_csv_schema = read_parquet(tmp_path / "t.parquet").schema.field("n").type
    assert from_csv_schema == pa.int64()
