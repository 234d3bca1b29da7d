"""Read an already-typed (Parquet) column against a field.

A column whose Arrow type holds the field's logical type is taken as is
(nulls are missing values). A column of another type cannot hold valid values
for the field: every present cell is a type error, as frictionless-py reports.
"""

from __future__ import annotations

import pyarrow as pa

from statpub.tables import arrow
from statpub.tables import compute as pc
from statpub.tables.arrow import FALSE, NULL_STRING
from statpub.tables.lexical import Parsed, parse
from statpub.tables.spec import FieldSpec

_TARGET: dict[str, pa.DataType] = {
    "integer": pa.int64(),
    "year": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us", "UTC"),
    "time": pa.time64("us"),
}


def _accepts(ftype: str, t: pa.DataType) -> bool:
    if ftype in ("integer", "year"):
        return pa.types.is_integer(t)
    if ftype == "number":
        return pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t)
    if ftype == "boolean":
        return pa.types.is_boolean(t)
    if ftype == "date":
        return pa.types.is_date(t)
    if ftype == "datetime":
        return pa.types.is_timestamp(t)
    if ftype == "time":
        return pa.types.is_time(t)
    return ftype == "any"


def parse_typed(arr: pa.Array, spec: FieldSpec) -> Parsed:
    missing = pc.is_null(arr)
    present = pc.invert(missing)
    strings = (
        pc.cast(arr, pa.string())
        if _castable_to_string(arr.type)
        else pc.if_else(present, arrow.scalar("<value>", pa.string()), NULL_STRING)
    )
    if _accepts(spec.type, arr.type):
        target = _TARGET.get(spec.type)
        values = arr
        big = None
        if spec.type == "integer" and arr.type == pa.uint64():
            # Beyond int64: kept as text, as for a CSV (Parsed.big).
            fits = pc.fill_null(pc.less_equal(arr, arrow.scalar(2**63 - 1, pa.uint64())), FALSE)
            beyond = pc.and_(pc.invert(fits), present)
            if pc.any(beyond).as_py():
                big = pc.if_else(beyond, strings, NULL_STRING)
                values = pc.if_else(fits, arr, arrow.null(pa.uint64()))
        if target is not None:
            if pa.types.is_timestamp(arr.type) and arr.type.tz is None:
                values = pc.assume_timezone(arr, "UTC")
            # Nanoseconds are cut to the microseconds statpub keeps (unsafe: truncating).
            values = pc.cast(values, target, safe=not _finer(arr.type, target))
        no = pc.fill_null(pa.nulls(len(arr), pa.bool_()), FALSE)
        return Parsed(strings, missing, no, values, big=big)
    values = pa.nulls(len(arr), _TARGET.get(spec.type, pa.string()))
    return Parsed(strings, missing, present, values)


def _finer(t: pa.DataType, target: pa.DataType) -> bool:
    """A timestamp or time of finer unit than ``target``'s."""
    units = ("s", "ms", "us", "ns")
    unit = getattr(t, "unit", None)
    return unit in units and units.index(unit) > units.index(getattr(target, "unit", "us"))


def _castable_to_string(t: pa.DataType) -> bool:
    return not (pa.types.is_nested(t) or pa.types.is_binary(t) or pa.types.is_large_binary(t))


def parse_column(arr: pa.Array, spec: FieldSpec) -> Parsed:
    """Read one column of a batch against its field: text by the lexical rules, typed
    (Parquet) columns by their Arrow type."""
    if pa.types.is_dictionary(arr.type):
        arr = pc.dictionary_decode(arr)
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        return parse(arr, spec)
    return parse_typed(arr, spec)
