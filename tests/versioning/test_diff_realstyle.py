"""`statpub diff` on packages shaped like real ones: no declared key, renamed headers,
calendar versions, reformatted cells, CSV and Parquet twins."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from realstyle import POPULATION_SCHEMA, csv_text, package, population_pair

from statpub.cli import main
from statpub.errors import StatpubError
from statpub.package import open_package
from statpub.versioning.diff import DiffResult, diff

TEMP_SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "Source", "type": "string"},
        {"name": "Date", "type": "date"},
        {"name": "Mean", "type": "number"},
    ]
}


def run_diff(old: Path, new: Path, **kwargs: Any) -> DiffResult:
    with open_package(old) as a, open_package(new) as b:
        return diff(a, b, **kwargs)


def table(result: DiffResult, name: str) -> dict[str, Any]:
    return next(r.to_dict() for r in result.resources if r.name == name)


def counts(t: dict[str, Any]) -> tuple[int, int, int, int]:
    return (t["rows_added"], t["rows_removed"], t["rows_revised"], t["cells_revised"])


def changes(result: DiffResult, code: str) -> list[Any]:
    return [c for c in result.changes if c.type == code]


def pandas_counts(old: Path, new: Path, name: str, key: list[str]) -> tuple[int, int, int, int]:
    """The keyed comparison, done independently with pandas."""
    a = pd.read_csv(old / f"{name}.csv", dtype=str, keep_default_na=False)
    b = pd.read_csv(new / f"{name}.csv", dtype=str, keep_default_na=False)
    rest = [c for c in a.columns if c not in key]
    both = a.merge(b, on=key, how="outer", suffixes=("_old", "_new"), indicator=True)
    added = int((both["_merge"] == "right_only").sum())
    removed = int((both["_merge"] == "left_only").sum())
    matched = both[both["_merge"] == "both"]
    differ = pd.DataFrame({c: _differs(matched[c + "_old"], matched[c + "_new"]) for c in rest})
    return added, removed, int(differ.any(axis=1).sum()), int(differ.to_numpy().sum())


def _differs(a: pd.Series, b: pd.Series) -> pd.Series:
    try:
        return pd.to_numeric(a) != pd.to_numeric(b)
    except ValueError:
        return a != b


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_inferred_key_gives_the_counts_of_a_keyed_pandas_comparison(
    tmp_path: Path, seed: int
) -> None:
    old, new = population_pair(tmp_path, seed)
    result = run_diff(old, new)
    pop = table(result, "population")
    assert pop["matched_by"] == ["Country Code", "Year"]
    assert pop["key_source"] == "inferred"
    expected = pandas_counts(old, new, "population", ["Country Code", "Year"])
    assert counts(pop) == expected
    assert expected[2] > 0 and expected[0] > 0 and expected[1] > 0  # the case is not empty
    note = next(n for n in result.notes if n.startswith("population:"))
    assert "Country Code, Year" in note and "--key population=" in note
    # The same counts when the key is given, whatever the inference would find.
    given = run_diff(old, new, keys={"population": ["Country Code", "Year"]})
    assert counts(table(given, "population")) == expected
    assert table(given, "population")["key_source"] == "--key"


def test_unchanged_version_is_reported_with_the_level_needed(tmp_path: Path) -> None:
    old, new = population_pair(tmp_path, 4)  # both say 1.0.0, as the real refreshes did
    result = run_diff(old, new)
    (bump,) = changes(result, "version-not-bumped")
    assert bump.level == result.level == "minor"  # rows were added
    assert "1.0.0" in bump.message and "1.1.0" in bump.message
    assert result.forced_by is not None and result.forced_by.type == "rows-added"


@pytest.mark.parametrize(
    ("old_version", "new_version", "bumped"),
    [("1.0.0", "1.0.1", True), ("1.0.0", "1.1.0", False), ("1.0.0", "0.9.0", True)],
)
def test_a_bump_smaller_than_the_change_is_reported(
    tmp_path: Path, old_version: str, new_version: str, bumped: bool
) -> None:
    header = ["id", "value"]
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "value", "type": "number"}]}
    schema["primaryKey"] = ["id"]
    old = package(tmp_path / "a", {"t": (schema, csv_text(header, [[1, 2]]))}, old_version)
    new = package(tmp_path / "b", {"t": (schema, csv_text(header, [[1, 2], [2, 3]]))}, new_version)
    found = changes(run_diff(old, new), "version-not-bumped")
    assert bool(found) is bumped
    if found:
        assert found[0].level == "minor" and "1.1.0" in found[0].message


def test_calendar_versions_are_not_comparable_but_an_unchanged_one_is_reported(
    tmp_path: Path,
) -> None:
    header = ["Country Code", "Year", "Value"]
    schema = {"fields": [{"name": n, "type": "string"} for n in header]}
    rows = [["KAZ", "2020", "1"], ["KAZ", "2021", "2"]]
    old = package(tmp_path / "a", {"t": (schema, csv_text(header, rows))}, "2023")
    changed = [["KAZ", "2020", "1"], ["KAZ", "2021", "3"]]
    new = package(tmp_path / "b", {"t": (schema, csv_text(header, changed))}, "2024")
    result = run_diff(old, new)
    assert not changes(result, "version-not-bumped")
    assert any("not comparable" in n and "'2023'" in n for n in result.notes)
    assert counts(table(result, "t")) == (0, 0, 1, 1)
    same = package(tmp_path / "c", {"t": (schema, csv_text(header, changed))}, "2023")
    (bump,) = changes(run_diff(old, same), "version-not-bumped")
    assert bump.level == "patch" and "'2023'" in bump.message
    assert not changes(run_diff(old, old), "version-not-bumped")  # no change, no bump needed


def test_renamed_header_is_its_own_change_and_never_reads_as_nulls(tmp_path: Path) -> None:
    """global-temp renamed the CSV column Date to Year while its schema kept Date."""
    rows = [
        ["GCAG", "2016-12-06", 0.79],
        ["GCAG", "2016-11-06", 0.75],
        ["GISTEMP", "2016-12-06", 0.81],
    ]
    old = package(
        tmp_path / "a", {"monthly": (TEMP_SCHEMA, csv_text(["Source", "Date", "Mean"], rows))}
    )
    revised = [list(r) for r in rows]
    revised[1][2] = 0.76
    text = csv_text(["Source", "Year", "Mean"], revised)
    new = package(tmp_path / "b", {"monthly": (TEMP_SCHEMA, text)}, "1.0.1")
    result = run_diff(old, new)
    (renamed,) = changes(result, "header-renamed")
    assert (renamed.field, renamed.old, renamed.new, renamed.level) == (
        "Date",
        "Date",
        "Year",
        "major",
    )
    monthly = table(result, "monthly")
    # Read by position: only the real revision, no row added or removed.
    assert counts(monthly) == (0, 0, 1, 1)
    assert monthly["matched_by"] == ["Source", "Date"] and monthly["key_source"] == "inferred"
    assert monthly["revised"] == [
        {
            "key": {"Source": "GCAG", "Date": "2016-11-06"},
            "field": "Mean",
            "old": "0.75",
            "new": "0.76",
        }
    ]
    assert changes(result, "version-not-bumped")[0].level == "major"


def test_a_field_matched_by_name_without_its_column_is_left_out(tmp_path: Path) -> None:
    schema = {**TEMP_SCHEMA, "fieldsMatch": "partial"}
    rows = [["GCAG", "2016-12-06", 0.79], ["GISTEMP", "2016-12-06", 0.81]]
    old = package(tmp_path / "a", {"monthly": (schema, csv_text(["Source", "Date", "Mean"], rows))})
    new = package(tmp_path / "b", {"monthly": (schema, csv_text(["Source", "Year", "Mean"], rows))})
    result = run_diff(old, new)
    assert [c.new for c in changes(result, "header-renamed")] == ["Year"]
    assert any("'Date' has no column" in n for n in result.notes)
    assert counts(table(result, "monthly")) == (0, 0, 0, 0)


def test_without_any_key_rows_are_matched_by_content_and_the_note_says_why(
    tmp_path: Path,
) -> None:
    header = ["station", "reading"]
    schema = {
        "fields": [{"name": "station", "type": "string"}, {"name": "reading", "type": "number"}]
    }
    rows = [["A", 1], ["A", 1], ["B", 2]]
    old = package(tmp_path / "a", {"readings": (schema, csv_text(header, rows))})
    new = package(
        tmp_path / "b",
        {"readings": (schema, csv_text(header, [["A", 1], ["B", 2.5], ["A", "1.0"]]))},
    )
    result = run_diff(old, new)
    readings = table(result, "readings")
    assert readings["matched_by"] == "row content" and readings["key_source"] == "row content"
    assert counts(readings) == (1, 1, 0, 0)
    assert readings["cells_reformatted"] == 1  # the second A,1 is now written A,1.0
    note = next(n for n in result.notes if n.startswith("readings:"))
    assert "unique" in note and "station" in note and "--key readings=" in note


def test_format_only_changes_are_counted_apart_from_revisions(tmp_path: Path) -> None:
    header = ["code", "label", "value", "day"]
    schema = {
        "fields": [
            {"name": "code", "type": "string"},
            {"name": "label", "type": "string"},
            {"name": "value", "type": "number"},
            {"name": "day", "type": "date"},
        ],
        "primaryKey": ["code"],
    }
    old_rows = [["a", "one\r\ntwo", "1.0", "2024-01-01"], ["b", "x", "2.50", "2024-01-02"],
                ["c", "y", "3", "2024-01-03"], ["d", "z", "4", "2024-01-04"]]  # fmt: skip
    new_rows = [["a", "one\ntwo", "1", "2024-01-01"], ["b", "x", "2.5", "2024-01-02"],
                ["c", "Y", "3", "2024-01-03"], ["d", "z", "4.5", "2024-01-04"]]  # fmt: skip
    old = package(tmp_path / "a", {"t": (schema, csv_text(header, old_rows, "\r\n"))})
    new = package(tmp_path / "b", {"t": (schema, csv_text(header, new_rows))}, "1.0.1")
    result = run_diff(old, new)
    t = table(result, "t")
    # A text whose letters changed is a revision; 1.0 -> 1, 2.50 -> 2.5, CRLF -> LF are not.
    assert counts(t) == (0, 0, 2, 2)
    assert (t["rows_reformatted"], t["cells_reformatted"]) == (2, 3)
    assert {(c["field"], c["old"], c["new"]) for c in t["revised"]} == {
        ("label", "y", "Y"), ("value", "4", "4.5")
    }  # fmt: skip
    assert {(c["key"]["code"], c["field"], c["old"], c["new"]) for c in t["reformatted"]} == {
        ("a", "label", "one\r\ntwo", "one\ntwo"), ("a", "value", "1.0", "1"),
        ("b", "value", "2.50", "2.5"),
    }  # fmt: skip
    assert [c.level for c in changes(result, "cells-reformatted")] == ["patch"]


def test_line_ends_alone_are_a_file_reformat(tmp_path: Path) -> None:
    header = ["code", "value"]
    schema = {"fields": [{"name": "code", "type": "string"}, {"name": "value", "type": "number"}]}
    schema["primaryKey"] = ["code"]
    rows = [["a", 1], ["b", 2]]
    old = package(tmp_path / "a", {"t": (schema, csv_text(header, rows, "\r\n"))})
    new = package(tmp_path / "b", {"t": (schema, csv_text(header, rows, "\n"))}, "1.0.1")
    result = run_diff(old, new)
    assert [c.type for c in result.changes] == ["file-reformatted"]
    assert (
        counts(table(result, "t")) == (0, 0, 0, 0) and table(result, "t")["cells_reformatted"] == 0
    )
    assert result.level == "patch"


def test_a_type_change_from_integer_to_number_compares_the_numbers(tmp_path: Path) -> None:
    header = ["code", "value"]
    ints = {"fields": [{"name": "code", "type": "string"}, {"name": "value", "type": "integer"}]}
    floats = {"fields": [{"name": "code", "type": "string"}, {"name": "value", "type": "number"}]}
    old = package(tmp_path / "a", {"t": (ints, csv_text(header, [["a", 1], ["b", 2]]))})
    new = package(
        tmp_path / "b", {"t": (floats, csv_text(header, [["a", "1.0"], ["b", 3]]))}, "2.0.0"
    )
    result = run_diff(old, new)
    assert [c.type for c in result.changes] == [
        "field-type-changed",
        "cells-revised",
        "cells-reformatted",
    ]
    assert counts(table(result, "t")) == (0, 0, 1, 1)


def _twins(folder: Path, values: list[float], parquet_values: list[float] | None = None) -> Path:
    schema = {
        "fields": [{"name": "code", "type": "string"}, {"name": "value", "type": "number"}],
        "primaryKey": ["code"],
    }
    codes = [chr(97 + i) for i in range(len(values))]
    rows = [[c, v] for c, v in zip(codes, values, strict=True)]
    package(folder, {"t": (schema, csv_text(["code", "value"], rows))})
    pq.write_table(
        pa.table({"code": codes, "value": pa.array(parquet_values or values, pa.float64())}),
        folder / "t.parquet",
    )
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    twin = {
        **descriptor["resources"][0],
        "name": "t-parquet",
        "path": "t.parquet",
        "format": "parquet",
    }
    descriptor["resources"].append(twin)
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


def test_twins_are_reported_once_unless_they_differ(tmp_path: Path) -> None:
    old = _twins(tmp_path / "a", [1, 2, 3])
    new = _twins(tmp_path / "b", [1, 2.5, 3])
    result = run_diff(old, new)
    assert [(r["name"], r.get("twin")) for r in result.to_dict()["resources"]] == [
        ("t", "t-parquet")
    ]
    assert [(c.type, c.resource) for c in result.changes] == [
        ("cells-revised", "t"), ("version-not-bumped", None)
    ]  # fmt: skip
    assert counts(table(result, "t")) == (0, 0, 1, 1)
    # The Parquet copy says 2.7 where the CSV says 2.5: both are reported, and that they differ.
    apart = run_diff(old, _twins(tmp_path / "c", [1, 2.5, 3], [1, 2.7, 3]))
    listed = apart.to_dict()["resources"]
    assert [(r["name"], r.get("twin")) for r in listed] == [("t", None), ("t-parquet", None)]
    (differ,) = changes(apart, "twins-differ")
    assert (differ.resource, differ.old, differ.new) == ("t-parquet", "t", "t-parquet")
    assert [r["revised"][0]["new"] for r in listed] == ["2.5", "2.7"]


def test_key_option_errors(tmp_path: Path) -> None:
    old, new = population_pair(tmp_path, 5)
    with pytest.raises(StatpubError) as unknown:
        run_diff(old, new, keys={"population": ["Country Code", "Yr"]})
    assert unknown.value.code == "key-unknown-field" and "'Yr'" in unknown.value.message
    schema = {**POPULATION_SCHEMA, "primaryKey": ["Country Code", "Year"]}
    text = (old / "population.csv").read_text(encoding="utf-8")
    keyed = package(tmp_path / "k", {"population": (schema, text)})
    with pytest.raises(StatpubError) as declared:
        run_diff(keyed, keyed, keys={"population": ["Country Name", "Year"]})
    assert declared.value.code == "key-declared"


def test_cli_key_and_markdown(tmp_path: Path) -> None:
    old, new = population_pair(tmp_path, 6)
    runner = CliRunner()
    plain = runner.invoke(
        main, ["diff", str(old), str(new), "--key", "Country Code,Year", "--json"]
    )
    assert plain.exit_code == 1, plain.output
    pop = json.loads(plain.stdout)["resources"][0]
    assert pop["key_source"] == "--key" and pop["matched_by"] == ["Country Code", "Year"]
    expected = pandas_counts(old, new, "population", ["Country Code", "Year"])
    assert counts(pop) == expected
    unknown = runner.invoke(main, ["diff", str(old), str(new), "--key", "nope=a"])
    assert unknown.exit_code == 2 and "key-unknown-resource" in unknown.stderr
    md = runner.invoke(main, ["diff", str(old), str(new), "--format", "markdown"])
    assert md.exit_code == 1
    lines = md.stdout.splitlines()
    assert lines[0] == "### statpub diff: MINOR change"
    row = next(line for line in lines if line.startswith("| population |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1:3] == ["minor", "Country Code, Year (inferred)"]
    assert [int(c.replace(",", "")) for c in cells[3:7]] == list(expected)
    assert any(line.startswith("**Version not bumped:**") for line in lines)
    assert "First revised cells (" in md.stdout


def test_a_key_unique_only_in_the_old_version_is_not_used(tmp_path: Path) -> None:
    header = ["code", "year", "value"]
    schema = {"fields": [{"name": n, "type": "string"} for n in header]}
    rows = [["a", "2020", "1"], ["a", "2021", "1"], ["b", "2020", "2"]]
    old = package(tmp_path / "a", {"t": (schema, csv_text(header, rows))})
    new = package(tmp_path / "b", {"t": (schema, csv_text(header, [*rows, rows[0]]))}, "1.1.0")
    result = run_diff(old, new)
    t = table(result, "t")
    assert t["key_source"] == "row content" and counts(t) == (1, 0, 0, 0)
    note = next(n for n in result.notes if n.startswith("t:"))
    assert "unique in the old version (code, year" in note and "not in the new one" in note
