"""One table's comparison, each rule pinned by a case that fails if it changes: a key
field without a column, repeated keys, the package's own change log, files whose bytes
differ with every cell the same, and how values meet when a field's type changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from realstyle import csv_text, package

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


def test_identical_files_are_no_reformat(tmp_path: Path) -> None:
    text = "code,n\na,1\nb,2\n"
    old = write(tmp_path / "a", CODES, text)
    new = write(tmp_path / "b", CODES, text, "1.0.1")
    assert types(run_diff(old, new)) == []
