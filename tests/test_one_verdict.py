"""`statpub build` and `statpub validate` agree on whether the package is releasable."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from statpub.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A scratch copy of the repository's figures, schemas, archive and package."""
    for name in ("figures", "schemas", "releases", "datapackage"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def verdicts(repo: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, int, str]:
    monkeypatch.chdir(repo)
    monkeypatch.setenv("STATPUB_SOURCES", str(repo / "no-texts"))  # the quotes: not the point
    built = CliRunner().invoke(main, ["build"])
    checked = CliRunner().invoke(main, ["validate", "datapackage"])
    return built.exit_code, built.output, checked.exit_code, checked.output


def test_the_released_package_is_valid_for_both(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    b_code, b_out, v_code, v_out = verdicts(repo, monkeypatch)
    assert (b_code, v_code) == (0, 0), (b_out, v_out)
    assert ", valid" in b_out and "valid: datapackage" in v_out


def test_an_unreleased_change_is_invalid_for_both(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = repo / "figures" / "sources" / "fixyanet-2025-06.yml"
    text = path.read_text(encoding="utf-8")
    for old, new in (
        ("    value: 330\n", "    value: 331\n"),
        ('wording: "330"', 'wording: "331"'),
        ("quote: 330 mentors", "quote: 331 mentors"),
    ):
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    b_code, b_out, v_code, v_out = verdicts(repo, monkeypatch)
    assert (b_code, v_code) == (1, 1), (b_out, v_out)
    for out in (b_out, v_out):
        assert "error [release-immutable]" in out
        assert "invalid: datapackage: 1 error(s)" in out
