"""The engine's shortcuts give the same answers as the plain rules, and never load pandas."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from statpub.tables import arrow
from statpub.tables.lexical import FORMAT_RE, INTEGER_RE, read_integer, read_uri

URI = re.compile(FORMAT_RE["uri"])
INTEGER = re.compile(INTEGER_RE)


@pytest.mark.parametrize(
    ("values", "arrow_type"),
    [
        (["a", None, "ü", ""], pa.string()),
        ([1, None, -(2**63), 2**63 - 1], pa.int64()),
        ([1.5, None, 2, -0.0], pa.float64()),
        ([True, None, False], pa.bool_()),
        ([date(2020, 2, 29), None, date(1, 1, 1)], pa.date32()),
        ([], pa.string()),
        ([None, None], pa.int32()),
    ],
)
def test_arrays_from_buffers_equal_pyarrow_conversion(values: list[Any], arrow_type: Any) -> None:
    built = arrow.array(values, arrow_type)
    built.validate(full=True)
    assert built.equals(pa.array(values, arrow_type))


def test_values_of_another_kind_go_through_pyarrow() -> None:
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError, OverflowError)):
        arrow.array([2**64], pa.int64())
    assert arrow.array([1, None], pa.int8()).equals(pa.array([1, None], pa.int8()))


def _uri_cells(n: int) -> list[str | None]:
    odd = [None, "no scheme", "http://a b", "ftp:x", "é:x", "https://b\tc"]
    return [odd[i % 97] if i % 97 < 6 else f"https://example.org/{i}" for i in range(n)]


@pytest.mark.parametrize("n", [1, 70, 3000])
def test_uri_shortcuts_agree_with_the_rule(n: int) -> None:
    cells = _uri_cells(n)
    column = pa.array(cells, pa.string())
    expected = [c is not None and URI.match(c) is not None for c in cells]
    assert read_uri(column).to_pylist() == expected
    if n > 2:
        assert read_uri(column.slice(2)).to_pylist() == expected[2:]


def test_uri_column_with_many_spaces() -> None:
    cells = ["https://a b" if i % 2 else "https://ab" for i in range(1000)]
    assert read_uri(pa.array(cells)).to_pylist() == [i % 2 == 0 for i in range(1000)]


@pytest.mark.parametrize("n", [3, 200, 5000])
def test_integer_fallback_agrees_with_the_rule(n: int) -> None:
    odd = ["+7", "-3", "1.5", " 4", "٣", "", "+", "0012"]
    cells = [odd[i % 8] if i % 50 < 8 else str(i) for i in range(n)]
    ok, values, _ = read_integer(pa.array(cells, pa.string()))
    expected = [INTEGER.match(c) is not None for c in cells]
    assert ok.to_pylist() == expected
    assert values.to_pylist() == [
        int(c) if e else None for c, e in zip(cells, expected, strict=True)
    ]


def test_checking_a_table_does_not_import_pandas(tmp_path: Path) -> None:
    schema = {
        "fields": [
            {"name": "id", "type": "integer", "constraints": {"minimum": 0}},
            {"name": "code", "type": "string", "constraints": {"pattern": "[A-Z]{2}"}},
            {"name": "sex", "type": "string", "constraints": {"enum": ["F", "M"]}},
            {"name": "value", "type": "number", "constraints": {"maximum": 10}},
            {"name": "day", "type": "date"},
            {"name": "flag", "type": "boolean"},
            {"name": "source", "type": "string", "format": "uri"},
        ],
        "primaryKey": ["id", "code"],
    }
    rows = [
        f"{i},AB,{'F' if i % 2 else 'X'},{i % 12}.5,2021-02-{28 + i % 3},true,https://e.org/{i}"
        for i in range(30_000)
    ]
    (tmp_path / "t.csv").write_text("id,code,sex,value,day,flag,source\n" + "\n".join(rows))
    (tmp_path / "s.json").write_text(json.dumps(schema))
    script = (
        "import sys\n"
        "from statpub.validate.engine import run\n"
        "from statpub.package import read_package\n"
        f"t = read_package({str(tmp_path / 't.csv')!r}, schema={str(tmp_path / 's.json')!r})\n"
        "result = run(t)\n"
        "print(len(result.issues), 'pandas' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    count, pandas_loaded = out.stdout.split()
    assert int(count) > 0
    assert pandas_loaded == "False"


def test_null_where_shares_buffers() -> None:
    from statpub.tables.lexical import _null_where

    values = pa.array(["a", "bb", None, "d"])
    out = _null_where(values, pa.array([False, True, False, False]))
    out.validate(full=True)
    assert out.to_pylist() == ["a", None, None, "d"]
    assert out.buffers()[2].address == values.buffers()[2].address
    sliced = _null_where(values.slice(1), pa.array([True, False, False]))
    assert sliced.to_pylist() == [None, None, "d"]
    assert pc.sum(pc.is_null(sliced)).as_py() == 2


def test_pattern_on_distinct_values_agrees_with_every_cell(monkeypatch: Any) -> None:
    """A repetitive column is matched one distinct value at a time: same answers."""
    from statpub.tables.spec import FieldSpec
    from statpub.validate.engine.constraints import pattern_matches, prepare

    odd = ["ab12", "AB12\n", "ÄB12", "AB1", None, "", "AB12 ", "\x0bAB12"]
    cells = [
        odd[i // 7 % 8] if i % 7 == 0 else f"A{'BCD'[i % 3]}{i % 90:02d}" for i in range(12_000)
    ]
    values = pa.array(cells, pa.string())
    spec = FieldSpec(name="code", type="string", constraints={"pattern": r"[A-Z]{2}\d{2}"})
    prepared = prepare(spec, pa.string())
    assert arrow.repetitive(values)
    by_distinct = pattern_matches(prepared, values)
    monkeypatch.setattr(arrow, "repetitive", lambda values: False)
    by_cell = pattern_matches(prepared, values)
    assert by_distinct.equals(by_cell)
    # The rule as RE2 reads it, cell by cell: the whole cell matches (a trailing
    # newline is not forgiven, as Python's ``^...$`` would).
    import re2

    whole = re2.compile(r"[A-Z]{2}\d{2}")
    expected = [None if c is None else whole.fullmatch(c) is not None for c in cells]
    assert by_cell.to_pylist() == expected
    assert expected[cells.index("AB12\n")] is False
