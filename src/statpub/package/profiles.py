"""Descriptors against the official Data Package profiles (JSON Schema), v1 and v2.

The profile files are the ones the ``dplib-py`` package ships (the Frictionless
team's Data Package library): ``dplib/profiles/{1.0,2.0}/{datapackage,
dataresource,tableschema,tabledialect}.json``. They are read from the installed
package, never fetched, and compiled once, on first use (``jsonschema`` is
imported only then).

Each level is checked with its own profile: the package (its ``resources``
only as an array), each resource (its ``schema`` and ``dialect`` only as an
object or a path), each Table Schema and each Table Dialect, inline or read
from their path. A level's profile is the one its ``$schema`` names, else the
one its v1 ``profile`` names, else its parent's (the package defaults to v2),
as the v2 spec's backward-compatibility notes say.

Two errata of the shipped 2.0 files are corrected here, in memory (see
docs/validation.md): ``fieldsMatch`` is a string (the 2.0 file says array; the
spec text and the 2.1 profile say string), and the 1.0 package profile's inline
CSV Dialect requires ``delimiter`` and ``doubleQuote``, which CSV Dialect gives
defaults (each dialect is checked with the Table Dialect profile instead).
"""

from __future__ import annotations

import importlib.util
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statpub.errors import StatpubError

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

V1, V2 = "1.0", "2.0"
FILES = {
    "package": "datapackage.json",
    "resource": "dataresource.json",
    "schema": "tableschema.json",
    "dialect": "tabledialect.json",
}
WHAT = {
    "package": "Data Package",
    "resource": "Data Resource",
    "schema": "Table Schema",
    "dialect": "Table Dialect",
}
_OFFICIAL = re.compile(r"^https?://datapackage\.org/profiles/(\d+)\.(\d+)/([a-z]+)\.json$")
# v1 ``profile`` values: registry names, and the old profile URLs.
_V1_NAMES = {
    "data-package",
    "tabular-data-package",
    "fiscal-data-package",
    "data-resource",
    "tabular-data-resource",
    "table-schema",
    "csv-dialect",
}
_V1_URL = re.compile(r"^https?://specs\.frictionlessdata\.io/schemas/[a-z-]+\.json$")
# The profiles' patterns, in words (keyed by the property they apply to).
PATTERN_WORDS = {
    "path": "be a URL (http, https, ftp) or a relative POSIX path: no leading '/', '.' or '~', "
    "no '..' segment, no backslash, no other scheme",
    "name": "consist of lower-case letters, digits and '-', '_', '.', '/' only (Data Package v1)",
}
FIELDS_MATCH = ["exact", "equal", "subset", "superset", "partial"]


@dataclass(frozen=True)
class Choice:
    """Which profile a descriptor is checked with, and a note when it is not the one named."""

    version: str
    note: str | None = None


@dataclass(frozen=True)
class Problem:
    """One way a descriptor breaks its profile: where (a JSON path) and what to do."""

    path: str  # ``resources[2].schema.fields[0].type``; "" for the descriptor itself
    message: str


def choose(descriptor: Any, level: str, inherited: str = V2, *, inline: bool = False) -> Choice:
    """The profile version for ``descriptor`` at ``level`` (package, resource, schema, dialect).

    An ``inline`` descriptor (a schema or dialect written inside its resource, a resource
    inside its package) is held to its parent's profile: the v2 spec says an inlined
    descriptor's ``$schema`` MUST be ignored. Its v1 ``profile`` still counts.
    """
    if not isinstance(descriptor, dict):
        return Choice(inherited)
    named = None if inline else descriptor.get("$schema")
    if isinstance(named, str):
        m = _OFFICIAL.match(named)
        if m and m.group(1) == "1":
            return Choice(V1)
        if m and m.group(1) == "2":
            return Choice(V2)  # 2.x profiles only add to 2.0
        return Choice(
            inherited,
            f"$schema {named!r} is not an official Data Package profile; statpub does not "
            f"fetch profiles, so the {WHAT[level]} was checked against the official "
            f"{inherited} profile only",
        )
    profile = descriptor.get("profile")
    if isinstance(profile, str):
        if profile in _V1_NAMES or _V1_URL.match(profile):
            return Choice(V1)
        # A custom profile, by URL, local path or an id the v1 registry does not list:
        # statpub cannot check it, and says so.
        why = (
            "is not an official Data Package profile; statpub does not fetch profiles"
            if profile.startswith(("http://", "https://"))
            else "is neither a registered Data Package profile id nor a profile URL; statpub "
            "cannot check it"
        )
        return Choice(
            V1,
            f"profile {_short(profile)} {why}, so the {WHAT[level]} was checked against the "
            "official 1.0 profile only",
        )
    return Choice(inherited)


def tabular(descriptor: Any, level: str, *, inline: bool = False) -> bool:
    """Whether a v1 ``profile`` (with no ``$schema`` to override it) names a tabular profile
    (``tabular-data-package`` or ``tabular-data-resource``), which the v2 spec's
    backward-compatibility notes say the descriptor MUST be validated against."""
    if not isinstance(descriptor, dict):
        return False
    if not inline and isinstance(descriptor.get("$schema"), str):
        return False
    profile = descriptor.get("profile")
    name = "tabular-data-package" if level == "package" else "tabular-data-resource"
    return isinstance(profile, str) and (
        profile == name or (bool(_V1_URL.match(profile)) and profile.endswith(f"/{name}.json"))
    )


def tabular_problems(descriptor: dict[str, Any], level: str) -> list[Problem]:
    """What the v1 tabular profiles require beyond the plain 1.0 ones (which dplib-py does
    not ship): each resource of a Tabular Data Package is a Tabular Data Resource, and a
    Tabular Data Resource has a ``schema``."""
    if level == "package":
        entries = descriptor.get("resources")
        return [
            Problem(
                f"resources[{i}].profile",
                "a Tabular Data Package's resources must each be a Tabular Data Resource: "
                'add "profile": "tabular-data-resource" (and a schema), or make the '
                'package\'s profile "data-package"',
            )
            for i, entry in enumerate(entries if isinstance(entries, list) else [])
            if isinstance(entry, dict) and entry.get("profile") != "tabular-data-resource"
        ]
    if level == "resource" and "schema" not in descriptor:
        return [Problem("schema", "a Tabular Data Resource must have a 'schema'; add it")]
    return []


def declares(descriptor: Any, version: str) -> bool:
    """Whether ``descriptor``'s own ``$schema`` names an official profile of ``version``'s
    major version (2.0 covers 2.x)."""
    named = descriptor.get("$schema") if isinstance(descriptor, dict) else None
    m = _OFFICIAL.match(named) if isinstance(named, str) else None
    return m is not None and m.group(1) == version.split(".")[0]


def check(descriptor: Any, level: str, version: str, where: str = "") -> list[Problem]:
    """How ``descriptor`` breaks the ``version`` profile of ``level``; ``where`` prefixes paths."""
    # The same schema is often checked more than once (a table's CSV and Parquet
    # copies, the previous release): its verdict is remembered by its text.
    text = json.dumps(descriptor, sort_keys=True, ensure_ascii=False)
    key = (version, level, text)
    with _lock:
        known = _verdicts.get(key)
    if known is None:
        errors = _errors(descriptor, level, version)
        known = list(dict.fromkeys(p for error in errors for p in _explain(error, "")))
        with _lock:
            if len(_verdicts) > 1024:
                _verdicts.clear()
            _verdicts[key] = known
    return [Problem(_join(where, p.path), p.message) for p in known]


def _join(where: str, path: str) -> str:
    if not where:
        return path
    if not path:
        return where
    return where + path if path.startswith("[") else f"{where}.{path}"


def check_shape(value: Any, shape: dict[str, Any], where: str) -> list[Problem]:
    """How ``value`` breaks ``shape``, a JSON Schema of statpub's own (what it reads:
    :mod:`statpub.package.shape`), compiled once and explained like a profile's errors."""
    with _lock:
        validator = _shapes.get(id(shape))
        if validator is None:
            from jsonschema import Draft7Validator

            validator = _shapes[id(shape)] = Draft7Validator(shape)
    errors = sorted(validator.iter_errors(value), key=lambda e: list(map(str, e.path)))
    found = [p for error in errors for p in _explain(error, where)]
    return list(dict.fromkeys(found))


# Loading and compiling, once per (version, level).

_lock = threading.RLock()
_validators: dict[tuple[str, str], Validator] = {}
_verdicts: dict[tuple[str, str, str], list[Problem]] = {}
_shapes: dict[int, Validator] = {}  # statpub's own shapes, by identity (module constants)


def profiles_dir() -> Path:
    """Where the installed ``dplib-py`` keeps the profiles (its package is not imported)."""
    spec = importlib.util.find_spec("dplib")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        folder = Path(location) / "profiles"
        if (folder / V2 / FILES["package"]).is_file():
            return folder
    raise StatpubError(
        "the Data Package profiles are not installed: install the dplib-py package "
        "(pip install dplib-py), which ships them",
        code="profiles-missing",
    )


def load(version: str, level: str) -> dict[str, Any]:
    """The profile as statpub checks it (errata corrected, nested levels left to their own)."""
    path = profiles_dir() / version / FILES[level]
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    props = schema.setdefault("properties", {})
    if level == "package" and "resources" in props:
        props["resources"] = {k: v for k, v in props["resources"].items() if k != "items"}
    if level == "resource":
        for key in ("schema", "dialect"):
            if key in props:
                props[key] = {"type": ["string", "object"]}
    if level == "schema" and "fieldsMatch" in props:
        props["fieldsMatch"] = {"type": "string", "enum": FIELDS_MATCH}
    if level == "schema":
        _split_fields(schema)
    return schema


def _split_fields(schema: dict[str, Any]) -> None:
    """Take the field kinds out of the Table Schema profile, to check each field by its own.

    The profile's ``fields`` items are a ``oneOf`` of fifteen kinds told apart by
    ``type`` (only the string kind may leave it out). Checking a field against
    its own kind gives the same verdict, fifteen times faster, and the kind's
    own errors rather than "not valid under any of the given schemas".
    """
    fields = schema["properties"]["fields"]
    kinds = fields["items"].pop("oneOf")
    names = [k["properties"]["type"]["enum"][0] for k in kinds]
    fields["items"]["required"] = ["name"]
    fields["items"]["properties"] = {"type": {"enum": names}}
    schema["x-field-kinds"] = dict(zip(names, kinds, strict=True))


def _field_validator(version: str, kind: str) -> Validator | None:
    key = (version, f"field:{kind}")
    with _lock:
        if key not in _validators:
            kinds = _profile(version, "schema")["x-field-kinds"]
            if kind not in kinds:
                return None
            from jsonschema import Draft7Validator

            _validators[key] = Draft7Validator(kinds[kind])
        return _validators[key]


def _profile(version: str, level: str) -> dict[str, Any]:
    schema: dict[str, Any] = _validator(version, level).schema
    return schema


def _validator(version: str, level: str) -> Validator:
    key = (version, level)
    with _lock:
        if key not in _validators:
            from jsonschema import Draft7Validator

            _validators[key] = Draft7Validator(load(version, level))
        return _validators[key]


def _errors(descriptor: Any, level: str, version: str) -> list[ValidationError]:
    errors = list(_validator(version, level).iter_errors(descriptor))
    fields = (
        descriptor.get("fields") if level == "schema" and isinstance(descriptor, dict) else None
    )
    for i, f in enumerate(fields if isinstance(fields, list) else []):
        if not isinstance(f, dict):
            continue
        kind = f.get("type", "string")
        validator = _field_validator(version, kind) if isinstance(kind, str) else None
        for error in validator.iter_errors(f) if validator is not None else []:
            error.path.extendleft(["fields", i][::-1])
            errors.append(error)
    return sorted(errors, key=lambda e: list(map(str, e.path)))


# Errors, in words.


def json_path(parts: Any, where: str = "") -> str:
    """``resources[2].schema.fields[0]`` from the parts of a path."""
    out = where
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _explain(error: ValidationError, where: str) -> list[Problem]:
    alternatives = (
        error.schema.get(error.validator) if error.validator in ("oneOf", "anyOf") else None
    )
    if alternatives and all(set(a) == {"required"} for a in alternatives):
        return [Problem(json_path(error.absolute_path, where), _which_keys(error, alternatives))]
    if error.validator in ("oneOf", "anyOf") and error.context:
        chosen = _branch(error)
        if chosen is not None:
            out: list[Problem] = []
            for sub in chosen:
                out.extend(_explain(sub, where))
            return out
    return [Problem(json_path(error.absolute_path, where), _words(error))]


def _which_keys(error: ValidationError, alternatives: list[dict[str, Any]]) -> str:
    """A resource's ``path`` or ``data``: the profile's ``oneOf`` of required keys, in words."""
    have = set(error.instance) if isinstance(error.instance, dict) else set()
    forms = [set(a["required"]) for a in alternatives]
    common = set.intersection(*forms)
    either = sorted(set.union(*forms) - common)
    if not error.context:
        both = sorted(k for k in either if k in have)
        return f"has {_and(both)}; give only one of them"
    missing = sorted(common - have)
    if missing:
        return f"{_and(missing)} is required; add it"
    return f"needs {_or([repr(k) for k in either])}; add one"


def _and(keys: list[str]) -> str:
    quoted = [repr(k) for k in keys]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _branch(error: ValidationError) -> list[ValidationError] | None:
    """The errors of the alternative the value was most likely meant to be."""
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context or []:
        branches.setdefault(int(sub.schema_path[0]), []).append(sub)
    if not branches:
        return None

    def wrong(errors: list[ValidationError]) -> int:
        # 2: not even of the branch's kind; 1: its discriminator (a field's ``type``) differs.
        if any(not e.relative_path and e.validator == "type" for e in errors):
            return 2
        if any(list(e.relative_path) == ["type"] and e.validator == "enum" for e in errors):
            return 1
        return 0

    ranked = sorted(branches.values(), key=lambda errs: (wrong(errs), len(errs)))
    if wrong(ranked[0]):
        return None  # no alternative fits: say so once
    return ranked[0]


def _words(error: ValidationError) -> str:
    v = error.validator
    value = error.instance
    if v == "required":
        missing = re.match(r"'(.+)' is a required property", error.message)
        name = missing.group(1) if missing else "a property"
        return f"'{name}' is required; add it"
    if v == "type":
        kinds = error.validator_value
        kinds = kinds if isinstance(kinds, list) else [kinds]
        return f"must be {_or([_article(k) for k in kinds])}, not {_kind(value)}"
    if v == "enum":
        allowed = ", ".join(map(_short, error.validator_value))
        return f"{_short(value)} is not one of {allowed}; use one of them"
    if v == "pattern":
        prop = error.absolute_path[-1] if error.absolute_path else None
        rule = PATTERN_WORDS.get(str(prop), f"match the pattern {error.validator_value!r}")
        return f"{_short(value)}: must {rule}"
    if v == "minItems":
        return f"must have at least {error.validator_value} item(s)"
    if v == "uniqueItems":
        return "has an item more than once; list each once"
    if v in ("oneOf", "anyOf"):
        if not error.context:
            return "fits more than one of the forms the profile allows; keep one"
        kinds = sorted({_article(k) for s in error.schema.get(v, []) for k in _types(s)})
        if kinds:
            return f"must be {_or(kinds)}, not {_kind(value)}"
        return f"{_short(value)} is not in any of the forms the profile allows"
    # jsonschema's own messages quote the whole value, which may be long: never use them.
    if v in ("minimum", "maximum"):
        side = "at least" if v == "minimum" else "at most"
        return f"{_short(value)}: must be {side} {error.validator_value}"
    if v in ("minLength", "maxLength"):
        n = error.validator_value
        if v == "minLength" and n == 1:
            return "must not be empty"
        side = "at least" if v == "minLength" else "at most"
        return f"must be {side} {n} character(s) long"
    if v == "not":
        return f"{_short(value)} is not allowed here"
    return f"{_short(value)} breaks the rule {v!r} of the profile"


def _types(schema: dict[str, Any]) -> list[str]:
    t = schema.get("type")
    return t if isinstance(t, list) else [t] if isinstance(t, str) else []


def _article(kind: str) -> str:
    return {
        "object": "an object",
        "array": "an array",
        "string": "a string",
        "integer": "an integer",
        "number": "a number",
        "boolean": "true or false",
        "null": "null",
    }.get(kind, kind)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return f"the string {_short(value)}"
    return f"the {type(value).__name__} {_short(value)}"


def _or(items: list[str]) -> str:
    items = list(dict.fromkeys(items))
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
