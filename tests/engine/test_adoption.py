"""The GitHub Action and the pre-commit hook run the command they say, and it works."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _package(folder: Path, rows: list[str]) -> Path:
    folder.mkdir()
    (folder / "data.csv").write_text("\r\n".join(["id,value", *rows]) + "\r\n", encoding="utf-8")
    schema = {
        "fields": [
            {"name": "id", "type": "integer"},
            {"name": "value", "type": "number", "constraints": {"minimum": 0}},
        ],
        "primaryKey": ["id"],
    }
    descriptor = {
        "name": "tiny",
        "version": "1.0.0",
        "resources": [{"name": "data", "path": "data.csv", "schema": schema}],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return _package(tmp_path / "good", ["1,0.5", "2,3"])


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    return _package(tmp_path / "bad", ["1,0.5", "1,-3", "x,2"])


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def _action_command() -> str:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    steps = action["runs"]["steps"]
    (step,) = [s for s in steps if "statpub validate" in s.get("run", "")]
    assert step["shell"] == "bash"
    assert "--format github" in step["run"]
    return str(step["run"])


def _run_action(package: Path, strict: str = "false") -> subprocess.CompletedProcess[str]:
    """Run the action's command as GitHub does: from the checkout, with a relative path."""
    return subprocess.run(
        ["bash", "-c", _action_command()],
        env=_env(STATPUB_PATH=package.name, STATPUB_ARGS="", STATPUB_STRICT=strict),
        cwd=package.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_action_passes_a_valid_package(good: Path) -> None:
    result = _run_action(good)
    assert result.returncode == 0, result.stderr
    assert "::error" not in result.stdout


def test_action_annotates_errors_and_fails(bad: Path) -> None:
    result = _run_action(bad)
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    titles = sorted(line.split("title=")[1].split("::")[0] for line in errors)
    # Row 4: "x" is not an integer, so its key is empty too.
    assert titles == ["constraint-error", "primary-key", "primary-key", "type-error"]
    assert any(f"file={bad.name}/data.csv,line=3," in line for line in errors)


def test_action_strict_fails_on_a_resource_not_checked(good: Path) -> None:
    descriptor = json.loads((good / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"].append(
        {"name": "sheet", "type": "table", "path": "https://example.org/data.xlsx"}
    )
    (good / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    relaxed = _run_action(good)
    assert relaxed.returncode == 0, relaxed.stderr
    assert "::warning " in relaxed.stdout and "title=resource-not-checked" in relaxed.stdout
    strict = _run_action(good, strict="true")
    assert strict.returncode == 1, strict.stderr
    assert "--strict" in strict.stderr


def test_action_cannot_run_on_a_missing_path(tmp_path: Path) -> None:
    assert _run_action(tmp_path / "nowhere").returncode == 2


def _hook_command(package: Path) -> list[str]:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    return [*shlex.split(hook["entry"]), *hook.get("args", [])[:-1], str(package)]


def test_pre_commit_hook(good: Path, bad: Path) -> None:
    ok = subprocess.run(
        _hook_command(good), env=_env(), capture_output=True, text=True, timeout=300
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    failing = subprocess.run(
        _hook_command(bad), env=_env(), capture_output=True, text=True, timeout=300
    )
    assert failing.returncode == 1
    assert "[primary-key]" in failing.stdout
