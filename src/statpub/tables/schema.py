"""Map Table Schema fields to Arrow types.

The mapping is what consumers get in the Parquet copy of a table: integers are
int64, dates are date32 (not timestamps), and text fields with ``categories``
or an ``enum`` constraint are dictionary-encoded, their dictionary the declared
codes in the schema's order (``parquetio.declared_dictionaries``).
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from statpub.errors import StatpubError

_SIMPLE_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "time": pa.time64("us"),
    "datetime": pa.timestamp("us", tz="UTC"),
    "year": pa.int64(),
    # Kept as their lexical form: Arrow has no faithful native type for these.
    "yearmonth": pa.string(),
    "duration": pa.string(),
    "geopoint": pa.string(),
    "geojson": pa.string(),
    "object": pa.string(),
    "array": pa.string(),
    "list": pa.string(),
    "any": pa.string(),
}


def is_coded(field: dict[str, Any]) -> bool:
    """A coded text field holds one of a fixed list of values: dictionary-encode it.

    Only text: Parquet keeps an Arrow dictionary of strings, but an integer
    dictionary comes back from the file as plain int64.
    """
    if field.get("type", "string") != "string":
        return False
    return "categories" in field or "enum" in field.get("constraints", {})


def arrow_type(field: dict[str, Any]) -> pa.DataType:
    ftype = field.get("type", "string")
    try:
        base = _SIMPLE_TYPES[ftype]
    except KeyError as exc:
        raise StatpubError(
            f"field {field.get('name')!r}: unknown Table Schema type {ftype!r}", code="schema-error"
        ) from exc
    if is_coded(field):
        return pa.dictionary(pa.int32(), base)
    return base


def logical_type(t: pa.DataType) -> pa.DataType:
    """What a stored Arrow type holds, whatever the writer chose for it: a dictionary (of
    any index width) is its values, ``large_string`` and ``string_view`` are strings (the
    same for binary and lists), a timestamp of any unit is one in microseconds."""
    if pa.types.is_dictionary(t):
        return logical_type(t.value_type)
    if pa.types.is_large_string(t) or _is(t, "is_string_view"):
        return pa.string()
    if pa.types.is_large_binary(t) or _is(t, "is_binary_view"):
        return pa.binary()
    if pa.types.is_large_list(t) or pa.types.is_list(t):
        return pa.list_(logical_type(t.value_type))
    if pa.types.is_timestamp(t):
        return pa.timestamp("us", tz=t.tz)
    return t


def _is(t: pa.DataType, check: str) -> bool:
    test = getattr(pa.types, check, None)  # newer pyarrow only
    return bool(test(t)) if test is not None else False


def holds_text(t: pa.DataType) -> bool:
    """A stored column a ``string`` field can be read from (text, or only nulls)."""
    return logical_type(t) in (pa.string(), pa.null())


def arrow_field(field: dict[str, Any]) -> pa.Field:
    required = bool(field.get("constraints", {}).get("required", False))
    metadata = {"description": field.get("description", "")}
    if field.get("title"):
        metadata["title"] = field["title"]
    return pa.field(field["name"], arrow_type(field), nullable=not required, metadata=metadata)


def arrow_schema(schema: dict[str, Any], *, embed: bool = True) -> pa.Schema:
    """The Arrow schema for ``schema``, with the Table Schema itself in the metadata."""
    fields = [arrow_field(f) for f in schema["fields"]]
    metadata = None
    if embed:
        metadata = {"table_schema": json.dumps(schema, ensure_ascii=False, sort_keys=True)}
    return pa.schema(fields, metadata=metadata)


def missing_values(schema: dict[str, Any]) -> list[str]:
    """The lexical missing values, whether written as strings or ``{value, label}`` (v2)."""
    out: list[str] = []
    for item in schema.get("missingValues", [""]):
        out.append(item["value"] if isinstance(item, dict) else item)
    return out


def category_values(field: dict[str, Any]) -> list[Any] | None:
    """The allowed values of a ``categories`` field (plain or ``{value, label}`` form)."""
    cats = field.get("categories")
    if cats is None:
        return None
    return [c["value"] if isinstance(c, dict) else c for c in cats]


def coded_values(field: dict[str, Any]) -> list[Any] | None:
    """The codes of a coded field in their declared order: its categories, else its enum."""
    values = category_values(field)
    if values is None:
        enum = field.get("constraints", {}).get("enum")
        values = list(enum) if isinstance(enum, list) else None
    return values


def category_labels(field: dict[str, Any]) -> dict[Any, str]:
    cats = field.get("categories") or []
    return {c["value"]: c.get("label", str(c["value"])) for c in cats if isinstance(c, dict)}
