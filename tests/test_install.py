"""What a user installs: the runtime needs no frictionless-py; asking for its engine says how."""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from statpub.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_frictionless_is_an_extra_not_a_runtime_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = [d.split(">")[0].split("=")[0].strip().lower() for d in project["dependencies"]]
    assert "frictionless" not in runtime
    assert any(
        d.startswith("frictionless") for d in project["optional-dependencies"]["frictionless"]
    )


def test_frictionless_engine_without_frictionless_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "t.csv").write_text("a\n1\n", encoding="utf-8")
    descriptor = {
        "name": "p",
        "resources": [{"name": "t", "path": "t.csv", "schema": {"fields": [{"name": "a"}]}}],
    }
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    monkeypatch.setitem(sys.modules, "frictionless", None)  # import frictionless fails
    result = CliRunner().invoke(
        main, ["validate", str(package), "--engine", "frictionless", "--json"]
    )
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["type"] == "missing-dependency"
    assert "pip install 'statpub[frictionless]'" in error["message"]
