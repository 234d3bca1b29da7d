"""A project of tables through the whole path on the command line: init, build, release
1.0.0, revise values and add rows, a refused release naming them, release 1.1.0 with a
reason for a selection, the changelog, the vintage of a revised value, the page.

The tables are the synthetic population project (tests/fixtures/projects/population);
every expectation is read from its files.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from statpub.cli import main

FIXTURE = Path(__file__).parents[1] / "fixtures" / "projects" / "population"
TABLE = "population_by_district"
REASON = "2023 values benchmarked to the census"


def run(*args: str, code: int = 0) -> Any:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, result.output
    return result


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "population"
    run(
        "init", str(folder), "--from", str(FIXTURE / f"{TABLE}.csv"), str(FIXTURE / "districts.csv")
    )
    run("build", "--project", str(folder))
    return folder


def input_file(project: Path) -> Path:
    import yaml

    config = yaml.safe_load((project / "statpub.yml").read_text(encoding="utf-8"))
    (entry,) = [t for t in config["tables"] if t["name"] == TABLE]
    return project / str(entry["path"])


def revise_and_add(project: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Add 7 to every 2023 value; copy the last year's rows as a new year."""
    path = input_file(project)
    table = rows(path)
    names = list(table[0])
    year, value = names[1], names[-1]
    revised = []
    for r in table:
        if r[year] == "2023" and r[value] not in ("", ".."):
            r[value] = str(int(r[value]) + 7)
            revised.append(r)
    last = max(r[year] for r in table)
    added = [{**r, year: str(int(last) + 1)} for r in table if r[year] == last]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=names, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table + added)
    return revised, added


def test_release_revise_release_vintage_and_page(project: Path, tmp_path: Path) -> None:
    first = json.loads(
        run("release", "--project", str(project), "--date", "2026-01-15", "--json").stdout
    )
    assert (first["previous_version"], first["version"]) == (None, "1.0.0")
    assert (project / "releases" / "1.0.0" / "SHA256SUMS").is_file()

    revised, added = revise_and_add(project)
    refused = run("release", "--project", str(project), "--date", "2026-06-01", "--json", code=1)
    issues = json.loads(refused.stdout)["error"]["issues"]
    assert len(issues) == len(revised)
    key = list(revised[0])[:3]
    for issue, r in zip(issues, revised, strict=True):
        assert issue["type"] == "revision-without-reason"
        assert (issue["path"], issue["resource"]) == (f"data/{TABLE}.csv", TABLE)
        assert " ".join(f"{k}={r[k]}" for k in key) in issue["message"]
    assert not (project / "releases" / "1.1.0").exists()

    (project / "reasons.yml").write_text(
        f"reasons:\n  - table: {TABLE}\n    where: {{{key[1]}: 2023}}\n    reason: {REASON}\n",
        encoding="utf-8",
    )
    second = json.loads(
        run("release", "--project", str(project), "--date", "2026-06-01", "--json").stdout
    )
    assert second["previous_version"] == "1.0.0"
    assert second["counts"] == {
        "revision": len(revised),
        "addition": len(added),
        "removal": 0,
        "summary": 0,
    }
    log = rows(project / "revisions.csv")
    assert {r["reason"] for r in log if r["change_kind"] == "revision"} == {REASON}
    changelog = (project / "datapackage" / "CHANGELOG.md").read_text(encoding="utf-8")
    value = list(revised[0])[-1]
    assert f"`{TABLE}.{value}`: {len(revised)} values revised. Reason: {REASON}." in changelog
    assert f"`{TABLE}`: {len(added)} rows added." in changelog

    one = revised[0]
    where = [arg for k in key for arg in ("--where", f"{k}={one[k]}")]
    vintage = run("vintage", "--releases", str(project / "releases"), *where, "--json")
    (series,) = json.loads(vintage.stdout)["series"]
    assert [(v["version"], v["status"], v["values"][value]) for v in series["vintages"]] == [
        ("1.0.0", "new", str(int(one[value]) - 7)),
        (second["version"], "revised", one[value]),
    ]

    page = json.loads(
        run(
            "site",
            "--package",
            str(project / "datapackage"),
            "--out",
            str(tmp_path / "site"),
            "--json",
        ).stdout
    )
    assert page["page"] == "tables" and page["version"] == second["version"]
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert f"Reason: {REASON}." in html


def test_figure_only_options_are_refused_for_a_project_of_tables(project: Path) -> None:
    result = run("release", "--project", str(project), "--archive-only", code=2)
    assert "--archive-only" in result.output
