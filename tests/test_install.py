"""What a user installs: the runtime needs no frictionless-py; the judge that uses it says how
to install it."""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_frictionless_is_an_extra_not_a_runtime_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = [d.split(">")[0].split("=")[0].strip().lower() for d in project["dependencies"]]
    assert "frictionless" not in runtime
    assert any(
        d.startswith("frictionless") for d in project["optional-dependencies"]["frictionless"]
    )


def test_the_frictionless_judge_without_frictionless_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from statpub.errors import StatpubError
    from statpub.package import read_package
    from statpub.validate.oracle import frictionless_issues

    package = tmp_path / "pkg"
    package.mkdir()
    (package / "t.csv").write_text("a\n1\n", encoding="utf-8")
    descriptor = {
        "name": "p",
        "resources": [{"name": "t", "path": "t.csv", "schema": {"fields": [{"name": "a"}]}}],
    }
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    monkeypatch.setitem(sys.modules, "frictionless", None)  # import frictionless fails
    with pytest.raises(StatpubError) as exc:
        frictionless_issues(read_package(package))
    assert exc.value.code == "missing-dependency"
    assert "pip install 'statpub[frictionless]'" in exc.value.message
