"""The engine's kernel calls give what ``pyarrow.compute`` gives, without importing it."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from typing import Any

import pyarrow as pa
import pyarrow.compute as pac
import pytest

from statpub.tables import compute

S = pa.array(["a", "+7", "", None, "Zürich", " 7 ", "2024-02-29", "x,y"])
N = pa.array([1, None, -3, 7], pa.int64())
F = pa.array([1.5, None, float("nan"), float("inf")])
B = pa.array([True, False, None, True])
TS = pa.array([dt.datetime(2024, 1, 2, 3, 4, 5), None], pa.timestamp("s"))

CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("add", (N, N), {}),
    ("subtract", (N, N), {}),
    ("multiply", (N, N), {}),
    ("and_", (B, B), {}),
    ("or_", (B, pa.array([False, False, True, None])), {}),
    ("or_kleene", (B, pa.array([False, None, True, None])), {}),
    ("invert", (B,), {}),
    ("any", (B,), {}),
    ("all", (B,), {}),
    ("if_else", (B, N, N), {}),
    ("equal", (S, S), {}),
    ("greater", (N, pa.scalar(0, pa.int64())), {}),
    ("greater_equal", (N, pa.scalar(0, pa.int64())), {}),
    ("less", (N, pa.scalar(0, pa.int64())), {}),
    ("less_equal", (N, pa.scalar(0, pa.int64())), {}),
    ("is_null", (F,), {}),
    ("is_null", (F,), {"nan_is_null": True}),
    ("is_valid", (S,), {}),
    ("is_nan", (F,), {}),
    ("is_finite", (F,), {}),
    ("is_in", (S,), {"value_set": pa.array(["a", "x,y"])}),
    ("indices_nonzero", (B,), {}),
    ("binary_length", (S,), {}),
    ("utf8_length", (S,), {}),
    ("starts_with", (S, "+"), {}),
    ("match_substring", (S,), {"pattern": "7"}),
    ("match_substring_regex", (S, "^[0-9]+$"), {}),
    ("replace_substring", (S, ",", ";"), {}),
    ("replace_substring_regex", (S,), {"pattern": "[0-9]", "replacement": "#"}),
    ("extract_regex", (S, r"(?P<d>[0-9])"), {}),
    ("ascii_is_decimal", (S,), {}),
    ("ascii_is_printable", (S,), {}),
    ("ascii_ltrim", (S, "+ "), {}),
    ("ascii_rtrim", (S, "7 "), {}),
    ("utf8_slice_codeunits", (S, 0, 2), {}),
    ("binary_join_element_wise", (S, S, pa.scalar("-")), {}),
    ("dictionary_encode", (S,), {}),
    ("unique", (S,), {}),
    ("unique", (pa.chunked_array([S, S]),), {}),
    ("drop_null", (S,), {}),
    ("cumulative_sum", (N,), {}),
    ("strptime", (S,), {"format": "%Y-%m-%d", "unit": "s", "error_is_null": True}),
    ("strftime", (TS,), {"format": "%Y"}),
    ("assume_timezone", (TS,), {"timezone": "Europe/Paris"}),
    ("struct_field", (pa.array([{"a": 1}, {"a": 2}]), [0]), {}),
]


@pytest.mark.parametrize(("name", "args", "kwargs"), CALLS, ids=[c[0] for c in CALLS])
def test_kernel_matches_pyarrow_compute(name: str, args: tuple[Any, ...], kwargs: Any) -> None:
    assert getattr(compute, name)(*args, **kwargs).equals(getattr(pac, name)(*args, **kwargs))


def test_every_exported_kernel_is_checked() -> None:
    checked = {c[0] for c in CALLS} | {
        "call_function", "cast", "fill_null", "take", "filter", "dictionary_decode"
    }  # fmt: skip
    assert set(compute.__all__) <= checked


def test_special_forms() -> None:
    digits = pa.array(["7", "-3", None])
    assert compute.cast(digits, pa.int64()).equals(pac.cast(digits, pa.int64()))
    with pytest.raises(pa.ArrowInvalid):
        compute.cast(S, pa.int64())
    assert compute.cast(F, pa.int64(), safe=False).equals(pac.cast(F, pa.int64(), safe=False))
    assert compute.fill_null(N, pa.scalar(0, pa.int64())).equals(pac.fill_null(N, 0))
    indices = pa.array([3, 0])
    assert compute.take(S, indices).equals(pac.take(S, indices))
    with pytest.raises(IndexError):
        compute.take(S, pa.array([99]))
    assert compute.filter(N, B).equals(pac.filter(N, B))
    encoded = S.dictionary_encode()
    assert compute.dictionary_decode(encoded).equals(encoded.dictionary_decode())
    assert compute.call_function("count", [S]).equals(pac.count(S))


def test_misuse_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        compute.add(N)
    with pytest.raises(TypeError):
        compute.invert(B, "an option it does not take")


def test_checking_a_table_leaves_pyarrow_compute_unimported(tmp_path: Any) -> None:
    """What the engine spares: ``import pyarrow.compute`` costs about 0.1 s."""
    table = tmp_path / "t.csv"
    table.write_text("n,s\n" + "".join(f"{i},{'x' if i % 7 else ''}\n" for i in range(30_000)))
    schema = tmp_path / "s.json"
    schema.write_text(
        '{"fields": [{"name": "n", "type": "integer", "constraints": {"minimum": 3}},'
        ' {"name": "s", "constraints": {"required": true}}], "primaryKey": ["n"]}'
    )
    script = (
        "import sys\n"
        "from statpub.cli import main\n"
        f"sys.argv = ['statpub', 'validate', {str(table)!r}, '--schema', {str(schema)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    print(exit.code, 'pyarrow.compute' in sys.modules, 'pandas' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    code, compute_loaded, pandas_loaded = out.stdout.split()[-3:]
    assert code == "1"  # the table has errors: they were found
    assert (compute_loaded, pandas_loaded) == ("False", "False")
