"""The CSV and Parquet copies of a table must hold the same rows and types.

Which resources are copies is the package model's rule
(:func:`statpub.package.copies.copy_pairs`), and they must declare the same
Table Schema: a pair that does not is warned about and not compared, since the
spec lets two resources share a name stem and hold different tables. The check
reads both side by side, batch by batch, so it costs one typed read of each file
and holds a few batches of each, never a whole table.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from statpub.package import Package, Resource
from statpub.package.copies import copy_pairs
from statpub.report import WARNING, Issue

MAX_ROWS_LISTED = 20


def check_copies(pkg: Package) -> list[Issue]:
    issues: list[Issue] = []
    for csv_res, pq_res in copy_pairs(pkg):
        if len(csv_res.files) == 1 and len(pq_res.files) == 1:  # a refused path has no file
            issues.extend(_compare(csv_res, pq_res))
    return issues


def _compare(csv_res: Resource, pq_res: Resource) -> list[Issue]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from statpub.tables.schema import arrow_type, logical_type

    schema = csv_res.schema
    pq_path = pq_res.label
    csv_path = csv_res.label
    if schema is None or pq_res.schema != schema:
        # The spec lets two resources share a name stem and differ: they are only
        # taken for copies when they declare the same schema. Said, not failed.
        return [
            Issue(
                "copies-schema-differ",
                f"{csv_path} and {pq_path} share a name but declare different Table "
                "Schemas, so they were not compared as copies of one table; if they are "
                "copies, give both the same schema",
                path=pq_path,
                resource=pq_res.name,
                severity=WARNING,
            )
        ]
    if csv_res.spec is None or pq_res.spec is None:
        return []  # unreadable resources are reported by the other checks
    try:
        stored = pq.read_schema(pq_res.files[0])
    except (OSError, pa.ArrowException):
        return []  # reported by the table checks
    issues: list[Issue] = []
    names = [f.name for f in csv_res.spec.fields]
    if stored.names != names:
        return [
            Issue(
                "copies-columns-differ",
                f"{pq_path} has columns {stored.names}, the schema and {csv_path} "
                f"have {names}; rebuild the Parquet copy from the CSV",
                path=pq_path,
                resource=pq_res.name,
            )
        ]
    for field in schema["fields"]:
        expected = arrow_type(field)
        actual = stored.field(field["name"]).type
        if logical_type(actual) != logical_type(expected):  # a writer's choice of width
            issues.append(
                Issue(
                    "copies-type-differ",
                    f"column is {actual} in Parquet; a Table Schema {field.get('type', 'string')} "
                    f"field is stored as {expected}",
                    path=pq_path,
                    resource=pq_res.name,
                    field=field["name"],
                )
            )
    if issues:
        return issues
    return _compare_rows(csv_res, pq_res, names)


def _compare_rows(csv_res: Resource, pq_res: Resource, names: list[str]) -> list[Issue]:
    """The copies compared batch by batch: a few batches of each in memory, never a whole
    table (the build validates a package of any size)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from statpub.errors import InvalidInput
    from statpub.package.tables import typed_batches

    differ: dict[str, list[int]] = {name: [] for name in names}
    incomparable: set[str] = set()
    csv_rows = 0
    try:
        pq_rows = sum(pq.read_metadata(f).num_rows for f in pq_res.files)
    except (OSError, pa.ArrowException):
        return []  # reported by the table checks
    try:
        for start, n, csv_part, pq_part in _aligned(typed_batches(csv_res), typed_batches(pq_res)):
            csv_rows = start + n
            if pq_part is None:
                continue  # the Parquet copy has fewer rows: counted, not compared
            for name, a, b in zip(names, csv_part, pq_part, strict=True):
                found = differ[name]
                if len(found) >= MAX_ROWS_LISTED or name in incomparable:
                    continue
                rows = _differing_rows(a, b)
                if rows is None:
                    incomparable.add(name)
                    differ[name] = [2]
                    continue
                found += [start + r + 2 for r in rows[: MAX_ROWS_LISTED - len(found)]]
    except InvalidInput:
        # A cell that is not of its type (reported by the table checks) stops the
        # comparison of values, not of the row counts.
        counts = _row_counts(csv_res, pq_res)
        return [] if counts is None else _row_count_issue(csv_res, pq_res, *counts)
    if csv_rows != pq_rows:
        return _row_count_issue(csv_res, pq_res, csv_rows, pq_rows)
    return [
        Issue(
            "copies-differ",
            f"value differs between {csv_res.label} and the Parquet copy; rebuild the "
            "package so both copies hold the same rows",
            path=pq_res.label,
            resource=pq_res.name,
            row=row,
            field=name,
        )
        for name in names
        for row in differ[name]
    ]


Batches = Iterator[tuple[int, list[Any]]]


def _aligned(first: Batches, second: Batches) -> Iterator[tuple[int, int, list[Any], Any]]:
    """(offset, rows, columns of ``first``, the same rows' columns of ``second``): two
    streams of (rows, columns) batches cut to equal lengths; None for ``second`` where it
    has no more rows. Every row of ``first`` is given once."""
    pending: list[Any] = []  # second's current batch...
    size = left = 0  # ...its rows, and how many of them are not given yet
    offset = 0
    for n, columns in first:
        at = 0
        while at < n:
            while not left:
                got = next(second, None)
                if got is None:
                    break
                size, pending = got
                left = size
            if not left:
                yield offset + at, n - at, [c.slice(at) for c in columns], None
                break
            k = min(n - at, left)
            theirs = [c.slice(size - left, k) for c in pending]
            yield offset + at, k, [c.slice(at, k) for c in columns], theirs
            at += k
            left -= k
        offset += n


def _row_counts(csv_res: Resource, pq_res: Resource) -> tuple[int, int] | None:
    """The rows of each copy, counted whatever their cells hold; None when a copy cannot
    be read at all (the table checks say why)."""
    import pyarrow.parquet as pq

    from statpub.errors import StatpubError
    from statpub.package.tables import parsed_batches
    from statpub.tables.reader import SourceError

    try:
        csv_rows = sum(pb.batch.num_rows for pb in parsed_batches(csv_res))
        pq_rows = sum(pq.read_metadata(f).num_rows for f in pq_res.files)
    except (StatpubError, SourceError, OSError, ValueError):
        return None
    return csv_rows, pq_rows


def _row_count_issue(
    csv_res: Resource, pq_res: Resource, csv_rows: int, pq_rows: int
) -> list[Issue]:
    if csv_rows == pq_rows:
        return []
    return [
        Issue(
            "copies-row-count",
            f"{pq_res.label} has {pq_rows} rows, {csv_res.label} has {csv_rows}; rebuild the "
            "package so both copies hold the same rows",
            path=pq_res.label,
            resource=pq_res.name,
        )
    ]


def _differing_rows(a: Any, b: Any) -> list[int] | None:
    """Positions (from 0) where two columns differ, nulls equal to nulls; None when their
    types cannot be compared."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from statpub.tables.arrow import FALSE

    def plain(col: Any) -> Any:
        # Chunked columns are compared as they are: combine_chunks() would import pandas.
        return col.cast(col.type.value_type) if pa.types.is_dictionary(col.type) else col

    a, b = plain(a), plain(b)
    if a.type != b.type:
        try:
            b = b.cast(a.type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
    same = pc.or_kleene(pc.equal(a, b), pc.and_(pc.is_null(a), pc.is_null(b)))
    same = pc.fill_null(same, FALSE)  # a pyarrow scalar: a Python False would import pandas
    rows: list[int] = pc.indices_nonzero(pc.invert(same)).to_pylist()
    return rows[:MAX_ROWS_LISTED]
