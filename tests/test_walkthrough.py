"""The maintainer's walkthrough, done in a scratch copy: a data release keeps the tests green.

docs/maintainer.md: capture a source text into the folder of texts, take its
sha256, write the source file with a figure, build, release, refresh the golden
files of the dataset's outputs (``STATPUB_GOLDEN=update``). Then the tests about
this dataset, run in that copy, pass: they derive what they expect from its files.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from statpub.cli import main

ROOT = Path(__file__).resolve().parents[1]

# The tests that read this repository's figures, package, archive or pages.
DATASET_TESTS = [
    "tests/test_build.py",
    "tests/test_figures.py",
    "tests/test_validate.py",
    "tests/test_compat.py",
    "tests/test_plausible.py",
    "tests/test_wording.py",
    "tests/test_changelog_wording.py",
    "tests/test_one_verdict.py",
    "tests/golden",
    "tests/site/test_site_page.py",
    "tests/docs/test_consumers.py",
    "tests/docs/test_data_dictionary.py",
    "tests/publish/test_bundle.py",
    "tests/publish/test_ckan_plan.py",
    "tests/versioning/test_checkout.py",
    "tests/versioning/test_october_update.py",
    "tests/versioning/test_release_quotes.py",
]

STAND_IN = "Stand-in report\nThe country now has 140 family support centres.\n"
SOURCE = """\
source:
  id: standin-2026-01
  title: Stand-in report
  publisher: Stand-in publisher
  published: 2026-01
  language: en
  sha256: {sha}
  description: A stand-in text, made up for this test of the maintainer's walkthrough.
figures:
  - indicator: family-support-centres
    ref_area: KZ
    period: 2026-01
    period_type: stock
    period_reading: Read as the count at publication (January 2026).
    value: 140
    qualifier: exact
    obs_status: A
    wording: "140"
    quote: 140 family support centres
    paragraph: 2
"""


def _texts() -> Path:
    from services import SOURCES, require_service, sources_location

    texts = sources_location()
    why = f"no folder {texts} (set STATPUB_SOURCES to the captured source texts)"
    require_service("source texts", texts.is_dir(), why, required_by=SOURCES)
    return texts


def test_a_release_of_a_new_figure_keeps_the_dataset_tests_green(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ignored = shutil.ignore_patterns(
        ".git", ".venv", "__pycache__", "*.egg-info", ".*_cache", ".hypothesis",
        "dist", "_site", "artifacts", ".statpub-tmp-*", "build", ".readers",
    )  # fmt: skip
    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=ignored)
    # 1. The captured text goes into the folder of texts, beside the real ones.
    texts = tmp_path / "texts"
    shutil.copytree(_texts(), texts)
    (texts / "standin-2026-01.txt").write_text(STAND_IN, encoding="utf-8")
    sha = hashlib.sha256(STAND_IN.encode("utf-8")).hexdigest()
    # 2-4. The source file with its figure.
    (repo / "figures/sources/standin-2026-01.yml").write_text(
        SOURCE.format(sha=sha), encoding="utf-8"
    )
    monkeypatch.chdir(repo)
    monkeypatch.setenv("STATPUB_SOURCES", str(texts))
    # 5. Build: the new figure is checked, and not released yet (as validate says).
    built = CliRunner().invoke(main, ["build"])
    assert built.exit_code == 1 and "error [release-immutable]" in built.output, built.output
    # Release, then build and validate: valid.
    import yaml

    last = yaml.safe_load((repo / "figures/releases.yml").read_text(encoding="utf-8"))
    date = str(last["releases"][-1]["date"])
    released = CliRunner().invoke(
        main, ["release", "--date", date, "--note", "Adds the stand-in figure."]
    )
    assert released.exit_code == 0, released.output
    for argv in (["build"], ["validate", "datapackage"]):
        out = CliRunner().invoke(main, argv)
        assert out.exit_code == 0, (argv, out.output)
    # After a release: refresh the golden files of the dataset's outputs, then the tests.
    env = {**os.environ, "PYTHONPATH": str(repo / "src"), "STATPUB_SOURCES": str(texts)}
    pytest_cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    refresh = subprocess.run(
        [*pytest_cmd, "tests/golden"],
        cwd=repo,
        env={**env, "STATPUB_GOLDEN": "update"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert refresh.returncode == 0, refresh.stdout[-3000:]
    run = subprocess.run(
        [*pytest_cmd, *DATASET_TESTS],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, run.stdout[-5000:]
    assert " passed" in run.stdout and " failed" not in run.stdout, run.stdout[-2000:]
