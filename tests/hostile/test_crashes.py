"""Crashes from package content, fixed where they start: every command answers 0, 1 or 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from statpub.cli import main
from statpub.package.schemarules import strptime_problem
from statpub.tables import jsontext
from statpub.tables.patterns import compile_pattern


@pytest.mark.parametrize(
    ("text", "deep"),
    [
        ("1", False),
        ('{"a": [1, {"b": []}]}', False),
        ('"' + "[" * 100 + '"', False),  # brackets in a string do not nest
        ('["\\"[[[", ' + "[" * 63 + "]" * 63 + "]", False),  # 64 levels: the cap
        ('["\\"[[[", ' + "[" * 64 + "]" * 64 + "]", True),
        ("[" * 100_000 + "]" * 100_000, True),
    ],
)
def test_nesting_counts_brackets_outside_strings(text: str, deep: bool) -> None:
    assert jsontext.too_deep(text) is deep
    assert jsontext.too_deep(text.encode()) is deep


def test_json_nested_past_the_cap_is_a_value_error() -> None:
    assert jsontext.loads("[" * 64 + "]" * 64) is not None
    with pytest.raises(ValueError):
        jsontext.loads("[" * 65 + "]" * 65)
    with pytest.raises(ValueError):
        jsontext.loads(b"[" * 100_000 + b"]" * 100_000)


@pytest.mark.parametrize(
    ("fmt", "bad"),
    [
        ("%d/%m/%Y", False),
        ("%Y-%m-%dT%H:%M:%S%z", False),
        ("fmt:%d.%m.%Y", False),
        ("%d%d", True),
        ("%Y-%m-%Y", True),
        ("%Q", True),
        ("%H%", True),
        ("%" + "d" * 300, True),
    ],
)
def test_strptime_formats_are_checked_before_use(fmt: str, bad: bool) -> None:
    assert (strptime_problem(fmt) is not None) is bad


def test_patterns_are_judged_by_re2_everywhere() -> None:
    assert not isinstance(compile_pattern(r"\p{L}+"), str)
    assert not isinstance(compile_pattern("(" * 4_900 + ")" * 4_900), str)
    assert isinstance(compile_pattern(r"(a)\1"), str)  # a backreference: RE2 cannot


def _package(folder: Path, field: dict[str, Any], cells: list[str]) -> Path:
    folder.mkdir(parents=True)
    body = "".join(f"{i},{c}\n" for i, c in enumerate(cells, start=1))
    (folder / "t.csv").write_text(f"id,v\n{body}", encoding="utf-8")
    fields = [{"name": "id", "type": "integer"}, {"name": "v", **field}]
    resource = {"name": "t", "path": "t.csv", "schema": {"fields": fields}}
    (folder / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": [resource]}), encoding="utf-8"
    )
    return folder


DEEP = '"' + "[" * 100_000 + "]" * 100_000 + '"'


@pytest.mark.parametrize(
    ("field", "cells", "expected"),
    [
        ({"type": "date", "format": "%d%d"}, ["1212"], "schema-error"),
        ({"type": "string", "constraints": {"pattern": "(" * 4_900 + ")" * 4_900}}, ["ab"], None),
        ({"type": "string", "constraints": {"pattern": r"\p{L}+"}}, ["abc", "x1"], None),
        ({"type": "array"}, [DEEP], "type-error"),
    ],
    ids=["format-twice", "pattern-nested", "pattern-category", "json-deep"],
)
def test_validate_and_diff_answer(
    tmp_path: Path, field: dict[str, Any], cells: list[str], expected: str | None
) -> None:
    pkg = _package(tmp_path / "p", field, cells)
    runner = CliRunner()
    checked = runner.invoke(main, ["validate", str(pkg), "--json", "-q"])
    assert checked.exit_code == 1, checked.output
    types = {e["type"] for e in json.loads(checked.stdout)["errors"]}
    assert expected is None or expected in types
    assert "schema-error" not in types or expected == "schema-error"  # the pattern is accepted
    compared = runner.invoke(main, ["diff", str(pkg), str(pkg), "--json"])
    assert compared.exit_code in (0, 2), compared.output
    assert "please report" not in compared.output + compared.stderr


def test_header_rows_cannot_amplify_a_small_file(tmp_path: Path) -> None:
    """200 header rows of 20 columns joined by a 10,000-character headerJoin: 40 MB of
    labels from a 40 kB file. Refused before a label is built."""
    rows = [",".join(f"r{r}c{c}" for c in range(20)) for r in range(200)] + ["1," * 19 + "1"]
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    dialect = {"headerRows": list(range(1, 201)), "headerJoin": "j" * 10_000}
    resource = {"name": "t", "path": "t.csv", "format": "csv", "dialect": dialect}
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": [resource]}), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["validate", str(tmp_path), "--json", "-q"])
    assert result.exit_code == 1, result.output
    assert "cell-too-large" in {e["type"] for e in json.loads(result.stdout)["errors"]}
    dialect["headerJoin"] = "-"  # the same rows with a short join are read
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": [resource]}), encoding="utf-8"
    )
    fine = CliRunner().invoke(main, ["validate", str(tmp_path), "--json", "-q"])
    assert "cell-too-large" not in fine.stdout, fine.output


def test_a_descriptor_of_too_many_arrays_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from statpub.package import descriptor

    monkeypatch.setattr(descriptor, "MAX_CONTAINERS", 100)
    rows = [["id"], *([i] for i in range(98))]  # 99 rows, and 7 more arrays and objects
    resource = {"name": "t", "data": rows, "schema": {"fields": [{"name": "id"}]}}
    path = tmp_path / "datapackage.json"
    path.write_text(json.dumps({"name": "p", "resources": [resource]}), encoding="utf-8")
    with pytest.raises(descriptor.DescriptorError) as exc:
        descriptor.read_descriptor(path, "datapackage.json")
    assert exc.value.code == "descriptor-too-large"
    resource["data"] = rows[:90]  # 97 in all: brackets in strings do not count
    resource["title"] = "[" * 500
    path.write_text(json.dumps({"name": "p", "resources": [resource]}), encoding="utf-8")
    data, _ = descriptor.read_descriptor(path, "datapackage.json")
    assert len(data["resources"][0]["data"]) == 90
