"""Per-type lexical rules, applied to a whole column of strings at once.

The rules follow the Table Schema v2 text (see docs/validation.md for where
that makes statpub stricter than frictionless-py). Common types are checked
with vectorised regular expressions and casts; rare or structured ones
(object, array, list, geopoint, geojson, ``strptime`` formats) are checked in
Python once per distinct value, never once per row.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from statpub.tables import arrow, jsontext
from statpub.tables import compute as pc
from statpub.tables.arrow import FALSE, NULL_STRING, TRUE, i64
from statpub.tables.spec import FieldSpec

INTEGER_RE = r"^[+-]?[0-9]+$"
_NUM = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
NUMBER_RE = rf"^(?:{_NUM}|(?i:nan|[+-]?inf))$"
DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_TZ = r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?"
TIME_RE = (
    rf"^(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?{_TZ}$|^24:00:00(?:\.0+)?{_TZ}$"
)
DATETIME_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:" + TIME_RE.replace("^", "").replace("$", "") + ")$"
YEAR_RE = r"^[0-9]{4}$"
YEARMONTH_RE = r"^[0-9]{4}-(?:0[1-9]|1[0-2])$"
DURATION_RE = (
    r"^-?P(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+D)?"
    r"(?:T(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+(?:\.[0-9]+)?S)?)?$"
)
URI_SCHEME_RE = r"^[A-Za-z][A-Za-z0-9+.\-]*:"
FORMAT_RE = {
    "email": r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)*\.[A-Za-z]{2,}$",
    "uri": r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*$",
    "uuid": r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$",
    "binary": r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
}
DEFAULT_TRUE = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE = ["false", "False", "FALSE", "0"]
GEOJSON_TYPES = {
    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
    "GeometryCollection", "Feature", "FeatureCollection", "Topology",
}  # fmt: skip
KNOWN_TYPES = {
    "string", "integer", "number", "boolean", "date", "datetime", "time", "year",
    "yearmonth", "duration", "geopoint", "geojson", "object", "array", "list", "any",
}  # fmt: skip


@dataclass
class Parsed:
    """One column of a batch, read against its field."""

    strings: pa.Array  # the cells as read (null where the row had no such cell)
    missing: pa.Array  # bool: the cell is a missing value (or absent)
    invalid: pa.Array  # bool: present but not of the field's type and format
    values: pa.Array  # typed logical values, null where missing or invalid
    lengths: pa.Array | None = None  # for object, array and list: their length
    # integer: the cells beyond 64 bits, as canonical decimal text (null where
    # ``values`` holds the value); None when there are none
    big: pa.Array | None = None


_ZERO32 = arrow.scalar(0, pa.int32())


def _match(arr: pa.Array, pattern: str) -> pa.Array:
    return pc.fill_null(pc.match_substring_regex(arr, pattern), FALSE)


def _or(a: pa.Array, b: pa.Array) -> pa.Array:
    return pc.or_kleene(a, b)


def _not(a: pa.Array) -> pa.Array:
    return pc.invert(a)


def parse(strings: pa.Array, spec: FieldSpec) -> Parsed:
    if pa.types.is_large_string(strings.type):
        strings = pc.cast(strings, pa.string())
    missing = pc.is_null(strings)
    if spec.missing_values == [""]:
        missing = _or(missing, pc.equal(pc.binary_length(strings), _ZERO32))
    elif spec.missing_values:
        listed = pc.is_in(strings, arrow.array(spec.missing_values, pa.string()))
        listed = pc.fill_null(listed, FALSE)
        missing = _or(missing, listed)
    present = _not(missing)
    cells = strings
    if pc.any(missing).as_py():
        cells = pc.if_else(present, strings, NULL_STRING)
    ok, values, lengths = _read(cells, spec)
    if ok is None:  # any text is valid: nothing to test
        invalid = pc.and_(present, pc.invert(present))
    else:
        invalid = pc.and_(present, _not(pc.fill_null(ok, FALSE)))
    if ok is not None and pc.any(invalid).as_py():  # else: spare a copy of the column
        values = _null_where(values, invalid)
    big = None
    if spec.type == "integer" and values.null_count:
        beyond = pc.and_(pc.invert(invalid), pc.and_(present, pc.is_null(values)))
        if pc.any(beyond).as_py():
            big = canonical_integers(numeric_text(cells, spec, integer=True), beyond)
    return Parsed(
        strings=strings, missing=missing, invalid=invalid, values=values, lengths=lengths, big=big
    )


def canonical_integers(text: pa.Array, where: pa.Array) -> pa.Array:
    """Integer text at ``where`` in canonical form (no ``+``, no leading zeros); null elsewhere.

    Table Schema integers have no size limit: beyond 64 bits statpub keeps them
    as this text, which two cells share exactly when their values are equal.
    """
    text = pc.if_else(where, text, NULL_STRING)
    digits = pc.ascii_ltrim(pc.ascii_ltrim(text, "+-"), "0")
    zero = pc.equal(pc.binary_length(digits), _ZERO32)
    digits = pc.if_else(zero, arrow.scalar("0", pa.string()), digits)
    negative = pc.and_(pc.fill_null(pc.starts_with(text, "-"), FALSE), pc.invert(zero))
    signed = pc.binary_join_element_wise(arrow.scalar("-", pa.string()), digits, "")
    return pc.if_else(negative, signed, digits)


_NOT_FLAT = {pa.null().id, pa.dictionary(pa.int32(), pa.string()).id}


def _null_where(values: pa.Array, mask: pa.Array) -> pa.Array:
    """``values`` with nulls where ``mask`` is true; the values' buffers are shared, not copied."""
    keep = pc.invert(mask)
    if values.null_count:
        keep = pc.and_(keep, pc.is_valid(values))
    flat = values.type.num_fields == 0 and values.type.id not in _NOT_FLAT
    if flat and keep.null_count == 0 and keep.offset == values.offset == 0:
        buffers = values.buffers()
        return pa.Array.from_buffers(values.type, len(values), [keep.buffers()[1], *buffers[1:]])
    return pc.if_else(mask, arrow.null(values.type), values)


def _read(cells: pa.Array, spec: FieldSpec) -> tuple[pa.Array | None, pa.Array, pa.Array | None]:
    """(ok, values, lengths) for the present cells (missing ones are null in ``cells``).

    ``ok`` is None when every present cell is valid, whatever it holds.
    """
    t, fmt = spec.type, spec.format
    if t == "string":
        if fmt == "uri":
            return read_uri(cells), cells, None
        if fmt in FORMAT_RE:
            return _match(cells, FORMAT_RE[fmt]), cells, None
        return None, cells, None
    if t == "integer":
        return read_integer(numeric_text(cells, spec, integer=True))
    if t == "number":
        return read_number(numeric_text(cells, spec, integer=False))
    if t == "boolean":
        trues = arrow.array(spec.props.get("trueValues", DEFAULT_TRUE), pa.string())
        falses = arrow.array(spec.props.get("falseValues", DEFAULT_FALSE), pa.string())
        is_t = pc.is_in(cells, trues)
        is_f = pc.is_in(cells, falses)
        values = pc.if_else(is_t, TRUE, pc.if_else(is_f, FALSE, arrow.null(pa.bool_())))
        return pc.or_(is_t, is_f), values, None
    if t in ("date", "datetime", "time") and fmt not in ("default", ""):
        return _per_unique(cells, _strptime_reader(t, fmt), _TEMPORAL_TYPES[t])
    if t == "date":
        return read_date(cells)
    if t == "datetime":
        return read_datetime(cells)
    if t == "time":
        return read_time(cells)
    if t == "year":
        ok = _match(cells, YEAR_RE)
        return ok, pc.cast(_null_where(cells, _not(ok)), pa.int64()), None
    if t == "yearmonth":
        ok = _match(cells, YEARMONTH_RE)
        good = pc.if_else(ok, cells, NULL_STRING)
        year = pc.cast(pc.utf8_slice_codeunits(good, 0, 4), pa.int64())
        month = pc.cast(pc.utf8_slice_codeunits(good, 5, 7), pa.int64())
        return ok, pc.add(pc.multiply(year, i64(12)), pc.subtract(month, i64(1))), None
    if t == "duration":
        ok = pc.and_(_match(cells, DURATION_RE), _not(_match(cells, r"^-?P$|T$")))
        return ok, cells, None
    if t in _PY_READERS:
        return _per_unique(cells, _PY_READERS[t](spec), pa.string(), with_length=True)
    return None, cells, None  # any (and unknown types, reported elsewhere)


def read_uri(cells: pa.Array) -> pa.Array:
    """A scheme, then no whitespace: cheap tests for printable ASCII, the full rule otherwise."""
    plain = pc.fill_null(pc.ascii_is_printable(cells), FALSE)
    ok_plain = _uri_scheme(cells)
    spaced = _rows_with(cells, " ")
    if spaced is not None:
        ok_plain = pc.and_(ok_plain, pc.invert(spaced))
    if pc.all(pc.or_(plain, pc.is_null(cells))).as_py():
        return pc.and_(ok_plain, plain)
    return pc.if_else(plain, ok_plain, _match(cells, FORMAT_RE["uri"]))


def _uri_scheme(cells: pa.Array) -> pa.Array:
    """Where a cell starts with a scheme and a colon.

    Most cells of a column share one scheme: a plain prefix test settles those,
    and the regular expression runs only on the others.
    """
    head = next((m for v in cells.slice(0, 64).to_pylist() if v and (m := _SCHEME.match(v))), None)
    if head is None:
        return _match(cells, URI_SCHEME_RE)
    common = pc.fill_null(pc.starts_with(cells, head.group(0)), FALSE)
    return pc.or_(common, _match_others(cells, common, URI_SCHEME_RE))


def _match_others(cells: pa.Array, settled: pa.Array, pattern: str) -> pa.Array:
    """Where a present cell not ``settled`` matches ``pattern``.

    When those cells are few they are matched alone: a regular expression costs
    about as much on a null cell as on a short one.
    """
    others = pc.indices_nonzero(pc.and_(pc.invert(settled), pc.is_valid(cells)))
    if len(others) == 0:
        return _flags(len(cells), [])
    if len(others) > len(cells) // 64:
        return pc.and_(pc.invert(settled), _match(cells, pattern))
    matched = pc.filter(others, _match(pc.take(cells, others), pattern))
    return _flags(len(cells), matched.to_pylist())


def _rows_with(cells: pa.Array, char: str) -> pa.Array | None:
    """Where a cell contains the ASCII ``char`` (None: in no cell).

    The column's data is searched as one string; the few hits are mapped to
    their rows through the offsets, so only many hits cost a search per cell.
    """
    data = cells.buffers()[2]
    n = len(cells)
    if data is None or n == 0 or cells.type != pa.string():
        return None
    offsets = memoryview(cells.buffers()[1]).cast("i")[cells.offset : cells.offset + n + 1]
    start, end = offsets[0], offsets[n]
    text = data.slice(start, end - start).to_pybytes()
    needle = char.encode()
    rows: list[int] = []
    position = text.find(needle)
    if position == -1:
        return None
    while position != -1:
        if len(rows) > n // 64:
            return pc.fill_null(pc.match_substring(cells, char), FALSE)
        row = bisect_right(offsets, start + position) - 1
        if 0 <= row < n and offsets[row] <= start + position < offsets[row + 1]:
            rows.append(row)
        position = text.find(needle, position + 1)
    return _flags(n, rows)


def _flags(n: int, rows: list[int]) -> pa.Array:
    """A boolean column of ``n`` cells, true at ``rows``."""
    flags = bytearray((n + 7) // 8 or 1)
    for row in rows:
        flags[row >> 3] |= 1 << (row & 7)
    return pa.Array.from_buffers(pa.bool_(), n, [None, pa.py_buffer(flags)])


def numeric_text(cells: pa.Array, spec: FieldSpec, *, integer: bool) -> pa.Array:
    """Apply ``bareNumber``, ``groupChar`` and ``decimalChar`` before the strict rule."""
    p = spec.props
    if p.get("bareNumber") is False:
        cells = pc.replace_substring_regex(cells, r"^[^\-0-9]*|[^0-9]*$", "")
    group = p.get("groupChar")
    if isinstance(group, str) and group:
        cells = pc.replace_substring(cells, group, "")
    decimal = p.get("decimalChar")
    if not integer and isinstance(decimal, str) and decimal not in ("", "."):
        has_dot = pc.fill_null(pc.match_substring(cells, "."), FALSE)
        dotted = pc.replace_substring(cells, decimal, ".")
        cells = pc.if_else(has_dot, arrow.scalar("x", pa.string()), dotted)
    return cells


def read_integer(cells: pa.Array) -> tuple[pa.Array, pa.Array, None]:
    try:
        values = pc.cast(cells, pa.int64())  # fast path: every present cell is plain digits
        # ... or hexadecimal, which Arrow's cast also reads: not a Table Schema integer.
        # Plain digits (most columns) are told in one pass; a search that ignores case
        # costs ten.
        if (
            pc.all(pc.ascii_is_decimal(cells)).as_py()
            or not pc.any(
                pc.fill_null(pc.match_substring(cells, "x", ignore_case=True), FALSE)
            ).as_py()
        ):
            return pc.is_valid(cells), values, None
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    # Plain digits (most cells) need no regular expression; signed or bad cells do.
    ok = pc.fill_null(pc.ascii_is_decimal(cells), FALSE)
    ok = pc.or_(ok, _match_others(cells, ok, INTEGER_RE))
    signed = pc.and_(ok, pc.fill_null(pc.starts_with(cells, "+"), FALSE))
    text = pc.ascii_ltrim(cells, "+") if pc.any(signed).as_py() else cells
    digits = _null_where(text, _not(ok))  # the bad cells hidden, not copied
    try:
        return ok, pc.cast(digits, pa.int64()), None
    except pa.ArrowInvalid:
        pass
    # Beyond 64 bits: valid integers, null here and kept as text (Parsed.big). The
    # canonical text is compared with the int64 limits as text (same length, so
    # the order of the digits is the order of the numbers): no Python int is made.
    canonical = canonical_integers(digits, ok)
    magnitude = pc.ascii_ltrim(canonical, "-")
    length = pc.binary_length(magnitude)
    negative = pc.fill_null(pc.starts_with(canonical, "-"), FALSE)
    limit = pc.if_else(negative, _INT64_MIN, _INT64_MAX)
    nineteen = arrow.scalar(19, pa.int32())
    fits = pc.or_(
        pc.less(length, nineteen),
        pc.and_(pc.equal(length, nineteen), pc.less_equal(magnitude, limit)),
    )
    fits = pc.fill_null(fits, FALSE)
    return ok, pc.cast(pc.if_else(fits, canonical, NULL_STRING), pa.int64()), None


_INT64_MAX = arrow.scalar(str(2**63 - 1), pa.string())
_INT64_MIN = arrow.scalar(str(2**63), pa.string())  # the magnitude of the lowest


def read_number(cells: pa.Array) -> tuple[pa.Array, pa.Array, None]:
    try:
        values = pc.cast(cells, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        ok = _match(cells, NUMBER_RE)
        values = pc.cast(_null_where(cells, _not(ok)), pa.float64())
        return ok, values, None
    # The cast also takes "Infinity" and signed NaN: hold those few to the rule.
    special = pc.fill_null(pc.invert(pc.is_finite(values)), FALSE)
    ok = pc.is_valid(cells)
    if pc.any(special).as_py():
        ok = pc.and_(ok, pc.or_(_not(special), _match(cells, NUMBER_RE)))
    return ok, values, None


# What strptime reads, field by field: (kernel, first, last character).
_WRITTEN = {
    "%Y-%m-%d": (DATE_RE, [("year", 0, 4), ("month", 5, 7), ("day", 8, 10)]),
    "%Y-%m-%dT%H:%M:%S": (
        r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$",
        [("year", 0, 4), ("month", 5, 7), ("day", 8, 10)]
        + [("hour", 11, 13), ("minute", 14, 16), ("second", 17, 19)],
    ),
}


def _calendar(cells: pa.Array, width: int, fmt: str) -> tuple[pa.Array, pa.Array]:
    """(ok, timestamp[s]) of the first ``width`` characters, rejecting rolled-over dates.

    strptime reads 2021-02-30 as 2021-03-02: every field of the timestamp must
    equal the digits written for it.
    """
    head = pc.utf8_slice_codeunits(cells, 0, width)
    ts = pc.strptime(head, format=fmt, unit="s", error_is_null=True)
    pattern, fields = _WRITTEN[fmt]
    ok = pc.and_(pc.is_valid(ts), _match(head, pattern))
    ok = pc.and_(ok, _not(pc.fill_null(pc.starts_with(head, "0000"), FALSE)))
    digits = pc.if_else(ok, head, NULL_STRING)
    for kernel, first, last in fields:
        written = pc.cast(pc.utf8_slice_codeunits(digits, first, last), pa.int64())
        read = pc.cast(pc.call_function(kernel, [ts]), pa.int64())
        ok = pc.and_(ok, pc.fill_null(pc.equal(read, written), FALSE))
    return ok, ts


def read_date(cells: pa.Array) -> tuple[pa.Array, pa.Array, None]:
    try:
        # Arrow's date cast takes exactly YYYY-MM-DD and checks the calendar (no
        # 2021-02-30): one pass when every cell is good. Only year 0000 slips through.
        values = pc.cast(cells, pa.date32())
        year0 = pc.fill_null(pc.starts_with(cells, "0000"), FALSE)
        return pc.and_(pc.is_valid(cells), pc.invert(year0)), values, None
    except pa.ArrowInvalid:
        pass
    # Some cell is bad: judge each distinct value (dates repeat a lot).
    encoded = pc.dictionary_encode(cells)
    distinct = encoded.dictionary
    # _calendar reads the first 10 characters: nothing may follow them.
    ten = pc.equal(pc.binary_length(distinct), arrow.scalar(10, pa.int32()))
    good, _ = _calendar(distinct, 10, "%Y-%m-%d")
    ok = pc.and_(pc.fill_null(ten, FALSE), good)
    values = pc.cast(pc.if_else(ok, distinct, NULL_STRING), pa.date32())
    return pc.take(ok, encoded.indices), pc.take(values, encoded.indices), None


def _fraction_us(cells: pa.Array) -> pa.Array:
    frac = pc.struct_field(pc.extract_regex(cells, r":[0-9]{2}\.(?P<f>[0-9]+)"), [0])
    # Arrow scalars: a Python str here makes pyarrow import pandas (most of a second).
    zeros, none = arrow.scalar("000000", pa.string()), arrow.scalar("", pa.string())
    frac = pc.utf8_slice_codeunits(pc.binary_join_element_wise(frac, zeros, none), 0, 6)
    return pc.fill_null(pc.cast(frac, pa.int64()), i64(0))


def _offset_s(cells: pa.Array) -> pa.Array:
    parts = pc.extract_regex(cells, r"(?P<sign>[+-])(?P<h>[0-9]{2}):(?P<m>[0-9]{2})$")
    minus = pc.equal(pc.struct_field(parts, [0]), arrow.scalar("-", pa.string()))
    sign = pc.if_else(minus, i64(-1), i64(1))
    hours = pc.cast(pc.struct_field(parts, [1]), pa.int64())
    minutes = pc.cast(pc.struct_field(parts, [2]), pa.int64())
    secs = pc.multiply(sign, pc.add(pc.multiply(hours, i64(3600)), pc.multiply(minutes, i64(60))))
    return pc.fill_null(secs, i64(0))


def read_datetime(cells: pa.Array) -> tuple[pa.Array, pa.Array, None]:
    ok = _match(cells, DATETIME_RE)
    is24 = pc.fill_null(pc.match_substring(cells, "T24:"), FALSE)
    base = pc.if_else(is24, pc.replace_substring(cells, "T24:", "T00:"), cells)
    good, ts = _calendar(base, 19, "%Y-%m-%dT%H:%M:%S")
    ok = pc.and_(ok, good)
    secs = pc.cast(pc.cast(ts, pa.int64()), pa.int64())
    secs = pc.add(secs, pc.if_else(is24, i64(86400), i64(0)))
    secs = pc.subtract(secs, _offset_s(cells))
    micros = pc.add(pc.multiply(secs, i64(1_000_000)), _fraction_us(cells))
    values = pc.cast(pc.if_else(ok, micros, arrow.null(pa.int64())), pa.timestamp("us", "UTC"))
    return ok, values, None


def read_time(cells: pa.Array) -> tuple[pa.Array, pa.Array, None]:
    ok = _match(cells, TIME_RE)
    head = pc.utf8_slice_codeunits(cells, 0, 8)
    is24 = pc.fill_null(pc.starts_with(head, "24:"), FALSE)
    secs = _hms(pc.if_else(ok, head, NULL_STRING))
    micros = pc.add(pc.multiply(secs, i64(1_000_000)), _fraction_us(cells))
    micros = pc.if_else(is24, i64(0), micros)
    values = pc.cast(pc.if_else(ok, micros, arrow.null(pa.int64())), pa.time64("us"))
    return ok, values, None


def _hms(head: pa.Array) -> pa.Array:
    def part(a: int, b: int) -> pa.Array:
        return pc.cast(pc.utf8_slice_codeunits(head, a, b), pa.int64())

    hours = pc.multiply(part(0, 2), i64(3600))
    return pc.add(pc.add(hours, pc.multiply(part(3, 5), i64(60))), part(6, 8))


# Python, once per distinct value

_INVALID = object()
_TEMPORAL_TYPES = {
    "date": pa.date32(),
    "datetime": pa.timestamp("us", "UTC"),
    "time": pa.time64("us"),
}
PyReader = Callable[[str], Any]


def _per_unique(
    cells: pa.Array, reader: PyReader, out_type: pa.DataType, *, with_length: bool = False
) -> tuple[pa.Array, pa.Array, pa.Array | None]:
    encoded = pc.dictionary_encode(cells)
    results = [reader(v) for v in encoded.dictionary.to_pylist()]
    oks = arrow.array([r is not _INVALID for r in results], pa.bool_())
    if with_length:
        vals = arrow.array([None if r is _INVALID else r[0] for r in results], out_type)
        lens = arrow.array([None if r is _INVALID else r[1] for r in results], pa.int64())
    else:
        vals = arrow.array([None if r is _INVALID else r for r in results], out_type)
    idx = encoded.indices
    ok = pc.take(oks, idx)
    lengths = pc.take(lens, idx) if with_length else None
    return ok, pc.take(vals, idx), lengths


def _strptime_reader(ftype: str, fmt: str) -> PyReader:
    def read(cell: str) -> Any:
        try:
            if fmt == "any":
                from dateutil import parser

                value = parser.parse(cell)
            else:
                value = datetime.strptime(cell, fmt)
        except (ValueError, OverflowError, ImportError):
            return _INVALID
        if ftype == "date":
            return value.date() if isinstance(value, datetime) else value
        if ftype == "time":
            return value.time()
        return value if value.tzinfo else value.replace(tzinfo=_utc())

    return read


def _utc() -> Any:

    return UTC


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _json_reader(kind: type) -> Callable[[FieldSpec], PyReader]:
    def make(spec: FieldSpec) -> PyReader:
        def read(cell: str) -> Any:
            try:
                value = jsontext.loads(cell)
            except ValueError:
                return _INVALID
            if not isinstance(value, kind):
                return _INVALID
            if spec.type == "geojson" and (
                not isinstance(value, dict) or value.get("type") not in GEOJSON_TYPES
            ):
                return _INVALID
            return _canonical(value), len(value) if isinstance(value, dict | list) else 0

        return read

    return make


_NUMBER = re.compile(NUMBER_RE)
_SCHEME = re.compile(URI_SCHEME_RE)


def _geopoint_reader(spec: FieldSpec) -> PyReader:
    def read(cell: str) -> Any:
        try:
            if spec.format == "array":
                lon, lat = jsontext.loads(cell)
            elif spec.format == "object":
                obj = jsontext.loads(cell)
                if not isinstance(obj, dict) or set(obj) != {"lon", "lat"}:
                    return _INVALID
                lon, lat = obj["lon"], obj["lat"]
            else:
                m = re.fullmatch(rf"({_NUM}), ?({_NUM})", cell)
                if not m:
                    return _INVALID
                lon, lat = m.group(1), m.group(2)
            if isinstance(lon, bool) or isinstance(lat, bool):
                return _INVALID
            lon_f, lat_f = float(lon), float(lat)
        except (ValueError, TypeError):
            return _INVALID
        if not (-180 <= lon_f <= 180 and -90 <= lat_f <= 90):
            return _INVALID
        return f"{lon_f!r},{lat_f!r}", 2

    return read


_ITEM_RULES: dict[str, Callable[[str], bool]] = {
    "string": lambda s: True,
    "integer": lambda s: re.fullmatch(INTEGER_RE[1:-1], s) is not None,
    "number": lambda s: _NUMBER.fullmatch(s) is not None,
    "boolean": lambda s: s in DEFAULT_TRUE or s in DEFAULT_FALSE,
    "date": lambda s: _valid_py(s, "%Y-%m-%d") and re.fullmatch(DATE_RE[1:-1], s) is not None,
    "time": lambda s: re.fullmatch(TIME_RE.replace("$|^", "|"), s) is not None,
    "datetime": lambda s: re.fullmatch(DATETIME_RE[1:-1], s) is not None,
}


def _valid_py(s: str, fmt: str) -> bool:
    try:
        datetime.strptime(s, fmt)
    except ValueError:
        return False
    return True


def _list_reader(spec: FieldSpec) -> PyReader:
    delimiter = str(spec.props.get("delimiter", ","))
    rule = _ITEM_RULES.get(str(spec.props.get("itemType", "string")), _ITEM_RULES["string"])

    def read(cell: str) -> Any:
        items = cell.split(delimiter)
        if not all(rule(item) for item in items):
            return _INVALID
        return cell, len(items)

    return read


_PY_READERS: dict[str, Callable[[FieldSpec], PyReader]] = {
    "object": _json_reader(dict),
    "geojson": _json_reader(dict),
    "array": _json_reader(list),
    "geopoint": _geopoint_reader,
    "list": _list_reader,
}


def parse_literal(value: Any, spec: FieldSpec) -> Any:
    """A constraint value (JSON, or a string in the field's lexical form) as a logical value.

    Returns None when the value is not valid for the field.
    """
    if spec.type in ("object", "array", "geojson") and isinstance(value, dict | list):
        value = json.dumps(value)
    if spec.type == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if spec.type in ("integer", "year") and isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, bool) and spec.type == "boolean":
        return value
    text = value if isinstance(value, str) else str(value)
    plain = FieldSpec(
        name=spec.name, type=spec.type, format=spec.format, props=spec.props, missing_values=[]
    )
    parsed = parse(arrow.array([text], pa.string()), plain)
    if parsed.invalid[0].as_py():
        return None
    return parsed.values[0].as_py()
