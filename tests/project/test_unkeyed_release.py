"""A table with no primary key (and none the diff can infer): a release that changes or
removes its rows needs one reason for the table (or --reason) and logs one summary entry
with the row counts; rows only added need none."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from tests.project.test_init_build import run

ROWS = [
    ("north", "12"),
    ("north", "12"),  # the same reading twice: no field set is unique
    ("south", "7"),
    ("south", "9"),
]


def write(path: Path, rows: list[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["station", "reading"])
        writer.writerows(rows)


def log(project: Path) -> list[dict[str, str]]:
    with (project / "revisions.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    source = tmp_path / "readings.csv"
    write(source, ROWS)
    folder = tmp_path / "proj"
    done = run(["init", str(folder), "--from", str(source), "--json"])
    assert done.exit_code == 0, done.output
    schema = json.loads((folder / "schemas" / "readings.json").read_text("utf-8"))
    assert "primaryKey" not in schema  # the premise: no key to match rows by
    assert run(["release", "--date", "2026-01-15"], cwd=folder).exit_code == 0
    return folder


def table(project: Path) -> Path:
    found = [p for p in project.rglob("readings.csv") if "datapackage" not in p.parts]
    found = [p for p in found if "releases" not in p.parts]
    assert len(found) == 1, found
    return found[0]


def test_changed_rows_need_a_table_reason(project: Path) -> None:
    write(table(project), [*ROWS[:3], ("south", "10")])  # one reading corrected
    refused = run(["release", "--date", "2026-06-01", "--json"], cwd=project)
    assert refused.exit_code == 1, refused.output
    issues = json.loads(refused.stdout)["error"]["issues"]
    assert [i["type"] for i in issues] == ["rows-changed-without-reason"]
    assert issues[0]["resource"] == "readings" and "1 row(s)" in issues[0]["message"]
    assert not (project / "revisions.csv").exists()

    (project / "reasons.yml").write_text(
        "reasons:\n  - table: readings\n    reason: Meter recalibrated\n", encoding="utf-8"
    )
    done = run(["release", "--date", "2026-06-01", "--json"], cwd=project)
    assert done.exit_code == 0, done.output
    entries = log(project)
    assert len(entries) == 1
    (entry,) = entries
    assert entry["table"] == "readings" and entry["key"] == "{}" and entry["field"] == "*"
    assert entry["change_kind"] == "summary" and entry["reason"] == "Meter recalibrated"
    assert json.loads(entry["old_value"]) == {"rows": "4", "removed": "1"}
    assert json.loads(entry["new_value"]) == {"rows": "4", "added": "1"}
    assert run(["validate", "datapackage"], cwd=project).exit_code == 0
    changelog = (project / "datapackage" / "CHANGELOG.md").read_text("utf-8")
    assert "`readings`: 4 \u2192 4 rows" in changelog and "Meter recalibrated" in changelog


def test_rows_only_added_need_no_reason(project: Path) -> None:
    write(table(project), [*ROWS, ("north", "3")])
    done = run(["release", "--date", "2026-06-01", "--json"], cwd=project)
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["counts"]["summary"] == 1
    (entry,) = log(project)
    assert entry["change_kind"] == "summary" and entry["reason"] == ""
    assert json.loads(entry["new_value"]) == {"rows": "5", "added": "1"}
    assert run(["validate", "datapackage"], cwd=project).exit_code == 0


def test_release_reason_explains_the_table(project: Path) -> None:
    write(table(project), ROWS[1:])  # a duplicate reading withdrawn
    done = run(["release", "--date", "2026-06-01", "--reason", "Duplicate withdrawn"], cwd=project)
    assert done.exit_code == 0, done.output
    (entry,) = log(project)
    assert entry["reason"] == "Duplicate withdrawn"
    assert json.loads(entry["old_value"]) == {"rows": "4", "removed": "1"}
