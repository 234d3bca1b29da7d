"""The journaled release of any tables: reasons per row, per selection, per table or for the
whole release; the revisions log and changelog for any table; the first release.

The project is the hand-made population package (tests/site/fixtures/population) and a
builder that writes it stamped with the releases and its changelog, standing in for the
project layer's build; expectations are read from its files.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from statpub import semver
from statpub.errors import InvalidInput, StatpubError
from statpub.figures.records import Release
from statpub.release.tables import TableProject, read_log, release_tables
from statpub.versioning import archive
from statpub.versioning.tablechanges import (
    LOG_FIELDS,
    LOG_SCHEMA,
    SHOWN,
    key_text,
    render_changelog,
)
from statpub.versioning.vintage import vintages

FIXTURE = Path(__file__).parents[1] / "site" / "fixtures" / "population"
DAY1, DAY2, DAY3 = dt.date(2026, 1, 15), dt.date(2026, 6, 1), dt.date(2026, 9, 1)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, table: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)


def builder(inputs: Path) -> Any:
    """Write the package of ``inputs`` (descriptor and tables) with the given history,
    the revisions log published as the table ``revisions``."""

    def build(folder: Path, releases: list[Release], log: list[dict[str, Any]]) -> None:
        descriptor = json.loads((inputs / "datapackage.json").read_text(encoding="utf-8"))
        last = releases[-1]
        descriptor["version"] = last.version
        descriptor["created"] = f"{last.date.isoformat()}T00:00:00Z"
        descriptor["versionNote"] = last.note
        for res in descriptor["resources"]:
            (folder / res["path"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(inputs / res["path"], folder / res["path"])
        with (folder / "data" / "revisions.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=LOG_FIELDS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(
                {k: ("" if v is None else str(v)) for k, v in row.items()} for row in log
            )
        descriptor["resources"].append(
            {
                "name": "revisions",
                "type": "table",
                "path": "data/revisions.csv",
                "format": "csv",
                "schema": LOG_SCHEMA,
            }
        )
        (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), "utf-8")
        text = render_changelog(descriptor["title"], releases, log)
        (folder / "CHANGELOG.md").write_text(text, encoding="utf-8")

    return build


@pytest.fixture
def project(tmp_path: Path) -> TableProject:
    inputs = tmp_path / "project" / "inputs"
    shutil.copytree(FIXTURE, inputs)
    (inputs / "CHANGELOG.md").unlink()
    return TableProject(
        state=tmp_path / "project",
        releases=tmp_path / "project" / "releases",
        out=tmp_path / "project" / "datapackage",
        build=builder(inputs),
    )


def population(project: TableProject) -> Path:
    return project.state / "inputs" / "data" / "population.csv"


def revise(project: TableProject, year: str, delta: int = 7) -> list[dict[str, str]]:
    """Add ``delta`` to every population value of ``year``; return the rows changed (new)."""
    table = rows(population(project))
    changed = []
    for r in table:
        if r["year"] == year and r["population"] != "..":
            r["population"] = str(int(r["population"]) + delta)
            changed.append(r)
    write_rows(population(project), table)
    return changed


def add_year(project: TableProject, year: str) -> int:
    table = rows(population(project))
    last = max(r["year"] for r in table)
    new = [{**r, "year": year} for r in table if r["year"] == last]
    write_rows(population(project), table + new)
    return len(new)


def key_of(r: dict[str, str]) -> str:
    return key_text({"district": r["district"], "year": r["year"], "sex": r["sex"]})


def test_first_release_archives_the_package(project: TableProject) -> None:
    result = release_tables(project, DAY1)
    assert (result.previous_version, result.version) == (None, "1.0.0")
    assert archive.archived_versions(project.releases) == ["1.0.0"]
    assert archive.verify(project.releases / "1.0.0") == []
    published = json.loads((project.out / "datapackage.json").read_text(encoding="utf-8"))
    assert published["version"] == "1.0.0"
    assert "1.0.0" in project.history.read_text(encoding="utf-8")
    assert not project.revisions.exists()


def test_revised_values_without_a_reason_are_refused_by_name(project: TableProject) -> None:
    release_tables(project, DAY1)
    changed = revise(project, "2023")
    before = {p: p.read_bytes() for p in (project.history,)}
    with pytest.raises(InvalidInput) as caught:
        release_tables(project, DAY2)
    issues = caught.value.issues
    assert len(issues) == len(changed)
    for issue, r in zip(issues, changed, strict=True):
        assert issue.type == "revision-without-reason"
        assert (issue.path, issue.resource, issue.field) == (
            "data/population.csv",
            "population",
            "population",
        )
        assert f"district={r['district']} year=2023 sex={r['sex']}" in issue.message
        assert "reasons.yml" in issue.message and "--reason" in issue.message
    assert archive.archived_versions(project.releases) == ["1.0.0"]  # nothing written
    assert {p: p.read_bytes() for p in before} == before
    assert not project.revisions.exists()


def test_one_reason_for_a_selection_logs_every_value(project: TableProject) -> None:
    release_tables(project, DAY1)
    changed = revise(project, "2023")
    added = add_year(project, "2025")
    project.reasons.write_text(
        "reasons:\n  - table: population\n    where: {year: 2023}\n"
        "    reason: 2023 values benchmarked to the census\n",
        encoding="utf-8",
    )
    result = release_tables(project, DAY2)
    assert result.level == result.required
    assert result.version == semver.bump("1.0.0", result.level)
    assert result.counts() == {
        "revision": len(changed),
        "addition": added,
        "removal": 0,
        "summary": 0,
    }
    log = read_log(project.revisions)
    assert list(log[0]) == list(LOG_FIELDS)
    revised = [r for r in log if r["change_kind"] == "revision"]
    assert [(r["table"], r["key"], r["field"], r["new_value"]) for r in revised] == [
        ("population", key_of(r), "population", r["population"]) for r in changed
    ]
    assert {r["reason"] for r in revised} == {"2023 values benchmarked to the census"}
    assert {r["version"] for r in log} == {result.version}
    assert len([r for r in log if r["change_kind"] == "addition"]) == added
    changelog = (project.out / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"`population.population`: {len(changed)} values revised." in changelog
    assert "Reason: 2023 values benchmarked to the census." in changelog
    assert f"`population`: {added} rows added." in changelog
    # a revised value's vintages
    first = changed[0]
    view = vintages(
        project.releases,
        where={"district": first["district"], "year": "2023", "sex": first["sex"]},
    )
    (series,) = view.series
    assert [(v.version, v.status, v.values["population"]) for v in series.vintages] == [
        ("1.0.0", "new", str(int(first["population"]) - 7)),
        (result.version, "revised", first["population"]),
    ]


def test_the_most_specific_reason_wins_and_release_reason_fills_in(
    project: TableProject,
) -> None:
    release_tables(project, DAY1)
    changed = revise(project, "2022")
    one = changed[0]
    project.reasons.write_text(
        "reasons:\n  - table: population\n"
        f'    key: {{district: "{one["district"]}", year: 2022, sex: {one["sex"]}}}\n'
        "    reason: Keying error corrected\n",
        encoding="utf-8",
    )
    result = release_tables(project, DAY2, reason="Late returns included")
    by_key = {r["key"]: r["reason"] for r in result.revisions}
    assert by_key[key_of(one)] == "Keying error corrected"
    assert {by_key[key_of(r)] for r in changed[1:]} == {"Late returns included"}


def test_a_removed_row_needs_a_reason_too(project: TableProject) -> None:
    release_tables(project, DAY1)
    table = rows(population(project))
    gone = table.pop()
    write_rows(population(project), table)
    with pytest.raises(InvalidInput) as caught:
        release_tables(project, DAY2)
    (issue,) = caught.value.issues
    assert issue.type == "removal-without-reason" and gone["district"] in issue.message
    result = release_tables(project, DAY2, reason="Duplicate row withdrawn")
    (row,) = result.revisions
    assert (row["change_kind"], row["key"], row["field"]) == ("removal", key_of(gone), "*")
    assert json.loads(row["old_value"]) == gone and row["new_value"] is None


def test_thousands_of_revisions_are_summarised_in_the_changelog(project: TableProject) -> None:
    release_tables(project, DAY1)
    table = rows(population(project))
    for r in table:
        if r["population"] != "..":
            r["population"] = str(int(r["population"]) + 1)
    write_rows(population(project), table)
    revised = sum(1 for r in table if r["population"] != "..")
    result = release_tables(project, DAY2, reason="Benchmarked to the census")
    assert len(result.revisions) == revised
    changelog = (project.out / "CHANGELOG.md").read_text(encoding="utf-8")
    section = changelog.split("### Revised values", 1)[1]
    listed = [line for line in section.splitlines() if line.startswith("  - district=")]
    assert len(listed) == SHOWN
    assert f"and {revised - SHOWN} more" in section


def test_a_reason_already_logged_does_not_explain_a_new_change(project: TableProject) -> None:
    release_tables(project, DAY1)
    revise(project, "2021")
    reasons = "reasons:\n  - table: population\n    reason: Revised population estimates\n"
    project.reasons.write_text(reasons, encoding="utf-8")
    release_tables(project, DAY2)
    revise(project, "2021")  # the same values again, the file left as it was
    with pytest.raises(InvalidInput) as caught:
        release_tables(project, DAY3)
    assert all("already logged" in i.message for i in caught.value.issues)


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ("  - table: people\n    reason: x\n", None),
        ("  - table: population\n    where: {yr: 2023}\n    reason: x\n", "yr"),
        ("  - table: population\n    key: {district: '0101'}\n    reason: x\n", "key"),
        ("  - table: population\n    reason: ''\n", "reason"),
    ],
    ids=["unknown-table", "unknown-field", "partial-key", "empty-reason"],
)
def test_a_wrong_reasons_entry_is_refused_with_its_line(
    project: TableProject, entry: str, field: str | None
) -> None:
    release_tables(project, DAY1)
    revise(project, "2023")
    project.reasons.write_text("reasons:\n" + entry, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        release_tables(project, DAY2)
    (issue,) = caught.value.issues
    assert (issue.type, issue.path, issue.row, issue.field) == (
        "reasons-entry",
        "reasons.yml",
        2,
        field,
    )


def test_dry_run_writes_nothing(project: TableProject) -> None:
    release_tables(project, DAY1)
    revise(project, "2023")
    history = project.history.read_bytes()
    result = release_tables(project, DAY2, reason="Benchmarked", dry_run=True)
    assert result.dry_run and result.revisions and result.written == []
    assert project.history.read_bytes() == history
    assert archive.archived_versions(project.releases) == ["1.0.0"]
    assert not project.revisions.exists()


def test_nothing_to_release_and_a_too_small_bump(project: TableProject) -> None:
    release_tables(project, DAY1)
    with pytest.raises(StatpubError) as nothing:
        release_tables(project, DAY2)
    assert nothing.value.code == "nothing-to-release"
    add_year(project, "2025")
    # The Data Package Version recipe: new rows are a minor change.
    assert release_tables(project, DAY2, dry_run=True).required == "minor"
    with pytest.raises(InvalidInput) as caught:
        release_tables(project, DAY2, bump="patch")
    assert [i.type for i in caught.value.issues] == ["bump-too-small"]


@pytest.mark.parametrize(
    ("step", "action"),
    [
        ("release:built", None),
        ("release:journaled", "rolled-back"),
        ("release:archived", "completed"),
        ("release:revisions.csv", "completed"),
        ("release:published", "completed"),
    ],
)
def test_an_interrupted_release_is_completed_or_rolled_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str, action: str | None
) -> None:
    """Killed at a step (the fault raised in-process), the next run finishes the same
    release or rolls it back and makes it: the same archive, history and log either way."""
    from statpub.package.atomic import FAULT_ENV, FAULT_MODE_ENV, FaultInjected

    def prepared(root: Path) -> TableProject:
        inputs = root / "project" / "inputs"
        shutil.copytree(FIXTURE, inputs)
        p = TableProject(
            root / "project",
            root / "project" / "releases",
            root / "project" / "datapackage",
            builder(inputs),
        )
        release_tables(p, DAY1)
        revise(p, "2023")
        return p

    def state(p: TableProject) -> dict[str, bytes]:
        files = [f for f in sorted(p.state.rglob("*")) if f.is_file() and "inputs" not in f.parts]
        return {f.relative_to(p.state).as_posix(): f.read_bytes() for f in files}

    clean = prepared(tmp_path / "clean")
    release_tables(clean, DAY2, reason="Benchmarked")
    broken = prepared(tmp_path / "broken")
    monkeypatch.setenv(FAULT_ENV, step)
    monkeypatch.setenv(FAULT_MODE_ENV, "raise")
    with pytest.raises(FaultInjected):
        release_tables(broken, DAY2, reason="Benchmarked")
    monkeypatch.delenv(FAULT_ENV)
    result = release_tables(broken, DAY2, reason="Benchmarked")
    assert (result.recovery.action if result.recovery else None) == action
    assert result.version == semver.bump("1.0.0", result.level)
    assert state(broken) == state(clean)


def test_an_edited_past_log_entry_refuses_the_next_release(project: TableProject) -> None:
    release_tables(project, DAY1)
    revise(project, "2023")
    release_tables(project, DAY2, reason="Benchmarked to the census")
    text = project.revisions.read_text(encoding="utf-8")
    project.revisions.write_text(text.replace("Benchmarked", "Rebased"), encoding="utf-8")
    revise(project, "2022")
    archived = archive.archived_versions(project.releases)
    with pytest.raises(InvalidInput) as caught:
        release_tables(project, DAY3, reason="Late returns")
    assert "revisions-log-edited" in {i.type for i in caught.value.issues}
    assert archive.archived_versions(project.releases) == archived  # nothing written


def test_validate_finds_a_change_of_any_table_left_out_of_its_log(
    project: TableProject, tmp_path: Path
) -> None:
    """The history check reads the log of any tables: a revised value not logged, or
    logged with the wrong value, is reported as for the figure log."""
    from statpub.validate import Options, validate

    release_tables(project, DAY1)
    changed = revise(project, "2023")
    result = release_tables(project, DAY2, reason="Benchmarked", dry_run=True)
    history = [Release("1.0.0", DAY1, "First release."), Release(result.version, DAY2, "x")]
    wrong = [dict(result.revisions[0], new_value="1"), *result.revisions[2:]]
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    project.build(pkg, history, wrong)
    report = validate(pkg, options=Options(previous=str(project.releases / "1.0.0")))
    found = {(i.type, i.field) for i in report.errors}
    assert ("revisions-log-mismatch", "new_value") in found
    assert ("unlogged-revision", "population") in found
    assert len(changed) == len(result.revisions)
