"""Field constraints on a parsed column: one boolean "fails" mask per constraint.

Constraints are tested on logical values, and only on cells that are present
and of the right type (a type error is reported alone, as frictionless does).
``required`` is tested on missing cells. ``categories`` is statpub's own check:
frictionless-py does not enforce it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow as pa

from statpub.tables import arrow
from statpub.tables import compute as pc
from statpub.tables.arrow import FALSE, TRUE
from statpub.tables.lexical import Parsed, parse, parse_literal
from statpub.tables.spec import FieldSpec
from statpub.validate.engine.patterns import compile_pattern

# The order frictionless-py tests them in, so issues in one cell come out alike.
ORDER = (
    "required",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "enum",
)
_ORDERED = {"integer", "number", "date", "datetime", "time", "year", "yearmonth"}
_LENGTHED = {"string", "object", "array", "list"}
_SUPPORTED = {
    "minLength": _LENGTHED,
    "maxLength": _LENGTHED,
    "pattern": {"string"},
    "minimum": _ORDERED,
    "maximum": _ORDERED,
    "exclusiveMinimum": _ORDERED,
    "exclusiveMaximum": _ORDERED,
}
_COMPARE = {
    "minimum": pc.greater_equal,
    "maximum": pc.less_equal,
    "exclusiveMinimum": pc.greater,
    "exclusiveMaximum": pc.less,
}


@dataclass
class Failure:
    name: str  # constraint name, or "categories"
    mask: pa.Array  # bool, true where the cell fails


@dataclass
class ValueSet:
    """The values of an ``enum`` or of ``categories``, as logical values.

    For an integer field, ``values`` holds those in int64 and ``beyond`` the
    canonical text of the others (see ``Parsed.big``).
    """

    values: pa.Array
    beyond: pa.Array | None


@dataclass
class Prepared:
    """A field's constraints with their values read once, not once per batch."""

    spec: FieldSpec
    bounds: dict[str, Any]  # Arrow scalars; Decimals for integer fields (any size)
    enum: ValueSet | None
    categories: ValueSet | None
    pattern: str | None  # as RE2 reads it (see patterns.translate)
    compiled: Any  # the pattern compiled by RE2 (google-re2), for the cells Arrow does not take
    problems: list[str]


def prepare(spec: FieldSpec, value_type: pa.DataType) -> Prepared:
    c = spec.constraints
    problems: list[str] = []
    bounds: dict[str, Any] = {}
    for name in _COMPARE:
        if name in c and spec.type in _SUPPORTED[name]:
            value = literal(c[name], spec)
            if value is None:
                problems.append(f"constraint {name} {_short(c[name])} is not a valid {spec.type}")
            elif spec.type == "integer":
                bounds[name] = value
            else:
                bounds[name] = arrow.scalar(value, value_type)
    enum = _value_set(c.get("enum"), spec, value_type, "enum", problems)
    cats = _value_set(spec.categories, spec, value_type, "categories", problems)
    if enum is not None and cats is not None and _within(enum, cats):
        # Categories mirrored in an enum (for readers that ignore categories): a bad
        # code is one error, the enum's, as frictionless-py reports it.
        cats = None
    pattern = c.get("pattern") if spec.type == "string" else None
    compiled = None
    if isinstance(pattern, str):
        found = compile_pattern(pattern)
        if isinstance(found, str):
            problems.append(found)
            pattern = None
        else:
            pattern, compiled = found
    else:
        pattern = None
    return Prepared(spec, bounds, enum, cats, pattern, compiled, problems)


def _value_set(
    values: Any, spec: FieldSpec, value_type: pa.DataType, what: str, problems: list[str]
) -> ValueSet | None:
    if not isinstance(values, list):
        return None
    logical = []
    for v in values:
        parsed = literal(v, spec)
        if parsed is None:
            problems.append(f"{what} value {_short(v)} is not a valid {spec.type}")
        else:
            logical.append(parsed)
    if spec.type == "integer":  # in int64, the values; beyond, their canonical text
        fit = [int(v) for v in logical if _INT64[0] <= v <= _INT64[1]]
        beyond = [str(int(v)) for v in logical if not _INT64[0] <= v <= _INT64[1]]
        return ValueSet(arrow.array(fit, pa.int64()), arrow.array(beyond, pa.string()))
    if pa.types.is_floating(value_type):
        logical = [float(v) + 0.0 for v in logical]  # -0 is 0
    return ValueSet(arrow.array(logical, value_type), None)


_INT64 = (Decimal(-(2**63)), Decimal(2**63 - 1))


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def literal(value: Any, spec: FieldSpec) -> Any:
    """A constraint value as the field's logical value; an integer as a Decimal (any size).

    None when it is not a valid value of the field.
    """
    if spec.type != "integer":
        return parse_literal(value, spec)
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if not isinstance(value, str):
        return None
    plain = FieldSpec(name=spec.name, type="integer", props=spec.props, missing_values=[])
    parsed = parse(arrow.array([value], pa.string()), plain)
    if parsed.invalid[0].as_py():
        return None
    if parsed.big is not None and parsed.big[0].is_valid:
        return Decimal(parsed.big[0].as_py())
    return Decimal(parsed.values[0].as_py())


def _within(a: ValueSet, b: ValueSet) -> bool:
    """Every value of ``a`` is in ``b``."""
    pairs = [(a.values, b.values)]
    if a.beyond is not None and len(a.beyond):
        pairs.append((a.beyond, b.beyond if b.beyond is not None else a.beyond[:0]))
    return all(pc.all(pc.is_in(x, value_set=y)).as_py() is not False for x, y in pairs)


def failures(p: Prepared, parsed: Parsed) -> list[Failure]:
    spec, c = p.spec, p.spec.constraints
    checkable = pc.invert(pc.or_(parsed.missing, parsed.invalid))
    out: list[Failure] = []

    def add(name: str, fails: pa.Array) -> None:
        fails = pc.and_(checkable, pc.fill_null(fails, TRUE))
        if pc.any(fails).as_py():
            out.append(Failure(name, fails))

    if c.get("required") and pc.any(parsed.missing).as_py():
        out.append(Failure("required", parsed.missing))
    for name in ("minLength", "maxLength"):
        if name in c and spec.type in _LENGTHED and isinstance(c[name], int):
            lengths = (
                parsed.lengths if parsed.lengths is not None else pc.utf8_length(parsed.values)
            )
            compare = pc.greater_equal if name == "minLength" else pc.less_equal
            add(name, pc.invert(compare(lengths, arrow.scalar(c[name], lengths.type))))
    if p.pattern is not None:
        add("pattern", pc.invert(pattern_matches(p, parsed.values)))
    for name, bound in p.bounds.items():
        if isinstance(bound, Decimal):
            add(name, _integer_bound_fails(name, bound, parsed))
        else:
            add(name, pc.invert(_COMPARE[name](parsed.values, bound)))
    for name, value_set in (("enum", p.enum), ("categories", p.categories)):
        if value_set is not None:
            add(name, pc.invert(_in(parsed, value_set)))
    return out


def _in(parsed: Parsed, value_set: ValueSet) -> pa.Array:
    """Where each value is one of ``value_set`` (logical values: -0 is 0)."""
    values = parsed.values
    if pa.types.is_floating(values.type):
        values = pc.add(values, arrow.scalar(0.0, values.type))
    found = pc.fill_null(pc.is_in(values, value_set=value_set.values), FALSE)
    if parsed.big is not None:
        beyond = value_set.beyond if value_set.beyond is not None else arrow.array([], pa.string())
        found = pc.or_(found, pc.fill_null(pc.is_in(parsed.big, value_set=beyond), FALSE))
    return found


def _integer_bound_fails(name: str, bound: Decimal, parsed: Parsed) -> pa.Array:
    """Where an integer breaks ``name`` (minimum ...) against ``bound``, of any size.

    Values in int64 are compared by Arrow; the few beyond it, one by one as Decimals.
    """
    compare = _PYTHON_COMPARE[name]
    if _INT64[0] <= bound <= _INT64[1]:
        fails = pc.invert(_COMPARE[name](parsed.values, arrow.i64(int(bound))))
    else:  # every int64 value is on one side of a bound beyond it
        passes = compare(Decimal(0), bound)
        fails = pc.if_else(pc.is_valid(parsed.values), arrow.scalar(not passes, pa.bool_()),
                           arrow.null(pa.bool_()))  # fmt: skip
    fails = pc.fill_null(fails, FALSE)
    if parsed.big is not None:
        big = parsed.big.to_pylist()
        rows = [k for k, v in enumerate(big) if v is not None and not compare(Decimal(v), bound)]
        if rows:
            fails = pc.or_(fails, _flags(len(big), rows))
    return fails


def _flags(n: int, rows: list[int]) -> pa.Array:
    flags = [False] * n
    for k in rows:
        flags[k] = True
    return arrow.array(flags, pa.bool_())


_PYTHON_COMPARE = {
    "minimum": lambda v, b: v >= b,
    "maximum": lambda v, b: v <= b,
    "exclusiveMinimum": lambda v, b: v > b,
    "exclusiveMaximum": lambda v, b: v < b,
}


def pattern_matches(p: Prepared, values: pa.Array) -> pa.Array:
    """Whether each cell matches the pattern as a whole: RE2, linear in the cell, always.

    Every cell goes through Arrow's RE2 kernel, a column at a time (non-ASCII
    text and line ends included: the semantics are RE2's throughout). The
    pattern was compiled by google-re2 first, which refuses what RE2 cannot
    match in linear time; should Arrow's kernel refuse a pattern google-re2
    took, google-re2 matches each distinct value instead.
    """
    assert p.compiled is not None and p.pattern is not None
    if arrow.repetitive(values):
        # Codes and the like: match each distinct value once.
        encoded = pc.dictionary_encode(values)
        return pc.take(pattern_matches(p, encoded.dictionary), encoded.indices)
    try:
        return pc.match_substring_regex(values, f"^(?:{p.pattern})$")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    encoded = pc.dictionary_encode(values)
    fullmatch = p.compiled.fullmatch
    matched = [fullmatch(v) is not None for v in encoded.dictionary.to_pylist()]
    return pc.take(arrow.array(matched, pa.bool_()), encoded.indices)
