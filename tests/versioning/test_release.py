"""`statpub release`: the bump the recipe needs, reasons required, nothing written on refusal."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from versioning_helpers import (
    SOURCE_FILE,
    add_centres_period,
    cli_paths,
    edit,
    re_revise_centres,
    revise_centres,
    snapshot,
    write_source_texts,
)

from statpub.cli import main
from statpub.errors import InvalidInput, StatpubError
from statpub.release import Paths, release
from statpub.validate import validate

DAY = dt.date(2026, 12, 1)


def log(paths: Paths) -> list[dict[str, str]]:
    with (paths.figures / "revisions.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def published_version(paths: Paths) -> str:
    return json.loads((paths.out / "datapackage.json").read_text(encoding="utf-8"))["version"]


def test_corrected_figure_gives_a_patch_release_with_the_revision_logged(work: Paths) -> None:
    revise_centres(work, "115", "Corrected count from the ministry's register.")
    result = release(work, DAY)
    assert (result.previous_version, result.version, result.level) == ("1.0.0", "1.0.1", "patch")
    assert [(c.kind, c.key[0]) for c in result.changes] == [("revision", "family-support-centres")]
    rows = {r["field"]: r for r in log(work)}
    assert set(rows) == {"value", "lower_bound", "upper_bound", "value_wording", "quote"}
    value = rows["value"]
    assert (value["old_value"], value["new_value"], value["change_kind"]) == (
        "112",
        "115",
        "revision",
    )
    assert value["reason"] == "Corrected count from the ministry's register."
    assert (value["version"], value["release_date"]) == ("1.0.1", "2026-12-01")
    assert value["source_id"] == "fixyanet-2025-06" and value["previous_source_id"] == ""
    # The published log is the maintainer's, byte for byte.
    assert (work.out / "data/revisions.csv").read_bytes() == (
        work.figures / "revisions.csv"
    ).read_bytes()
    assert published_version(work) == "1.0.1"
    changelog = (work.out / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## 1.0.1 (2026-12-01)") < changelog.index("## 1.0.0")
    assert "value 112 → 115" in changelog
    assert "Reason: Corrected count from the ministry's register." in changelog
    archived = snapshot(work.releases / "1.0.1").keys() - {"SHA256SUMS", "EARLIER-SHA256SUMS"}
    assert archived == snapshot(work.out).keys()
    # The hash chain: 1.0.1 records the SHA256SUMS of 1.0.0, and lists the record itself.
    chain = (work.releases / "1.0.1" / "EARLIER-SHA256SUMS").read_text(encoding="utf-8")
    assert chain == f"{snapshot(work.releases / '1.0.0')['SHA256SUMS']}  1.0.0/SHA256SUMS\n"
    assert "EARLIER-SHA256SUMS" in (work.releases / "1.0.1" / "SHA256SUMS").read_text()
    report = validate(work.out)
    assert report.valid, report.to_dict()
    assert "history" in report.checks and "1.0.1" in report.stats["previous"]


def test_figure_for_another_period_gives_a_minor_release(work: Paths) -> None:
    add_centres_period(work, "2025-05", "120")
    result = release(work, DAY)
    assert (result.version, result.level) == ("1.1.0", "minor")
    assert result.forced_by is not None and result.forced_by.type == "rows-added"
    (row,) = log(work)
    assert (row["change_kind"], row["field"], row["time_period"]) == ("update", "*", "2025-05")
    assert row["new_value"] == "120" and row["old_value"] == ""
    assert "### New figures" in (work.out / "CHANGELOG.md").read_text(encoding="utf-8")


def test_renamed_field_gives_a_major_release_and_a_patch_bump_is_refused(work: Paths) -> None:
    # Every source's `accessed` is empty, so renaming it changes the schema only.
    edit(work.schemas / "sources.json", '"name": "accessed"', '"name": "accessed_on"')
    before = snapshot(work.figures.parent)
    runner = CliRunner()
    refused = runner.invoke(
        main, ["release", *cli_paths(work), "--date", "2026-12-01", "--bump", "patch"]
    )
    assert refused.exit_code == 1, refused.output
    assert "bump-too-small" in refused.stderr and "field-renamed" in refused.stderr
    assert "'accessed' was renamed to 'accessed_on'" in refused.stderr
    assert snapshot(work.figures.parent) == before
    done = runner.invoke(main, ["release", *cli_paths(work), "--date", "2026-12-01"])
    assert done.exit_code == 0, done.output
    assert published_version(work) == "2.0.0"
    assert "major" in done.stdout and "field-renamed" in done.stdout


def test_figure_edited_without_a_reason_is_refused_and_nothing_is_written(work: Paths) -> None:
    revise_centres(work, "115", None)
    before = snapshot(work.figures.parent)
    result = CliRunner().invoke(main, ["release", *cli_paths(work), "--date", "2026-12-01"])
    assert result.exit_code == 1
    assert "revision-without-reason" in result.stderr
    assert f"figures/{SOURCE_FILE}:" in result.stderr  # the file and line to fix
    assert "family-support-centres" in result.stderr
    assert "nothing was written" in result.stderr
    assert snapshot(work.figures.parent) == before
    assert not any(p.name.startswith(".") for p in work.figures.parent.rglob("*") if p.is_dir())


def test_one_reason_for_the_whole_release_explains_figures_without_their_own(
    work: Paths,
) -> None:
    revise_centres(work, "115", None)
    args = ["release", *cli_paths(work), "--date", "2026-12-01"]
    done = CliRunner().invoke(main, [*args, "--reason", "Counts checked against the register"])
    assert done.exit_code == 0, done.output
    rows = log(work)
    assert rows and {(r["change_kind"], r["reason"]) for r in rows} == {
        ("revision", "Counts checked against the register")
    }
    changelog = (work.out / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "Reason: Counts checked against the register." in changelog


def test_a_figure_reason_of_its_own_wins_over_the_release_reason(work: Paths) -> None:
    revise_centres(work, "115", "Corrected count from the ministry's register.")
    release(work, DAY, reason="Counts checked against the register")
    rows = log(work)
    assert rows and {r["reason"] for r in rows} == {"Corrected count from the ministry's register."}


def test_removed_figure_needs_a_reason_in_removals_yml(work: Paths) -> None:
    path = work.figures / SOURCE_FILE
    text = path.read_text(encoding="utf-8")
    start = text.index("  - indicator: family-support-centres")
    end = text.index("  - indicator: children-population")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(InvalidInput) as exc:
        release(work, DAY)
    assert [i.type for i in exc.value.issues] == ["removal-without-reason"]
    assert "removals.yml" in exc.value.issues[0].message
    (work.figures / "removals.yml").write_text(
        "removals:\n  - indicator: family-support-centres\n    ref_area: KZ\n"
        '    period: "2025-06"\n    reason: Withdrawn in a test.\n',
        encoding="utf-8",
    )
    result = release(work, DAY)
    assert (result.version, result.level) == ("1.1.0", "minor")
    (row,) = log(work)
    assert (row["change_kind"], row["field"], row["old_value"]) == ("removal", "*", "112")
    assert (
        row["reason"] == "Withdrawn in a test." and row["previous_source_id"] == "fixyanet-2025-06"
    )


def test_a_reason_already_logged_does_not_explain_a_new_change(work: Paths) -> None:
    revise_centres(work, "115", "First correction.")
    release(work, DAY)
    re_revise_centres(work, "115", "116")
    with pytest.raises(InvalidInput) as exc:
        release(work, DAY)
    assert [i.type for i in exc.value.issues] == ["reason-reused"]
    edit(work.figures / SOURCE_FILE, "reason: First correction.", "reason: Second correction.")
    assert release(work, DAY).version == "1.0.2"


def test_newer_source_with_a_different_value_is_a_revision_naming_both_sources(work: Paths) -> None:
    old = work.figures / SOURCE_FILE
    text = old.read_text(encoding="utf-8")
    start = text.index("  - indicator: family-support-centres")
    end = text.index("  - indicator: children-population")
    entry = text[start:end].replace("value: 112", "value: 118\n    reason: The ministry's report.")
    entry = entry.replace('wording: "112"', 'wording: "118"')
    entry = entry.replace("quote: 112 family", "quote: 118 family")
    old.write_text(text[:start] + text[end:], encoding="utf-8")
    (work.figures / "sources/ministry-2025-09.yml").write_text(
        "source:\n  id: ministry-2025-09\n  title: Test report\n  publisher: Test ministry\n"
        "  published: 2025-09\n  language: en\n  description: A test source.\n"
        "figures:\n" + entry,
        encoding="utf-8",
    )
    write_source_texts(work.figures, work.sources)
    result = release(work, DAY)
    assert [c.kind for c in result.changes] == ["revision"]
    rows = {r["field"]: r for r in log(work)}
    assert rows["value"]["source_id"] == "ministry-2025-09"
    assert rows["value"]["previous_source_id"] == "fixyanet-2025-06"
    assert rows["source_id"]["old_value"] == "fixyanet-2025-06"
    # The new source is a row added to the sources table: added data, so MINOR.
    assert result.level == "minor" and result.forced_by is not None
    assert result.forced_by.resource == "sources"
    assert "fixyanet-2025-06 → ministry-2025-09" in (work.out / "CHANGELOG.md").read_text("utf-8")


def test_metadata_only_change_is_kept_apart(work: Paths) -> None:
    edit(
        work.figures / SOURCE_FILE,
        '    wording: "112"\n',
        '    wording: "112"\n    note: A test note.\n    reason: Clarified in a test.\n',
    )
    result = release(work, DAY)
    assert [(c.kind, c.fields) for c in result.changes] == [("metadata", ["note"])]
    assert result.level == "patch"
    assert "### Metadata changes" in (work.out / "CHANGELOG.md").read_text(encoding="utf-8")


def test_nothing_to_release(work: Paths) -> None:
    with pytest.raises(StatpubError) as exc:
        release(work, DAY)
    assert exc.value.code == "nothing-to-release"


def test_larger_bump_is_allowed_and_date_cannot_go_back(work: Paths) -> None:
    revise_centres(work, "115", "A test.")
    with pytest.raises(InvalidInput) as exc:
        release(work, dt.date(2026, 1, 1))
    assert [i.type for i in exc.value.issues] == ["release-date-before-previous"]
    assert release(work, DAY, bump="minor").version == "1.1.0"


def test_dry_run_writes_nothing_and_json_is_the_result(work: Paths) -> None:
    revise_centres(work, "115", "A test.")
    before = snapshot(work.figures.parent)
    expected = release(work, DAY, dry_run=True).to_dict()
    out = CliRunner().invoke(
        main, ["release", *cli_paths(work), "--date", "2026-12-01", "--dry-run", "--json"]
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == expected
    assert expected["dry_run"] is True and expected["written"] == []
    assert snapshot(work.figures.parent) == before


def test_release_date_defaults_to_today(work: Paths) -> None:
    revise_centres(work, "115", "A test.")
    out = CliRunner().invoke(main, ["release", *cli_paths(work), "--dry-run", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["date"] == dt.date.today().isoformat()


def test_archive_only_refuses_a_changed_released_version(work: Paths) -> None:
    revise_centres(work, "115", "A test.")
    out = CliRunner().invoke(main, ["release", *cli_paths(work), "--archive-only"])
    assert out.exit_code == 1
    assert "release-immutable" in out.stderr


def test_release_needs_the_last_release_archived(tmp_path: Path, work: Paths) -> None:
    paths = Paths(work.figures, work.schemas, work.out, tmp_path / "empty-archive", work.sources)
    with pytest.raises(StatpubError) as exc:
        release(paths, DAY)
    assert exc.value.code == "previous-release-not-archived"


def test_build_after_a_release_gives_the_released_bytes(work: Paths, tmp_path: Path) -> None:
    """`statpub build` reads the appended releases.yml and revisions.csv back unchanged."""
    from statpub.project.adapters.figures import build

    revise_centres(work, "115", "A test correction.")
    release(work, DAY)
    build(work.figures, work.schemas, tmp_path / "rebuilt")
    assert snapshot(tmp_path / "rebuilt") == snapshot(work.out)
    assert snapshot(work.out).items() <= snapshot(work.releases / "1.0.1").items()


def test_figure_files_behind_the_archive_are_refused(work: Paths) -> None:
    """A stale figures/ (the archive already holds a newer version) must not release over it."""
    import shutil

    revise_centres(work, "115", "Corrected count from the ministry's register.")
    release(work, DAY)
    # Roll releases.yml and the log back to 1.0.0, as a stale checkout would.
    text = (work.figures / "releases.yml").read_text(encoding="utf-8")
    (work.figures / "releases.yml").write_text(
        text[: text.index("  - version: 1.0.1")], encoding="utf-8"
    )
    shutil.copy(work.releases / "1.0.0" / "data/revisions.csv", work.figures / "revisions.csv")
    before = snapshot(work.releases)
    with pytest.raises(StatpubError) as exc:
        release(work, DAY)
    assert exc.value.code == "archive-ahead"
    assert "1.0.1" in exc.value.message
    assert snapshot(work.releases) == before
