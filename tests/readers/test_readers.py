"""The readers consumers have open the built package with the Table Schema's types.

Data Package v1 readers (frictionless-py 4, datapackage-py, tableschema-py, the
npm ``datapackage``) run from their own environments (``scripts/readers``);
frictionless-py 5 runs here. Every cell of every CSV table is compared with the
table read independently: the standard library's csv module, typed from the
Table Schema. The v1 readers must also reject a code the schema does not list
(they ignore ``categories``; the build mirrors them in ``constraints.enum``),
and the archived 1.0.0, written before this, must fail them as it failed
consumers, so that the comparison is seen to bite.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TABLES = ("observations", "indicators", "sources", "revisions")
# East of UTC: a reader that took a date for UTC midnight would show the day before.
TIMEZONE = "Asia/Almaty"


# -- the package, read independently -------------------------------------------------


def expected_table(package: Path, name: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(fields, rows) of a CSV table, each cell typed from the Table Schema by hand."""
    schema = json.loads((package / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
    missing = {m["value"] if isinstance(m, dict) else m for m in schema.get("missingValues", [""])}
    parse = {"date": dt.date.fromisoformat, "integer": int, "number": float}
    fields = schema["fields"]
    with (package / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        rows = [
            {
                f["name"]: None
                if raw[f["name"]] in missing
                else parse.get(f["type"], str)(raw[f["name"]])
                for f in fields
            }
            for raw in csv.DictReader(fh)
        ]
    return fields, rows


def compare(
    got: dict[str, Any], package: Path, *, numbers: str, integers: str, who: str
) -> list[str]:
    """Every difference between a reader's tagged tables and the package; [] when none."""
    problems: list[str] = []
    for name in TABLES:
        table = got["tables"].get(name)
        if table is None or "error" in table:
            problems.append(f"{who} {name}: {table and table['error']}")
            continue
        fields, rows = expected_table(package, name)
        if len(table["rows"]) != len(rows):
            problems.append(f"{who} {name}: {len(table['rows'])} rows, expected {len(rows)}")
            continue
        for n, (cells, row) in enumerate(zip(table["rows"], rows, strict=True), start=2):
            if list(cells) != [f["name"] for f in fields]:
                problems.append(f"{who} {name}:{n}: fields {list(cells)}")
                continue
            for f in fields:
                want = tagged(row[f["name"]], f["type"], numbers=numbers, integers=integers)
                cell = cells[f["name"]]
                if not same(cell, want):
                    problems.append(f"{who} {name}:{n} [{f['name']}]: {cell!r}, expected {want!r}")
    return problems


def tagged(value: Any, ftype: str, *, numbers: str, integers: str) -> Any:
    if value is None:
        return None
    if ftype == "date":
        return {"date": value.isoformat()}
    if ftype == "integer":
        return {integers: value}
    if ftype == "number":
        return {numbers: value}
    return {"str": value}


def same(cell: Any, want: Any) -> bool:
    if want is None or cell is None:
        return cell is want
    (kind, value), (got_kind, got) = next(iter(want.items())), next(iter(cell.items()))
    if kind != got_kind:
        return False
    if kind == "decimal":
        return Decimal(got) == Decimal(repr(value))
    return bool(got == value)


def run_v1(python: Path, reader: str, package: Path) -> dict[str, Any]:
    out = subprocess.run(
        [str(python), str(HERE / "read_v1.py"), reader, str(package)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


def run_npm(node_modules: Path, package: Path) -> dict[str, Any]:
    env = {**os.environ, "NODE_PATH": str(node_modules), "TZ": TIMEZONE}
    node = shutil.which("node")
    assert node is not None
    out = subprocess.run(
        [node, str(HERE / "read_npm.js"), str(package)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


def with_code(package: Path, code: str) -> None:
    """Put ``code`` in the first row's obs_status and make the descriptor agree with the file."""
    path = package / "data/observations.csv"
    text = path.read_text(encoding="utf-8")
    assert ",E," in text
    path.write_text(text.replace(",E,", f",{code},", 1), encoding="utf-8", newline="")
    data = path.read_bytes()
    d = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for res in d["resources"]:
        if res["path"] == "data/observations.csv":
            res.update(hash="sha256:" + hashlib.sha256(data).hexdigest(), bytes=len(data))
    (package / "datapackage.json").write_text(json.dumps(d, indent=2), encoding="utf-8")


@pytest.fixture
def release_1_0_0(tmp_path: Path) -> Path:
    dest = tmp_path / "1.0.0"
    shutil.copytree(ROOT / "releases" / "1.0.0", dest)
    return dest


# -- Data Package v1 readers --------------------------------------------------------

V1_READERS = ("frictionless4", "datapackage", "tableschema")


@pytest.mark.parametrize("reader", V1_READERS)
def test_v1_python_reader_reads_every_cell_typed(
    v1_python: Path, built_package: Path, reader: str
) -> None:
    got = run_v1(v1_python, reader, built_package)
    assert got["valid"] is True, got["errors"]
    assert compare(got, built_package, numbers="decimal", integers="int", who=reader) == []


def test_npm_datapackage_reads_every_cell_typed(node_modules: Path, built_package: Path) -> None:
    got = run_npm(node_modules, built_package)
    assert got["valid"] is True, got["errors"]
    problems = compare(got, built_package, numbers="number", integers="number", who="npm")
    assert problems == []


@pytest.mark.parametrize("reader", V1_READERS)
def test_v1_python_reader_rejects_a_code_the_schema_does_not_list(
    v1_python: Path, package_copy: Path, reader: str
) -> None:
    with_code(package_copy, "Z")
    got = run_v1(v1_python, reader, package_copy)
    if reader == "frictionless4":
        assert got["valid"] is False
        assert any("obs_status" in e or "constraint" in e for e in got["errors"]), got["errors"]
    else:
        assert "error" in got["tables"]["observations"], reader
        assert "enum" in got["tables"]["observations"]["error"]


def test_npm_datapackage_rejects_a_code_the_schema_does_not_list(
    node_modules: Path, package_copy: Path
) -> None:
    with_code(package_copy, "Z")
    error = run_npm(node_modules, package_copy)["tables"]["observations"].get("error", "")
    assert "obs_status" in error and "enum" in error, error


@pytest.mark.parametrize("reader", ["frictionless4", "datapackage"])
def test_the_1_0_0_release_failed_v1_python_readers(
    v1_python: Path, release_1_0_0: Path, reader: str
) -> None:
    got = run_v1(v1_python, reader, release_1_0_0)
    problems = compare(got, release_1_0_0, numbers="decimal", integers="int", who=reader)
    assert "error" in got["tables"]["observations"], problems[:3]


def test_the_1_0_0_release_failed_the_npm_reader(node_modules: Path, release_1_0_0: Path) -> None:
    got = run_npm(node_modules, release_1_0_0)
    assert "upper_bound" in got["tables"]["observations"]["error"]


# -- frictionless-py 5, the project's own ---------------------------------------------


def _tag5(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, bool) or not isinstance(value, int | str | dt.date):
        return {"other": repr(value)}
    if isinstance(value, int):
        return {"int": value}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return {"str": value}


def read5(package: Path, suffix: str) -> dict[str, Any]:
    from frictionless import Package

    p = Package(str(package / "datapackage.json"))
    return {
        "tables": {
            name: {
                "rows": [
                    {k: _tag5(v) for k, v in row.items()}
                    for row in p.get_resource(name + suffix).read_rows()
                ]
            }
            for name in TABLES
        }
    }


def test_frictionless5_reads_the_csv_tables_typed(built_package: Path) -> None:
    got = read5(built_package, "")
    assert compare(got, built_package, numbers="decimal", integers="int", who="f5") == []


def test_frictionless5_reads_the_parquet_copies_where_pandas_is(built_package: Path) -> None:
    """With pandas installed; a missing number comes back as Decimal('NaN'), not None."""
    got = read5(built_package, "-parquet")
    nan = {"decimal": "NaN"}
    nans = 0
    for name in TABLES:
        fields, rows = expected_table(built_package, name)
        numbers = [f["name"] for f in fields if f["type"] == "number"]
        for cells, row in zip(got["tables"][name]["rows"], rows, strict=True):
            for field in numbers:
                if row[field] is None:
                    assert cells[field] == nan, (name, field, cells[field])
                    cells[field] = None
                    nans += 1
    assert nans > 0
    assert compare(got, built_package, numbers="decimal", integers="int", who="f5") == []


def test_frictionless5_needs_pandas_for_parquet(built_package: Path) -> None:
    code = (
        "import sys; from frictionless import Package; "
        f"Package({str(built_package / 'datapackage.json')!r})"
        ".get_resource('observations-parquet').read_rows(); "
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "True"


# -- R: the readr recipe of docs/consumers.md ---------------------------------------


def readr_recipe() -> str:
    text = (ROOT / "docs" / "consumers.md").read_text(encoding="utf-8")
    fence = re.compile(r"^```r\n(.*?)^```[ \t]*$", re.M | re.S)
    blocks = [m.group(1) for m in fence.finditer(text) if "library(readr)" in m.group(1)]
    assert len(blocks) == 1, "docs/consumers.md has one readr recipe"
    return blocks[0]


DUMP = """
out <- obs
for (n in names(out)) {
  x <- out[[n]]
  text <- if (inherits(x, "Date")) format(x, "%Y-%m-%d") else
    if (is.double(x)) sprintf("%.17g", x) else as.character(x)
  text[is.na(x)] <- NA
  out[[n]] <- text
}
args <- commandArgs(trailingOnly = TRUE)
write.csv(out, args[1], row.names = FALSE, na = "\\\\N", fileEncoding = "UTF-8")
writeLines(paste(names(obs), vapply(obs, function(x) class(x)[1], ""), sep = "\\t"), args[2])
"""


def test_the_readr_recipe_reads_observations_typed(
    rscript: str, built_package: Path, tmp_path: Path
) -> None:
    script = tmp_path / "recipe.R"
    script.write_text(readr_recipe() + DUMP, encoding="utf-8")
    cells, classes = tmp_path / "cells.csv", tmp_path / "classes.tsv"
    out = subprocess.run(
        [rscript, str(script), str(cells), str(classes)],
        cwd=built_package,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"},
    )
    assert out.returncode == 0, out.stderr[-3000:]
    fields, rows = expected_table(built_package, "observations")
    r_class = {"date": "Date", "number": "numeric", "integer": "integer", "string": "character"}
    got_classes = dict(line.split("\t") for line in classes.read_text().splitlines())
    assert got_classes == {f["name"]: r_class[f["type"]] for f in fields}
    with cells.open(encoding="utf-8", newline="") as fh:
        got = list(csv.DictReader(fh))
    assert len(got) == len(rows)
    parse = {"date": dt.date.fromisoformat, "integer": int, "number": float}
    for n, (cell, row) in enumerate(zip(got, rows, strict=True), start=2):
        for f in fields:
            text = cell[f["name"]]
            value = None if text == "\\N" else parse.get(f["type"], str)(text)
            assert value == row[f["name"]], (n, f["name"], text)
