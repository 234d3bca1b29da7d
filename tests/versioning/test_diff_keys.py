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
from statpub.versioning.keys import MAX_SIZE, MAX_TRIES, SAMPLE, shortlist


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
        (MAX_TRIES, SAMPLE + 1, True),  # the last set the budget allows
        (MAX_TRIES + 1, SAMPLE + 1, False),  # one more than it allows
        # a set not unique on the sample costs nothing: here its rows are both in it
        (MAX_TRIES + 1, SAMPLE - 1, True),
        # ... and here the second is the first row after it: it costs a whole-table try
        (MAX_TRIES + 1, SAMPLE, False),
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
