"""Run the checks over every tabular resource of a package, in order.

Foreign keys need the keys of the resources they point to: those are collected
here, once per (resource, fields), by reading the referenced table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from statpub.package import Package
from statpub.report import WARNING, Issue
from statpub.tables import compute as pc
from statpub.tables.header import layout
from statpub.tables.reader import Early, NeedsSlowPath, SourceError, open_table
from statpub.tables.spec import TableSpec
from statpub.tables.typed import parse_column
from statpub.validate.engine import keys
from statpub.validate.engine.table import Context, check_table

__all__ = ["EngineResult", "run_all"]


@dataclass
class EngineResult:
    issues: list[Issue] = field(default_factory=list)
    rows: int = 0
    partial: bool = False
    unlisted: int = 0  # issues found beyond KEEP_ISSUES, counted and not listed


# Issues listed at most in one run: past it they are counted, so a small file with millions
# of bad cells takes memory by its size, not by its errors.
KEEP_ISSUES = 1000


def run_all(
    pkg: Package,
    *,
    limit_errors: int | None = None,
    on_progress: Callable[[int], None] | None = None,
    early: Early | None = None,
) -> EngineResult:
    """Check the rows of every tabular resource; ``on_progress`` gets the rows read so far.

    ``early``: a table whose reading has already started (see ``reader.read_ahead``).
    """
    result = EngineResult()
    cache: dict[tuple[str, tuple[str, ...]], keys.KeySet | Issue] = {}
    done = 0

    def on_rows(n: int) -> None:
        nonlocal done
        done += n
        if on_progress is not None:
            on_progress(done)

    def reference_keys(name: str, fields: list[str]) -> keys.KeySet | Issue:
        cache_key = (name, tuple(fields))
        if cache_key not in cache:
            cache[cache_key] = _reference_keys(pkg, name, fields)
        return cache[cache_key]

    try:
        for res in pkg.resources:
            spec = res.spec
            if spec is None:
                continue
            started = early if early is not None and early.spec is spec else None
            limit = None if limit_errors is None else limit_errors - len(result.issues)
            keep = max(0, KEEP_ISSUES - len(result.issues))
            outcome = check_table(spec, Context(limit, on_rows, reference_keys, keep), started)
            found = sorted(outcome.found, key=lambda f: f.key)
            result.issues.extend(f.issue for f in found)
            result.unlisted += outcome.unlisted
            result.rows += outcome.rows
            total = len(result.issues) + result.unlisted
            if limit_errors is not None and (outcome.stopped or total > limit_errors):
                result.issues = result.issues[:limit_errors]
                result.unlisted = max(0, min(total, limit_errors) - len(result.issues))
                result.partial = True
                break
    finally:
        if early is not None:  # stop its reading, if no check took it over
            early.reading.__exit__()
    return result


def _reference_keys(pkg: Package, name: str, fields: list[str]) -> keys.KeySet | Issue:
    """The keys of ``fields`` in resource ``name``, for a foreign key pointing there."""
    res = pkg.resource(name)
    if res is None:
        return Issue(
            "schema-error",
            f"a foreign key's reference.resource is {name!r}, which is not in the package; "
            "fix the reference or add the resource (the key was not checked)",
        )
    spec = res.spec
    if spec is None and not res.readable:
        return Issue(
            "foreign-key",
            f"a foreign key points to resource {name!r}, whose rows cannot be read (see its "
            "errors); the key was not checked",
        )
    if spec is None:
        # Not an error of this table: the resource it points to is one statpub does not
        # read (a spreadsheet, remote, its schema remote), and its warning says so.
        return Issue(
            "foreign-key-not-checked",
            f"a foreign key points to resource {name!r}, whose rows statpub does not read "
            "(see its resource-not-checked warning); the key was not checked",
            severity=WARNING,
        )
    try:
        return _collect(spec, fields, fast=True)
    except NeedsSlowPath:
        return _collect(spec, fields, fast=False)
    except SourceError as exc:
        return Issue(exc.code, f"cannot read resource {name!r} for a foreign key: {exc.message}")


def _collect(spec: TableSpec, fields: list[str], *, fast: bool) -> keys.KeySet | Issue:
    source = open_table(spec, fast=fast)
    columns = layout(spec, source.labels, source.width).columns
    position: dict[str, int] = {}
    for i, col in enumerate(columns):
        position.setdefault(col.name, i)
    if not all(f in position for f in fields):
        return Issue(
            "schema-error",
            f"a foreign key's reference.fields ({', '.join(fields)}) are not all fields of "
            f"resource {spec.name!r}; fix the reference (the key was not checked)",
            resource=spec.name,
        )
    keyset = keys.KeySet()
    for batch in source.batches:
        cols = []
        for f in fields:
            col = columns[position[f]]
            parsed = parse_column(batch.columns[position[f]], col)
            cols += keys.key_columns(parsed, col, as_float=True)
        all_null = pc.is_null(cols[0])
        for c in cols[1:]:
            all_null = pc.and_(all_null, pc.is_null(c))
        keyset.add(cols, batch.rows(), pc.invert(all_null))
    return keyset
