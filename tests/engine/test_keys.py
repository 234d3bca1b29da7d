"""Keys past the first rows are hashed: the verdicts must not change.

Every test compares the hashed path (``keys.SMALL = 0``) with Python's own
equality on the same keys, the path small tables take.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statpub.tables.hashing import BLOCK_ROWS, column_hashes, row_hashes
from statpub.validate.engine import keys


def _keyset(columns: list[pa.Array], small: bool) -> keys.KeySet:
    saved = keys.SMALL
    keys.SMALL = 10**9 if small else 0
    try:
        keyset = keys.KeySet()
        rows = pa.array(range(2, 2 + len(columns[0])), pa.int64())
        # In batches, as the engine adds them, with a batch boundary inside.
        cut = len(rows) // 3
        keyset.add([c.slice(0, cut) for c in columns], rows.slice(0, cut))
        keyset.add([c.slice(cut) for c in columns], rows.slice(cut))
        return keyset
    finally:
        keys.SMALL = saved


def _both_ways(columns: list[pa.Array]) -> None:
    assert keys.duplicates(_keyset(columns, small=False)) == keys.duplicates(
        _keyset(columns, small=True)
    )


TEXTS = st.one_of(
    st.sampled_from(["", "a", "a\x00", "\x00", "ab", "ba", "abcdefgh", "abcdefgh\x00", "Zürich"]),
    st.text(max_size=20),
)
VALUES = {
    "string": (TEXTS, pa.string()),
    "integer": (st.integers(-(2**63), 2**63 - 1), pa.int64()),
    "number": (st.floats(allow_nan=False), pa.float64()),
    "date": (st.dates(), pa.date32()),
    "boolean": (st.booleans(), pa.bool_()),
}


@settings(max_examples=150, deadline=None)
@given(
    kinds=st.lists(st.sampled_from(sorted(VALUES)), min_size=1, max_size=3),
    data=st.data(),
)
def test_hashed_duplicates_match_python_equality(kinds: list[str], data: Any) -> None:
    n = data.draw(st.integers(2, 60))
    columns = []
    for kind in kinds:
        strategy, arrow_type = VALUES[kind]
        pool = data.draw(st.lists(st.one_of(st.none(), strategy), min_size=1, max_size=6))
        cells = [data.draw(st.sampled_from(pool)) for _ in range(n)]
        columns.append(pa.array(cells, arrow_type))
    _both_ways(columns)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_hashed_dangling_matches_python_equality(data: Any) -> None:
    pool = data.draw(st.lists(st.tuples(TEXTS, st.integers(-3, 3)), min_size=1, max_size=8))
    ours = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=30))
    theirs = data.draw(st.lists(st.sampled_from(pool), max_size=30))

    def keyset(pairs: list[tuple[str, int]], small: bool) -> keys.KeySet:
        if not pairs:
            return _keyset([pa.array([], pa.string()), pa.array([], pa.int64())], small)
        return _keyset(
            [pa.array([p[0] for p in pairs]), pa.array([p[1] for p in pairs], pa.int64())], small
        )

    hashed = keys.dangling(keyset(ours, False), keyset(theirs, False))
    python = keys.dangling(keyset(ours, True), keyset(theirs, True))
    assert hashed == python


def test_texts_that_differ_in_one_byte_anywhere() -> None:
    base = "".join(random.Random(7).choice("abcdefghij") for _ in range(70))
    texts = [base] + [base[:i] + "Z" + base[i + 1 :] for i in range(len(base))]
    texts += [base[:i] for i in range(len(base))]  # every prefix, the empty text too
    texts += [base + "\x00", base + "\x00\x00"]
    a, b = column_hashes(pa.array(texts))
    assert len(set(zip(a.tolist(), b.tolist(), strict=True))) == len(texts)


def test_words_in_another_order_are_another_text() -> None:
    words = ["abcdefgh", "ijklmnop", "qrstuvwx"]
    texts = ["".join(words[i] for i in order) for order in ([0, 1, 2], [0, 2, 1], [1, 0, 2])]
    a, _ = column_hashes(pa.array(texts))
    assert len(set(a.tolist())) == 3


def test_null_empty_and_zero_are_three_keys() -> None:
    _both_ways([pa.array(["", None, "", None, "0"])])
    _both_ways([pa.array([0, None, 0, None], pa.int64())])
    a, b = column_hashes(pa.array(["", None, "0"]))
    assert len(set(zip(a.tolist(), b.tolist(), strict=True))) == 3


def test_one_value_one_hash_whatever_its_arrow_type() -> None:
    def first(values: pa.Array) -> tuple[int, int]:
        a, b = column_hashes(values)
        return int(a[0]), int(b[0])

    text = pa.array(["Zürich", "x"])
    assert first(text) == first(text.cast(pa.large_string())) == first(text.dictionary_encode())
    assert first(pa.array([5], pa.int64())) == first(pa.array([5], pa.int32()))
    day = dt.date(2024, 2, 29)
    assert first(pa.array([day], pa.date32())) == first(pa.array([day], pa.date64()))
    assert first(pa.array([-0.0])) == first(pa.array([0.0]))
    # Equal bits, different kinds of value: different hashes.
    assert first(pa.array([1], pa.int64())) != first(pa.array([dt.date(1970, 1, 2)]))


def test_a_slice_hashes_as_a_fresh_array() -> None:
    values = [f"v{i % 37}" * (i % 5) for i in range(300)]
    whole = pa.array(values)
    sliced = row_hashes([whole.slice(100, 150), pa.array(range(300)).slice(100, 150)])
    fresh = row_hashes([pa.array(values[100:250]), pa.array(range(100, 250))])
    assert np.array_equal(sliced[0], fresh[0]) and np.array_equal(sliced[1], fresh[1])


@pytest.mark.parametrize("distinct", [3, 10**9])
def test_many_blocks_and_repeated_texts(distinct: int) -> None:
    """Across cache blocks, and both for repetitive texts (hashed once each) and not."""
    n = 3 * BLOCK_ROWS + 17
    cells = [f"code-{i % distinct}-{'x' * (i % 11)}" for i in range(n)]
    cells[-1] = cells[5]
    _both_ways([pa.array(cells)])


def test_one_hash_whether_a_batch_repeats_its_texts_or_not() -> None:
    repeating = [f"code-{i % 5}" for i in range(4 * BLOCK_ROWS)]  # hashed once per distinct text
    unique = [f"code-{i}" for i in range(4 * BLOCK_ROWS)]  # hashed text by text
    a1, b1 = column_hashes(pa.array(repeating))
    a2, b2 = column_hashes(pa.array(unique))
    assert (a1[3], b1[3]) == (a2[3], b2[3])
