"""The engine's behaviour beyond parity: limits, progress, Parquet, keys, messages."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from statpub.cli import main
from statpub.cli.progress import Progress
from statpub.package import read_package
from statpub.tables import reader
from statpub.validate import Options, validate
from statpub.validate.engine import keys, run, runner


def _table(folder: Path, header: str, rows: list[str], schema: dict[str, Any], **res: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    resource = {"name": "data", "path": "data.csv", "schema": schema, **res}
    (folder / "datapackage.json").write_text(json.dumps({"name": "t", "resources": [resource]}))
    return folder


INT_SCHEMA = {"fields": [{"name": "n", "type": "integer"}]}


def test_every_error_is_reported_under_the_cap(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(runner, "KEEP_ISSUES", 2000)
    pkg = _table(tmp_path / "p", "n", [str(i) if i % 2 else "x" for i in range(3000)], INT_SCHEMA)
    target = read_package(pkg)
    result = run(target)
    assert len(result.issues) == 1500
    assert not result.partial and result.unlisted == 0
    assert [i.row for i in result.issues] == list(range(2, 3002, 2))


def test_issues_past_the_cap_are_counted_not_kept(tmp_path: Path, monkeypatch: Any) -> None:
    """Memory follows the file, not its errors: past the cap an error is only counted, and
    every output says how many were left out."""
    monkeypatch.setattr(runner, "KEEP_ISSUES", 100)
    rows = [str(i) if i % 2 else "x" for i in range(3000)] + [""] * 50 + ["y"] * 10
    pkg = _table(tmp_path / "p", "n", rows, INT_SCHEMA)
    result = run(read_package(pkg))
    assert len({i.row for i in result.issues}) == len(result.issues) == 100
    assert result.unlisted == 1500 - 100 + 50 + 10 and not result.partial
    report = validate(pkg)
    assert not report.valid and report.to_dict()["unlisted_errors"] == result.unlisted
    for fmt, said in (("text", "more error(s) not listed"), ("github", "::error title=statpub::")):
        out = CliRunner().invoke(main, ["validate", str(pkg), "--format", fmt])
        assert out.exit_code == 1 and said in out.stdout
        assert f"{result.unlisted:,} more" in out.stdout
    limited = run(read_package(pkg), limit_errors=300)
    assert len(limited.issues) == 100 and limited.unlisted == 200 and limited.partial


def test_limit_errors_gives_a_partial_report(tmp_path: Path) -> None:
    pkg = _table(tmp_path / "p", "n", ["x"] * 50, INT_SCHEMA)
    report = validate(pkg, options=Options(limit_errors=7))
    row_errors = [i for i in report.errors if i.type == "type-error"]
    assert [i.row for i in row_errors] == [2, 3, 4, 5, 6, 7, 8]
    assert report.partial
    assert report.to_dict()["partial"] is True
    result = CliRunner().invoke(main, ["validate", str(pkg), "--limit-errors", "7", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["partial"] is True


def test_progress_callback_counts_rows(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(reader, "SLOW_BATCH_ROWS", 100)
    # A ragged row sends the table through the batched csv-module reader.
    rows = [str(i) for i in range(1000)] + ["1,2"]
    pkg = _table(tmp_path / "p", "n", rows, INT_SCHEMA)
    seen: list[int] = []
    report = validate(pkg, options=Options(on_progress=seen.append))
    assert seen == sorted(seen) and len(seen) > 5
    assert seen[-1] == 1001 == report.stats["rows"]


def test_progress_display_shows_rows_and_rate() -> None:
    now = [0.0]
    stream = io.StringIO()
    progress = Progress(stream, enabled=True, clock=lambda: now[0])
    progress.update(10)  # too early: short runs stay silent
    assert stream.getvalue() == ""
    now[0] = 2.0
    progress.update(1_000_000)
    assert "1,000,000 rows checked (500,000 rows/s)" in stream.getvalue()
    progress.close()
    assert stream.getvalue().endswith("\r")


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    pkg = _table(tmp_path / "p", "n", ["1"], INT_SCHEMA)
    assert Progress.for_stderr(quiet=True).callback is None
    result = CliRunner().invoke(main, ["validate", str(pkg)])
    assert "rows checked" not in result.stderr


def test_parquet_rows_are_checked(tmp_path: Path) -> None:
    table = pa.table({"id": pa.array([1, 2, 2, None], pa.int64()), "x": ["a", "b", "c", "zz"]})
    pq.write_table(table, tmp_path / "data.parquet")
    schema = {
        "fields": [
            {"name": "id", "type": "integer"},
            {"name": "x", "type": "string", "constraints": {"maxLength": 1}},
        ],
        "primaryKey": ["id"],
    }
    resource = {"name": "data", "path": "data.parquet", "format": "parquet", "schema": schema}
    (tmp_path / "datapackage.json").write_text(json.dumps({"name": "t", "resources": [resource]}))
    target = read_package(tmp_path)
    found = {(i.row, i.field, i.type) for i in run(target).issues}
    assert found == {
        (4, None, "primary-key"),
        (5, None, "primary-key"),
        (5, "x", "constraint-error"),
    }


def test_parquet_column_of_the_wrong_type(tmp_path: Path) -> None:
    pq.write_table(pa.table({"d": ["2020-01-01", "bad"]}), tmp_path / "a.parquet")
    pq.write_table(pa.table({"d": [1.5, 2.0]}), tmp_path / "b.parquet")
    schema = {"fields": [{"name": "d", "type": "date"}]}
    resources = [
        {"name": n, "path": f"{n}.parquet", "format": "parquet", "schema": schema} for n in "ab"
    ]
    (tmp_path / "datapackage.json").write_text(json.dumps({"name": "t", "resources": resources}))
    target = read_package(tmp_path)
    found = {(i.resource, i.row, i.type) for i in run(target).issues}
    assert found == {("a", 3, "type-error"), ("b", 2, "type-error"), ("b", 3, "type-error")}


def test_unique_keys_skip_rows_with_a_null(tmp_path: Path) -> None:
    schema = {"fields": [{"name": "a"}, {"name": "b"}], "uniqueKeys": [["a", "b"]]}
    pkg = _table(tmp_path / "p", "a,b", ["1,x", "1,y", "1,x", "2,", "2,"], schema)
    target = read_package(pkg)
    issues = run(target).issues
    assert [(i.row, i.type) for i in issues] == [(4, "unique-key")]
    assert "row 2" in issues[0].message


def test_messages_name_file_row_field_and_fix(tmp_path: Path) -> None:
    schema = {"fields": [{"name": "n", "type": "integer", "constraints": {"minimum": 0}}]}
    pkg = _table(tmp_path / "p", "n", ["1", "-4", "1_000"], schema)
    target = read_package(pkg)
    minimum, bad = run(target).issues
    assert (minimum.path, minimum.row, minimum.field, minimum.type) == (
        "data.csv", 3, "n", "constraint-error")  # fmt: skip
    assert "'-4'" in minimum.message and "at least 0" in minimum.message
    assert bad.type == "type-error" and "'1_000'" in bad.message and "thousands" in bad.message


@pytest.mark.parametrize("small", [100, 1_000_000])
def test_large_table_in_many_batches(tmp_path: Path, monkeypatch: Any, small: int) -> None:
    """Keys are found across batch boundaries, hashed or not, and row numbers stay right."""
    monkeypatch.setattr(reader, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(keys, "SMALL", small)
    monkeypatch.setattr(runner, "KEEP_ISSUES", 10_000)
    rows = [f"{i % 5000},{i}" for i in range(12_000)]
    schema = {"fields": [{"name": "k", "type": "integer"}, {"name": "v", "type": "integer"}],
              "primaryKey": ["k"]}  # fmt: skip
    pkg = _table(tmp_path / "p", "k,v", rows, schema)
    target = read_package(pkg)
    issues = run(target).issues
    assert len(issues) == 7000
    assert issues[0].row == 5002 and "row 2" in issues[0].message
    assert issues[-1].row == 12001 and "row 7001" in issues[-1].message


def test_quotes_after_the_first_pieces(tmp_path: Path, monkeypatch: Any) -> None:
    """A quoted newline far into the file: row numbers count records, not lines."""
    monkeypatch.setattr(reader, "CHUNK_BYTES", 1024)
    rows = [f"{i},plain" for i in range(2000)]
    rows += ['2000,"two\nlines"', "x,after", '2002,"a ""quoted"" word"', "y,last"]
    schema = {"fields": [{"name": "n", "type": "integer"}, {"name": "s"}]}
    pkg = _table(tmp_path / "p", "n,s", rows, schema)
    target = read_package(pkg)
    result = run(target)
    assert [(i.row, i.field, i.type) for i in result.issues] == [
        (2003, "n", "type-error"),
        (2005, "n", "type-error"),
    ]
    assert result.rows == 2004


def test_the_read_ahead_stops_whatever_happens(tmp_path: Path, monkeypatch: Any) -> None:
    """The first table is read while the checks load; its reading never outlives run()."""
    import threading

    from statpub.validate.engine import runner

    pkg = _table(tmp_path / "p", "n", [str(i) for i in range(50_000)], INT_SCHEMA)
    target = read_package(pkg)

    def readers() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "statpub-reader" and t.is_alive()]

    assert run(target).rows == 50_000
    assert readers() == []

    def broken(*args: Any) -> Any:
        raise RuntimeError("a check failed")

    monkeypatch.setattr(runner, "check_table", broken)
    with pytest.raises(RuntimeError):
        run(target)
    assert readers() == []
