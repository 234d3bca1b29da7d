"""Hypothesis round trip: a generated table -> CSV or xlsx -> init -> build -> read back equal."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from statpub.cli import main

TYPES = ["string", "integer", "number", "boolean", "date", "string"]
NAMES = ["code", "count", "share", "flag", "day", "label"]


@st.composite
def tables(draw: Any) -> list[tuple[Any, ...]]:
    n = draw(st.integers(min_value=1, max_value=12))
    codes = draw(st.lists(st.integers(0, 9999), min_size=n, max_size=n, unique=True))
    rows = []
    for code in codes:
        rows.append(
            (
                f"0{code:04d}",
                draw(st.integers(-(2**53), 2**53)),
                draw(
                    st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False, width=64))
                ),
                draw(st.booleans()),
                draw(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))),
                draw(
                    st.text("abcxyzäöü ,\"'", min_size=1, max_size=8).filter(
                        lambda t: t.strip(" ") == t and any(c.isalpha() for c in t)
                    )
                ),
            )
        )
    return rows


def cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def write_xlsx(path: Path, rows: list[tuple[Any, ...]]) -> None:
    xlsxwriter = pytest.importorskip("xlsxwriter")
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("T")
    ws.write_row(0, 0, NAMES)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if v is not None:
                ws.write_string(r, c, str(cell(v)))
    wb.close()


@settings(
    derandomize=True,
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(tables(), st.sampled_from(["csv", "xlsx"]))
# "x" is a missing-value marker only where the other values are not text: in a text
# column it is a code like any other (it was left out of the categories).
@example(
    rows=[
        ("00000", 0, None, False, dt.date(2000, 1, 1), "a"),
        ("00001", 0, None, False, dt.date(2000, 1, 1), "x"),
    ],
    kind="csv",
)
def test_generated_table_round_trips(rows: list[tuple[Any, ...]], kind: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / f"t.{kind}"
        if kind == "csv":
            with source.open("w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(NAMES)
                w.writerows([cell(v) for v in row] for row in rows)
        else:
            write_xlsx(source, rows)
        project = folder / "p"
        runner = CliRunner()
        ref = f"{source}#T" if kind == "xlsx" else str(source)
        made = runner.invoke(main, ["init", str(project), "--from", ref])
        assert made.exit_code == 0, made.output
        old = Path.cwd()
        os.chdir(project)
        try:
            built = runner.invoke(main, ["build"])
        finally:
            os.chdir(old)
        assert built.exit_code == 0, built.output
        name = "t-t" if kind == "xlsx" else "t"
        table = pq.read_table(project / f"datapackage/data/{name}.parquet")
        assert table.column_names == NAMES
        schema = json.loads((project / f"schemas/{name}.json").read_text("utf-8"))
        types = [f["type"] for f in schema["fields"]]
        share_all_missing = all(r[2] is None for r in rows)
        expected_types = list(TYPES)
        if share_all_missing:
            expected_types[2] = "string"
        assert types == expected_types
        got = table.to_pylist()
        want = [dict(zip(NAMES, row, strict=True)) for row in rows]
        if share_all_missing:
            for w in want:
                w["share"] = None
        assert got == want
