"""Behaviours of key choice and row classification, each pinned by a case that fails if the
rule changes: log entries, referenced data, keys with missing cells, --key input errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from realstyle import csv_text, package

from statpub.errors import StatpubError
from statpub.package import open_package
from statpub.versioning.diff import DiffResult, diff
from statpub.versioning.keys import parse_keys


def run_diff(old: Path, new: Path, **kwargs: Any) -> DiffResult:
    with open_package(old) as a, open_package(new) as b:
        return diff(a, b, **kwargs)


def types(result: DiffResult) -> list[tuple[str, str]]:
    return [(c.type, c.level) for c in result.changes]


LOG = {
    "fields": [{"name": "version", "type": "string"}, {"name": "id", "type": "string"},
               {"name": "note", "type": "string"}],
    "primaryKey": ["version", "id"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("appended", "log"),
    [
        (["1.1.0", "b", "new entry"], True),  # stamped with the new version: the change log
        (["1.0.0", "b", "backdated"], False),  # stamped with another: data added
    ],
)
def test_rows_appended_to_a_version_keyed_table(
    tmp_path: Path, appended: list[str], log: bool
) -> None:
    rows = [["1.0.0", "a", "first"]]
    old = package(tmp_path / "a", {"log": (LOG, csv_text(["version", "id", "note"], rows))})
    text = csv_text(["version", "id", "note"], [*rows, appended])
    new = package(tmp_path / "b", {"log": (LOG, text)}, "1.1.0")
    found = types(run_diff(old, new))
    if log:
        assert found == [("log-entries-added", "none")]
    else:
        assert ("rows-added", "minor") in found and ("log-entries-added", "none") not in found


def test_a_log_entry_edited_is_not_a_log_entry(tmp_path: Path) -> None:
    header = ["version", "id", "note"]
    old = package(tmp_path / "a", {"log": (LOG, csv_text(header, [["1.0.0", "a", "first"]]))})
    rows = [["1.0.0", "a", "edited"], ["1.1.0", "b", "new"]]
    new = package(tmp_path / "b", {"log": (LOG, csv_text(header, rows))}, "1.1.0")
    found = types(run_diff(old, new))
    assert ("rows-added", "minor") in found and ("cells-revised", "patch") in found


CODES = {
    "fields": [{"name": "id", "type": "integer"}, {"name": "code", "type": "string"},
               {"name": "label", "type": "string"}],
    "primaryKey": ["id"],
}  # fmt: skip
FACTS = {
    "fields": [{"name": "code", "type": "string"}, {"name": "value", "type": "integer"}],
    "primaryKey": ["code"],
    "foreignKeys": [{"fields": ["code"], "reference": {"resource": "codes", "fields": ["code"]}}],
}  # fmt: skip


@pytest.mark.parametrize(
    ("revised", "expected"),
    [
        ([1, "A1", "alpha"], ("referenced-data-changed", "major")),  # the referenced code
        ([1, "A", "Alpha"], None),  # a label nobody references
    ],
)
def test_revising_referenced_values_is_major(
    tmp_path: Path, revised: list[Any], expected: tuple[str, str] | None
) -> None:
    header = ["id", "code", "label"]
    codes = [[1, "A", "alpha"], [2, "B", "beta"]]
    facts = (FACTS, csv_text(["code", "value"], [["A", 1]]))
    old = package(tmp_path / "a", {"codes": (CODES, csv_text(header, codes)), "facts": facts})
    new_codes = csv_text(header, [revised, codes[1]])
    new = package(tmp_path / "b", {"codes": (CODES, new_codes), "facts": facts}, "2.0.0")
    found = types(run_diff(old, new))
    assert ("cells-revised", "patch") in found
    if expected is None:
        assert all(t != "referenced-data-changed" for t, _ in found)
    else:
        assert expected in found


def test_a_column_with_missing_cells_is_no_key(tmp_path: Path) -> None:
    header = ["ref", "name", "value"]
    schema = {"fields": [{"name": "ref", "type": "string"}, {"name": "name", "type": "string"},
                         {"name": "value", "type": "integer"}]}  # fmt: skip
    # ref is unique where present but missing once; name is unique and always there.
    rows = [["r1", "a", 1], [None, "b", 2], ["r3", "c", 3]]
    old = package(tmp_path / "a", {"t": (schema, csv_text(header, rows))})
    new_rows = [["r1", "a", 1], [None, "b", 5], ["r3", "c", 3]]
    new = package(tmp_path / "b", {"t": (schema, csv_text(header, new_rows))}, "1.0.1")
    result = run_diff(old, new)
    t = next(r for r in result.resources if r.name == "t")
    assert (t.matched_by, t.key_source) == (["name"], "inferred")
    rows_only_missing = [["r1", "a", 1], [None, "a", 1], ["r3", "c", 1]]
    old = package(tmp_path / "c", {"t": (schema, csv_text(header, rows_only_missing))})
    result = run_diff(old, old)
    t = next(r for r in result.resources if r.name == "t")
    assert (t.matched_by, t.key_source) == (None, "row content")
    note = next(n for n in result.notes if n.startswith("t:"))
    assert "ref has missing cells" in note


@pytest.mark.parametrize(
    ("specs", "tables", "code"),
    [
        (("a,b",), ["t", "u"], "key-ambiguous"),
        (("a,b",), [], "key-ambiguous"),
        (("v=a",), ["t"], "key-unknown-resource"),
        (("t=",), ["t"], "key-empty"),
        (("t= , ",), ["t"], "key-empty"),
    ],
)
def test_key_option_input_errors(specs: tuple[str, ...], tables: list[str], code: str) -> None:
    with pytest.raises(StatpubError) as err:
        parse_keys(specs, tables)
    assert err.value.code == code
    assert specs[0] in err.value.message


def test_key_option_forms() -> None:
    assert parse_keys(("a, b",), ["t"]) == {"t": ["a", "b"]}
    assert parse_keys(("t=a", "u=b,c"), ["t", "u"]) == {"t": ["a"], "u": ["b", "c"]}
    assert parse_keys((), ["t"]) == {}


NAMES = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"]


def _inferred(tmp_path: Path, header: list[str], rows: list[list[Any]]) -> Any:
    schema = {"fields": [{"name": n, "type": "string"} for n in header]}
    old = package(tmp_path / "a", {"t": (schema, csv_text(header, rows))})
    return next(r for r in run_diff(old, old).resources if r.name == "t")


@pytest.mark.parametrize(("width", "found"), [(4, True), (5, False)])
def test_an_inferred_key_has_at_most_four_fields(tmp_path: Path, width: int, found: bool) -> None:
    from itertools import product

    header = NAMES[:width]
    rows = [list(bits) for bits in product("01", repeat=width)]  # unique only all together
    t = _inferred(tmp_path, header, rows)
    if found:
        assert (t.matched_by, t.key_source) == (header, "inferred")
    else:
        assert t.key_source == "row content"


@pytest.mark.parametrize(("width", "found"), [(6, True), (7, False)])
def test_only_the_first_six_candidates_are_tried(tmp_path: Path, width: int, found: bool) -> None:
    header = NAMES[:width]
    rows = [["x"] * (width - 1) + [str(k)] for k in range(5)]  # the last column is the key
    t = _inferred(tmp_path, header, rows)
    assert (t.key_source == "inferred") is found
    if found:
        assert t.matched_by == [header[-1]]


# Columns each unique on its own: the one inferred is the most dimension-like.
RANKED = [
    ("country_code", "string"),  # a code or identifier, by its name
    ("year", "integer"),  # a period, by its name
    ("start", "date"),  # another date
    ("label", "string"),  # text
    ("flag", "boolean"),
    ("total", "string"),  # text named as a measure
    ("amount", "integer"),  # an integer that may be a measure
]


@pytest.mark.parametrize("first", range(len(RANKED) - 1))
def test_key_candidates_are_ranked_codes_periods_dates_text_measures(
    tmp_path: Path, first: int
) -> None:
    kept = RANKED[first:]
    if kept[0][1] == "boolean":
        kept = kept[1:]  # two rows, so a boolean can be unique
    header = [n for n, _ in kept]
    schema = {"fields": [{"name": n, "type": t} for n, t in kept]}
    values = {
        "string": ["p", "q"],
        "integer": ["1", "2"],
        "date": ["2020-01-01", "2021-01-01"],
        "boolean": ["true", "false"],
    }
    rows = [[values[t][k] for _, t in kept] for k in range(2)]
    old = package(tmp_path / "a", {"t": (schema, csv_text(header, rows))})
    t = next(r for r in run_diff(old, old).resources if r.name == "t")
    assert (t.matched_by, t.key_source) == ([kept[0][0]], "inferred")
