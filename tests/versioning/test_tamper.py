"""The whole release history is tamper-evident, and each refusal names the real cause."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from versioning_helpers import add_centres_period, cli_paths, edit, revise_centres

from statpub.cli import main
from statpub.errors import InvalidInput
from statpub.project.adapters.figures import build
from statpub.release import Paths, release
from statpub.report import Issue
from statpub.validate import validate
from statpub.versioning.vintage import vintages

OBSERVATIONS_1_0_0 = "releases/1.0.0/data/observations.csv"


@pytest.fixture
def history(work: Paths) -> Paths:
    """1.0.0, then 1.0.1 (a revision) and 1.1.0 (a new period), all released."""
    revise_centres(work, "115", "A test correction.")
    release(work, dt.date(2026, 12, 1))
    add_centres_period(work, "2025-05", "120")
    release(work, dt.date(2026, 12, 5))
    assert validate(work.out).valid
    return work


def errors(paths: Paths) -> list[Issue]:
    return validate(paths.out).errors


def tamper(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))


def test_an_edited_older_archive_is_caught_naming_the_file(history: Paths) -> None:
    root = history.figures.parent
    tamper(root / OBSERVATIONS_1_0_0, b",112,", b",113,")
    out = CliRunner().invoke(main, ["validate", str(history.out)])
    assert out.exit_code == 1
    assert f"../{OBSERVATIONS_1_0_0} [sha256]: error [checksum-mismatch]" in out.stdout
    assert [i.type for i in errors(history)] == ["checksum-mismatch"]


def test_a_tampered_latest_archive_names_the_mismatch_not_a_new_release(history: Paths) -> None:
    root = history.figures.parent
    tamper(root / "releases/1.1.0/data/observations.csv", b",120,", b",121,")
    (issue,) = errors(history)
    assert issue.type == "checksum-mismatch"
    assert issue.path == "../releases/1.1.0/data/observations.csv"
    assert "changed after release; restore it from git" in issue.message
    assert "statpub release" not in issue.message


def test_missing_and_extra_files_in_an_older_archive_are_caught(history: Paths) -> None:
    root = history.figures.parent
    (root / "releases/1.0.1/README.md").unlink()
    (root / "releases/1.0.0/notes.txt").write_text("x", encoding="utf-8")
    found = {(i.type, i.path) for i in errors(history)}
    assert found == {
        ("archive-file-missing", "../releases/1.0.1/README.md"),
        ("archive-file-unlisted", "../releases/1.0.0/notes.txt"),
    }


def test_a_deleted_manifest_is_caught(history: Paths) -> None:
    (history.releases / "1.0.0/SHA256SUMS").unlink()
    assert {(i.type, i.path) for i in errors(history)} == {
        ("manifest-missing", "../releases/1.0.0/SHA256SUMS")
    }


def test_a_renamed_archive_is_caught(history: Paths) -> None:
    shutil.copytree(history.releases / "1.0.0", history.releases / "0.9.0")
    (issue,) = errors(history)
    assert (issue.type, issue.path, issue.field) == (
        "archive-version-mismatch",
        "../releases/0.9.0/datapackage.json",
        "version",
    )


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("    date: 2026-11-27\n", "    date: 2026-11-20\n", "date"),
        ("    note: Fixture first release.\n", "    note: A better first release.\n", "note"),
    ],
)
def test_an_edited_past_release_entry_is_caught_naming_the_field(
    history: Paths, old: str, new: str, field: str
) -> None:
    edit(history.figures / "releases.yml", old, new)
    build(history.figures, history.schemas, history.out)  # as CI does before validating
    (issue,) = errors(history)
    assert (issue.type, issue.field, issue.path) == (
        "release-entry-edited",
        field,
        "../figures/releases.yml",
    )
    lines = (history.figures / "releases.yml").read_text(encoding="utf-8").splitlines()
    assert issue.row is not None and lines[issue.row - 1] == new.rstrip("\n")
    assert "release 1.0.0" in issue.message
    # Caught without a rebuild too: the figure files are read, not the built package.
    shutil.rmtree(history.out)
    shutil.copytree(history.releases / "1.1.0", history.out)
    (history.out / "SHA256SUMS").unlink()
    assert [i.type for i in errors(history)] == ["release-entry-edited"]


def test_a_past_entry_removed_from_releases_yml_is_caught(history: Paths) -> None:
    path = history.figures / "releases.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - version: 1.0.1")
    path.write_text(text[:start] + text[text.index("  - version: 1.1.0") :], encoding="utf-8")
    found = [(i.type, i.field) for i in errors(history)]
    assert ("release-entry-missing", "version") in found
    assert all(t.startswith("release-entry") for t, _ in found)


def test_an_edited_log_entry_is_caught_in_the_figure_files(history: Paths) -> None:
    path = history.figures / "revisions.csv"
    tamper(path, b"A test correction.", b"A better reason.")
    found = {(i.type, i.path, i.field) for i in errors(history)}
    assert found == {("revisions-log-edited", "../figures/revisions.csv", "reason")}


def test_an_archive_rewritten_with_its_checksums_is_caught(history: Paths) -> None:
    """Editing 1.0.1's log and its SHA256SUMS to match: the archive's own descriptor still
    declares the old hash, and 1.1.0 recorded the old SHA256SUMS in its chain."""
    from statpub.package.files import manifest_text
    from statpub.versioning.archive import archived_files

    folder = history.releases / "1.0.1"
    tamper(folder / "data/revisions.csv", b"A test correction.", b"A better reason.")
    (folder / "SHA256SUMS").write_text(manifest_text(archived_files(folder)), encoding="utf-8")
    issues = errors(history)
    assert {(i.type, i.path) for i in issues} == {
        ("archive-descriptor-mismatch", "../releases/1.0.1/data/revisions.csv"),
        ("archive-chain-broken", "../releases/1.0.1/SHA256SUMS"),
    }
    assert all("restore" in i.message for i in issues)


def test_an_archive_rewritten_with_its_descriptor_is_caught_by_the_chain(
    history: Paths,
) -> None:
    """Rewriting the file, its descriptor hash and SHA256SUMS consistently: only the chain
    of the later release (1.1.0) still knows the original."""
    import json

    from statpub.package.files import manifest_text, sha256_file
    from statpub.versioning.archive import archived_files

    folder = history.releases / "1.0.1"
    tamper(folder / "data/revisions.csv", b"A test correction.", b"A better reason.")
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        if res["path"] == "data/revisions.csv":
            res["hash"] = "sha256:" + sha256_file(folder / "data/revisions.csv")
            res.pop("bytes", None)
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (folder / "SHA256SUMS").write_text(manifest_text(archived_files(folder)), encoding="utf-8")
    found = {(i.type, i.path) for i in errors(history)}
    assert ("archive-chain-broken", "../releases/1.0.1/SHA256SUMS") in found
    assert not any(t == "release-entry-unarchived" for t, _ in found)


def test_a_tampered_archive_is_reported_once_with_safe_advice(history: Paths) -> None:
    """An archived file edited without its SHA256SUMS: one checksum finding, and its entry
    in releases.yml is not called unarchived (removing it would damage the history)."""
    tamper(history.releases / "1.0.1" / "data/revisions.csv", b"A test correction.", b"X.")
    found = [(i.type, i.path) for i in errors(history)]
    assert found == [("checksum-mismatch", "../releases/1.0.1/data/revisions.csv")]


def test_release_refuses_a_tampered_history(history: Paths) -> None:
    edit(history.figures / "releases.yml", "    date: 2026-12-01\n", "    date: 2026-12-02\n")
    add_centres_period(history, "2025-04", "125")
    before = sorted(p.name for p in history.releases.iterdir())
    refused = CliRunner().invoke(main, ["release", *cli_paths(history), "--date", "2026-12-09"])
    assert refused.exit_code == 1
    assert "release-entry-edited" in refused.stderr and "figures/releases.yml:" in refused.stderr
    assert "nothing was written" in refused.stderr
    assert sorted(p.name for p in history.releases.iterdir()) == before
    with pytest.raises(InvalidInput) as exc:
        release(history, dt.date(2026, 12, 9))
    assert [(i.type, i.field) for i in exc.value.issues] == [("release-entry-edited", "date")]


def test_vintage_refuses_a_tampered_archive(history: Paths) -> None:
    root = history.figures.parent
    tamper(root / OBSERVATIONS_1_0_0, b",112,", b",113,")
    out = CliRunner().invoke(main, ["vintage", "--releases", str(history.releases)])
    assert out.exit_code == 1
    assert f"{OBSERVATIONS_1_0_0} [sha256]: error [checksum-mismatch]" in out.stderr
    assert "nothing was read" in out.stderr and out.stdout == ""
    with pytest.raises(InvalidInput) as exc:
        vintages(history.releases)
    assert [(i.type, i.path) for i in exc.value.issues] == [
        ("checksum-mismatch", OBSERVATIONS_1_0_0)
    ]


def test_checkout_refuses_a_tampered_archive_with_the_same_message(
    history: Paths, tmp_path: Path
) -> None:
    root = history.figures.parent
    tamper(root / OBSERVATIONS_1_0_0, b",112,", b",113,")
    (expected,) = errors(history)
    out = CliRunner().invoke(
        main, ["checkout", "1.0.0", str(tmp_path / "x"), "--releases", str(history.releases)]
    )
    assert out.exit_code == 1 and not (tmp_path / "x").exists()
    assert f"{OBSERVATIONS_1_0_0} [sha256]: error [checksum-mismatch] {expected.message}" in (
        out.stderr
    )
    (history.releases / "1.0.1/SHA256SUMS").unlink()
    gone = CliRunner().invoke(
        main, ["checkout", "1.0.1", str(tmp_path / "y"), "--releases", str(history.releases)]
    )
    assert gone.exit_code == 1 and "manifest-missing" in gone.stderr


def test_every_reader_of_a_forged_archive_refuses_it(history: Paths, tmp_path: Path) -> None:
    """A file and its SHA256SUMS line rewritten together: checkout, vintage and diff name
    the file, as validate does."""
    from statpub.package.files import manifest_text
    from statpub.versioning.archive import archived_files

    folder = history.releases / "1.0.1"
    tamper(folder / "data/observations.csv", b",115,", b",116,")
    (folder / "SHA256SUMS").write_text(manifest_text(archived_files(folder)), encoding="utf-8")
    runs = {
        "checkout": ["checkout", "1.0.1", str(tmp_path / "co"), "--releases",
                     str(history.releases), "--json"],
        "vintage": ["vintage", "--releases", str(history.releases), "--json"],
        "diff": ["diff", str(folder), str(history.out), "--json"],
    }  # fmt: skip
    for name, argv in runs.items():
        out = CliRunner().invoke(main, argv)
        assert out.exit_code == 1, (name, out.stdout)
        assert "releases/1.0.1/data/observations.csv" in out.stdout, (name, out.stdout)
        assert "archive-descriptor-mismatch" in out.stdout, (name, out.stdout)


def test_validating_an_archive_rewritten_whole_is_caught_by_the_chain(history: Paths) -> None:
    """File, descriptor hash and SHA256SUMS of 1.0.1 rewritten together: `statpub validate
    releases/1.0.1` finds the files match, and the chain of 1.1.0 does not."""
    import json

    from statpub.package.files import manifest_text, sha256_file
    from statpub.versioning.archive import archived_files

    folder = history.releases / "1.0.1"
    tamper(folder / "data/observations.csv", b",115,", b",116,")
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        if res["path"] == "data/observations.csv":
            res["hash"] = "sha256:" + sha256_file(folder / "data/observations.csv")
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (folder / "SHA256SUMS").write_text(manifest_text(archived_files(folder)), encoding="utf-8")
    found = [(i.type, i.path) for i in validate(folder).errors]
    assert ("archive-chain-broken", "releases/1.0.1/SHA256SUMS") in found, found
