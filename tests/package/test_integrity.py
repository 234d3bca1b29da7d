"""Files against their descriptor: one check, any algorithm, warnings for what is not declared."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from statpub.package import check_files, read_package

DATA = b"id\r\n1\r\n"


def issues(tmp_path: Path, **declared: Any) -> list[tuple[str, str, str | None]]:
    (tmp_path / "data.csv").write_bytes(DATA)
    resource = {"name": "r", "path": "data.csv", **declared}
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": [resource]}), encoding="utf-8"
    )
    return [(i.type, i.severity, i.field) for i in check_files(read_package(tmp_path))]


@pytest.mark.parametrize("algorithm", ["md5", "sha1", "sha256", "sha512", "sha3_256", "blake2b"])
def test_a_right_hash_of_any_algorithm_passes(tmp_path: Path, algorithm: str) -> None:
    digest = hashlib.new(algorithm, DATA).hexdigest()
    assert issues(tmp_path, hash=f"{algorithm}:{digest}", bytes=len(DATA)) == []


def test_a_bare_hash_is_md5(tmp_path: Path) -> None:
    assert issues(tmp_path, hash=hashlib.md5(DATA).hexdigest(), bytes=len(DATA)) == []


def test_a_wrong_md5_is_reported_as_md5(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_bytes(DATA)
    wrong = "md5:" + hashlib.md5(b"other").hexdigest()
    found = issues(tmp_path, hash=wrong, bytes=len(DATA))
    assert found == [("hash-mismatch", "error", "hash")]
    report = check_files(read_package(tmp_path))
    assert report[0].message.startswith("md5 of the file is " + hashlib.md5(DATA).hexdigest())


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("shake_128:abcd", "not supported"),
        ("whirlpool:abcd", "not supported"),
        ("sha256:xyz", "64 hexadecimal digits"),
        ("sha256:" + "0" * 63, "64 hexadecimal digits"),
        (12, "must be a string"),
    ],
)
def test_an_unusable_hash_is_an_error_of_its_own(tmp_path: Path, value: Any, needle: str) -> None:
    (tmp_path / "data.csv").write_bytes(DATA)
    found = issues(tmp_path, hash=value, bytes=len(DATA))
    assert found == [("hash-invalid", "error", "hash")]
    assert needle in check_files(read_package(tmp_path))[0].message


def test_missing_hash_and_bytes_are_warnings_that_say_what_to_add(tmp_path: Path) -> None:
    assert issues(tmp_path) == [
        ("hash-missing", "warning", None),
        ("bytes-missing", "warning", None),
    ]
    messages = [i.message for i in check_files(read_package(tmp_path))]
    assert f"sha256:{hashlib.sha256(DATA).hexdigest()}" in messages[0]
    assert f'"bytes": {len(DATA)}' in messages[1]


@pytest.mark.parametrize(
    ("value", "kind"), [(len(DATA) + 1, "bytes-mismatch"), (str(len(DATA)), "bytes-invalid")]
)
def test_wrong_bytes(tmp_path: Path, value: Any, kind: str) -> None:
    digest = "sha256:" + hashlib.sha256(DATA).hexdigest()
    assert issues(tmp_path, hash=digest, bytes=value) == [(kind, "error", "bytes")]


def test_a_parquet_resource_may_omit_bytes(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_bytes(DATA)
    digest = "sha256:" + hashlib.sha256(DATA).hexdigest()
    assert issues(tmp_path, hash=digest, format="parquet") == []
