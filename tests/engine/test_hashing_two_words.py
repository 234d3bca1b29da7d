"""Texts of two 8-byte words take a short cut through the row hash: the same hashes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from statpub.tables import hashing


def test_two_word_texts_hash_as_the_general_path_does() -> None:
    rng = np.random.default_rng(7)
    texts = ["".join(chr(97 + int(c)) for c in rng.integers(0, 26, n)) for n in range(1, 40)]
    texts += ["2024-01-31", "2024-01-31T12", "é" * 6, "abcdefghi", "abcdefghij"]
    values = pa.array(texts, pa.string())
    offsets, data = hashing._text_buffers(values)
    assert data is not None
    a, b = hashing._text_hashes(offsets, data)
    padded = np.zeros(len(data) + 8, dtype=np.uint8)
    padded[: len(data)] = data
    words_at = np.ndarray((len(data),), dtype="<u8", buffer=padded, strides=(1,))
    lengths = np.diff(offsets)
    long = np.flatnonzero(lengths > 8)
    general = hashing._long_text_hashes(words_at, offsets[:-1][long], lengths[long])
    assert (a[long] == general[0]).all() and (b[long] == general[1]).all()
    assert (lengths[long] <= 16).any() and (lengths[long] > 16).any()
    # Equal texts hash equal wherever they sit; different ones apart.
    forward = hashing.column_hashes(values)[0]
    backward = hashing.column_hashes(pa.array(texts[::-1], pa.string()))[0]
    assert (backward[::-1] == forward).all() and len(set(a.tolist())) == len(set(texts))
