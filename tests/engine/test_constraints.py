"""Field constraints: each behaviour pinned by a case that fails if the rule changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from statpub.tables import arrow, compute
from statpub.tables.lexical import parse
from statpub.tables.spec import FieldSpec
from statpub.validate import validate
from statpub.validate.engine.constraints import failures, prepare


def errors(tmp_path: Path, field: dict[str, Any], cells: list[str]) -> list[tuple[str, int]]:
    """(type, row) of every error validating a column holding ``cells`` (beside an id)."""
    rows = [f"{k},{cell}" for k, cell in enumerate(cells)]
    (tmp_path / "t.csv").write_text("\n".join(["id,v", *rows]) + "\n", encoding="utf-8")
    fields = [{"name": "id", "type": "integer"}, field]
    resource = {"name": "t", "type": "table", "path": "t.csv", "schema": {"fields": fields}}
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"name": "p", "resources": [resource]}), encoding="utf-8"
    )
    report = validate(tmp_path)
    return sorted((i.type, i.row or 0) for i in report.errors)


def test_required_false_lets_a_cell_be_missing(tmp_path: Path) -> None:
    field = {"name": "v", "type": "integer", "constraints": {"required": False}}
    assert errors(tmp_path, field, ["1", "", "3"]) == []
    field["constraints"] = {"required": True}
    assert errors(tmp_path, field, ["1", "", "3"]) == [("constraint-error", 3)]


@pytest.mark.parametrize("fallback", [False, True], ids=["arrow", "google-re2"])
@pytest.mark.parametrize("repeated", [False, True], ids=["distinct", "repetitive"])
def test_a_top_level_alternation_matches_the_whole_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fallback: bool, repeated: bool
) -> None:
    if fallback:  # Arrow's kernel refusing the pattern: google-re2 matches instead

        def refuse(*args: object, **kwargs: object) -> None:
            raise pa.ArrowNotImplementedError("refused")

        monkeypatch.setattr(compute, "match_substring_regex", refuse)
    cells = ["a", "b", "ax", "xb", "ab"] * (40 if repeated else 1)
    field = {"name": "v", "type": "string", "constraints": {"pattern": "a|b"}}
    bad = {row for _, row in errors(tmp_path, field, cells)}
    assert bad == {k + 2 for k, cell in enumerate(cells) if cell not in ("a", "b")}


@pytest.mark.parametrize(
    ("constraint", "cells", "fails"),
    [
        ({"minLength": 2}, ["x,y", "x", "x,y,z"], [False, True, False]),
        ({"maxLength": 2}, ["x,y", "x", "x,y,z"], [False, False, True]),
    ],
)
def test_lengths_of_a_list_count_its_items(
    constraint: dict[str, int], cells: list[str], fails: list[bool]
) -> None:
    # The 2.0 profile dplib-py ships has no list type yet: checked in the engine itself.
    spec = FieldSpec(name="v", type="list", constraints=constraint)
    parsed = parse(arrow.array(cells, pa.string()), spec)
    found = failures(prepare(spec, parsed.values.type), parsed)
    assert [(f.name, f.mask.to_pylist()) for f in found] == [(next(iter(constraint)), fails)]


def test_enum_and_categories_that_differ_are_both_checked(tmp_path: Path) -> None:
    field = {"name": "v", "type": "string", "categories": ["a", "b"],
             "constraints": {"enum": ["a", "c"]}}  # fmt: skip
    assert errors(tmp_path, field, ["a", "b", "c"]) == [
        ("category-error", 4),
        ("constraint-error", 3),
    ]


def test_an_enum_within_the_categories_reports_a_bad_code_once(tmp_path: Path) -> None:
    field = {"name": "v", "type": "string", "categories": ["a", "b", "c"],
             "constraints": {"enum": ["a", "b"]}}  # fmt: skip
    assert errors(tmp_path, field, ["a", "c", "d"]) == [
        ("constraint-error", 3),
        ("constraint-error", 4),
    ]


def test_an_integer_bound_that_is_not_an_integer_is_a_schema_problem() -> None:
    spec = FieldSpec(name="v", type="integer", constraints={"minimum": "x", "maximum": "7"})
    prepared = prepare(spec, pa.int64())
    assert prepared.problems == ["constraint minimum 'x' is not a valid integer"]
    assert list(prepared.bounds) == ["maximum"] and int(prepared.bounds["maximum"]) == 7


def test_an_integer_bound_beyond_int64(tmp_path: Path) -> None:
    field = {"name": "v", "type": "integer", "constraints": {"minimum": 2**70}}
    cells = ["1", str(2**71), str(2**70)]
    assert errors(tmp_path, field, cells) == [("constraint-error", 2)]
    field = {"name": "v", "type": "integer", "constraints": {"maximum": -(2**70)}}
    assert errors(tmp_path, field, ["1", str(-(2**71))]) == [("constraint-error", 2)]


BIG = [-(2**63), 2**63 - 1, 2**63, 2**70]  # int64's ends, and beyond


@pytest.mark.parametrize("rule", ["enum", "categories"])
def test_integer_codes_at_and_beyond_the_int64_ends(tmp_path: Path, rule: str) -> None:
    field: dict[str, Any] = {"name": "v", "type": "integer"}
    if rule == "enum":
        field["constraints"] = {"enum": BIG}
    else:
        field["categories"] = BIG
    cells = [str(v) for v in BIG] + [str(2**63 + 1), str(-(2**63) - 1), "0"]
    code = "constraint-error" if rule == "enum" else "category-error"
    assert errors(tmp_path, field, cells) == [(code, 6), (code, 7), (code, 8)]


def test_an_enum_beyond_int64_within_the_categories_is_one_error(tmp_path: Path) -> None:
    field = {"name": "v", "type": "integer", "categories": [1, 2**70],
             "constraints": {"enum": [2**70]}}  # fmt: skip
    assert errors(tmp_path, field, [str(2**70), "1", "5"]) == [
        ("constraint-error", 3),
        ("constraint-error", 4),
    ]
    field["constraints"] = {"enum": [2**71]}  # not within: both are checked
    assert errors(tmp_path, field, [str(2**71)]) == [("category-error", 2)]


@pytest.mark.parametrize(
    ("constraint", "bad"),
    [("exclusiveMaximum", [2**70, 2**71]), ("exclusiveMinimum", [2**70, 5])],
)
def test_exclusive_bounds_beyond_int64(tmp_path: Path, constraint: str, bad: list[int]) -> None:
    field = {"name": "v", "type": "integer", "constraints": {constraint: 2**70}}
    good = 2**70 - 1 if constraint == "exclusiveMaximum" else 2**70 + 1
    cells = [str(good), *map(str, bad)]
    assert errors(tmp_path, field, cells) == [("constraint-error", 3), ("constraint-error", 4)]
