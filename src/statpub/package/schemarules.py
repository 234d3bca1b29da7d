"""Table Schema and Table Dialect rules the JSON Schema profiles cannot express.

Each rule is a row of :data:`SCHEMA_RULES` or :data:`DIALECT_RULES`: a function
of the descriptor giving ``(JSON path, message)`` for each break. A schema or
dialect that breaks a rule (or its profile) cannot be read faithfully, so the
resource's rows are not read: the mistake is reported once, never once a row.

Whether a foreign key's referenced resource and fields exist is checked when
the keys are (``statpub.validate.engine.runner``): once, for the whole table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from statpub.safetext import plain
from statpub.tables.patterns import compile_pattern
from statpub.tables.spec import as_list

Found = Iterator[tuple[str, str]]  # (path relative to the schema or dialect, message)


def _names(schema: dict[str, Any]) -> list[str]:
    fields = schema.get("fields")
    return [
        f["name"]
        for f in (fields if isinstance(fields, list) else [])
        if isinstance(f, dict) and isinstance(f.get("name"), str)
    ]


def unique_names(schema: dict[str, Any]) -> Found:
    seen: dict[str, int] = {}
    for i, name in enumerate(_names(schema)):
        if name in seen:
            yield (
                f"fields[{i}].name",
                f"field name {name!r} is also the name of fields[{seen[name]}]; field names "
                "must be unique: rename one",
            )
        seen.setdefault(name, i)


def key_fields_exist(schema: dict[str, Any]) -> Found:
    names = set(_names(schema))
    keys: list[tuple[str, Any]] = [("primaryKey", schema.get("primaryKey"))]
    unique = schema.get("uniqueKeys")
    keys += [
        (f"uniqueKeys[{i}]", k) for i, k in enumerate(unique if isinstance(unique, list) else [])
    ]
    fks = schema.get("foreignKeys")
    for i, fk in enumerate(fks if isinstance(fks, list) else []):
        if isinstance(fk, dict):
            keys.append((f"foreignKeys[{i}].fields", fk.get("fields")))
    for where, value in keys:
        for name in as_list(value):
            if name not in names:
                yield (
                    where,
                    f"key field {name!r} is not a field of the schema; add it or fix the name",
                )


def foreign_key_shape(schema: dict[str, Any]) -> Found:
    fks = schema.get("foreignKeys")
    for i, fk in enumerate(fks if isinstance(fks, list) else []):
        if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
            continue  # the profile says what is missing
        ours = as_list(fk.get("fields"))
        theirs = as_list(fk["reference"].get("fields"))
        if len(ours) != len(theirs):
            yield (
                f"foreignKeys[{i}].reference.fields",
                f"the key has {len(ours)} field(s) but its reference {len(theirs)}; give "
                "the same number",
            )


def patterns_compile(schema: dict[str, Any]) -> Found:
    fields = schema.get("fields")
    for i, f in enumerate(fields if isinstance(fields, list) else []):
        constraints = f.get("constraints") if isinstance(f, dict) else None
        pattern = constraints.get("pattern") if isinstance(constraints, dict) else None
        if isinstance(pattern, str):
            # The engine that matches the cells judges the pattern (RE2: ``\p{L}`` is
            # accepted, a backreference is not), never Python's ``re``.
            compiled = compile_pattern(pattern)
            if isinstance(compiled, str):
                yield (f"fields[{i}].constraints.pattern", f"{compiled}; fix it")


_TEMPORAL = ("date", "time", "datetime")


def temporal_formats(schema: dict[str, Any]) -> Found:
    """A ``format`` pattern of a date, time or datetime field is one strptime can use: a
    directive it does not know, a lone ``%`` or a directive written twice (``%d%d``) is a
    schema error, before any cell is read with it."""
    fields = schema.get("fields")
    for i, f in enumerate(fields if isinstance(fields, list) else []):
        if not isinstance(f, dict) or f.get("type") not in _TEMPORAL:
            continue
        fmt = f.get("format")
        if not isinstance(fmt, str) or fmt in ("default", "any"):
            continue
        why = strptime_problem(fmt)
        if why is not None:
            yield (
                f"fields[{i}].format",
                f"format {plain(repr(fmt))[:80]} cannot be used to read {f['type']}s ({why}); "
                "write a strptime pattern such as %d/%m/%Y",
            )


def strptime_problem(fmt: str) -> str | None:
    """Why ``strptime`` cannot read with ``fmt``, or None."""
    import re
    from datetime import datetime

    if len(fmt) > 200:
        return "it is over 200 characters"
    try:
        datetime.strptime("", fmt)
    except re.error as exc:  # a directive written twice
        return f"a directive is written twice: {exc.msg}"
    except ValueError as exc:
        words = str(exc)
        if "directive" in words or "stray %" in words:
            return plain(words)[:120]
    except (TypeError, OverflowError, IndexError) as exc:
        return type(exc).__name__
    return None


def missing_values_unique(schema: dict[str, Any]) -> Found:
    """The schema's ``missingValues`` and each field's: a value listed twice (a string, or
    the ``value`` of an object), or a ``label`` given to two of them."""
    lists: list[tuple[str, Any]] = [("missingValues", schema.get("missingValues"))]
    fields = schema.get("fields")
    lists += [
        (f"fields[{i}].missingValues", f.get("missingValues"))
        for i, f in enumerate(fields if isinstance(fields, list) else [])
        if isinstance(f, dict)
    ]
    for where, items in lists:
        if not isinstance(items, list):
            continue  # the profile says what it must be
        for key in ("value", "label"):
            seen: dict[str, int] = {}
            for n, item in enumerate(items):
                text = item.get(key) if isinstance(item, dict) else item if key == "value" else None
                if not isinstance(text, str):
                    continue
                if text in seen:
                    yield (
                        f"{where}[{n}]",
                        f"missing value {key} {text!r} is also given at {where}[{seen[text]}]; "
                        f"each {key} must be listed once: remove or rename one",
                    )
                seen.setdefault(text, n)


# (rule, whether it binds only a descriptor that declares v2 with ``$schema``)
SCHEMA_RULES: list[tuple[Callable[[dict[str, Any]], Found], bool]] = [
    # v2: a name "MUST be unique amongst other field names", but a consumer "MUST NOT
    # interpret it as an invalid descriptor" when they are not, as v1 allowed it.
    (unique_names, True),
    (key_fields_exist, False),
    (foreign_key_shape, False),
    (patterns_compile, False),
    (missing_values_unique, False),
    (temporal_formats, False),
]

# Table Dialect properties of delimited files, and what statpub does with them.
_LINE_ENDS = ("\r\n", "\n", "\r")  # the readers split rows at any of them


def one_character(dialect: dict[str, Any]) -> Found:
    for key in ("quoteChar", "escapeChar"):
        value = dialect.get(key)
        if isinstance(value, str) and len(value) != 1:
            yield key, f"{key} {value!r} must be one character (Table Dialect)"
    if dialect.get("delimiter") == "":
        yield "delimiter", "the delimiter must not be empty; give the character between values"


def distinct_characters(dialect: dict[str, Any]) -> Found:
    """The delimiter, quote and escape characters cannot be one another, nor a line end:
    no reader could tell a value from its separators."""
    defaults = {"delimiter": ",", "quoteChar": '"'}
    chars = {k: dialect.get(k, defaults.get(k)) for k in ("delimiter", "quoteChar", "escapeChar")}
    for key, value in chars.items():
        if key in dialect and isinstance(value, str) and value in _LINE_ENDS:
            yield key, f"{key} {value!r} is a line end; rows could not be told apart"
    pairs = (("delimiter", "quoteChar"), ("delimiter", "escapeChar"), ("quoteChar", "escapeChar"))
    for a, b in pairs:
        x, y = chars[a], chars[b]
        if isinstance(x, str) and x and x == y and (a in dialect or b in dialect):
            yield b, f"{a} and {b} are both {x!r}; they must differ"


def dialect_error(dialect: dict[str, Any]) -> Found:
    yield from one_character(dialect)
    yield from distinct_characters(dialect)


def not_supported(dialect: dict[str, Any]) -> Found:
    """What the spec allows but statpub's readers do not do (``dialect-not-supported``)."""
    delimiter = dialect.get("delimiter")
    if isinstance(delimiter, str) and len(delimiter) > 1:
        yield (
            "delimiter",
            f"a delimiter of {len(delimiter)} characters ({delimiter!r}) is allowed by Table "
            "Dialect but statpub reads one-character delimiters only; the rows were not checked",
        )
    end = dialect.get("lineTerminator")
    if isinstance(end, str) and end not in _LINE_ENDS:
        yield (
            "lineTerminator",
            f"lineTerminator {end!r}: statpub reads rows ended by \\r\\n, \\n or \\r only; "
            "the rows were not checked",
        )


DIALECT_RULES: list[tuple[str, Callable[[dict[str, Any]], Found]]] = [
    ("dialect-error", dialect_error),
    ("dialect-not-supported", not_supported),
]


def schema_problems(schema: dict[str, Any], declares_v2: bool) -> list[tuple[str, str, bool]]:
    """(path, message, whether it is an error) for each rule the schema breaks; a rule of
    v2 alone is a warning on a schema that does not declare v2."""
    return [
        (*found, declares_v2 or not v2_only)
        for rule, v2_only in SCHEMA_RULES
        for found in rule(schema)
    ]


def dialect_problems(dialect: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(code, path, message) for each rule the dialect breaks."""
    return [(code, *found) for code, rule in DIALECT_RULES for found in rule(dialect)]
