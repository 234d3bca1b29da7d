"""128-bit row hashes of key columns, computed on whole Arrow arrays with NumPy.

Each row's key becomes two independent 64-bit hashes. Per column:

- fixed-width values (integers, floats, booleans, dates and times) are taken as
  64 bits and passed through MurmurHash3's finaliser, a bijection: two
  different values of one column never share a column hash (the second hash
  is an odd multiple of the first);
- text and binary values are cut into 8-byte words; word ``i`` is mixed with a
  pseudo-random key ``K[i]`` through the finaliser, and the mixed words are
  summed, plainly for the first hash and with pseudo-random weights for the
  second, then the length is mixed in. A text of up to 8 bytes is one word:
  the first hash is a bijection of the word and the second adds the length,
  so two different such texts never share both hashes.

A row's hash is the weighted sum of its column hashes, finalised. A null
hashes to a constant of its own, and each kind of value (number, text, date...)
is tagged so that equal bits of different kinds do not give equal hashes.

Rows are hashed in blocks small enough for the CPU's cache, where NumPy's
passes over the data cost a fraction of what they cost in main memory.
pyarrow has no row hash of its own; NumPy is already loaded with pyarrow.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from statpub.tables import arrow
from statpub.tables import compute as pc

U64 = np.uint64
Array = np.ndarray[Any, Any]
_SEEDS = (0x5EED5EED5EED5EED, 0xC0FFEE11C0FFEE11)
_STEP = U64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio, odd
_NULLS = (U64(0x6E756C6C6E756C6C), U64(0x4E554C4C4E554C4C))
_TAGS = {"int": 1, "float": 2, "bool": 3, "bytes": 4, "text": 5, "temporal": 6}
BLOCK_ROWS = 1 << 15  # rows hashed at once: their arrays stay in the CPU's cache
_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=U64)
_M1, _M2, _33 = U64(0xFF51AFD7ED558CCD), U64(0xC4CEB9FE1A85EC53), U64(33)


def fmix(x: Array) -> Array:
    """MurmurHash3's 64-bit finaliser, in place on a uint64 array (and returned)."""
    shifted = np.empty_like(x)
    for multiplier in (_M1, _M2):
        np.right_shift(x, _33, out=shifted)
        x ^= shifted
        x *= multiplier
    np.right_shift(x, _33, out=shifted)
    x ^= shifted
    return x


def _stream(seed: int, start: int, n: int) -> Array:
    """Pseudo-random uint64 values number ``start`` to ``start + n`` of stream ``seed``."""
    x = np.arange(start, start + n, dtype=U64) * _STEP
    x += U64(seed)
    return fmix(x)


class _Keys:
    """Pseudo-random 64-bit keys, one per position, grown on demand."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.values = _stream(seed, 0, 64)

    def upto(self, n: int) -> Array:
        if n > len(self.values):
            size = max(n, 2 * len(self.values))
            more = _stream(self.seed, len(self.values), size - len(self.values))
            self.values = np.concatenate([self.values, more])
        return self.values


_WORDS = _Keys(0x3C6EF372FE94F82B)  # one per 8-byte word of a text
_WEIGHTS = _Keys(0xA54FF53A5F1D36F1)  # the second hash's weight of each word
_COLUMNS = (_Keys(_SEEDS[0]), _Keys(_SEEDS[1]))  # each column's weight in a row


def row_hashes(columns: list[pa.Array]) -> tuple[Array, Array]:
    """Two independent uint64 hashes of each row of ``columns`` (arrays of one length)."""
    n = len(columns[0]) if columns else 0
    prepared = [_Column(c) for c in columns]
    weights = [keys.upto(len(columns)) | U64(1) for keys in _COLUMNS]
    out = (np.empty(n, dtype=U64), np.empty(n, dtype=U64))
    for lo in range(0, n, BLOCK_ROWS):
        hi = min(n, lo + BLOCK_ROWS)
        rows = (out[0][lo:hi], out[1][lo:hi])
        rows[0][:] = 0
        rows[1][:] = 0
        for i, column in enumerate(prepared):
            for s, h in enumerate(column.hashes(lo, hi)):
                # Column hashes are already mixed: a weighted sum combines them.
                h *= weights[s][i]
                rows[s][:] += h
        fmix(rows[0])
        fmix(rows[1])
    return out


def column_hashes(values: pa.Array) -> tuple[Array, Array]:
    """Two independent uint64 hashes of each value (before a row mixes its columns)."""
    column = _Column(values)
    n = len(values)
    out = (np.empty(n, dtype=U64), np.empty(n, dtype=U64))
    for lo in range(0, n, BLOCK_ROWS):
        hi = min(n, lo + BLOCK_ROWS)
        out[0][lo:hi], out[1][lo:hi] = column.hashes(lo, hi)
    return out


class _Column:
    """One key column, ready to be hashed a block of rows at a time."""

    def __init__(self, values: pa.Array) -> None:
        values, kind = _normalise(values)
        self.tags = [U64((seed + _TAGS[kind]) % (1 << 64) | 1) for seed in _SEEDS]
        self.text = kind in ("text", "bytes")
        self.nulls = arrow.flags(pc.is_null(values)) if values.null_count else None
        self.codes: Array | None = None
        if not self.text:
            self.bits = _bits(values)
            return
        self.offsets, self.data = _text_buffers(values)
        wide = int(self.offsets[-1] - self.offsets[0]) > 8 * len(values)
        if wide and arrow.repetitive(values):
            # Long texts that repeat (addresses, labels): hash each distinct one
            # once. (Texts of one word hash faster directly.)
            encoded = pc.dictionary_encode(values)
            self.distinct = _text_hashes_blocked(*_text_buffers(encoded.dictionary))
            self.codes = arrow.numbers(encoded.indices)
            if self.nulls is not None:  # what lies under a null is not an index
                self.codes = np.where(self.nulls, 0, self.codes)

    def hashes(self, lo: int, hi: int) -> tuple[Array, Array]:
        if self.codes is not None:
            codes = self.codes[lo:hi]
            a, b = self.distinct[0][codes], self.distinct[1][codes]
            a ^= self.tags[0]
            b ^= self.tags[1]
        elif self.text:
            a, b = _text_hashes(self.offsets[lo : hi + 1], self.data)
            a ^= self.tags[0]
            b ^= self.tags[1]
        else:
            # A bijection of the value: no two values share it. The second hash
            # is a multiple of it; the row's weighted sums keep them independent.
            a = fmix(self.bits[lo:hi] ^ self.tags[0])
            b = a * self.tags[1]
        if self.nulls is not None:
            nulls = self.nulls[lo:hi]
            a[nulls] = _NULLS[0]
            b[nulls] = _NULLS[1]
        return a, b


def _normalise(values: pa.Array) -> tuple[pa.Array, str]:
    """The values as 64-bit numbers, or as text or binary."""
    t = values.type
    if pa.types.is_dictionary(t):
        return _normalise(pc.dictionary_decode(values))
    if pa.types.is_boolean(t):
        return pc.cast(values, pa.int64()), "bool"
    if pa.types.is_integer(t):
        return pc.cast(values, pa.int64()), "int"
    if pa.types.is_floating(t):
        return pc.cast(values, pa.float64()), "float"
    if pa.types.is_date(t):
        return pc.cast(pc.cast(values, pa.date32()).view(pa.int32()), pa.int64()), "temporal"
    if pa.types.is_timestamp(t) or pa.types.is_time(t) or pa.types.is_duration(t):
        if t.bit_width == 32:
            return pc.cast(values.view(pa.int32()), pa.int64()), "temporal"
        return values.view(pa.int64()), "temporal"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return values, "text"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t):
        return values, "bytes"
    if pa.types.is_string_view(t):
        return pc.cast(values, pa.large_string()), "text"
    if pa.types.is_binary_view(t) or pa.types.is_fixed_size_binary(t):
        return pc.cast(values, pa.large_binary()), "bytes"
    # Anything else (decimals, nested values): its text form.
    try:
        return pc.cast(values, pa.large_string()), "text"
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        text = [None if v is None else repr(v) for v in values.to_pylist()]
        return arrow.array(text, pa.string()), "text"


def _bits(values: pa.Array) -> Array:
    """The 64 bits of each value of an int64 or float64 array (anything under a null)."""
    if values.type == pa.float64():
        return (arrow.numbers(values) + 0.0).view(U64)  # -0.0 + 0.0 is 0.0: one number
    return arrow.numbers(values).view(U64)


def _text_buffers(values: pa.Array) -> tuple[Array, Array | None]:
    """The offsets (int64) and bytes of a string or binary array."""
    n = len(values)
    _, offset_buffer, data_buffer = values.buffers()
    large = pa.types.is_large_string(values.type) or pa.types.is_large_binary(values.type)
    width = np.int64 if large else np.int32
    offsets = np.frombuffer(offset_buffer, dtype=width, count=values.offset + n + 1)
    offsets = offsets[values.offset :].astype(np.int64)
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else None
    return offsets, data


def _text_hashes_blocked(offsets: Array, data: Array | None) -> tuple[Array, Array]:
    n = len(offsets) - 1
    out = (np.empty(n, dtype=U64), np.empty(n, dtype=U64))
    for lo in range(0, n, BLOCK_ROWS):
        hi = min(n, lo + BLOCK_ROWS)
        out[0][lo:hi], out[1][lo:hi] = _text_hashes(offsets[lo : hi + 1], data)
    return out


def _text_hashes(offsets: Array, data: Array | None) -> tuple[Array, Array]:
    """Two hashes of each text between consecutive ``offsets`` of ``data``.

    A text's hashes depend on the text alone, never on its neighbours.
    """
    lengths = np.diff(offsets)
    first, last = int(offsets[0]), int(offsets[-1])
    words_at = None
    if last > first and data is not None:
        size = last - first
        padded = np.zeros(size + 8, dtype=np.uint8)
        padded[:size] = data[first:last]
        # The little-endian 8-byte word at every byte position.
        words_at = np.ndarray((size,), dtype="<u8", buffer=padded, strides=(1,))
        starts = offsets[:-1] - first
        word = words_at[np.minimum(starts, size - 1)] & _MASKS[np.minimum(lengths, 8)]
    else:
        word = np.zeros(len(lengths), dtype=U64)
    # Up to 8 bytes, one word: the first hash is a bijection of the word, the
    # second adds the length, so no two such texts share both.
    b = word ^ _WEIGHTS.values[0]
    b += lengths.astype(U64) * _STEP
    word ^= _WORDS.values[0]
    a = fmix(word)
    fmix(b)
    long = np.flatnonzero(lengths > 8)
    if len(long) and words_at is not None:
        # Two words (dates, codes, short labels) are common: mixed directly.
        two = lengths[long] <= 16
        if two.all():
            a[long], b[long] = _two_word_hashes(words_at, starts[long], lengths[long])
        else:
            more, pair = long[~two], long[two]
            a[more], b[more] = _long_text_hashes(words_at, starts[more], lengths[more])
            a[pair], b[pair] = _two_word_hashes(words_at, starts[pair], lengths[pair])
    return a, b


def _two_word_hashes(words_at: Array, starts: Array, lengths: Array) -> tuple[Array, Array]:
    """What :func:`_long_text_hashes` gives texts of 9 to 16 bytes, without its bookkeeping."""
    first = fmix(words_at[starts] ^ _WORDS.values[0])
    second = words_at[starts + 8] & _MASKS[lengths - 8]
    second ^= _WORDS.values[1]
    fmix(second)
    a = first + second
    b = first * _WEIGHTS.values[0]
    b += second * _WEIGHTS.values[1]
    size_term = lengths.astype(U64) * _STEP
    a += size_term
    b += size_term
    b ^= U64(_SEEDS[1])
    return fmix(a), fmix(b)


def _long_text_hashes(words_at: Array, starts: Array, lengths: Array) -> tuple[Array, Array]:
    """Texts of more than 8 bytes: word ``i`` is mixed with key ``i``, then the
    words are summed (and, for the second hash, summed with weights)."""
    count = (lengths + 7) // 8
    owner = np.repeat(np.arange(len(lengths)), count)
    index = np.arange(len(owner), dtype=np.int64)
    index -= np.repeat(np.cumsum(count) - count, count)
    left = np.minimum(lengths[owner] - 8 * index, 8)
    word = words_at[starts[owner] + 8 * index] & _MASKS[left]
    word ^= _WORDS.upto(int(index.max()) + 1)[index]
    mixed = fmix(word)
    a = _sums(mixed, count)
    mixed *= _WEIGHTS.upto(int(index.max()) + 1)[index]
    b = _sums(mixed, count)
    size_term = lengths.astype(U64) * _STEP
    a += size_term
    b += size_term
    b ^= U64(_SEEDS[1])
    return fmix(a), fmix(b)


def _sums(values: Array, count: Array) -> Array:
    """The sum (modulo 2**64) of each run of ``count`` consecutive values."""
    totals = np.zeros(len(values) + 1, dtype=U64)
    np.cumsum(values, out=totals[1:])
    ends = np.cumsum(count)
    return totals[ends] - totals[ends - count]
