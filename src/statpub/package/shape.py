"""The shape of what statpub reads from a descriptor, checked before anything reads it.

A stranger's descriptor can put a number where a list belongs, a list where
an object belongs. The properties statpub reads are described here as JSON
Schema (data, not ``if``s), and checked with the ``jsonschema`` library; a
property of the wrong shape is an issue naming its JSON path, and the resource
it is in is not read (its rows would be read by rules it cannot state). The
few rules JSON Schema cannot say (a dialect's delimiter must differ from its
quote character) are with the profile rules in :mod:`statpub.package.schemarules`.

This is not the Data Package profile, which is checked first
(:mod:`statpub.package.profiles`); only what statpub itself takes from a
descriptor, in the shapes it can use, checked with the same mechanism where
the profile found nothing wrong.
"""

from __future__ import annotations

from typing import Any

STRING = {"type": "string"}
STRINGS = {"type": "array", "items": STRING}
STRING_OR_STRINGS = {"anyOf": [STRING, STRINGS]}
TEXT_PROPS = ("title", "description")
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


def problems(value: Any, shape: dict[str, Any], where: str) -> list[str]:
    """Sentences saying where ``value`` is not of ``shape``; ``where`` is its JSON path.

    The same mechanism as the official profiles (:func:`profiles.check_shape`).
    """
    from statpub.package.profiles import check_shape

    found = check_shape(value, shape, where)
    out = [f"{p.path}: {p.message}" if p.path else p.message for p in found[:20]]
    if len(found) > 20:
        out.append(f"{where}: more properties of the wrong shape not listed")
    return out
