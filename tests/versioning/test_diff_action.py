"""The GitHub Action's comparison step runs the command it says, and its summary is the diff's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml
from realstyle import population_pair

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _step(name: str) -> dict[str, str]:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    (step,) = [s for s in action["runs"]["steps"] if s.get("name") == name]
    assert step["shell"] == "bash"
    return step  # type: ignore[no-any-return]


def _run(tmp: Path, base: str, path: str, keys: str = "") -> subprocess.CompletedProcess[str]:
    step = _step("Compare with the base version")
    assert "--format markdown" in step["run"]
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(
        STATPUB_BASE=base,
        STATPUB_PATH=path,
        STATPUB_DIFF_KEYS=keys,
        STATPUB_DIFF_ARGS="",
        STATPUB_SUMMARY=str(tmp / "summary.md"),
        GITHUB_STEP_SUMMARY=str(tmp / "step-summary.md"),
    )
    return subprocess.run(
        ["bash", "-eo", "pipefail", "-c", step["run"]],
        env=env,
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_summary_goes_to_the_job_summary_and_differences_do_not_fail(tmp_path: Path) -> None:
    population_pair(tmp_path, 7)
    result = _run(tmp_path, "old", "new", keys="population=Country Code,Year\n")
    assert result.returncode == 0, result.stderr
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("### statpub diff: MINOR change")
    assert "| population | minor | Country Code, Year |" in summary  # the key given, not inferred
    assert (tmp_path / "step-summary.md").read_text(encoding="utf-8") == summary
    comment = _step("Comment on the pull request")
    assert "gh pr comment" in comment["run"] and "diff-comment == 'true'" in comment["if"]


def test_a_comparison_that_cannot_run_is_a_warning(tmp_path: Path) -> None:
    population_pair(tmp_path, 8)
    result = _run(tmp_path, "nowhere", "new")
    assert result.returncode == 0
    assert result.stdout.startswith("::warning title=statpub diff::")
    assert not (tmp_path / "summary.md").exists()
