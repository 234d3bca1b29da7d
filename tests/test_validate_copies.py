"""The CSV and Parquet copies of a table are compared batch by batch, whatever the batches."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from statpub.tables import reader
from statpub.validate import validate
from statpub.validate.copies import _aligned

ROWS = 60_000  # more than the CSV reader's first batch (1 MiB of text)


def _batches(values: list[int], sizes: list[int]):
    at = 0
    for size in sizes:
        yield size, [pa.array(values[at : at + size], pa.int64())]
        at += size


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ([5, 5], [3, 3, 4]),
        ([10], [1] * 10),
        ([1, 0, 9], [10]),
        ([4, 6], [0, 7, 3]),
        ([3, 7], [2, 2]),  # the second stream ends early
        ([3], [2, 2, 6]),  # the second stream has more rows
    ],
)
def test_aligned_gives_every_row_once_beside_the_same_row(
    first: list[int], second: list[int]
) -> None:
    values = list(range(100, 100 + max(sum(first), sum(second))))
    seen = []
    for offset, n, mine, theirs in _aligned(_batches(values, first), _batches(values, second)):
        assert len(mine[0]) == n
        assert mine[0].to_pylist() == values[offset : offset + n]
        if theirs is None:
            assert offset + n > sum(second)
        else:
            assert theirs[0].to_pylist() == mine[0].to_pylist()
        seen += mine[0].to_pylist()
    assert seen == values[: sum(first)]


def _package(folder: Path, parquet: pa.Table) -> Path:
    rows = [f"{i},C{i % 997:04d},{(i * 37) % 1000}.5" for i in range(ROWS)]
    (folder / "data").mkdir(parents=True)
    (folder / "data/t.csv").write_text("id,code,value\n" + "\n".join(rows) + "\n", "utf-8")
    pq.write_table(parquet, folder / "data/t.parquet", row_group_size=7_000)
    schema = {
        "fields": [
            {"name": "id", "type": "integer"},
            {"name": "code", "type": "string"},
            {"name": "value", "type": "number"},
        ]
    }
    resources = [
        {"name": "t", "path": "data/t.csv", "format": "csv", "schema": schema},
        {"name": "t-parquet", "path": "data/t.parquet", "format": "parquet", "schema": schema},
    ]
    (folder / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": resources}), "utf-8"
    )
    return folder


def _table(rows: int = ROWS) -> pa.Table:
    ids = list(range(rows))
    return pa.table(
        {
            "id": pa.array(ids, pa.int64()),
            "code": pa.array([f"C{i % 997:04d}" for i in ids]),
            "value": pa.array([(i * 37) % 1000 + 0.5 for i in ids]),
        }
    )


@pytest.fixture(autouse=True)
def small_parquet_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    # Batches that do not line up with the CSV's.
    monkeypatch.setattr(reader, "PARQUET_BATCH_ROWS", 6_999)


def test_same_copies_in_batches_are_equal(tmp_path: Path) -> None:
    report = validate(_package(tmp_path, _table()))
    assert report.valid, report.flatten(["type", "message"])


def test_values_differing_in_later_batches_name_their_rows(tmp_path: Path) -> None:
    table = _table()
    values = table.column("value").to_pylist()
    for i in (6_998, 6_999, 52_345, ROWS - 1):
        values[i] += 1
    table = table.set_column(2, "value", pa.array(values))
    report = validate(_package(tmp_path, table))
    found = [(i.type, i.row, i.field) for i in report.errors]
    # Row numbers count the header as row 1.
    assert found == [("copies-differ", i + 2, "value") for i in (6_998, 6_999, 52_345, ROWS - 1)]


def test_at_most_twenty_rows_listed_per_field(tmp_path: Path) -> None:
    table = _table()
    codes = table.column("code").to_pylist()
    changed = list(range(0, ROWS, 1_000))
    for i in changed:
        codes[i] = "other"
    report = validate(_package(tmp_path, table.set_column(1, "code", pa.array(codes))))
    assert [i.row for i in report.errors] == [i + 2 for i in changed[:20]]


@pytest.mark.parametrize("rows", [ROWS - 1, ROWS + 1])
def test_a_copy_with_other_row_counts(tmp_path: Path, rows: int) -> None:
    report = validate(_package(tmp_path, _table(rows)))
    assert [(i.type, i.path) for i in report.errors] == [("copies-row-count", "data/t.parquet")]
    assert f"has {rows} rows" in report.errors[0].message
