"""A release killed at any write step is completed or rolled back by the next run.

Each case runs `statpub release` in a subprocess that dies at one named step
(``STATPUB_FAULT``: the process calls ``os._exit`` there, as a kill -9 leaves
it), then reruns, and compares the whole repository, hidden files included,
with an uninterrupted release of the same change: byte-identical archive,
figure files and package folder, and nothing left over, in the repository or
in the temporary folder.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from versioning_helpers import cli_paths, make_work, revise_centres, tree

from statpub.cli import main
from statpub.package.atomic import FAULT_ENV, FAULT_EXIT, FAULT_MODE_ENV, FaultInjected
from statpub.release import Paths, journal, release
from statpub.validate import validate
from statpub.versioning.archive import JOURNAL

DATE = "2026-12-01"
REASON = "Corrected count from the ministry's register."

# Every step of a release where a kill leaves a different state, in order, with what
# the rerun must do: nothing to recover (only leftovers to remove), roll back, complete.
STEPS: list[tuple[str, str | None]] = [
    ("release:built", None),
    ("release:sealed", None),
    (f"write:{JOURNAL}", None),
    ("release:journaled", journal.ROLLED_BACK),
    ("release:archived", journal.COMPLETED),
    ("write:revisions.csv", journal.COMPLETED),
    ("release:revisions.csv", journal.COMPLETED),
    ("write:releases.yml", journal.COMPLETED),
    ("release:releases.yml", journal.COMPLETED),
    ("staged:datapackage", journal.COMPLETED),
    ("swap:datapackage", journal.COMPLETED),
    ("release:published", journal.COMPLETED),
    ("release:cleaned", journal.COMPLETED),
]


def prepared(root: Path) -> Paths:
    paths = make_work(root)
    revise_centres(paths, "115", REASON)
    return paths


def release_args(paths: Paths, *extra: str) -> list[str]:
    return ["release", *cli_paths(paths), "--date", DATE, *extra]


def normalised(output: str, root: Path) -> dict[str, Any]:
    data = json.loads(output.replace(str(root), "<repo>"))
    assert isinstance(data, dict)
    return data


def killed(paths: Paths, step: str, tmpdir: Path, command: list[str] | None = None) -> None:
    """Run statpub in a subprocess that dies at ``step``."""
    env = {**os.environ, FAULT_ENV: step, "TMPDIR": str(tmpdir)}
    env.pop(FAULT_MODE_ENV, None)
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "from statpub.cli import main; main()",
            *(command or release_args(paths)),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == FAULT_EXIT, (step, run.returncode, run.stderr)


@pytest.fixture(scope="module")
def uninterrupted(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[str, str], dict[str, Any]]:
    """The repository after the same release, never interrupted, and its --json output."""
    root = tmp_path_factory.mktemp("reference") / "repo"
    paths = prepared(root)
    out = CliRunner().invoke(main, release_args(paths, "--json"))
    assert out.exit_code == 0, out.output
    result = normalised(out.stdout, root)
    assert result["recovery"] is None
    assert validate(paths.out).valid
    return tree(root), result


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty temporary folder for this process and its children, checked empty after."""
    folder = tmp_path / "tmpdir"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.mark.parametrize(("step", "action"), STEPS, ids=[s for s, _ in STEPS])
def test_a_release_killed_at_each_step_is_finished_by_the_next_release(
    step: str,
    action: str | None,
    tmp_path: Path,
    private_tmp: Path,
    uninterrupted: tuple[dict[str, str], dict[str, Any]],
) -> None:
    root = tmp_path / "repo"
    paths = prepared(root)
    killed(paths, step, private_tmp)
    assert (paths.figures / JOURNAL).is_file() == (action is not None)
    rerun = CliRunner().invoke(main, release_args(paths, "--json"))
    assert rerun.exit_code == 0, rerun.output
    result = normalised(rerun.stdout, root)
    recovery = result.pop("recovery")
    expected_tree, expected_result = uninterrupted
    assert (recovery or {}).get("action") == action
    if recovery is not None:
        assert recovery["version"] == "1.0.1" and recovery["operation"] == "release"
    assert result == {k: v for k, v in expected_result.items() if k != "recovery"}
    assert tree(root) == expected_tree  # byte for byte, and no leftover anywhere
    assert list(private_tmp.iterdir()) == []


@pytest.mark.parametrize(
    ("step", "action"),
    [("release:journaled", journal.ROLLED_BACK), ("release:releases.yml", journal.COMPLETED)],
)
def test_statpub_build_also_finishes_an_interrupted_release(
    step: str,
    action: str,
    tmp_path: Path,
    private_tmp: Path,
    uninterrupted: tuple[dict[str, str], dict[str, Any]],
) -> None:
    root = tmp_path / "repo"
    paths = prepared(root)
    before = tree(root)
    killed(paths, step, private_tmp)
    build_args = [
        "build",
        "--figures",
        str(paths.figures),
        "--schemas",
        str(paths.schemas),
        "--out",
        str(paths.out),
    ]
    text = CliRunner().invoke(main, build_args)
    # Rolled back, the edit is unreleased: the build says so as validate does (exit 1).
    assert text.exit_code == (0 if action == journal.COMPLETED else 1), text.output
    if action != journal.COMPLETED:
        assert "error [release-immutable]" in text.output
    verb = "completed" if action == journal.COMPLETED else "rolled back"
    assert f"{verb} the interrupted release of 1.0.1" in text.stdout
    expected_tree, _ = uninterrupted
    if action == journal.COMPLETED:
        assert tree(root) == expected_tree
    else:
        # Nothing of the release remains; the build previews the unreleased edit.
        now = tree(root)
        assert {k: v for k, v in now.items() if not k.startswith("datapackage")} == {
            k: v for k, v in before.items() if not k.startswith("datapackage")
        }
        again = CliRunner().invoke(main, release_args(paths))
        assert again.exit_code == 0, again.output
        assert "interrupted" not in again.stdout
        assert tree(root) == expected_tree
    assert list(private_tmp.iterdir()) == []


def test_the_rerun_says_in_text_what_it_did(tmp_path: Path, private_tmp: Path) -> None:
    paths = prepared(tmp_path / "repo")
    killed(paths, "release:archived", private_tmp)
    out = CliRunner().invoke(main, release_args(paths))
    assert out.exit_code == 0, out.output
    first, second = out.stdout.splitlines()[:2]
    assert first.startswith("completed the interrupted release of 1.0.1: its archive was in place")
    assert second.startswith("released 1.0.1 (patch")


@pytest.mark.parametrize("step", ["release:journaled", "release:archived", "swap:datapackage"])
def test_a_release_failing_with_an_error_at_a_step_is_finished_too(
    step: str,
    tmp_path: Path,
    private_tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    uninterrupted: tuple[dict[str, str], dict[str, Any]],
) -> None:
    """Not killed but raising (a full disk, say): the cleanup on the way out is not enough
    to undo the release, the journal is; the next run finishes it."""
    root = tmp_path / "repo"
    paths = prepared(root)
    monkeypatch.setenv(FAULT_ENV, step)
    monkeypatch.setenv(FAULT_MODE_ENV, "raise")
    with pytest.raises(FaultInjected):
        release(paths, dt.date(2026, 12, 1))
    monkeypatch.delenv(FAULT_ENV)
    rerun = CliRunner().invoke(main, release_args(paths))
    assert rerun.exit_code == 0, rerun.output
    assert tree(root) == uninterrupted[0]
    assert list(private_tmp.iterdir()) == []


def test_a_file_edited_since_the_interruption_stops_recovery(
    tmp_path: Path, private_tmp: Path
) -> None:
    paths = prepared(tmp_path / "repo")
    killed(paths, "release:archived", private_tmp)
    with (paths.figures / "releases.yml").open("a", encoding="utf-8") as fh:
        fh.write("  - version: 1.0.1\n    date: 2026-12-01\n    note: By hand.\n")
    before = tree(tmp_path / "repo")
    out = CliRunner().invoke(main, release_args(paths))
    assert out.exit_code == 2
    assert "release-journal-conflict" in out.stderr and "releases.yml changed" in out.stderr
    assert tree(tmp_path / "repo") == before  # nothing touched


def test_an_unreadable_journal_is_named(tmp_path: Path) -> None:
    paths = prepared(tmp_path / "repo")
    (paths.figures / JOURNAL).write_text("{not json", encoding="utf-8")
    out = CliRunner().invoke(main, release_args(paths))
    assert out.exit_code == 2 and "release-journal-invalid" in out.stderr
    assert JOURNAL in out.stderr and "delete it" in out.stderr


def test_a_dry_run_and_validate_say_a_release_is_pending(tmp_path: Path, private_tmp: Path) -> None:
    paths = prepared(tmp_path / "repo")
    killed(paths, "release:releases.yml", private_tmp)
    before = tree(tmp_path / "repo")
    dry = CliRunner().invoke(main, release_args(paths, "--dry-run"))
    assert dry.exit_code == 2 and "release-interrupted" in dry.stderr
    assert [i.type for i in validate(paths.out).errors] == ["release-interrupted"]
    assert tree(tmp_path / "repo") == before


def test_one_writer_at_a_time(tmp_path: Path) -> None:
    paths = prepared(tmp_path / "repo")
    with journal.exclusive(paths.figures):
        busy = CliRunner().invoke(main, release_args(paths))
    assert busy.exit_code == 2 and "release-busy" in busy.stderr
    assert CliRunner().invoke(main, release_args(paths)).exit_code == 0


def test_an_interrupted_archive_only_is_completed(tmp_path: Path, private_tmp: Path) -> None:
    import shutil

    root = tmp_path / "repo"
    paths = prepared(root)
    reference = tree(root)
    shutil.rmtree(paths.releases)
    shutil.rmtree(paths.out)
    edit_back = paths.figures / "sources/fixyanet-2025-06.yml"
    text = edit_back.read_text(encoding="utf-8")
    edit_back.write_text(
        text.replace(f"    value: 115\n    reason: {REASON}\n", "    value: 112\n")
        .replace('wording: "115"', 'wording: "112"')
        .replace("quote: 115 family support centers", "quote: 112 family support centers")
    )
    killed(paths, "release:archived", private_tmp, [*release_args(paths)[:-2], "--archive-only"])
    out = CliRunner().invoke(main, ["release", *cli_paths(paths), "--archive-only", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout) == {"version": "1.0.0", "archived": True}
    edit_back.write_text(text)
    assert tree(root) == reference


def test_nothing_to_release_suggests_a_build_when_the_package_is_behind(work: Paths) -> None:
    import shutil

    old = work.figures.parent / "old-package"
    shutil.copytree(work.out, old)
    revise_centres(work, "115", REASON)
    release(work, dt.date(2026, 12, 1))
    shutil.rmtree(work.out)
    shutil.copytree(old, work.out)
    out = CliRunner().invoke(main, release_args(work))
    assert out.exit_code == 2 and "nothing-to-release" in out.stderr
    assert "holds 1.0.0: run `statpub build` to publish 1.0.1" in out.stderr


@pytest.mark.parametrize(
    "path",
    [
        f"figures/{JOURNAL}",
        "figures/.statpub-tmp-releases.yml.abc123",
        "releases/.statpub-tmp-release.abc123/package/datapackage.json",
        ".statpub-tmp-datapackage.new-abc123/datapackage.json",
        "some/where/deep/.statpub-tmp-x.old-abc123",
    ],
)
def test_git_ignores_the_journal_and_every_temporary_file(path: str) -> None:
    from versioning_helpers import ROOT

    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", path], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0, f"{path} is not ignored by .gitignore"
