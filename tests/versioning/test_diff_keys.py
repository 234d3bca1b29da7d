"""How diff finds the key of a table that declares none, and its bounds, each pinned by a
case that fails if the rule changes (small packages written by ``realstyle.package``)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from realstyle import csv_text, package

from statpub.package import open_package
from statpub.versioning.diff import DiffResult, ResourceDiff, diff
from statpub.versioning.keys import shortlist


def run_diff(old: Path, new: Path, **kwargs: Any) -> DiffResult:
    with open_package(old) as a, open_package(new) as b:
        return diff(a, b, **kwargs)


def table(result: DiffResult, name: str = "t") -> ResourceDiff:
    return next(r for r in result.resources if r.name == name)


def schema(*fields: tuple[str, str]) -> dict[str, Any]:
    return {"fields": [{"name": n, "type": t} for n, t in fields]}


def pair(
    tmp_path: Path,
    s: dict[str, Any],
    old_rows: list[list[Any]],
    new_rows: list[list[Any]],
    new_schema: dict[str, Any] | None = None,
) -> tuple[Path, Path]:
    header = [f["name"] for f in s["fields"]]
    old = package(tmp_path / "old", {"t": (s, csv_text(header, old_rows))})
    ns = new_schema or s
    new_header = [f["name"] for f in ns["fields"]]
    new = package(tmp_path / "new", {"t": (ns, csv_text(new_header, new_rows))}, "1.0.1")
    return old, new


def test_a_field_that_cannot_be_a_key_does_not_hide_the_fields_after_it(tmp_path: Path) -> None:
    s = schema(("share", "number"), ("label", "string"))
    rows = [[0.5, "a"], [0.5, "b"], [0.25, "c"]]
    old, new = pair(tmp_path, s, rows, [[0.5, "a"], [0.75, "b"], [0.25, "c"]])
    t = table(run_diff(old, new))
    assert (t.matched_by, t.key_source) == (["label"], "inferred")
    assert t.comparison is not None and t.comparison.revised_count == 1


def test_a_one_row_table_is_keyed_by_a_column(tmp_path: Path) -> None:
    s = schema(("code", "string"), ("n", "integer"))
    old, new = pair(tmp_path, s, [["A", 1]], [["A", 2]])
    t = table(run_diff(old, new))
    assert (t.matched_by, t.key_source) == (["code"], "inferred")
    assert t.comparison is not None and t.comparison.revised_count == 1


def test_only_the_smallest_sets_unique_in_the_old_version_are_tried(tmp_path: Path) -> None:
    # In the old version "a" alone is unique; in the new one it repeats. The pair (a, b)
    # would be unique in both, but a larger set is not looked for once a smaller one is
    # found: the rows are matched by content, and the note says why.
    s = schema(("a", "string"), ("b", "string"))
    old_rows = [["1", "x"], ["2", "x"], ["3", "y"]]
    new_rows = [["1", "x"], ["1", "y"], ["3", "y"]]
    old, new = pair(tmp_path, s, old_rows, new_rows)
    result = run_diff(old, new)
    t = table(result)
    assert (t.matched_by, t.key_source) == (None, "row content")
    note = next(n for n in result.notes if n.startswith("t:"))
    assert "the sets of columns unique in the old version (a) are not in the new one" in note


def test_a_set_with_a_missing_cell_in_the_new_version_is_no_key(tmp_path: Path) -> None:
    # Only (a, b) is unique in the old version; in the new one b is missing once, so the
    # pair cannot key it, though it is still unique.
    s = schema(("a", "string"), ("b", "string"))
    old_rows = [["1", "x"], ["1", "y"], ["2", "x"]]
    new_rows = [["1", "x"], ["1", None], ["2", "x"]]
    old, new = pair(tmp_path, s, old_rows, new_rows)
    result = run_diff(old, new)
    t = table(result)
    assert (t.matched_by, t.key_source) == (None, "row content")
    note = next(n for n in result.notes if n.startswith("t:"))
    assert "(a, b) are not in the new one" in note


TWO = {
    "string": ["p", "q"],
    "integer": ["1", "2"],
    "date": ["2020-01-01", "2021-01-01"],
    "boolean": ["true", "false"],
}


@pytest.mark.parametrize(
    ("later", "first"),
    [
        (("start", "date"), ("year", "integer")),  # a period by its name before other dates
        (("label", "string"), ("start", "date")),  # dates before text
        (("flag", "boolean"), ("label", "string")),  # text before flags
        (("total", "string"), ("label", "string")),  # text before text named as a measure
        (("amount", "integer"), ("total", "string")),  # an integer that may be a measure last
        (("amount", "integer"), ("flag", "boolean")),
    ],
)
def test_the_more_dimension_like_column_wins_wherever_it_stands(
    tmp_path: Path, later: tuple[str, str], first: tuple[str, str]
) -> None:
    # Each column is unique on its own; the one ranked first is listed second.
    fields = [later, first]
    rows = [[TWO[t][k] for _, t in fields] for k in range(2)]
    old, new = pair(tmp_path, schema(*fields), rows, rows)
    t = table(run_diff(old, new))
    assert (t.matched_by, t.key_source) == ([first[0]], "inferred")


# The bounds docs/versioning.md states: sets of up to 4 fields, the first 65,536 rows
# first, at most 48 sets tried on the whole table.
MAX_SIZE, SAMPLE, MAX_TRIES = 4, 65_536, 48


@dataclass
class Hashes:
    """A table as the key search reads it: per column, one hash per cell."""

    rows: int
    columns: dict[str, Any]
    nulls: dict[str, int]


def _budget_table(target_at: int, first_pair_ends_at: int) -> tuple[Hashes, list[str]]:
    """Six columns; every set of up to four is unique on the first SAMPLE rows. Each set
    tried before the ``target_at``-th repeats in a pair of rows (so it is tried on the
    whole table, and fails); the first pair's second row is row ``first_pair_ends_at``
    (0-based), the others come after the sample. Only the target set is unique."""
    names = list("abcdef")
    order = [list(c) for size in range(1, MAX_SIZE + 1) for c in combinations(names, size)]
    before, target = order[: target_at - 1], order[target_at - 1]
    after = max(SAMPLE, first_pair_ends_at + 1)
    rows = after + 2 * (len(before) - 1)
    cells = {
        n: np.arange(rows, dtype=np.uint64) + np.uint64(1 + i * rows) for i, n in enumerate(names)
    }
    at = [(first_pair_ends_at - 1, first_pair_ends_at)]
    at += [(after + 2 * k, after + 2 * k + 1) for k in range(len(before) - 1)]
    for s, (one, other) in zip(before, at, strict=True):
        for n in s:
            cells[n][other] = cells[n][one]
    return Hashes(rows, cells, dict.fromkeys(names, 0)), target


@pytest.mark.parametrize(
    ("target_at", "first_pair_ends_at", "found"),
    [
        pytest.param(MAX_TRIES, SAMPLE + 1, True, id="the-last-set-the-budget-allows"),
        pytest.param(MAX_TRIES + 1, SAMPLE + 1, False, id="one-more-than-it-allows"),
        # a set not unique on the sample costs nothing: here its rows are both in it
        pytest.param(MAX_TRIES + 1, SAMPLE - 1, True, id="a-pair-inside-the-sample"),
        # ... and here the second is the first row after it: it costs a whole-table try
        pytest.param(MAX_TRIES + 1, SAMPLE, False, id="a-pair-across-its-end"),
    ],
)
def test_the_search_tries_at_most_max_tries_sets_on_the_whole_table(
    target_at: int, first_pair_ends_at: int, found: bool
) -> None:
    hashed, target = _budget_table(target_at, first_pair_ends_at)
    sets, why = shortlist(hashed, list(hashed.columns))
    if found:
        assert sets == [target]
    else:
        assert sets == []
        assert why.startswith(f"no set of up to {MAX_SIZE} of its columns (a, b, c, d, e, f)")


def test_a_set_missing_a_cell_in_the_new_version_gives_way_to_the_next(tmp_path: Path) -> None:
    # a and b are each unique in the old version; in the new one a is missing once.
    s = schema(("a", "string"), ("b", "string"), ("n", "integer"))
    old_rows = [["1", "x", 1], ["2", "y", 2], ["3", "z", 3]]
    new_rows = [["1", "x", 1], [None, "y", 5], ["3", "z", 3]]
    old, new = pair(tmp_path, s, old_rows, new_rows)
    t = table(run_diff(old, new))
    assert (t.matched_by, t.key_source) == (["b"], "inferred")
    assert t.comparison is not None
    assert (t.comparison.revised_count, t.comparison.cells_revised) == (1, 2)


@pytest.mark.parametrize(
    "values",
    [{"constraints": {"enum": [1, 2]}}, {"categories": [1, 2]}],
)
def test_an_integer_with_a_set_of_values_ranks_before_a_measure(
    tmp_path: Path, values: dict[str, Any]
) -> None:
    s = {
        "fields": [
            {"name": "amount", "type": "integer"},
            {"name": "level", "type": "integer", **values},
        ]
    }
    rows = [[10, 1], [20, 2]]
    old, new = pair(tmp_path, s, rows, rows)
    t = table(run_diff(old, new))
    assert (t.matched_by, t.key_source) == (["level"], "inferred")


def test_a_declared_key_naming_a_field_new_in_this_version_is_not_used(tmp_path: Path) -> None:
    # The new version declares (code, extra), but the old has no "extra": rows are matched
    # by a key found in both, with no word of a key field lacking a column.
    old_s = schema(("code", "string"), ("n", "integer"))
    new_s = {**schema(("code", "string"), ("n", "integer"), ("extra", "string"))}
    new_s["primaryKey"] = ["code", "extra"]
    old, new = pair(tmp_path, old_s, [["a", 1], ["b", 2]], [["a", 1, "x"], ["b", 3, "y"]], new_s)
    result = run_diff(old, new)
    t = table(result)
    assert (t.matched_by, t.key_source) == (["code"], "inferred")
    assert not [n for n in result.notes if "without a column" in n]


@pytest.mark.parametrize("declared_in", ["old", "new"])
def test_a_primary_key_declared_in_one_version_matches_the_rows(
    tmp_path: Path, declared_in: str
) -> None:
    # The old version's key is read under the field's new name.
    old_s = schema(("id", "string"), ("label", "string"), ("n", "integer"))
    new_s = schema(("ref", "string"), ("label", "string"), ("n", "integer"))
    keyed = old_s if declared_in == "old" else new_s
    keyed["primaryKey"] = [keyed["fields"][0]["name"]]
    rows = [["1", "x", 1], ["2", "y", 2]]
    old, new = pair(tmp_path, old_s, rows, [["1", "x", 1], ["2", "x", 3]], new_s)
    t = table(run_diff(old, new))
    assert (t.matched_by, t.key_source) == (["ref"], "primaryKey")


def test_a_field_without_a_type_is_text_and_may_be_a_key(tmp_path: Path) -> None:
    s = {"fields": [{"name": "share", "type": "number"}, {"name": "label"}]}
    old, new = pair(tmp_path, s, [[0.5, "a"], [0.5, "b"]], [[0.5, "a"], [0.75, "b"]])
    t = table(run_diff(old, new))
    assert (t.matched_by, t.key_source) == (["label"], "inferred")


def test_a_text_column_named_as_a_period_ranks_as_text(tmp_path: Path) -> None:
    fields = [("label", "string"), ("year", "string")]
    rows = [["p", "2020"], ["q", "2021"]]
    old, new = pair(tmp_path, schema(*fields), rows, rows)
    t = table(run_diff(old, new))
    assert (t.matched_by, t.key_source) == (["label"], "inferred")


@pytest.mark.parametrize(("still_unique", "found"), [("c", True), ("d", False)])
def test_at_most_three_sets_unique_in_the_old_version_are_tried_on_the_new(
    tmp_path: Path, still_unique: str, found: bool
) -> None:
    # a, b, c and d are each unique in the old version; in the new one only one still is.
    names = ["a", "b", "c", "d"]
    s = schema(*((n, "string") for n in names))
    old_rows = [[f"{n}{k}" for n in names] for k in range(3)]
    new_rows = [[v if n == still_unique else f"{n}0" for n, v in zip(names, r, strict=True)]
                for r in old_rows]  # fmt: skip
    old, new = pair(tmp_path, s, old_rows, new_rows)
    t = table(run_diff(old, new))
    if found:
        assert (t.matched_by, t.key_source) == ([still_unique], "inferred")
    else:
        assert (t.matched_by, t.key_source) == (None, "row content")


@pytest.mark.parametrize(
    ("ftype", "values"),
    [
        ("datetime", ["2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z"]),
        ("yearmonth", ["2020-01", "2020-02"]),
        ("time", ["10:00:00", "11:00:00"]),
    ],
)
def test_dates_months_and_times_may_be_keys(tmp_path: Path, ftype: str, values: list[str]) -> None:
    s = schema(("share", "number"), ("when", ftype))
    rows = [[0.5, values[0]], [0.5, values[1]]]
    old, new = pair(tmp_path, s, rows, [[0.5, values[0]], [0.75, values[1]]])
    t = table(run_diff(old, new))
    assert (t.matched_by, t.key_source) == (["when"], "inferred")
