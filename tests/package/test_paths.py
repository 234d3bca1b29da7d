"""The one path policy: nothing outside the package is opened, only regular files are read."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from statpub.package import read_package
from statpub.package.paths import check_relative, is_remote

SECRET = "statpub-secret-outside-the-package"


def package(tmp_path: Path, resource: dict[str, Any]) -> Path:
    root = tmp_path / "pkg"
    root.mkdir()
    (root / "data.csv").write_text("id\n1\n", encoding="utf-8")
    (tmp_path / "secret.csv").write_text(f"id\n{SECRET}\n", encoding="utf-8")
    descriptor = {"name": "p", "resources": [{"name": "r", **resource}]}
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("../secret.csv", "must not contain '..'"),
        ("data/../../secret.csv", "must not contain '..'"),
        ("/etc/passwd", "relative"),
        ("C:/x.csv", "relative"),
        ("c:/x.csv", "relative"),  # a drive letter in either case
        ("z:x.csv", "relative"),
        ("..\\..\\x.csv", "backslashes"),
        ("", "empty"),
        ("data.csv\x00.txt", "NUL"),
        ("data/", "folder"),
        (5, "string"),
        (None, "string"),
    ],
)
def test_paths_the_spec_forbids(path: Any, reason: str) -> None:
    problem = check_relative(path)
    assert problem is not None and reason in problem


@pytest.mark.parametrize("path", ["data.csv", "data/x.csv", "a b/ü.csv", "./data.csv"])
def test_paths_the_spec_allows(path: str) -> None:
    assert check_relative(path) is None


def test_remote_paths_are_told_apart() -> None:
    assert is_remote("https://example.org/x.csv") and is_remote("s3://bucket/x")
    assert not is_remote("data.csv") and not is_remote("c:x.csv")


@pytest.mark.parametrize("key", ["path", "schema", "dialect"])
def test_an_escaping_path_is_refused_and_never_read(tmp_path: Path, key: str) -> None:
    resource: dict[str, Any] = {"path": "data.csv", key: "../secret.csv"}
    pkg = read_package(package(tmp_path, resource))
    res = pkg.resources[0]
    problem = next(p for p in res.problems if p.type == "path-unsafe")
    assert problem.field == key and f"resources[0].{key}" in problem.message
    assert SECRET not in problem.message
    assert all(tmp_path / "secret.csv" != f for f in res.files)


def test_a_symlink_out_of_the_package_is_refused(tmp_path: Path) -> None:
    root = package(tmp_path, {"path": "link.csv", "schema": "s.json"})
    (root / "link.csv").symlink_to(tmp_path / "secret.csv")
    (root / "s.json").symlink_to("/etc/passwd")
    res = read_package(root).resources[0]
    assert {(p.type, p.field) for p in res.problems} == {
        ("path-unsafe", "path"),
        ("path-unsafe", "schema"),
    }
    assert res.files == [] and res.schema is None
    assert all("root:" not in p.message and SECRET not in p.message for p in res.problems)


def test_a_symlink_inside_the_package_is_followed(tmp_path: Path) -> None:
    root = package(tmp_path, {"path": "alias.csv"})
    (root / "alias.csv").symlink_to(root / "data.csv")
    res = read_package(root).resources[0]
    assert res.problems == [] and res.files == [(root / "data.csv").resolve()]


def test_a_fifo_is_not_opened(tmp_path: Path) -> None:
    root = package(tmp_path, {"path": "pipe.csv"})
    os.mkfifo(root / "pipe.csv")
    res = read_package(root).resources[0]  # would block forever if opened
    assert [(p.type, p.field) for p in res.problems] == [("file-not-regular", "path")]


def test_a_missing_file_is_missing_not_unsafe(tmp_path: Path) -> None:
    res = read_package(package(tmp_path, {"path": "nope.csv"})).resources[0]
    assert [(p.type, p.path) for p in res.problems] == [("file-missing", "nope.csv")]


def test_every_part_of_a_multipart_path_is_checked(tmp_path: Path) -> None:
    res = read_package(package(tmp_path, {"path": ["data.csv", "../secret.csv"]})).resources[0]
    assert [p.type for p in res.problems] == ["path-unsafe"]
    assert "resources[0].path[1]" in res.problems[0].message
    assert res.files == []
