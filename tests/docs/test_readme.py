"""The README's commands, run as a newcomer would paste them, so the README cannot drift.

Every line of the "Using statpub" block runs, in order, in one shell, in a copy of
the repository (its own git repository with one commit), with a PATH that does not
hold statpub until the block's first line puts it there. Each line must exit as its
comment says: 0, unless the comment says "(exit N ...)". Afterwards nothing may be
left outside the folders git ignores, and those must be only dist/ and _site/.

The other shell lines of the README are not run here, and this test names them:
the set-up commands make the environment this test runs in (scripts/test runs this
test), and publishing needs a CKAN portal and a token (tests/publish/test_ckan_live.py
runs the publisher against the local CKAN stack).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
FENCE = re.compile(r"^```sh\n(.*?)^```[ \t]*$", re.M | re.S)
EXIT = re.compile(r"\(exit (\d)\b[^)]*\)")

NOT_RUN = {
    "scripts/build": "makes the environment this test runs in",
    "scripts/test": "runs this test",
    "pip install .": "installs the tool this test runs (test_publish_your_own_data runs the rest)",
    "statpub publish ckan datapackage --url https://ckan.example.org --org ORG --dry-run": (
        "needs a CKAN portal"
    ),
    "statpub publish ckan datapackage --url https://ckan.example.org --org ORG": (
        "needs a CKAN portal and a token"
    ),
}
# What git ignores that the copy may hold afterwards: the block's outputs, and the
# link to the virtualenv this test makes.
OUTPUTS = {"dist/", "_site/"}


def command(line: str) -> str:
    """The line without its trailing comment."""
    return line.split("  #", 1)[0].strip()


def sh_blocks(section: str | None = None) -> list[list[str]]:
    """The shell blocks of the README (of one ``## section`` when given), as lines."""
    text = README.read_text(encoding="utf-8")
    if section is not None:
        start = text.index(f"\n## {section}\n")
        end = text.find("\n## ", start + 1)
        text = text[start : end if end != -1 else None]
    return [
        [line for line in m.group(1).splitlines() if line.strip()] for m in FENCE.finditer(text)
    ]


def expected_exit(line: str) -> int:
    comment = line.split("  #", 1)[1] if "  #" in line else ""
    found = EXIT.search(comment)
    return int(found.group(1)) if found else 0


def test_every_shell_line_is_run_or_named_as_not_run() -> None:
    using = sh_blocks("Using statpub")[0]
    every = [command(line) for block in sh_blocks() for line in block]
    publish = {command(line) for line in sh_blocks("Publish your own data")[0]} - set(NOT_RUN)
    run = {command(line) for line in using} | publish
    assert sorted(set(every) - run) == sorted(NOT_RUN)
    assert using[0].startswith(". .venv/bin/activate"), "first put statpub on PATH"
    assert all(command(line).startswith("statpub ") for line in using[1:])
    # One command per line: nothing a shell would read as a pipe or a second command.
    for line in every:
        assert not re.search(r"[|;&<>]", command(line)), line


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The repository's files (what git would hold) in a git repository of its own."""
    activate = Path(sys.prefix) / "bin" / "activate"
    if not activate.is_file():
        pytest.skip(f"not run from a virtualenv made by scripts/build ({activate} not found)")
    ignored = shutil.ignore_patterns(
        ".git", ".venv", "__pycache__", "*.egg-info", ".*_cache", ".hypothesis",
        "dist", "_site", "artifacts", ".statpub-tmp-*", "build", ".readers",
    )  # fmt: skip
    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=ignored, symlinks=True)
    (repo / ".venv").symlink_to(Path(sys.prefix))
    git = ["git", "-c", "user.name=readme", "-c", "user.email=readme@example.invalid"]
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run([*git, *args], cwd=repo, env=env, check=True, capture_output=True)
    (repo / ".git" / "info" / "exclude").write_text(".venv\n", encoding="utf-8")
    return repo


def test_using_statpub_block_runs_as_documented(
    copy: Path, tmp_path: Path, release_version: str
) -> None:
    lines = sh_blocks("Using statpub")[0]
    rc_file = tmp_path / "exits"
    script = "".join(f'{line}\necho "$?" >> "$RC_FILE"\n' for line in lines)
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",  # no statpub until the block activates it
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "RC_FILE": str(rc_file),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["bash", "-c", script], cwd=copy, env=env, capture_output=True, text=True, timeout=600
    )
    exits = [int(x) for x in rc_file.read_text().split()]
    got = dict(zip((command(line) for line in lines), exits, strict=True))
    want = {command(line): expected_exit(line) for line in lines}
    pending = "release-immutable" in done.stdout + done.stderr
    hint = "\n(the release is pending: datapackage/ differs from its archived version)" * pending
    assert got == want, done.stderr[-3000:] + hint

    status = subprocess.run(
        ["git", "status", "--porcelain", "--ignored"],
        cwd=copy, env=env, capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    changed = [s for s in status if not s.startswith("!! ")]
    assert changed == [], "the commands changed or left files that git would see"
    assert {s[3:] for s in status} == OUTPUTS
    assert (copy / "_site" / "index.html").is_file()
    made = sorted(p.name for p in (copy / "dist").iterdir())
    bundle = f"kz-child-protection-education-{release_version}.zip"  # the package's version
    assert made == ["dcat.jsonld", bundle, "schemaorg.jsonld", "v1.0.0"]  # checkout 1.0.0


def test_publish_your_own_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The "Publish your own data" steps, line by line, from a folder holding the tables."""
    import shlex

    from click.testing import CliRunner

    from statpub.cli import main

    fixtures = tmp_path / "tests/fixtures/projects"
    shutil.copytree(ROOT / "tests/fixtures/projects", fixtures)
    monkeypatch.chdir(tmp_path)
    ran = []
    outputs: dict[str, str] = {}
    for raw in sh_blocks("Publish your own data")[0]:
        line = command(raw)
        if line in NOT_RUN:
            continue
        args = shlex.split(line)
        if args[0] == "cd":
            monkeypatch.chdir(Path.cwd() / args[1])
            continue
        if args[0] == "cp":  # the user's edit of a table, as the README does it
            shutil.copy(Path.cwd() / args[1], Path.cwd() / args[2])
            continue
        assert args[0] == "statpub", line
        result = CliRunner().invoke(main, args[1:])
        assert result.exit_code == expected_exit(raw), f"{line}\n{result.output}"
        ran.append(args[1])
        outputs[args[1]] = result.stdout
    steps = ["init", "build", "validate", "release", "release", "release", "vintage", "site"]
    assert ran == [*steps, "bundle", "catalog"]
    # The catalogue record: the series has both releases, the newest the package's version.
    series = json.loads(outputs["catalog"])
    assert "1.0.0" in outputs["catalog"] and "1.1.0" in outputs["catalog"]
    assert "DatasetSeries" in json.dumps(series)
    project = Path.cwd()
    assert sorted(p.name for p in (project / "releases").iterdir() if p.is_dir()) == [
        "1.0.0",
        "1.1.0",
    ]
    changelog = (project / "datapackage" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "Reason: 2023 values benchmarked to the census." in changelog
    assert (project / "_site" / "index.html").is_file()
    assert any(p.suffix == ".zip" for p in (project / "dist").iterdir())
