"""A project's revisions log is published as the table ``revisions`` from the first release
on, so validate and release hold it append-only and every change logged, as for any package."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tests.project.test_init_build import FIXTURE, run, source_rows

from statpub.versioning.tablechanges import LOG_FIELDS


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write(path: Path, table: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)


def ok(args: list[str], cwd: Path) -> dict:
    result = run([*args, "--json"], cwd=cwd)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def resources(project: Path) -> list[str]:
    descriptor = json.loads((project / "datapackage/datapackage.json").read_text("utf-8"))
    return [r["name"] for r in descriptor["resources"]]


@pytest.fixture
def released(tmp_path: Path) -> Path:
    """The population project released as 1.0.0, then with values revised as 1.0.1."""
    project = tmp_path / "pop"
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for name in ("population_by_district.csv", "districts.csv"):
        shutil.copyfile(FIXTURE / name, inputs / name)
    ok(["init", str(project), "--from", *(str(p) for p in sorted(inputs.iterdir()))], tmp_path)
    ok(["build"], project)
    assert "revisions" not in resources(project)  # nothing released: no log
    ok(["release", "--date", "2026-01-15"], project)
    assert resources(project)[-2:] == ["revisions", "revisions-parquet"]
    assert pq.read_table(project / "datapackage/data/revisions.parquet").num_rows == 0
    table = project / "data" / "population_by_district.csv"
    if not table.is_file():  # init may read the tables where they are
        table = inputs / "population_by_district.csv"
    given = source_rows(table)
    revised = [r for r in given if r["population"] not in ("..", "")][:2]
    for r in revised:
        r["population"] = str(int(r["population"]) + 3)
    write(table, given)
    out = ok(["release", "--date", "2026-06-01", "--reason", "Census benchmark"], project)
    assert out["version"] == "1.0.1"
    return project


def test_log_published_as_table(released: Path) -> None:
    log = rows(released / "revisions.csv")
    assert len(log) == 2 and {r["reason"] for r in log} == {"Census benchmark"}
    names = resources(released)
    assert names[-2:] == ["revisions", "revisions-parquet"]
    published = rows(released / "datapackage/data/revisions.csv")
    assert published == log
    parquet = pq.read_table(released / "datapackage/data/revisions.parquet")
    assert parquet.column_names == list(LOG_FIELDS)
    assert [str(d) for d in parquet.column("release_date").to_pylist()] == [
        r["release_date"] for r in log
    ]
    assert run(["validate", "datapackage"], cwd=released).exit_code == 0
    card = (released / "datapackage/README.md").read_text("utf-8")
    assert "Revisions log" in card


def test_edited_past_entry_refused_by_validate_and_release(released: Path) -> None:
    log = rows(released / "revisions.csv")
    log[1]["old_value"] = str(int(log[1]["old_value"]) + 1)
    write(released / "revisions.csv", log)
    # build writes the package and gives validate's verdict on it: one verdict.
    built = run(["build", "--json"], cwd=released)
    assert built.exit_code == 1, built.output
    said = json.loads(built.stdout)["validation"]["errors"]
    assert "history" in json.loads(built.stdout)["validation"]["checks"]

    checked = run(["validate", "datapackage", "--json"], cwd=released)
    assert checked.exit_code == 1, checked.output
    issues = [
        i for i in json.loads(checked.stdout)["errors"] if i["type"] == "revisions-log-edited"
    ]
    assert issues and issues[0]["row"] == 3 and issues[0]["field"] == "old_value"
    assert issues[0]["path"].endswith("revisions.csv")
    assert sorted((i["type"], i.get("row"), i.get("field")) for i in said) == sorted(
        (i["type"], i.get("row"), i.get("field")) for i in json.loads(checked.stdout)["errors"]
    )

    before = sorted(p.name for p in (released / "releases").iterdir())
    refused = run(["release", "--date", "2026-09-01", "--reason", "x", "--json"], cwd=released)
    assert refused.exit_code == 1, refused.output
    doc = json.loads(refused.stdout)
    edited = [i for i in doc["error"]["issues"] if i["type"] == "revisions-log-edited"]
    assert edited and edited[0]["path"] == "revisions.csv" and edited[0]["row"] == 3
    assert edited[0]["field"] == "old_value"
    assert sorted(p.name for p in (released / "releases").iterdir()) == before


def test_deleted_entry_refused_by_release(released: Path) -> None:
    log = rows(released / "revisions.csv")
    write(released / "revisions.csv", log[:1])
    refused = run(["release", "--date", "2026-09-01", "--json"], cwd=released)
    assert refused.exit_code == 1, refused.output
    types = {i["type"] for i in json.loads(refused.stdout)["error"]["issues"]}
    assert "revisions-log-deleted" in types


def test_unlogged_change_reported_for_a_project(released: Path) -> None:
    """A new version whose table changed with nothing logged for it: unlogged-revision."""
    descriptor = json.loads((released / "datapackage/datapackage.json").read_text("utf-8"))
    (entry,) = [r for r in descriptor["resources"] if r["name"] == "population_by_district"]
    path = released / "datapackage" / entry["path"]
    text = path.read_bytes().decode("utf-8")
    end = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(end)
    header = lines[0].split(",")
    cells = lines[1].split(",")
    at = header.index("population")
    cells[at] = str(int(cells[at]) + 1)
    lines[1] = ",".join(cells)
    path.write_bytes(end.join(lines).encode("utf-8"))
    descriptor["version"] = "1.0.2"
    entry.pop("hash", None)
    entry.pop("bytes", None)
    (released / "datapackage/datapackage.json").write_text(json.dumps(descriptor), "utf-8")

    checked = run(["validate", "datapackage", "--json"], cwd=released)
    assert checked.exit_code == 1, checked.output
    unlogged = [i for i in json.loads(checked.stdout)["errors"] if i["type"] == "unlogged-revision"]
    assert len(unlogged) == 1 and unlogged[0]["field"] == "population"
    assert unlogged[0]["path"].endswith("revisions.csv")


def test_a_table_named_revisions_is_renamed_by_init(tmp_path: Path) -> None:
    source = tmp_path / "revisions.csv"
    shutil.copyfile(FIXTURE / "districts.csv", source)
    doc = ok(["init", str(tmp_path / "proj"), "--from", str(source)], tmp_path)
    assert list(doc["tables"]) == ["revisions_data"]
    (tmp_path / "proj" / "statpub.yml").write_text(
        (tmp_path / "proj" / "statpub.yml")
        .read_text("utf-8")
        .replace("name: revisions_data", "name: revisions"),
        encoding="utf-8",
    )
    refused = run(["build", "--json"], cwd=tmp_path / "proj")
    assert refused.exit_code == 2, refused.output
    assert json.loads(refused.stdout)["error"]["type"] == "project-invalid"
