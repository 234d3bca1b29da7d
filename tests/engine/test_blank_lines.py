"""Empty lines stay on the fast CSV path and get the csv module's verdict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from statpub.tables import blanklines, reader
from statpub.validate import validate

CASES = {
    "one column": ("a\n1\n\n2\n\n\n", None),
    "one column, CRLF": ("a\r\n1\r\n\r\n2\r\n", None),
    "empty cells and empty lines": ("a,b\n1,x\n\n,\n2,y\r\n\r\n3,\n\n", None),
    "empty cells are text when missing is NA": ("a,b\n1,x\n\n,\n2,y\n\n,\n", ["NA"]),
    "quotes after the empty lines": ('a,b\n1,x\n\n"2",y\n\n', None),
    "a quoted empty cell is no empty line": ('a\n1\n""\n\n', ["NA"]),
    "a byte of every candidate delimiter": (
        "a,b\n" + "".join(f"{chr(c)},x\n" for c in range(1, 9)) + "\n,\n",
        None,
    ),
}


def _package(folder: Path, text: str, missing: list[str] | None) -> Path:
    (folder / "t.csv").write_bytes(text.encode())
    labels = text.split("\n", 1)[0].strip().split(",")
    schema: dict[str, Any] = {"fields": [{"name": n, "type": "string"} for n in labels]}
    schema["fields"][0]["type"] = "integer"
    if missing is not None:
        schema["missingValues"] = missing
    entry = {"name": "t", "path": "t.csv", "format": "csv", "schema": schema}
    (folder / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": [entry]}), encoding="utf-8"
    )
    return folder


def _verdict(folder: Path) -> list[tuple[str, int | None, str | None]]:
    report = validate(str(folder))
    return [(e.type, e.row, e.field) for e in report.errors]


def _cannot_tell(*args: object) -> None:
    """What the fast path answers when it cannot place the empty lines."""
    return None


@pytest.mark.parametrize("name", sorted(CASES))
def test_fast_path_and_csv_module_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    text, missing = CASES[name]
    folder = _package(tmp_path, text, missing)
    fast = _verdict(folder)
    # Without the empty-line finder, every piece with an empty row goes to the csv module.
    monkeypatch.setattr(blanklines, "empty_lines", _cannot_tell)
    assert _verdict(folder) == fast
    assert any(t == "blank-row" for t, _, _ in fast), fast


@pytest.mark.parametrize("width", [1, 3])
def test_a_file_of_empty_lines_is_read_without_the_csv_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    header = ",".join(f"c{i}" for i in range(width))
    folder = _package(tmp_path, header + "\n1" + "," * (width - 1) + "\n" + "\n" * 50_000, None)

    def refuse(*args: object) -> None:
        raise AssertionError("the csv module read the file")

    monkeypatch.setattr(reader, "open_csv_slow", refuse)
    report = validate(str(folder))
    blank = [e.row for e in report.errors if e.type == "blank-row"]
    assert blank[:2] == [3, 4] and report.unlisted == 50_000 - len(blank)
    assert {e.type for e in report.errors} == {"blank-row"}
