"""One table's comparison, each rule pinned by a case that fails if it changes: a key
field without a column, repeated keys, the package's own change log, files whose bytes
differ with every cell the same, and how values meet when a field's type changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from realstyle import csv_text, package

from statpub.errors import StatpubError
from statpub.package import open_package
from statpub.versioning.diff import DiffResult, ResourceDiff, diff


def run_diff(old: Path, new: Path, **kwargs: Any) -> DiffResult:
    with open_package(old) as a, open_package(new) as b:
        return diff(a, b, **kwargs)


def table(result: DiffResult, name: str = "t") -> ResourceDiff:
    return next(r for r in result.resources if r.name == name)


def types(result: DiffResult) -> list[tuple[str, str]]:
    return [(c.type, c.level) for c in result.changes]


def write(folder: Path, s: dict[str, Any], text: str, version: str | None = "1.0.0") -> Path:
    return package(folder, {"t": (s, text)}, version)


KEYED = {
    "fields": [{"name": "code", "type": "string"}, {"name": "when", "type": "date"},
               {"name": "value", "type": "integer"}],
    "primaryKey": ["code", "when"],
    "fieldsMatch": "partial",
}  # fmt: skip


def test_a_key_field_without_a_column_is_left_out_and_the_key_is_found(tmp_path: Path) -> None:
    # The new file heads its date column "day": matched by name, "when" has no column
    # there, so the declared key cannot be read and the rows are keyed by what remains.
    rows = [["a", "2024-01-01", 1], ["b", "2024-01-01", 2]]
    old = write(tmp_path / "a", KEYED, csv_text(["code", "when", "value"], rows))
    new_rows = [["a", "2024-01-01", 1], ["b", "2024-01-01", 3]]
    new = write(tmp_path / "b", KEYED, csv_text(["code", "day", "value"], new_rows), "1.0.1")
    result = run_diff(old, new)
    assert any(
        n == "t: the key code, when has a field without a column in a file; rows were "
        "matched without it"
        for n in result.notes
    ), result.notes
    t = table(result)
    assert (t.matched_by, t.key_source) == (["code"], "inferred")
    assert t.comparison is not None
    assert (t.comparison.revised_count, t.comparison.cells_revised) == (1, 1)


def test_rows_repeating_a_declared_key_are_counted_in_a_note(tmp_path: Path) -> None:
    s = {**KEYED, "primaryKey": ["code"]}
    del s["fieldsMatch"]
    header = ["code", "when", "value"]
    rows = [["a", "2024-01-01", 1], ["a", "2024-01-02", 2], ["a", "2024-01-03", 3], ["b", "", 4]]
    old = write(tmp_path / "a", s, csv_text(header, rows))
    new = write(tmp_path / "b", s, csv_text(header, [*rows[:3], ["b", "", 5]]), "1.0.1")
    result = run_diff(old, new)
    notes = [n for n in result.notes if "repeat the key" in n]
    assert notes == [  # two in each version
        "t: 4 row(s) repeat the key of an earlier row (code); the first row of each key "
        "was compared"
    ]
    t = table(result)
    assert t.comparison is not None and t.comparison.revised_count == 1


def test_a_table_without_repeated_keys_has_no_such_note(tmp_path: Path) -> None:
    s = {**KEYED, "primaryKey": ["code"]}
    header = ["code", "when", "value"]
    old = write(tmp_path / "a", s, csv_text(header, [["a", "2024-01-01", 1]]))
    new = write(tmp_path / "b", s, csv_text(header, [["a", "2024-01-01", 2]]), "1.0.1")
    assert not [n for n in run_diff(old, new).notes if "repeat" in n]


LOG = {
    "fields": [{"name": "version", "type": "string"}, {"name": "id", "type": "string"}],
    "primaryKey": ["version", "id"],
}
LOG_HEADER = ["version", "id"]


def test_a_change_log_is_read_whole_whatever_the_listing_limit(tmp_path: Path) -> None:
    old = write(tmp_path / "a", LOG, csv_text(LOG_HEADER, [["1.0.0", "a"]]))
    rows = [["1.0.0", "a"], ["1.1.0", "b"], ["1.1.0", "c"], ["1.1.0", "d"]]
    new = write(tmp_path / "b", LOG, csv_text(LOG_HEADER, rows), "1.1.0")
    result = run_diff(old, new, limit=1)
    assert types(result) == [("log-entries-added", "none")]
    assert "3 entries for version 1.1.0" in result.changes[0].message


def test_a_data_table_keeps_the_listing_limit(tmp_path: Path) -> None:
    s = {**LOG, "primaryKey": ["id"]}
    old = write(tmp_path / "a", s, csv_text(LOG_HEADER, [["1.0.0", "a"]]))
    rows = [["1.0.0", "a"], ["1.1.0", "b"], ["1.1.0", "c"], ["1.1.0", "d"]]
    new = write(tmp_path / "b", s, csv_text(LOG_HEADER, rows), "1.1.0")
    result = run_diff(old, new, limit=1)
    c = table(result).comparison
    assert c is not None and (c.added_count, len(c.added)) == (3, 1)
    assert types(result) == [("rows-added", "minor")]


@pytest.mark.parametrize(
    ("new_rows", "version"),
    [
        ([["1.1.0", "b"]], None),  # a package without a version has no log entries
        ([["1.1.0", "b"], ["1.1.0", "c"]], "1.1.0"),  # an entry removed
    ],
)
def test_entries_are_log_entries_only_when_merely_appended_for_the_version(
    tmp_path: Path, new_rows: list[list[str]], version: str | None
) -> None:
    old = write(tmp_path / "a", LOG, csv_text(LOG_HEADER, [["1.0.0", "a"]]))
    new = write(tmp_path / "b", LOG, csv_text(LOG_HEADER, new_rows), version)
    found = types(run_diff(old, new))
    assert ("rows-added", "minor") in found
    assert all(t != "log-entries-added" for t, _ in found)


def test_rows_removed_from_a_table_nobody_references_are_minor(tmp_path: Path) -> None:
    s = {**KEYED, "primaryKey": ["code"]}
    header = ["code", "when", "value"]
    rows = [["a", "2024-01-01", 1], ["b", "2024-01-02", 2]]
    old = write(tmp_path / "a", s, csv_text(header, rows))
    new = write(tmp_path / "b", s, csv_text(header, rows[:1]), "1.1.0")
    result = run_diff(old, new)
    (removed,) = [c for c in result.changes if c.type == "rows-removed"]
    assert (removed.level, removed.message) == ("minor", "1 row(s) removed")
    assert (removed.old, removed.new) == (2, 1)


CODES = {"fields": [{"name": "code", "type": "string"}, {"name": "n", "type": "integer"}]}
CODES["primaryKey"] = ["code"]


@pytest.mark.parametrize(
    ("old_text", "new_text"),
    [
        ('code,n\n"a",1\nb,2\n', 'code,n\na,"1"\nb,2\n'),  # same size, other quoting
        ("code,n\na,1\nb,2\n", 'code,n\n"a",1\nb,2\n'),  # one cell quoted
    ],
)
def test_bytes_that_differ_with_every_cell_the_same_are_a_file_reformat(
    tmp_path: Path, old_text: str, new_text: str
) -> None:
    old = write(tmp_path / "a", CODES, old_text)
    new = write(tmp_path / "b", CODES, new_text, "1.0.1")
    assert types(run_diff(old, new)) == [("file-reformatted", "patch")]


def test_a_difference_after_the_first_mebibyte_is_found(tmp_path: Path) -> None:
    body = csv_text(["code", "n"], [[f"k{i:07d}", i % 10] for i in range(120_000)])
    assert len(body) > 1 << 20
    old = write(tmp_path / "a", CODES, body + '"last",1\n')
    new = write(tmp_path / "b", CODES, body + 'last,"1"\n', "1.0.1")  # same size
    assert types(run_diff(old, new)) == [("file-reformatted", "patch")]
    same = write(tmp_path / "c", CODES, body + '"last",1\n', "1.0.1")
    assert types(run_diff(old, same)) == []


def test_identical_files_are_no_reformat(tmp_path: Path) -> None:
    text = "code,n\na,1\nb,2\n"
    old = write(tmp_path / "a", CODES, text)
    new = write(tmp_path / "b", CODES, text, "1.0.1")
    assert types(run_diff(old, new)) == []


def test_entries_for_another_version_among_the_appended_are_rows_added(tmp_path: Path) -> None:
    old = write(tmp_path / "a", LOG, csv_text(LOG_HEADER, [["1.0.0", "a"]]))
    rows = [["1.0.0", "a"], ["1.1.0", "b"], ["1.0.0", "c"]]
    new = write(tmp_path / "b", LOG, csv_text(LOG_HEADER, rows), "1.1.0")
    assert types(run_diff(old, new)) == [("rows-added", "minor")]


def test_a_schema_change_is_not_also_a_file_reformat(tmp_path: Path) -> None:
    # The file is written differently and a field's type changed: the type change is the
    # change; the new bytes are not reported again as a reformat.
    numbers = {"fields": [CODES["fields"][0], {"name": "n", "type": "number"}]}
    numbers["primaryKey"] = ["code"]
    old = write(tmp_path / "a", CODES, "code,n\na,1\nb,2\n")
    new = write(tmp_path / "b", numbers, 'code,n\n"a",1\nb,2\n', "2.0.0")
    found = types(run_diff(old, new))
    assert found and all(t != "file-reformatted" for t, _ in found)


def test_a_csv_known_only_by_its_extension_is_compared_as_text(tmp_path: Path) -> None:
    old = write(tmp_path / "a", CODES, "code,n\na,1\nb,2\n")
    new = write(tmp_path / "b", CODES, 'code,n\n"a",1\nb,2\n', "1.0.1")
    for folder in (old, new):
        path = folder / "datapackage.json"
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        del descriptor["resources"][0]["format"]
        path.write_text(json.dumps(descriptor), encoding="utf-8")
    assert types(run_diff(old, new)) == [("file-reformatted", "patch")]


def test_a_file_without_a_header_row_has_no_header_to_rename(tmp_path: Path) -> None:
    old = write(tmp_path / "a", CODES, "code,n\na,1\nb,2\n")
    new = write(tmp_path / "b", CODES, "a,1\nb,3\n", "1.0.1")
    path = new / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"][0]["dialect"] = {"header": False}
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    result = run_diff(old, new)
    assert all(c.type != "header-renamed" for c in result.changes)
    c = table(result).comparison
    assert c is not None and (c.revised_count, c.cells_revised) == (1, 1)


def test_a_field_renamed_in_the_schema_alone_is_no_header_rename(tmp_path: Path) -> None:
    renamed = {"fields": [CODES["fields"][0], {"name": "count", "type": "integer"}]}
    renamed["primaryKey"] = ["code"]
    old = write(tmp_path / "a", CODES, "code,n\na,1\nb,2\n")
    new = write(tmp_path / "b", renamed, "code,n\na,1\nb,2\n", "2.0.0")
    found = types(run_diff(old, new))
    assert found and all(t != "header-renamed" for t, _ in found)


def test_a_field_without_a_column_in_the_old_file_is_left_out(tmp_path: Path) -> None:
    s = {**KEYED, "primaryKey": ["code"]}
    rows = [["a", "2024-01-01", 1], ["b", "2024-01-01", 2]]
    old = write(tmp_path / "a", s, csv_text(["code", "day", "value"], rows))
    new_rows = [["a", "2024-01-01", 1], ["b", "2024-01-01", 3]]
    new = write(tmp_path / "b", s, csv_text(["code", "when", "value"], new_rows), "1.0.1")
    result = run_diff(old, new)
    assert any("field 'when' has no column" in n for n in result.notes), result.notes
    assert [(c.type, c.old, c.new) for c in result.changes if c.type == "header-renamed"] == []
    c = table(result).comparison
    assert c is not None and (c.revised_count, c.cells_revised) == (1, 1)


@pytest.mark.parametrize("typed_in", ["old", "new"])
def test_a_field_typed_any_or_untyped_compares_values_not_line_ends(
    tmp_path: Path, typed_in: str
) -> None:
    # No type and "any" are the same type: a text whose line ends changed is reformatted.
    untyped = {"fields": [CODES["fields"][0], {"name": "note"}], "primaryKey": ["code"]}
    typed = {"fields": [CODES["fields"][0], {"name": "note", "type": "any"}]}
    typed["primaryKey"] = ["code"]
    first, second = (typed, untyped) if typed_in == "old" else (untyped, typed)
    old = write(tmp_path / "a", first, 'code,note\na,"one\r\ntwo"\n')
    new = write(tmp_path / "b", second, 'code,note\na,"one\ntwo"\n', "1.0.1")
    result = run_diff(old, new)
    c = table(result).comparison
    assert c is not None and (c.revised_count, c.cells_reformatted) == (0, 1)
    assert types(result) == [("cells-reformatted", "patch")]


def test_a_number_retyped_as_text_compares_the_text(tmp_path: Path) -> None:
    text = {"fields": [CODES["fields"][0], {"name": "n", "type": "string"}]}
    text["primaryKey"] = ["code"]
    old = write(tmp_path / "a", CODES, "code,n\na,1\nb,2\n")
    new = write(tmp_path / "b", text, "code,n\na,01\nb,2\n", "2.0.0")
    result = run_diff(old, new)
    c = table(result).comparison
    assert c is not None and (c.revised_count, c.cells_revised) == (1, 1)
    assert [r.key for r in c.revised] == [{"code": "a"}]


def test_a_trailing_column_dropped_from_the_new_file_is_left_out(tmp_path: Path) -> None:
    s = {**KEYED, "primaryKey": ["code"]}
    old_rows = [["a", 1, "2024-01-01"], ["b", 2, "2024-01-01"]]
    old = write(tmp_path / "a", s, csv_text(["code", "value", "when"], old_rows))
    new = write(tmp_path / "b", s, csv_text(["code", "value"], [["a", 1], ["b", 3]]), "1.0.1")
    result = run_diff(old, new)
    assert any("field 'when' has no column" in n for n in result.notes), result.notes
    assert all(c.type != "header-renamed" for c in result.changes)
    c = table(result).comparison
    assert c is not None and (c.revised_count, c.cells_revised) == (1, 1)


def test_a_field_and_its_header_renamed_together_are_no_header_rename(tmp_path: Path) -> None:
    renamed = {"fields": [CODES["fields"][0], {"name": "count", "type": "integer"}]}
    renamed["primaryKey"] = ["code"]
    old = write(tmp_path / "a", CODES, "code,n\na,1\nb,2\n")
    new = write(tmp_path / "b", renamed, "code,count\na,1\nb,2\n", "2.0.0")
    found = types(run_diff(old, new))
    assert ("field-renamed", "major") in found
    assert all(t != "header-renamed" for t, _ in found)


def test_a_number_retyped_as_a_year_compares_the_numbers(tmp_path: Path) -> None:
    numbers = {"fields": [CODES["fields"][0], {"name": "n", "type": "number"}]}
    years = {"fields": [CODES["fields"][0], {"name": "n", "type": "year"}]}
    for s in (numbers, years):
        s["primaryKey"] = ["code"]
    old = write(tmp_path / "a", numbers, "code,n\na,2020.0\nb,2021\n")
    new = write(tmp_path / "b", years, "code,n\na,2020\nb,2022\n", "2.0.0")
    c = table(run_diff(old, new)).comparison
    assert c is not None and [r.key for r in c.revised] == [{"code": "b"}]


def test_inline_rows_declared_as_csv_are_not_compared_as_a_file(tmp_path: Path) -> None:
    # "format": "csv" on inline rows names no file: the rows are compared by value only.
    def inline(folder: Path, rows: list[list[str]], version: str) -> Path:
        folder.mkdir()
        resource = {"name": "t", "format": "csv", "data": [["code", "n"], *rows]}
        resource["schema"] = {"fields": [{"name": "code"}, {"name": "n", "type": "number"}]}
        descriptor = {"name": "example", "version": version, "resources": [resource]}
        (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        return folder

    old = inline(tmp_path / "a", [["a", "1.0"], ["b", "2"]], "1.0.0")
    new = inline(tmp_path / "b", [["a", "1"], ["b", "2"]], "1.0.1")
    result = run_diff(old, new)
    c = table(result).comparison
    assert c is not None and (c.revised_count, c.cells_reformatted) == (0, 0)
    assert types(result) == []


def test_a_header_renamed_after_a_field_without_a_column_is_reported(tmp_path: Path) -> None:
    s = {**KEYED, "primaryKey": ["code"]}
    rows = [["a", "2024-01-01", 1], ["b", "2024-01-01", 2]]
    old = write(tmp_path / "a", s, csv_text(["code", "day", "value"], rows))
    new = write(tmp_path / "b", s, csv_text(["code", "when", "amount"], rows), "1.0.1")
    result = run_diff(old, new)
    renamed = [(c.field, c.old, c.new) for c in result.changes if c.type == "header-renamed"]
    assert renamed == [("value", "value", "amount")]


def test_rows_that_cannot_be_read_leave_the_table_not_compared(tmp_path: Path) -> None:
    old = write(tmp_path / "a", CODES, "code,n\na,1\nb,2\n")
    new = write(tmp_path / "b", CODES, "x", "1.0.1")
    (new / "t.csv").write_bytes(b"code,n\na,1\nb,\xff2\n")  # not UTF-8 after the first row
    with open_package(old) as a, open_package(new) as b:
        t = table(diff(a, b, partial=True))
        assert t.status == "not-compared"
        assert t.reason is not None
        assert t.reason.startswith(f"{b.label}: cannot read resource 't' (t.csv: ")
        assert "not valid utf-8" in t.reason
        with pytest.raises(StatpubError) as err:
            diff(a, b)
    assert err.value.code == "package-unreadable"


def test_the_same_rows_in_more_files_are_a_file_reformat(tmp_path: Path) -> None:
    old = write(tmp_path / "a", CODES, "code,n\na,1\nb,2\n")
    new = write(tmp_path / "b", CODES, "code,n\na,1\n", "1.0.1")
    (new / "t2.csv").write_text("code,n\nb,2\n", encoding="utf-8")
    path = new / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = ["t.csv", "t2.csv"]
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    assert [t for t in types(run_diff(old, new)) if t[0] != "resource-moved"] == [
        ("file-reformatted", "patch")
    ]
