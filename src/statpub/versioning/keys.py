"""Which fields identify a row: the declared primary key, ``--key``, or a key found in the data.

A table without a declared key is matched by the smallest set of its columns
that is unique and has no missing cell in both versions. Columns that look
like dimensions are tried first: codes, identifiers and columns named as
periods (``year``, ``date``), then other dates and periods, then text, then
integers that may be measures; numbers (measures) and structured values never
make a key. The search is bounded (up
to ``MAX_CANDIDATES`` columns, keys of up to ``MAX_SIZE`` fields) and each
try costs one hash per row: a sort of 64-bit hashes of a sample, then of the
whole table only when the sample is unique.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np

from statpub.errors import StatpubError
from statpub.versioning.schemadiff import as_list
from statpub.versioning.sides import SEEDS, combine

if TYPE_CHECKING:
    from statpub.versioning.sides import Array, Side

MAX_CANDIDATES = 6
MAX_SIZE = 4
MAX_TRIES = 48  # key candidates checked on the whole table, both sides counted
SAMPLE = 65_536
KEY_TYPES = ("string", "date", "datetime", "year", "yearmonth", "time", "boolean", "integer")
_ID = re.compile(r"(^|[^a-z])(code|codes|id|ids|key|iso[0-9]?|geo|abbr)([^a-z]|$)", re.I)
_PERIOD = re.compile(r"(^|[^a-z])(year|yr|month|quarter|week|day|date|period|time)([^a-z]|$)", re.I)
_MEASURE = re.compile(
    r"(^|[^a-z])(value|count|amount|total|sum|mean|avg|average|population|pop|size|price)"
    r"([^a-z]|$)",
    re.I,
)


@dataclass
class KeyChoice:
    """The fields rows are matched by (new names), and why: ``primaryKey``, ``--key``,
    ``inferred``; None: by row content, ``why`` saying why no key was found."""

    fields: list[str] | None
    source: str
    why: str = ""


def declared(
    old: dict[str, Any], new: dict[str, Any], common: list[tuple[str, str]]
) -> list[str] | None:
    """The primary key of the new schema (else the old one's, renamed) if both sides have it."""
    rename = dict(common)
    new_names = {n for _, n in common}
    for candidate in (
        as_list(new.get("primaryKey")),
        [rename.get(k, "") for k in as_list(old.get("primaryKey"))],
    ):
        if candidate and all(k in new_names for k in candidate):
            return candidate
    return None


def given_key(
    resource: str, keys: dict[str, list[str]], common: list[tuple[str, str]]
) -> list[str] | None:
    """The ``--key`` given for ``resource``; a field it names must be in both versions."""
    fields = keys.get(resource)
    if fields is None:
        return None
    known = [n for _, n in common]
    unknown = [f for f in fields if f not in known]
    if unknown:
        raise StatpubError(
            f"--key {resource}={','.join(fields)}: {', '.join(map(repr, unknown))} is not a "
            f"field of {resource!r} in both versions (its fields: {', '.join(known)})",
            code="key-unknown-field",
        )
    return list(fields)


def candidates(fields: list[dict[str, Any]], usable: set[str]) -> list[str]:
    """The fields that may make up a key, most dimension-like first (at most MAX_CANDIDATES)."""
    ranked = []
    for order, f in enumerate(fields):
        name, ftype = f.get("name"), f.get("type", "string")
        if not isinstance(name, str) or name not in usable or ftype not in KEY_TYPES:
            continue
        named_id = bool(_ID.search(name))
        constrained = bool(f.get("categories") or (f.get("constraints") or {}).get("enum"))
        period = bool(_PERIOD.search(name)) and ftype != "string"
        if named_id or period:
            rank = 0  # codes, identifiers, and years or dates named so
        elif ftype == "integer" and not constrained:
            rank = 4  # an integer that may be a measure
        elif ftype == "boolean" or (ftype == "string" and _MEASURE.search(name)):
            rank = 3
        elif ftype == "string":
            rank = 2
        else:
            rank = 1  # other dates, years, periods; integers with a set of values
        ranked.append((rank, order, name))
    return [name for _, _, name in sorted(ranked)][:MAX_CANDIDATES]


def infer(old: Side, new: Side, names: dict[str, str]) -> KeyChoice:
    """The smallest set of candidate columns unique and never missing in both versions.

    ``names`` maps each candidate's new name to its old name (the sides hash
    their own names).
    """
    if not new.plan.candidates:
        return KeyChoice(None, "row content", "it has no column that could be a key")
    if old.rows + new.rows == 0:
        return KeyChoice(None, "row content", "it has no rows")
    order = [n for n in new.plan.candidates if not new.nulls[n] and not old.nulls[names[n]]]
    dropped = [n for n in new.plan.candidates if n not in order]
    budget = [MAX_TRIES]
    for size in range(1, min(MAX_SIZE, len(order)) + 1):
        for combo in combinations(order, size):
            sides = ((old, [names[c] for c in combo]), (new, list(combo)))
            if all(_unique_in(side, cols, budget) for side, cols in sides):
                place = [c.name for c in new.plan.fields]
                return KeyChoice(sorted(combo, key=place.index), "inferred")
            if budget[0] <= 0:
                break
    tried = ", ".join(order) or "none"
    why = f"no set of up to {MAX_SIZE} of its columns ({tried}) is unique in both versions"
    if dropped:
        why += f"; {', '.join(dropped)} {'has' if len(dropped) == 1 else 'have'} missing cells"
    return KeyChoice(None, "row content", why)


def _unique_in(side: Side, cols: list[str], budget: list[int]) -> bool:
    """Whether the columns ``cols`` of ``side`` are unique: on a sample first, since most
    sets that are not show it there, then on every row (which uses up the budget)."""
    sample = min(SAMPLE, side.rows)
    if not _unique(combine([side.columns[c][:sample] for c in cols], SEEDS["key"], sample)):
        return False
    if side.rows <= sample:
        return True
    budget[0] -= 1
    return _unique(combine([side.columns[c] for c in cols], SEEDS["key"], side.rows))


def _unique(hashes: Array) -> bool:
    s = np.sort(hashes)
    return not bool((s[1:] == s[:-1]).any())


def parse_keys(specs: Iterator[str] | tuple[str, ...], tables: list[str]) -> dict[str, list[str]]:
    """``--key RESOURCE=a,b`` (or ``a,b`` when the package has one table) -> {resource: fields}."""
    out: dict[str, list[str]] = {}
    for spec in specs:
        resource, sep, fields = spec.partition("=")
        if not sep:
            if len(tables) != 1:
                raise StatpubError(
                    f"--key {spec}: name the resource (--key RESOURCE={spec}); the packages "
                    f"have {len(tables)} tables ({', '.join(tables) or 'none'})",
                    code="key-ambiguous",
                )
            resource, fields = tables[0], spec
        names = [f.strip() for f in fields.split(",") if f.strip()]
        if resource not in tables:
            raise StatpubError(
                f"--key {spec}: no table {resource!r} in both packages "
                f"(tables: {', '.join(tables) or 'none'})",
                code="key-unknown-resource",
            )
        if not names:
            raise StatpubError(f"--key {spec}: give at least one field", code="key-empty")
        out[resource] = names
    return out
