"""diff compares what it can: one unreadable resource is reported, not fatal; a format
written differently is no change; keys meet by the text both versions read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from versioning_helpers import FIXTURES

from statpub.cli import main
from statpub.errors import StatpubError
from statpub.package import open_package
from statpub.versioning.diff import DiffResult, diff

V1 = FIXTURES / "trade-v1"


def copy(tmp_path: Path, name: str, change: Any = None, flows: str | None = None) -> Path:
    dest = tmp_path / name
    shutil.copytree(V1, dest)
    path = dest / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    if change is not None:
        change(descriptor)
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    if flows is not None:
        (dest / "data/flows.csv").write_text(flows, encoding="utf-8")
    return dest


def flows_field(descriptor: dict[str, Any], name: str) -> dict[str, Any]:
    fields = descriptor["resources"][0]["schema"]["fields"]
    return next(f for f in fields if f["name"] == name)


def run(old: Path, new: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["diff", str(old), str(new), *args])


def compare(old: Path, new: Path, **kwargs: Any) -> DiffResult:
    with open_package(old) as a, open_package(new) as b:
        return diff(a, b, **kwargs)


def test_one_unreadable_resource_leaves_the_rest_compared(tmp_path: Path) -> None:
    old = copy(tmp_path, "old")
    rows = (V1 / "data/flows.csv").read_text(encoding="utf-8").replace("100.5", "101")

    def break_countries(d: dict[str, Any]) -> None:
        d["resources"][1]["schema"] = {"fields": True}  # the profile rejects it

    new = copy(tmp_path, "new", break_countries, flows=rows)
    result = run(old, new, "--json")
    assert result.exit_code == 1, result.output  # flows changed; countries not compared
    out = json.loads(result.stdout)
    assert [r["resource"] for r in out["not_compared"]] == ["countries"]
    assert "fields" in out["not_compared"][0]["reason"]
    flows = next(r for r in out["resources"] if r["name"] == "flows")
    assert flows["cells_revised"] == 1
    markdown = run(old, new, "--format", "markdown")
    assert markdown.exit_code == 1 and "**Not compared**" in markdown.stdout
    assert "`countries`" in markdown.stdout
    text = run(old, new)
    assert "not compared: countries:" in text.stdout
    # A library caller that needs every resource compared (a release) still gets the error.
    with pytest.raises(StatpubError) as err:
        compare(old, new)
    assert err.value.code == "package-unreadable"


def test_only_an_unreadable_resource_is_no_difference_but_says_so(tmp_path: Path) -> None:
    def fields_true(d: dict[str, Any]) -> None:
        d["resources"][0]["schema"]["fields"] = True

    a, b = copy(tmp_path, "a", fields_true), copy(tmp_path, "b", fields_true)
    result = run(a, b)
    assert result.exit_code == 0, result.output
    assert "1 resource(s) not compared" in result.stdout
    assert "not compared: flows:" in result.stdout


@pytest.mark.parametrize(
    "change",
    [
        lambda d: flows_field(d, "year").update(format="default"),
        lambda d: flows_field(d, "value_usd").update(decimalChar=".", bareNumber=True),
        lambda d: d["resources"][0].update(encoding="utf-8"),
        lambda d: d["resources"][0].update(encoding="UTF8"),
        lambda d: d["resources"][0].pop("format"),  # the path says csv
    ],
    ids=["format-default", "number-defaults", "encoding-utf-8", "encoding-UTF8", "format-path"],
)
def test_a_default_written_out_or_dropped_is_no_change(tmp_path: Path, change: Any) -> None:
    new = copy(tmp_path, "new", change)
    for old, other in ((V1, new), (new, V1)):
        result = compare(old, other)
        assert result.changes == [], [c.message for c in result.changes]


def test_a_real_format_change_is_still_major(tmp_path: Path) -> None:
    new = copy(tmp_path, "new", lambda d: d["resources"][0].update(encoding="latin-1"))
    assert [c.type for c in compare(V1, new).changes if c.level != "none"] == [
        "resource-format-changed",
        "version-not-bumped",
    ]
    new = copy(tmp_path, "new2", lambda d: flows_field(d, "value_usd").update(decimalChar=","))
    assert "field-format-changed" in [c.type for c in compare(V1, new).changes]


def test_keys_meet_by_the_text_when_the_date_format_changes(tmp_path: Path) -> None:
    def table(days: list[str], values: list[int], fmt: dict[str, str]) -> Any:
        def change(d: dict[str, Any]) -> None:
            d["resources"] = [
                {
                    "name": "t",
                    "type": "table",
                    "path": "t.csv",
                    "schema": {
                        "fields": [{"name": "day", "type": "date", **fmt},
                                   {"name": "v", "type": "integer"}],
                        "primaryKey": ["day"],
                    },
                }
            ]  # fmt: skip

        rows = "day,v\n" + "".join(f"{d},{v}\n" for d, v in zip(days, values, strict=True))
        return change, rows

    days = ["01/02/2024", "02/02/2024", "03/02/2024"]  # read by format any, not the default
    change, rows = table(days, [1, 2, 3], {"format": "any"})
    old = copy(tmp_path, "old", change)
    (old / "t.csv").write_text(rows, encoding="utf-8")
    change, rows = table(days, [1, 5, 3], {})
    new = copy(tmp_path, "new", change)
    (new / "t.csv").write_text(rows, encoding="utf-8")
    result = compare(old, new)
    t = next(r for r in result.resources if r.name == "t").to_dict()
    assert (t["rows_added"], t["rows_removed"], t["cells_revised"]) == (0, 0, 1)
    assert t["revised"][0]["key"] == {"day": "02/02/2024"}
    fmt = next(c for c in result.changes if c.type == "field-format-changed")
    assert "from 'any' to 'default'" in fmt.message
