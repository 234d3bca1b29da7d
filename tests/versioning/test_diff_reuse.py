"""``diff(remember=True)`` then ``diff(reuse=...)``: a table whose files and descriptors are
unchanged is not compared again, and the result is what a fresh diff gives; a table whose
bytes changed is compared again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from statpub.package import read_package
from statpub.versioning import diff as diff_module
from statpub.versioning.diff import diff

FIXTURE = Path(__file__).parents[1] / "site" / "fixtures" / "population"


def copy(tmp_path: Path, name: str, version: str) -> Path:
    folder = tmp_path / name
    shutil.copytree(FIXTURE, folder)
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["version"] = version
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return folder


def edit(folder: Path, line: int, population: str) -> None:
    """Set the population of data line ``line`` (1: the first row after the header)."""
    path = folder / "data" / "population.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    cells = lines[line].rstrip("\r\n").split(",")
    cells[-1] = population
    lines[line] = ",".join(cells) + "\n"
    path.write_text("".join(lines), encoding="utf-8")


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tables whose rows ``diff`` reads and compares, in order."""
    calls: list[str] = []
    real = diff_module.diff_table

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(str(args[3].name))
        return real(*args, **kwargs)

    monkeypatch.setattr(diff_module, "diff_table", counting)
    return calls


def test_unchanged_tables_reused(tmp_path: Path, counted: list[str]) -> None:
    old = copy(tmp_path, "old", "1.1.0")
    candidate = copy(tmp_path, "candidate", "1.1.0")
    edit(candidate, 1, "6021")
    new = copy(tmp_path, "new", "1.1.1")  # the same tables, a new version
    edit(new, 1, "6021")

    first = diff(read_package(old), read_package(candidate), remember=True)
    assert sorted(counted) == ["districts", "population"]
    counted.clear()
    again = diff(read_package(old), read_package(new), reuse=first)
    assert counted == []  # no row read a second time
    fresh = diff(read_package(old), read_package(new))
    assert again.to_dict() == fresh.to_dict()
    assert again.level == fresh.level == "patch"
    revised = [r for r in again.to_dict()["resources"] if r["name"] == "population"]
    assert revised[0]["cells_revised"] == 1


def test_changed_bytes_compared_again(tmp_path: Path, counted: list[str]) -> None:
    old = copy(tmp_path, "old", "1.1.0")
    candidate = copy(tmp_path, "candidate", "1.1.0")
    edit(candidate, 1, "6021")
    new = copy(tmp_path, "new", "1.1.1")
    edit(new, 1, "6021")
    edit(new, 2, "7000")  # changed after the first diff

    first = diff(read_package(old), read_package(candidate), remember=True)
    counted.clear()
    again = diff(read_package(old), read_package(new), reuse=first)
    assert counted == ["population"]  # districts reused, population read again
    fresh = diff(read_package(old), read_package(new))
    assert again.to_dict() == fresh.to_dict()
    revised = [r for r in again.to_dict()["resources"] if r["name"] == "population"]
    assert revised[0]["cells_revised"] == 2


def test_without_remember_nothing_to_reuse(tmp_path: Path, counted: list[str]) -> None:
    old = copy(tmp_path, "old", "1.1.0")
    new = copy(tmp_path, "new", "1.1.1")
    first = diff(read_package(old), read_package(new))
    assert all(r.kept is None for r in first.resources)
    counted.clear()
    diff(read_package(old), read_package(new), reuse=first)
    assert sorted(counted) == ["districts", "population"]
