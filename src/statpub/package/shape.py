"""The shape of what statpub reads from a descriptor, checked before anything reads it.

A stranger's descriptor can put a number where a list belongs, a list where
an object belongs. The properties statpub reads are described here as JSON
Schema (data, not ``if``s), and checked with the ``jsonschema`` library; a
property of the wrong shape is an issue naming its JSON path, and the resource
it is in is not read (its rows would be read by rules it cannot state). The
few rules JSON Schema cannot say (a dialect's delimiter must differ from its
quote character) are in :data:`_DIALECT_CLASHES`.

This is not the Data Package profile (validate checks that separately): only
what statpub itself takes from a descriptor, in the shapes it can use.
"""

from __future__ import annotations

from typing import Any

STRING = {"type": "string"}
STRINGS = {"type": "array", "items": STRING}
STRING_OR_STRINGS = {"anyOf": [STRING, STRINGS]}
TEXT_PROPS = ("title", "description")
CHAR = {"type": "string", "minLength": 1, "maxLength": 1, "not": {"enum": ["\r", "\n"]}}
NON_NEGATIVE = {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}
BOUND = {"type": ["number", "string"]}

_ITEM: dict[str, Any] = {
    "type": "object",
    "properties": {k: STRING for k in ("title", "name", "path", "email")},
}
PACKAGE = {
    "type": "object",
    "properties": {
        **{
            k: STRING
            for k in ("name", "version", "id", "title", "description", "versionNote", "created")
        },
        "homepage": STRING,
        "keywords": STRINGS,
        "licenses": {"type": "array", "items": _ITEM},
        "sources": {"type": "array", "items": _ITEM},
        "contributors": {
            "type": "array",
            "items": {**_ITEM, "properties": {**_ITEM["properties"], "roles": STRINGS}},
        },
        "spatialCoverage": {"type": "object", "properties": {"name": STRING, "iso3166": STRING}},
        "temporalCoverage": {"type": "object", "properties": {"start": STRING, "end": STRING}},
        "resources": {"type": "array"},
    },
}
RESOURCE = {
    "type": "object",
    "properties": {
        k: STRING
        for k in (
            "name",
            "format",
            "mediatype",
            "encoding",
            "compression",
            "type",
            "profile",
            "$schema",
            *TEXT_PROPS,
        )  # fmt: skip
    },
}
_LABELLED = {"type": "object", "required": ["value"], "properties": {"value": STRING}}
_MISSING = {"type": "array", "items": {"anyOf": [STRING, _LABELLED]}}
_CONSTRAINTS = {
    "type": "object",
    "properties": {
        "required": {"type": "boolean"},
        "unique": {"type": "boolean"},
        "minLength": NON_NEGATIVE,
        "maxLength": NON_NEGATIVE,
        "pattern": STRING,
        "enum": {"type": "array"},
        **{k: BOUND for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")},
    },
}
_CATEGORY_VALUE = {"type": ["string", "integer"]}
FIELD = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": STRING,
        "type": STRING,
        "format": STRING,
        "constraints": _CONSTRAINTS,
        "missingValues": _MISSING,
        "trueValues": STRINGS,
        "falseValues": STRINGS,
        "groupChar": STRING,
        "decimalChar": STRING,
        "bareNumber": {"type": "boolean"},
        "delimiter": {"type": "string", "minLength": 1},
        "itemType": STRING,
        "categoriesOrdered": {"type": "boolean"},
        "categories": {
            "type": "array",
            "items": {
                "anyOf": [
                    _CATEGORY_VALUE,
                    {
                        "type": "object",
                        "required": ["value"],
                        "properties": {"value": _CATEGORY_VALUE, "label": STRING},
                    },
                ]
            },
        },
        **{k: STRING for k in TEXT_PROPS},
    },
}
_FOREIGN_KEY = {
    "type": "object",
    "required": ["fields", "reference"],
    "properties": {
        "fields": STRING_OR_STRINGS,
        "reference": {
            "type": "object",
            "required": ["fields"],
            "properties": {"resource": STRING, "fields": STRING_OR_STRINGS},
        },
    },
}
SCHEMA = {
    "type": "object",
    "required": ["fields"],
    "properties": {
        "fields": {"type": "array", "items": FIELD},
        "primaryKey": STRING_OR_STRINGS,
        "uniqueKeys": {"type": "array", "items": STRING_OR_STRINGS},
        "foreignKeys": {"type": "array", "items": _FOREIGN_KEY},
        "missingValues": _MISSING,
        "fieldsMatch": {"enum": ["exact", "equal", "subset", "superset", "partial"]},
    },
}
DIALECT = {
    "type": "object",
    "properties": {
        "delimiter": CHAR,
        "quoteChar": CHAR,
        "escapeChar": CHAR,
        "commentChar": {"type": "string", "minLength": 1},
        "lineTerminator": STRING,
        "header": {"type": "boolean"},
        "doubleQuote": {"type": "boolean"},
        "skipInitialSpace": {"type": "boolean"},
    },
}
# Pairs of dialect characters that cannot be the same character.
_DIALECT_CLASHES = (("delimiter", "quoteChar"), ("delimiter", "escapeChar"),
                    ("quoteChar", "escapeChar"))  # fmt: skip
_DIALECT_DEFAULTS = {"delimiter": ",", "quoteChar": '"'}

_validators: dict[int, Any] = {}


def problems(value: Any, shape: dict[str, Any], where: str) -> list[str]:
    """Sentences saying where ``value`` is not of ``shape``; ``where`` is its JSON path."""
    from jsonschema import Draft202012Validator

    validator = _validators.get(id(shape))
    if validator is None:
        validator = _validators[id(shape)] = Draft202012Validator(shape)
    out = []
    for error in sorted(validator.iter_errors(value), key=lambda e: list(map(str, e.path))):
        path = where + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.path)
        out.append(f"{path} is {_kind(error.instance)}: {_wanted(error.validator, error.schema)}")
        if len(out) >= 20:
            out.append(f"{where}: more properties of the wrong shape not listed")
            break
    return out


def dialect_problems(dialect: Any, where: str, fmt: str | None) -> list[str]:
    found = problems(dialect, DIALECT, where)
    if found or not isinstance(dialect, dict):
        return found
    defaults = {**_DIALECT_DEFAULTS, "delimiter": "\t" if fmt == "tsv" else ","}
    for a, b in _DIALECT_CLASHES:
        x, y = dialect.get(a, defaults.get(a)), dialect.get(b, defaults.get(b))
        if x is not None and x == y:
            found.append(f"{where}: {a} and {b} are both {x!r}; they must differ")
    return found


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, (int, float)):
        text = repr(value)
        return text if len(text) <= 20 else "a number"
    if isinstance(value, str):
        return repr(value) if len(value) <= 20 else "a string"
    if value is None:
        return "null"
    return "an array" if isinstance(value, list) else "an object"


_WORDS = {
    "string": "a string",
    "array": "an array",
    "object": "an object",
    "boolean": "true or false",
    "integer": "an integer",
    "number": "a number",
}


def _wanted(rule: str, schema: dict[str, Any]) -> str:
    """What the property should be, in words (never the value itself, which may be long)."""
    if rule == "type":
        kinds: list[str] = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        return "it must be " + " or ".join(_WORDS.get(k, k) for k in kinds)
    if rule == "required":
        return f"it needs {', '.join(repr(k) for k in schema.get('required', []))}"
    if rule == "enum":
        return "it must be one of " + ", ".join(repr(v) for v in schema["enum"])
    if rule in ("minLength", "maxLength") and schema.get("maxLength") == 1:
        return "it must be one character"
    if rule == "minLength":
        return "it must not be empty"
    if rule in ("minimum", "maximum"):
        return f"it must be between {schema.get('minimum', 0)} and {schema.get('maximum')}"
    if rule == "not":
        return "it must not be a line end"
    if rule == "anyOf":
        return (
            "it must be a string or an array of strings"
            if schema is STRING_OR_STRINGS
            else ("it is not of a shape statpub reads")
        )
    return "it is not of a shape statpub reads"
