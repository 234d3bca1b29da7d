"""Compressed tables: read through the usual reader, within limits a bomb cannot pass."""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path

import pytest

from statpub.tables import compressed
from statpub.validate import validate


def _package(folder: Path, name: str, data: bytes) -> Path:
    (folder / name).write_bytes(data)
    schema = {"fields": [{"name": "id", "type": "integer"}]}
    resource = {"name": "t", "type": "table", "path": name, "schema": schema}
    (folder / "datapackage.json").write_text(json.dumps({"resources": [resource]}))
    return folder


def test_a_compression_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(compressed, "RATIO_FROM", 1 << 20)
    bomb = gzip.compress(b"id\n" + b"1\n" * (8 << 20), mtime=0)  # 16 MiB from ~16 KiB
    report = validate(_package(tmp_path, "t.csv.gz", bomb))
    (error,) = report.errors
    assert error.type == "source-error"
    assert f"more than {compressed.MAX_RATIO} times its size" in error.message
    assert list(scratch.iterdir()) == []  # the part written is gone


def test_the_total_size_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compressed, "MAX_BYTES", 1 << 20)
    data = gzip.compress(b"id\n" + b"".join(b"%d\n" % i for i in range(400_000)), mtime=0)
    (error,) = validate(_package(tmp_path, "t.csv.gz", data)).errors
    assert error.type == "source-error" and "more than 1 MiB" in error.message


def test_the_temporary_file_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[Path] = []
    real = compressed.decompress

    def spy(files: list[Path], codec: str) -> tuple[list[Path], Path]:
        out = real(files, codec)
        made.append(out[1])
        return out

    monkeypatch.setattr(compressed, "decompress", spy)
    data = gzip.compress(b"id\n1\nx\n", mtime=0)
    (error,) = validate(_package(tmp_path, "t.csv.gz", data)).errors
    assert (error.type, error.row) == ("type-error", 3)
    assert made and not any(folder.exists() for folder in made)
