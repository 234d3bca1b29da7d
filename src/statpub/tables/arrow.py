"""Arrow arrays and scalars built from Python values, straight from buffers,
and Arrow arrays read back as NumPy arrays, without pyarrow's conversions.

pyarrow imports pandas, when it is installed, the first time it converts a
Python value (``pa.scalar``, ``pa.array`` of a list, a Python number given to a
compute function): about 0.3 s. The engine's constants, value sets and small
result lists are built here from buffers instead, so checking a table never
pays for it. Types not handled here go through ``pa.array``. ``np.asarray`` of
an Arrow array imports pandas too: ``numbers`` and ``flags`` read the buffers.
"""

from __future__ import annotations

from array import array as _array
from collections.abc import Sequence
from datetime import date, datetime
from itertools import accumulate, compress
from typing import Any

import pyarrow as pa

_EPOCH = date(1970, 1, 1)


def _bitmap(bits: Sequence[bool]) -> pa.Buffer:
    out = bytearray((len(bits) + 7) // 8 or 1)
    for i in compress(range(len(bits)), bits):
        out[i >> 3] |= 1 << (i & 7)
    return pa.py_buffer(out)


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _fits(values: Sequence[Any], t: pa.DataType) -> bool:
    present = [v for v in values if v is not None]
    if t == pa.string():
        return all(isinstance(v, str) for v in present)
    if t in (pa.int64(), pa.int32(), pa.uint8()):
        return all(_is_int(v) for v in present)
    if t == pa.float64():
        return all(isinstance(v, float) or _is_int(v) for v in present)
    if t == pa.bool_():
        return all(isinstance(v, bool) for v in present)
    if t == pa.date32():
        return all(isinstance(v, date) and not isinstance(v, datetime) for v in present)
    return False


def array(values: Sequence[Any], t: pa.DataType) -> pa.Array:
    """``pa.array(values, t)``, without a Python-object conversion for common types."""
    if not _fits(values, t):
        return pa.array(values, t)
    n = len(values)
    valid = [v is not None for v in values]
    validity = None if all(valid) else _bitmap(valid)
    try:
        if t == pa.string():
            data = [v.encode() if v is not None else b"" for v in values]
            offsets = _array("i", accumulate(map(len, data), initial=0))
            buffers = [validity, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
            return pa.Array.from_buffers(t, n, buffers)
        if t == pa.bool_():
            return pa.Array.from_buffers(t, n, [validity, _bitmap([bool(v) for v in values])])
        if t == pa.date32():
            days = _array("i", [0 if v is None else (v - _EPOCH).days for v in values])
            return pa.Array.from_buffers(t, n, [validity, pa.py_buffer(days)])
        code = {pa.int64(): "q", pa.int32(): "i", pa.uint8(): "B", pa.float64(): "d"}[t]
        numbers = _array(code, [0 if v is None else v for v in values])
        return pa.Array.from_buffers(t, n, [validity, pa.py_buffer(numbers)])
    except OverflowError:
        return pa.array(values, t)  # raises as pyarrow does


def scalar(value: Any, t: pa.DataType) -> pa.Scalar:
    """``pa.scalar(value, t)``, as :func:`array` builds it."""
    return array([value], t)[0]


def null(t: pa.DataType) -> pa.Scalar:
    return pa.nulls(1, t)[0]


def i64(value: int) -> pa.Scalar:
    return scalar(value, pa.int64())


TRUE = scalar(True, pa.bool_())
FALSE = scalar(False, pa.bool_())
NULL_STRING = null(pa.string())


def numbers(values: pa.Array) -> Any:
    """The values of a fixed-width numeric array as a NumPy view of its buffer.

    ``np.asarray`` on an Arrow array imports pandas; this does not. What lies
    under a null is unspecified.
    """
    import numpy as np

    t = values.type
    kind = "f" if pa.types.is_floating(t) else "u" if pa.types.is_unsigned_integer(t) else "i"
    dtype = np.dtype(f"<{kind}{t.bit_width // 8}")
    buffer = values.buffers()[1]
    n, offset = len(values), values.offset
    return np.frombuffer(buffer, dtype=dtype, count=offset + n)[offset:]


def flags(values: pa.Array) -> Any:
    """A boolean Arrow array (nulls false) as a NumPy bool array."""
    import numpy as np

    if values.null_count:
        from statpub.tables import compute as pc

        values = pc.fill_null(values, FALSE)
    n, offset = len(values), values.offset
    bits = np.frombuffer(values.buffers()[1], dtype=np.uint8)
    return np.unpackbits(bits, count=offset + n, bitorder="little")[offset:].view(bool)


_SAMPLE = 2048


def repetitive(values: pa.Array) -> bool:
    """Whether a long column's values repeat a lot, judged from its first ones.

    Such a column is cheaper to check (or hash) one distinct value at a time.
    """
    from statpub.tables import compute as pc

    if len(values) < 4 * _SAMPLE or values.null_count == len(values):
        return False
    sample = pc.dictionary_encode(values.slice(0, _SAMPLE))
    return len(sample.dictionary) * 4 < _SAMPLE
