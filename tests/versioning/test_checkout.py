"""Released versions are immutable and come back byte for byte, proven by their checksums."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from versioning_helpers import ROOT, revise_centres, snapshot

from statpub.cli import main
from statpub.errors import InvalidInput
from statpub.release import Paths, release
from statpub.versioning import archive


def test_an_older_version_is_recovered_byte_identical(work: Paths, tmp_path: Path) -> None:
    published_1_0_0 = snapshot(work.out)
    revise_centres(work, "115", "A test correction.")
    release(work, dt.date(2026, 12, 1))
    published_1_0_1 = snapshot(work.out)
    assert published_1_0_1 != published_1_0_0
    runner = CliRunner()
    out = runner.invoke(
        main, ["checkout", "1.0.0", str(tmp_path / "old"), "--releases", str(work.releases)]
    )
    assert out.exit_code == 0, out.output
    assert snapshot(tmp_path / "old") == published_1_0_0
    again = archive.checkout(work.releases, "1.0.1", tmp_path / "new")
    assert snapshot(tmp_path / "new") == published_1_0_1 == again.files


def test_manifest_is_sha256sum_format(work: Paths) -> None:
    folder = work.releases / "1.0.0"
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, rel = line.split("  ", 1)
        assert hashlib.sha256((folder / rel).read_bytes()).hexdigest() == digest
    # Git must store the archived bytes as they are (the CSV files end lines with CRLF).
    assert (work.releases / ".gitattributes").read_text(encoding="utf-8") == "* -text\n"


def test_a_tampered_archive_is_refused_and_nothing_is_written(work: Paths, tmp_path: Path) -> None:
    target = work.releases / "1.0.0/data/observations.csv"
    target.write_bytes(target.read_bytes().replace(b"112", b"113"))
    out = CliRunner().invoke(
        main, ["checkout", "1.0.0", str(tmp_path / "x"), "--releases", str(work.releases)]
    )
    assert out.exit_code == 1
    assert "checksum-mismatch" in out.stderr and "data/observations.csv" in out.stderr
    assert not (tmp_path / "x").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".x")] == []


def test_extra_or_missing_files_are_refused(work: Paths, tmp_path: Path) -> None:
    (work.releases / "1.0.0/extra.txt").write_text("x", encoding="utf-8")
    (work.releases / "1.0.0/README.md").unlink()
    with pytest.raises(InvalidInput) as exc:
        archive.checkout(work.releases, "1.0.0", tmp_path / "x")
    assert {i.type for i in exc.value.issues} == {"archive-file-unlisted", "archive-file-missing"}


def test_unknown_version_and_occupied_folder_cannot_run(work: Paths, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["--releases", str(work.releases)]
    unknown = runner.invoke(main, ["checkout", "9.9.9", str(tmp_path / "x"), *args])
    assert unknown.exit_code == 2 and "version-not-found" in unknown.stderr
    assert "1.0.0" in unknown.stderr  # says which versions there are
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine", encoding="utf-8")
    refused = runner.invoke(main, ["checkout", "1.0.0", str(busy), *args])
    assert refused.exit_code == 2 and (busy / "keep.txt").exists()
    forced = runner.invoke(main, ["checkout", "1.0.0", str(busy), *args, "--force", "--json"])
    assert forced.exit_code == 0
    result = json.loads(forced.stdout)
    assert result == archive.checkout(work.releases, "1.0.0", tmp_path / "y").to_dict() | {
        "out_dir": str(busy)
    }
    assert not (busy / "keep.txt").exists()


def test_a_released_version_is_never_archived_again(work: Paths) -> None:
    with pytest.raises(InvalidInput) as exc:
        archive.archive(work.out, work.releases, "1.0.0")
    assert [i.type for i in exc.value.issues] == ["version-exists"]


def test_the_repository_archive_holds_the_published_history(tmp_path: Path) -> None:
    """releases/ in the repository: every version proven, the last one what the figures give."""
    from statpub.release import archive_current

    versions = archive.archived_versions(ROOT / "releases")
    assert versions, "releases/ is missing: run `statpub release --archive-only`"
    for version in versions:
        assert archive.verify(ROOT / "releases" / version) == [], version
    # The figure files still give the last released version: nothing changed unreleased.
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "figures", copy / "figures")
    shutil.copytree(ROOT / "schemas", copy / "schemas")
    shutil.copytree(ROOT / "releases", copy / "releases")
    paths = Paths(copy / "figures", copy / "schemas", copy / "datapackage", copy / "releases")
    assert archive_current(paths) == (versions[-1], False)
