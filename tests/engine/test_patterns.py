"""Patterns: RE2 everywhere, Arrow's kernel and google-re2 give the same answer per cell."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statpub.tables.spec import FieldSpec
from statpub.validate.engine.constraints import pattern_matches, prepare
from statpub.validate.engine.patterns import compile_pattern, translate

PATTERNS = [
    r"[a-z]+", r"\w+", r"\d{2,3}", r"a.b", r"(a|b)*c?", r"[^\w]+", r"[\w-]*", r"\W\D",
    r"(a+)+$", r"^a$", r"[\]a]+", r"\p{Lu}\p{Ll}*", r"é+", r"a\nb", r"\s*",
]  # fmt: skip
ALPHABET = ["a", "b", "c", "A", "é", "É", "٣", "7", "_", "-", " ", "\n", "\r", "\t", "\x0b", "]"]


@settings(max_examples=150, deadline=None)
@given(
    pattern=st.sampled_from(PATTERNS),
    cells=st.lists(st.text(alphabet=st.sampled_from(ALPHABET), max_size=6), max_size=30),
)
def test_arrow_and_google_re2_agree(pattern: str, cells: list[str]) -> None:
    p = prepare(FieldSpec(name="x", type="string", constraints={"pattern": pattern}), pa.string())
    assert p.compiled is not None
    got = pattern_matches(p, pa.array(cells, pa.string())).to_pylist()
    assert got == [p.compiled.fullmatch(c) is not None for c in cells]


def test_unicode_classes_as_python_reads_them() -> None:
    p = prepare(FieldSpec(name="x", type="string", constraints={"pattern": r"\w+ \d"}), pa.string())
    cells = pa.array(["naïve ٣", "abc 7", "a-b 7", "abc x", "abc 7\n"])
    assert pattern_matches(p, cells).to_pylist() == [True, True, False, False, False]


@pytest.mark.parametrize(
    ("pattern", "needle"),
    [
        ("(a)\\1", "invalid escape"),
        ("(?=a)", "invalid perl operator"),
        ("(?<=a)b", "invalid perl operator"),
        ("a{1001}", "repetition"),
        ("(", "missing )"),
        ("a" * 10_001, "over the 10,000"),
    ],
)
def test_patterns_re2_cannot_take_are_schema_errors(pattern: str, needle: str) -> None:
    problem = compile_pattern(pattern)
    assert isinstance(problem, str) and needle in problem


def test_a_pathological_pattern_is_linear() -> None:
    """(a+)+$ against a long non-ASCII cell: a backtracking matcher takes ~2^n steps."""
    p = prepare(FieldSpec(name="x", type="string", constraints={"pattern": "(a+)+$"}), pa.string())
    cells = pa.array(["a" * 5000 + "é", "a" * 5000 + "\n", "a" * 5000])
    assert pattern_matches(p, cells).to_pylist() == [False, False, True]


def test_translate_keeps_escapes_it_does_not_know() -> None:
    assert translate(r"\\w\.\d[\w.]") == r"\\w\.\p{Nd}[\p{L}\p{N}_.]"
