"""Which fields identify a row: the declared primary key, ``--key``, or a key found in the data.

A table without a declared key is matched by the smallest set of its columns
that is unique and has no missing cell in both versions. Columns that look
like dimensions are tried first: codes, identifiers and columns named as
periods (``year``, ``date``), then other dates and periods, then text, then
integers that may be measures; numbers (measures) and structured values never
make a key. The search is bounded (up
to ``MAX_CANDIDATES`` columns, keys of up to ``MAX_SIZE`` fields) and each
try costs one hash per row: a sort of 64-bit hashes of the first rows, then of
more, then of the whole table only when those are unique. The old version is searched
first; the new one keeps only the columns of the few smallest sets unique in
the old, so a key is found at the cost of a few columns' hashes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from statpub.errors import StatpubError
from statpub.versioning.schemadiff import as_list
from statpub.versioning.sides import SEEDS, combine

if TYPE_CHECKING:
    from statpub.versioning.sides import Array, Side

MAX_CANDIDATES = 6
MAX_SIZE = 4
MAX_TRIES = 48  # key candidates checked on the whole table, on each side
SHORTLIST = 3  # sets unique in the old version that are tried on the new one
SAMPLE = 65_536
SAMPLES = (SAMPLE // 16, SAMPLE)  # rows tried before all of them
KEY_TYPES = ("string", "date", "datetime", "year", "yearmonth", "time", "boolean", "integer")
_ID = re.compile(r"(^|[^a-z])(code|codes|id|ids|key|iso[0-9]?|geo|abbr)([^a-z]|$)", re.I)
_PERIOD = re.compile(r"(^|[^a-z])(year|yr|month|quarter|week|day|date|period|time)([^a-z]|$)", re.I)
_MEASURE = re.compile(
    r"(^|[^a-z])(value|count|amount|total|sum|mean|avg|average|population|pop|size|price)"
    r"([^a-z]|$)",
    re.I,
)


class Hashed(Protocol):
    """What the search for a key reads of a table: each candidate column's cell hashes
    and missing cells, and the number of rows (a :class:`Side`, or a table ``statpub
    init`` is inferring a schema for)."""

    rows: int
    columns: dict[str, Array]
    nulls: dict[str, int]


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


def shortlist(old: Hashed, pool: list[str]) -> tuple[list[list[str]], str]:
    """The first sets of ``pool`` columns (old names) unique and never missing in the old
    version, smallest first, at most ``SHORTLIST``; or why there is none.

    The new version is then read keeping only the columns of these sets.
    """
    if not pool:
        return [], "it has no column that could be a key"
    order = [c for c in pool if not old.nulls[c]]
    budget = [MAX_TRIES]
    found: list[list[str]] = []
    for size in range(1, min(MAX_SIZE, len(order)) + 1):
        for combo in combinations(order, size):
            if _unique_in(old, list(combo), budget):
                found.append(list(combo))
                if len(found) >= SHORTLIST:
                    return found, ""
            if budget[0] <= 0:
                break
        if found:
            break  # only the smallest sets
    missing = [c for c in pool if c not in order]
    why = f"no set of up to {MAX_SIZE} of its columns ({', '.join(order) or 'none'}) is unique"
    if missing:
        why += f"; {', '.join(missing)} {'has' if len(missing) == 1 else 'have'} missing cells"
    return found, why + " in the old version"


def infer(new: Side, sets: list[list[str]], why: str) -> KeyChoice:
    """The first of ``sets`` (new names; unique in the old version) unique and never missing
    in the new one too."""
    budget = [MAX_TRIES]
    for combo in sets:
        if any(new.nulls[c] for c in combo):
            continue
        if _unique_in(new, combo, budget):
            place = [c.name for c in new.plan.fields]
            return KeyChoice(sorted(combo, key=place.index), "inferred")
    if sets:
        shown = "; ".join(", ".join(c) for c in sets)
        why = f"the sets of columns unique in the old version ({shown}) are not in the new one"
    return KeyChoice(None, "row content", why)


def _unique_in(side: Hashed, cols: list[str], budget: list[int]) -> bool:
    """Whether the columns ``cols`` of ``side`` are unique: on samples first (the first
    rows; a set not unique there is not unique at all), since most sets that are not show
    it in a few rows, then on every row (which uses up the budget)."""
    for size in SAMPLES:
        sample = min(size, side.rows)
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
