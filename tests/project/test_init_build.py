"""statpub init -> build -> validate on a second, synthetic project, and on each input kind."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from statpub.cli import main

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures/projects/population"


def run(args: list[str], cwd: Path | None = None) -> object:
    runner = CliRunner()
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return runner.invoke(main, args)
    finally:
        os.chdir(old)


def init(folder: Path, *sources: str, extra: tuple[str, ...] = ()) -> dict:
    result = run(["init", str(folder), "--from", *sources, *extra, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def schema(folder: Path, name: str) -> dict:
    return json.loads((folder / "schemas" / f"{name}.json").read_text(encoding="utf-8"))


def field(s: dict, name: str) -> dict:
    return next(f for f in s["fields"] if f["name"] == name)


def source_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_population_init_build_validate(tmp_path: Path) -> None:
    project = tmp_path / "pop"
    doc = init(
        project,
        str(FIXTURE / "population_by_district.csv"),
        str(FIXTURE / "districts.csv"),
    )
    assert set(doc["tables"]) == {"population_by_district", "districts"}
    pop = schema(project, "population_by_district")
    assert field(pop, "district_code")["type"] == "string"  # 0101 stays a code
    assert field(pop, "year")["type"] == "year"
    assert field(pop, "population")["type"] == "integer"
    assert ".." in pop["missingValues"]
    assert pop["primaryKey"] == ["district_code", "year", "sex"]
    assert field(pop, "sex")["categories"] == ["F", "M", "T"]
    assert pop["foreignKeys"] == [
        {
            "fields": ["district_code"],
            "reference": {"resource": "districts", "fields": ["district_code"]},
        }
    ]
    assert schema(project, "districts")["primaryKey"] == ["district_code"]
    every = {(i["table"], i["field"], i["property"]) for i in doc["inferences"]}
    assert ("population_by_district", None, "primaryKey") in every
    assert all(i["override"] for i in doc["inferences"])

    built = run(["build", "--json"], cwd=project)
    assert built.exit_code == 0, built.output
    rows = json.loads(built.stdout)["rows"]
    given = source_rows(FIXTURE / "population_by_district.csv")
    assert rows == {"population_by_district": len(given), "districts": 17}
    assert run(["validate", "datapackage"], cwd=project).exit_code == 0

    table = pq.read_table(project / "datapackage/data/population_by_district.parquet")
    assert table.column("district_code").to_pylist() == [r["district_code"] for r in given]
    expected = [None if r["population"] == ".." else int(r["population"]) for r in given]
    assert table.column("population").to_pylist() == expected
    descriptor = json.loads((project / "datapackage/datapackage.json").read_text("utf-8"))
    names = [r["name"] for r in descriptor["resources"]]
    assert names == [
        f"{t}{s}" for t in ("population_by_district", "districts") for s in ("", "-parquet")
    ]
    assert "version" not in descriptor  # nothing released yet

    # Deterministic: a second build writes the same bytes.
    first = {p.name: p.read_bytes() for p in (project / "datapackage/data").iterdir()}
    assert run(["build"], cwd=project).exit_code == 0
    assert first == {p.name: p.read_bytes() for p in (project / "datapackage/data").iterdir()}


def test_rerun_keeps_edited_schema(tmp_path: Path) -> None:
    project = tmp_path / "p"
    source = str(FIXTURE / "districts.csv")
    init(project, source)
    s = schema(project, "districts")
    field(s, "district_name")["description"] = "Name of the district"
    (project / "schemas/districts.json").write_text(json.dumps(s), encoding="utf-8")
    doc = init(project, source, str(FIXTURE / "population_by_district.csv"))
    assert doc["kept"] == ["schemas/districts.json"]
    assert field(schema(project, "districts"), "district_name")["description"] == (
        "Name of the district"
    )
    text = (project / "statpub.yml").read_text(encoding="utf-8")
    assert text.count("name: districts") == 1
    assert "population_by_district" in text
    assert run(["build"], cwd=project).exit_code == 0


def test_bad_cell_names_file_row_field_and_keeps_package(tmp_path: Path) -> None:
    project = tmp_path / "p"
    init(project, str(FIXTURE / "districts.csv"), str(FIXTURE / "population_by_district.csv"))
    assert run(["build"], cwd=project).exit_code == 0
    before = (project / "datapackage/datapackage.json").read_bytes()
    data = project / "data/population_by_district.csv"
    lines = data.read_text(encoding="utf-8").splitlines()
    cells = lines[4].split(",")
    cells[3] = "12x"
    lines[4] = ",".join(cells)
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(["build", "--json"], cwd=project)
    assert result.exit_code == 1
    issue = json.loads(result.stdout)["error"]["issues"][0]
    assert issue == {
        "type": "type-error",
        "severity": "error",
        "path": "data/population_by_district.csv",
        "row": 5,
        "field": "population",
        "message": "'12x' is not a valid integer",
    }
    assert (project / "datapackage/datapackage.json").read_bytes() == before


def test_missing_project_file_exits_2(tmp_path: Path) -> None:
    result = run(["build", "--project", str(tmp_path), "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["type"] == "project-not-found"


def test_semicolon_cp1251_csv(tmp_path: Path) -> None:
    src = tmp_path / "regions.csv"
    src.write_bytes(
        "код;название;доля\n01;Алматы;1,5\n02;Астана;..\n".replace(",5", ".5").encode("cp1251")
    )
    project = tmp_path / "p"
    refused = run(["init", str(project), "--from", str(src)])
    assert refused.exit_code == 2 and "--encoding" in refused.stderr
    assert not (project / "data/regions.csv").exists()  # nothing half-written
    init(project, str(src), extra=("--encoding", "cp1251"))
    s = schema(project, "regions")
    assert [f["type"] for f in s["fields"]] == ["string", "string", "number"]
    assert run(["build"], cwd=project).exit_code == 0
    table = pq.read_table(project / "datapackage/data/regions.parquet")
    assert table.column("название").to_pylist() == ["Алматы", "Астана"]
    assert table.column("доля").to_pylist() == [1.5, None]
    assert run(["validate", "datapackage"], cwd=project).exit_code == 0


def test_xlsx_sheet(tmp_path: Path) -> None:
    xlsxwriter = pytest.importorskip("xlsxwriter")
    book = tmp_path / "stats.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    wb.add_worksheet("Notes").write(0, 0, "not a table")
    ws = wb.add_worksheet("Data")
    dates = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["code", "day", "count", "share", "flag"])
    rows = [
        ("0101", dt.date(2024, 1, 31), 3, 0.25, True),
        ("0102", dt.date(2024, 2, 29), 4, 1.5, False),
    ]
    for r, (code, day, count, share, flag) in enumerate(rows, start=1):
        ws.write_string(r, 0, code)
        ws.write_datetime(r, 1, dt.datetime.combine(day, dt.time()), dates)
        ws.write_number(r, 2, count)
        ws.write_number(r, 3, share)
        ws.write_boolean(r, 4, flag)
    wb.close()
    project = tmp_path / "p"
    missing = run(["init", str(project), "--from", f"{book}#Nope"])
    assert missing.exit_code == 2 and "'Data'" in missing.stderr
    init(project, f"{book}#Data")
    s = schema(project, "stats-data")
    assert [f["type"] for f in s["fields"]] == ["string", "date", "integer", "number", "boolean"]
    assert run(["build"], cwd=project).exit_code == 0
    table = pq.read_table(project / "datapackage/data/stats-data.parquet")
    assert table.to_pylist() == [
        {"code": c, "day": d, "count": n, "share": s_, "flag": f} for c, d, n, s_, f in rows
    ]


@pytest.mark.parametrize("writer", ["pandas", "polars"])
def test_parquet_from_pandas_and_polars(tmp_path: Path, writer: str) -> None:
    lib = pytest.importorskip(writer)
    data = {"code": ["0101", "0102", "0101"], "year": [2020, 2020, 2021], "value": [1.5, None, 2.0]}
    path = tmp_path / "values.parquet"
    if writer == "pandas":
        frame = lib.DataFrame(data)
        frame["code"] = frame["code"].astype("category")
        frame.to_parquet(path)
    else:
        lib.DataFrame(data).write_parquet(path)  # large strings
    project = tmp_path / "p"
    init(project, str(path))
    s = schema(project, "values")
    assert [f["type"] for f in s["fields"]] == ["string", "integer", "number"]
    assert s["primaryKey"] == ["code", "year"]
    assert run(["build"], cwd=project).exit_code == 0
    table = pq.read_table(project / "datapackage/data/values.parquet")
    assert table.column("value").to_pylist() == [1.5, None, 2.0]
    assert table.column("code").to_pylist() == data["code"]


def test_this_repository_builds_through_its_project_file() -> None:
    root = Path(__file__).resolve().parents[2]
    assert (root / "statpub.yml").is_file()
    from statpub.project import load_project

    project = load_project(root)
    assert project.adapter == "figures"
    assert project.figures == root / "figures"


def test_rerun_refuses_to_append_when_tables_is_not_last(tmp_path: Path) -> None:
    project = tmp_path / "p"
    init(project, str(FIXTURE / "districts.csv"))
    path = project / "statpub.yml"
    path.write_text(path.read_text(encoding="utf-8") + "keywords: [test]\n", encoding="utf-8")
    before = path.read_bytes()
    result = run(["init", str(project), "--from", str(FIXTURE / "population_by_district.csv")])
    assert result.exit_code == 2
    assert "tables:" in result.stderr
    assert path.read_bytes() == before


def test_repeated_key_is_told_of_the_input_once(tmp_path: Path) -> None:
    project = tmp_path / "p"
    init(project, str(FIXTURE / "districts.csv"))
    data = project / "data/districts.csv"
    lines = data.read_text(encoding="utf-8").splitlines()
    lines.insert(1, "")  # a blank line: the input's row numbers are no longer the package's
    lines[3] = lines[2].split(",")[0] + ",Copy,North"  # row 4 of the file repeats row 3's code
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(["build", "--json"], cwd=project)
    assert result.exit_code == 1, result.output
    issues = json.loads(result.stdout)["error"]["issues"]
    assert [(i["type"], i["path"], i["row"]) for i in issues] == [
        ("primary-key", "data/districts.csv", 4)
    ]


def test_version_and_changelog_come_from_the_history(tmp_path: Path) -> None:
    project = tmp_path / "p"
    init(project, str(FIXTURE / "districts.csv"))
    (project / "releases.yml").write_text(
        "releases:\n  - version: 1.0.0\n    date: 2025-03-01\n    note: First release.\n"
        "  - version: 1.1.0\n    date: 2025-06-01\n    note: Names corrected.\n",
        encoding="utf-8",
    )
    (project / "revisions.csv").write_text(
        "version,release_date,table,key,field,change_kind,old_value,new_value,reason\n"
        '1.1.0,2025-06-01,districts,"{""district_code"": ""0101""}",district_name,revision,'
        "Alder,Alderney,Spelling checked\n",
        encoding="utf-8",
    )
    assert run(["build"], cwd=project).exit_code == 0
    descriptor = json.loads((project / "datapackage/datapackage.json").read_text("utf-8"))
    assert (descriptor["version"], descriptor["versionNote"], descriptor["created"]) == (
        "1.1.0",
        "Names corrected.",
        "2025-06-01T00:00:00Z",
    )
    changelog = (project / "datapackage/CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## 1.1.0 (2025-06-01)") < changelog.index("## 1.0.0 (2025-03-01)")
    assert "`districts.district_name`: 1 value revised. Reason: Spelling checked." in changelog
    assert "district_code=0101: `Alder` → `Alderney`" in changelog
    card = (project / "datapackage/README.md").read_text(encoding="utf-8")
    assert "Version 1.1.0 (2025-06-01): Names corrected." in card
