"""A Parquet file's decoded size is counted before its rows are read, and capped."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from statpub.cli import main
from statpub.errors import InvalidInput
from statpub.inputs.base import InputSpec, read_input
from statpub.package import read_package
from statpub.tables import parquetsize, reader
from statpub.tables.reader import open_table

LONG = "x" * 1_000


def _bomb(rows: int) -> pa.Table:
    """One 1 kB value in a dictionary, every row pointing at it: 1 kB a row once decoded."""
    value = pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, np.int32)), pa.array([LONG]))
    return pa.table({"id": pa.array(np.arange(rows, dtype=np.int64) % 100), "v": value})


def _package(folder: Path, table: pa.Table) -> Path:
    pq.write_table(table, folder / "t.parquet", store_schema=False)
    fields = [{"name": "id", "type": "integer"}, {"name": "v", "type": "string"}]
    entry = {"name": "t", "path": "t.parquet", "format": "parquet", "schema": {"fields": fields}}
    (folder / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": [entry]}), encoding="utf-8"
    )
    return folder


def _validate(folder: Path) -> tuple[int, list[tuple[str, str]]]:
    result = CliRunner().invoke(main, ["validate", str(folder), "--json", "-q"])
    errors = json.loads(result.stdout)["errors"]
    return result.exit_code, [(e["type"], e["message"]) for e in errors]


def test_a_dictionary_bomb_is_refused_before_its_rows_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _package(tmp_path, _bomb(20_000))  # 20 MB decoded, a few kB on disk
    assert (folder / "t.parquet").stat().st_size < 100_000
    monkeypatch.setattr(parquetsize, "MAX_DECODED_BYTES", 4 << 20)

    read = pq.ParquetFile.iter_batches

    def undecoded(self: pq.ParquetFile, *args: Any, **kwargs: Any) -> Iterator[pa.RecordBatch]:
        for rb in read(self, *args, **kwargs):
            assert not any(pa.types.is_string(t) for t in rb.schema.types), "text was decoded"
            yield rb

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", undecoded)
    status, found = _validate(folder)
    assert status == 1 and [t for t, _ in found] == ["table-too-large"]
    message = found[0][1]
    for part in ("t.parquet", "'v'", "4.0 MiB", "STATPUB_MAX_DECODED_BYTES"):
        assert part in message, message


def test_the_environment_raises_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _package(tmp_path, _bomb(20_000))
    monkeypatch.setattr(parquetsize, "MAX_DECODED_BYTES", 4 << 20)
    monkeypatch.setenv("STATPUB_MAX_DECODED_BYTES", "64MiB")
    assert _validate(folder) == (0, [])
    monkeypatch.setenv("STATPUB_MAX_DECODED_BYTES", "a lot")
    status, found = _validate(folder)
    assert status == 1 and "STATPUB_MAX_DECODED_BYTES" in found[0][1]


def test_the_count_bounds_the_decoded_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A dictionary column is bounded by its longest entry, and counted exactly when the bound
    is over the limit; a plain one counts its stored size."""
    rows = 3_000
    words = pa.array(["z" * 1_000] + [f"w{i % 37}" * (1 + i % 5) for i in range(1, rows)])
    table = pa.table(
        {
            "n": pa.array(range(rows), pa.int64()),
            "coded": words.dictionary_encode(),
            "plain": words,
            "flag": pa.array([i % 2 == 0 for i in range(rows)]),
        }
    )
    path = tmp_path / "t.parquet"
    pq.write_table(table, path, use_dictionary=["coded"], row_group_size=1_000)
    text = sum(len(w) for w in words.to_pylist())
    # int64 and a byte a boolean, the dictionary column exactly, the plain one at least.
    at_least = rows * 8 + rows + 2 * (text + 4 * rows)
    with pq.ParquetFile(path) as pf:
        bounded = parquetsize.decoded_size(pf, path)
        assert bounded.rows == [1_000] * 3
        # The first row group's 1,000 values, each up to the 1 kB entry.
        assert sum(bounded.sizes) >= at_least + 1_000 * 1_000 - text
        monkeypatch.setattr(parquetsize, "MAX_DECODED_BYTES", at_least + 8 * rows)
        counted = parquetsize.decoded_size(pf, path)
    assert at_least <= sum(counted.sizes) < at_least + 8 * rows


def test_wide_rows_come_in_smaller_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _package(tmp_path, _bomb(5_000))
    monkeypatch.setattr(parquetsize, "BATCH_BYTES", 100_000)  # about 100 rows of 1 kB
    spec = read_package(folder).resources[0].spec
    assert spec is not None
    sizes = [b.num_rows for b in open_table(spec).batches]
    assert sum(sizes) == 5_000 and max(sizes) <= 100 < reader.PARQUET_BATCH_ROWS


def test_a_project_input_is_capped_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "in.parquet"
    pq.write_table(_bomb(20_000), path, store_schema=False)
    monkeypatch.setattr(parquetsize, "MAX_DECODED_BYTES", 4 << 20)
    with pytest.raises(InvalidInput) as caught:
        read_input(InputSpec(path=path, format="parquet", label="in.parquet"))
    assert [i.type for i in caught.value.issues] == ["table-too-large"]


def test_a_dictionary_that_fell_back_to_plain_pages_is_still_bounded(tmp_path: Path) -> None:
    """A writer stores values whole once the dictionary grows past its page size: those
    values are not in the dictionary, and the bound still holds them."""
    rows = 20_000
    words = [f"{i:05d}" + "q" * (i % 300) for i in range(rows)]  # distinct, up to 305 bytes
    path = tmp_path / "t.parquet"
    table = pa.table({"v": pa.array(words)})
    pq.write_table(table, path, dictionary_pagesize_limit=4_096, data_page_size=4_096)
    with pq.ParquetFile(path) as pf:
        decoded = parquetsize.decoded_size(pf, path)
    assert sum(decoded.sizes) >= sum(len(w) for w in words) + 4 * rows


def test_a_repeated_column_name_is_reported_not_a_crash(tmp_path: Path) -> None:
    table = pa.Table.from_arrays([pa.array(["a", "b"] * 10), pa.array(["c", "d"] * 10)], ["x", "x"])
    pq.write_table(table, tmp_path / "t.parquet")
    fields = [{"name": "x", "type": "string"}, {"name": "y", "type": "string"}]
    entry = {"name": "t", "path": "t.parquet", "format": "parquet", "schema": {"fields": fields}}
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": [entry]}), encoding="utf-8"
    )
    status, found = _validate(tmp_path)
    assert status == 1 and [t for t, _ in found] == ["duplicate-label"]
