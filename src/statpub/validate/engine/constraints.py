"""Field constraints on a parsed column: one boolean "fails" mask per constraint.

Constraints are tested on logical values, and only on cells that are present
and of the right type (a type error is reported alone, as frictionless does).
``required`` is tested on missing cells. ``categories`` is statpub's own check:
frictionless-py does not enforce it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from statpub.tables import arrow
from statpub.tables import compute as pc
from statpub.tables.arrow import NULL_STRING, TRUE
from statpub.tables.lexical import Parsed, parse_literal
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
class Prepared:
    """A field's constraints with their values read once, not once per batch."""

    spec: FieldSpec
    bounds: dict[str, Any]
    enum: pa.Array | None
    categories: pa.Array | None
    pattern: str | None  # as RE2 reads it (see patterns.translate)
    compiled: Any  # the pattern compiled by RE2 (google-re2), for the cells Arrow does not take
    problems: list[str]


def prepare(spec: FieldSpec, value_type: pa.DataType) -> Prepared:
    c = spec.constraints
    problems: list[str] = []
    bounds: dict[str, Any] = {}
    for name in _COMPARE:
        if name in c and spec.type in _SUPPORTED[name]:
            value = parse_literal(c[name], spec)
            if value is None:
                problems.append(f"constraint {name} {c[name]!r} is not a valid {spec.type}")
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
) -> pa.Array | None:
    if not isinstance(values, list):
        return None
    logical = []
    for v in values:
        parsed = parse_literal(v, spec)
        if parsed is None:
            problems.append(f"{what} value {v!r} is not a valid {spec.type}")
        else:
            logical.append(parsed)
    return arrow.array(logical, value_type)


def _within(a: pa.Array, b: pa.Array) -> bool:
    """Every value of ``a`` is in ``b``."""
    return bool(pc.all(pc.is_in(a, value_set=b)).as_py() is not False)


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
        add(name, pc.invert(_COMPARE[name](parsed.values, bound)))
    if p.enum is not None:
        add("enum", pc.invert(pc.is_in(parsed.values, value_set=p.enum)))
    if p.categories is not None:
        add("categories", pc.invert(pc.is_in(parsed.values, value_set=p.categories)))
    return out


def pattern_matches(p: Prepared, values: pa.Array) -> pa.Array:
    """Whether each cell matches the pattern as a whole, with RE2 semantics throughout.

    Printable ASCII cells go through Arrow's RE2 kernel, a column at a time; the
    others (non-ASCII text, newlines, control characters: few, in practice)
    through google-re2 once per distinct value. Both are RE2: linear in the
    cell's length whatever the pattern, so no pattern can hang the check.
    """
    assert p.compiled is not None and p.pattern is not None
    if arrow.repetitive(values):
        # Codes and the like: match each distinct value once.
        encoded = pc.dictionary_encode(values)
        return pc.take(pattern_matches(p, encoded.dictionary), encoded.indices)
    others = pc.invert(pc.fill_null(pc.ascii_is_printable(values), TRUE))
    try:
        fast = pc.match_substring_regex(values, f"^(?:{p.pattern})$")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        fast = None
        others = pc.is_valid(values)
    if fast is not None and not pc.any(others).as_py():
        return fast
    slow_values = pc.if_else(others, values, NULL_STRING)
    encoded = pc.dictionary_encode(slow_values)
    fullmatch = p.compiled.fullmatch
    matched = [fullmatch(v) is not None for v in encoded.dictionary.to_pylist()]
    slow = pc.take(arrow.array(matched, pa.bool_()), encoded.indices)
    if fast is None:
        return slow
    return pc.if_else(others, slow, fast)
