"""Issue messages: say what is wrong with the cell, and what to do about it."""

from __future__ import annotations

from typing import Any

from statpub.tables.spec import FieldSpec

TYPE_HINTS = {
    "integer": "digits with an optional sign, e.g. -12 (no spaces, no thousands separators)",
    "number": "a decimal number such as -1.5, 2E-3, NaN, INF or -INF",
    "boolean": "one of the field's trueValues or falseValues",
    "date": "a date written YYYY-MM-DD, e.g. 2024-01-26",
    "datetime": "a date and time written YYYY-MM-DDThh:mm:ss with optional fraction and "
    "Z or +hh:mm",
    "time": "a time written hh:mm:ss",
    "year": "a four-digit year, e.g. 2024",
    "yearmonth": "a month written YYYY-MM, e.g. 2024-01",
    "duration": "an ISO 8601 duration such as P1Y2M or PT36H",
    "geopoint": "a point written 'lon, lat'",
    "geojson": "a GeoJSON object",
    "object": "a JSON object",
    "array": "a JSON array",
    "list": "a delimited list of items of the field's itemType",
}
FORMAT_HINTS = {
    "default": "text (in JSON rows: a JSON string, not a number, boolean, object or array)",
    "email": "an email address",
    "uri": "a URI with a scheme, e.g. https://example.org/x",
    "uuid": "a UUID written 8-4-4-4-12 hex digits",
    "binary": "base64-encoded data",
}
CONSTRAINT_TEXT = {
    "required": "is required, but the cell is empty (or a missing value)",
    "minLength": "must be at least {v} characters long",
    "maxLength": "must be at most {v} characters long",
    "pattern": "must match the pattern {v}",
    "minimum": "must be at least {v}",
    "maximum": "must be at most {v}",
    "exclusiveMinimum": "must be greater than {v}",
    "exclusiveMaximum": "must be less than {v}",
    "enum": "must be one of {v}",
    "categories": "must be one of the field's categories {v}",
}


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def type_error(spec: FieldSpec, cell: str) -> str:
    if spec.type == "string":
        expected = FORMAT_HINTS.get(spec.format, spec.format)
    elif spec.format not in ("default", ""):
        expected = f"a {spec.type} in the format {spec.format!r}"
    else:
        expected = TYPE_HINTS.get(spec.type, spec.type)
    return (
        f"{_short(cell)} is not a valid {spec.type}"
        f"{'' if spec.format in ('default', '') else '/' + spec.format}: expected {expected}; "
        "fix the cell, or declare it a missing value"
    )


def constraint_error(spec: FieldSpec, name: str, cell: str | None) -> str:
    if name == "categories":
        value: Any = spec.categories
    else:
        value = spec.constraints.get(name)
    rule = CONSTRAINT_TEXT[name].format(v=_short(value, 80))
    if name == "required":
        return f"field {spec.name!r} {rule}; fill it in"
    return f"value {_short(cell)} breaks constraint {name}: field {spec.name!r} {rule}"


def duplicate(what: str, names: list[str], previous: int) -> str:
    fields = ", ".join(names)
    return (
        f"{what} ({fields}) repeats the value of row {previous}; "
        "each row must have its own; remove or correct one of the two rows"
    )
