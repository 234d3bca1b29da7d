"""`statpub validate` against the previous release: bumps, an append-only log, all logged."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from versioning_helpers import add_centres_period, edit, re_revise_centres, revise_centres

from statpub.cli import main
from statpub.project.adapters.figures import build
from statpub.release import Paths, release
from statpub.validate import Options, validate

DAY = dt.date(2026, 12, 1)


def error_types(path: Path, previous: str | None = None) -> set[str]:
    report = validate(path, options=Options(previous=previous))
    return {i.type for i in report.errors}


def declare(paths: Paths, version: str) -> None:
    """Append a release entry by hand, as a maintainer bypassing `statpub release` would."""
    with (paths.figures / "releases.yml").open("a", encoding="utf-8") as fh:
        fh.write(f"  - version: {version}\n    date: 2026-12-01\n    note: By hand.\n")


def build_aside(paths: Paths) -> Path:
    """Build the figure files into a folder beside the archive, bypassing `statpub release`."""
    out = paths.figures.parent / "aside"
    build(paths.figures, paths.schemas, out)
    return out


def test_an_edited_past_revisions_entry_fails_validation(work: Paths) -> None:
    revise_centres(work, "115", "A test correction.")
    release(work, DAY)
    log = work.figures / "revisions.csv"
    log.write_text(
        log.read_text(encoding="utf-8").replace("A test correction.", "A better reason.", 1),
        encoding="utf-8",
        newline="",
    )
    # `statpub release` refuses to build on an edited log.
    refused = CliRunner().invoke(
        main,
        ["release", "--figures", str(work.figures), "--schemas", str(work.schemas),
         "--out", str(work.out), "--releases", str(work.releases), "--date", "2026-12-02",
         "--sources", str(work.sources)],
    )  # fmt: skip
    assert refused.exit_code == 1 and "revisions-log-edited" in refused.stderr
    # Bypassing it, validation against the last release catches the edit.
    declare(work, "1.0.2")
    errors = error_types(build_aside(work), previous=str(work.releases / "1.0.1"))
    assert "revisions-log-edited" in errors


def test_a_deleted_past_entry_fails_validation(work: Paths) -> None:
    revise_centres(work, "115", "A test correction.")
    release(work, DAY)
    log = work.figures / "revisions.csv"
    lines = log.read_bytes().split(b"\r\n")
    log.write_bytes(b"\r\n".join(line for line in lines if b",value," not in line))
    declare(work, "1.0.2")
    errors = error_types(build_aside(work), previous="1.0.1")
    assert "revisions-log-deleted" in errors


def test_an_unlogged_revision_fails_validation(work: Paths) -> None:
    revise_centres(work, "115", "Not logged, since release is bypassed.")
    declare(work, "1.0.1")
    pkg = build_aside(work)
    report = validate(pkg, options=Options(previous=str(work.releases / "1.0.0")))
    unlogged = [i for i in report.errors if i.type == "unlogged-revision"]
    assert {i.field for i in unlogged} == {
        "value",
        "lower_bound",
        "upper_bound",
        "value_wording",
        "quote",
    }
    assert all("family-support-centres" in i.message for i in unlogged)
    assert "version-not-bumped" not in {i.type for i in report.errors}  # a patch was enough


def test_a_version_not_bumped_enough_fails_validation(work: Paths) -> None:
    add_centres_period(work, "2025-05", "120")  # new data: needs MINOR
    declare(work, "1.0.1")
    report = validate(build_aside(work), options=Options(previous="1.0.0"))
    bumped = [i for i in report.errors if i.type == "version-not-bumped"]
    assert len(bumped) == 1 and "minor" in bumped[0].message and "1.1.0" in bumped[0].message


def test_the_repository_layout_is_checked_without_options(work: Paths) -> None:
    """datapackage/ beside releases/: CI's `statpub validate datapackage` finds the archive."""
    revise_centres(work, "115", "A test correction.")
    release(work, DAY)
    assert validate(work.out).valid
    # A figure edited and rebuilt without a release: the build previews it, CI stops it.
    re_revise_centres(work, "115", "116")
    build(work.figures, work.schemas, work.out)
    out = CliRunner().invoke(main, ["validate", str(work.out)])
    assert out.exit_code == 1
    assert "release-immutable" in out.stdout


def test_a_package_without_a_log_gets_the_version_check_only(tmp_path: Path) -> None:
    from versioning_helpers import FIXTURES

    old = tmp_path / "old"
    shutil.copytree(FIXTURES / "trade-v1", old)
    new = tmp_path / "new"
    shutil.copytree(FIXTURES / "trade-v2", new)
    assert error_types(new, previous=str(old)) == set()  # 3.1.0 -> 3.2.0 for a MINOR change
    edit(new / "datapackage.json", '"version": "3.2.0"', '"version": "3.1.1"')
    assert error_types(new, previous=str(old)) == {"version-not-bumped"}


def set_version(package: Path, version: str) -> None:
    """Change the built descriptor's version by hand (the figure files take X.Y.Z only)."""
    descriptor = package / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    data["version"] = version
    descriptor.write_text(json.dumps(data, indent=2), encoding="utf-8")


@pytest.mark.parametrize("version", ["1.0.1", "1.0.1-rc.1", "1.0.1+build.7"])
def test_a_pre_release_version_gets_every_history_check(work: Paths, version: str) -> None:
    """1.0.1-rc.1 after 1.0.0 is compared like 1.0.1: an unlogged revision is caught."""
    revise_centres(work, "115", "Not logged, since release is bypassed.")
    pkg = build_aside(work)
    set_version(pkg, version)
    report = validate(pkg, options=Options(previous="1.0.0"))
    assert "history" in report.checks
    unlogged = {i.field for i in report.errors if i.type == "unlogged-revision"}
    assert unlogged == {"value", "lower_bound", "upper_bound", "value_wording", "quote"}


def test_a_pre_release_found_beside_the_archive_is_checked(work: Paths) -> None:
    """Without --previous, a pre-release version is placed among the archived releases."""
    revise_centres(work, "115", "Not logged, since release is bypassed.")
    build(work.figures, work.schemas, work.out)
    set_version(work.out, "1.0.1-rc.1")
    report = validate(work.out)
    assert report.stats["previous"].startswith("1.0.0")
    assert "unlogged-revision" in {i.type for i in report.errors}


def test_a_calendar_version_beside_an_archive_says_history_was_not_checked(work: Paths) -> None:
    build(work.figures, work.schemas, work.out)
    set_version(work.out, "2026.12")
    report = validate(work.out)
    skipped = [i for i in report.warnings if i.type == "history-not-checked"]
    assert len(skipped) == 1 and "'2026.12' is not a semantic version" in skipped[0].message
    assert "history" in report.checks


def test_without_an_archive_the_history_check_is_not_listed(tmp_path: Path) -> None:
    from versioning_helpers import FIXTURES

    shutil.copytree(FIXTURES / "trade-v1", tmp_path / "pkg")
    report = validate(tmp_path / "pkg")
    assert "history" not in report.checks
    assert "history-not-checked" not in {i.type for i in report.issues}
