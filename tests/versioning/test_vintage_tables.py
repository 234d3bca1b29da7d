"""vintage and checkout on any archived package, by the table's primary key."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from statpub.cli import main
from statpub.versioning.archive import archive
from statpub.versioning.vintage import vintages

FIXTURE = Path(__file__).parents[1] / "site" / "fixtures" / "population"


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, table: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)


@pytest.fixture
def releases(tmp_path: Path) -> Path:
    """1.0.0 is the fixture; 1.1.0 revises its first value and adds a district's row."""
    out = tmp_path / "releases"
    archive(FIXTURE, out, "1.0.0")
    pkg = tmp_path / "next"
    shutil.copytree(FIXTURE, pkg)
    table = rows(pkg / "data" / "population.csv")
    table[0]["population"] = str(int(table[0]["population"]) + 5)
    table.append({**table[0], "year": "2030", "population": "1"})
    write_rows(pkg / "data" / "population.csv", table)
    archive(pkg, out, "1.1.0")
    return out


def test_a_revised_value_by_its_key(releases: Path) -> None:
    first = rows(FIXTURE / "data" / "population.csv")[0]
    where = {"district": first["district"], "sex": first["sex"]}
    view = vintages(releases, where=where)
    assert view.resource == "population"  # the one keyed table with both fields
    assert view.key_fields == ["district", "year", "sex"]
    assert view.fields == ["population"]
    by_year = {s.key["year"]: s for s in view.series}
    revised = by_year[first["year"]]
    assert [(v.version, v.status, v.values["population"]) for v in revised.vintages] == [
        ("1.0.0", "new", first["population"]),
        ("1.1.0", "revised", str(int(first["population"]) + 5)),
    ]
    assert [(v.version, v.status) for v in by_year["2030"].vintages] == [("1.1.0", "new")]
    assert by_year[first["year"]].key["district"] == first["district"]  # leading zero kept


def test_cli_where_on_the_lookup_table(releases: Path) -> None:
    district = rows(FIXTURE / "data" / "districts.csv")[0]
    run = CliRunner().invoke(
        main,
        ["vintage", "--releases", str(releases), "--where", "name=" + district["name"], "--json"],
    )
    assert run.exit_code == 0, run.output
    data = json.loads(run.stdout)
    assert data["resource"] == "districts"
    assert [s["key"] for s in data["series"]] == [{"code": district["code"]}]
    assert [v["status"] for v in data["series"][0]["vintages"]] == ["new", "same"]


def test_an_ambiguous_table_is_refused_naming_the_tables(releases: Path) -> None:
    run = CliRunner().invoke(main, ["vintage", "--releases", str(releases), "--json"])
    assert run.exit_code == 2
    error = json.loads(run.stdout)["error"]
    assert error["type"] == "bad-usage"
    assert "population" in error["message"] and "districts" in error["message"]
    assert "--resource" in error["message"]


def test_checkout_of_any_package(releases: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = CliRunner().invoke(main, ["checkout", "1.0.0", str(out), "--releases", str(releases)])
    assert run.exit_code == 0, run.output
    for name in ("datapackage.json", "data/population.csv", "data/districts.csv"):
        assert (out / name).read_bytes() == (FIXTURE / name).read_bytes()
