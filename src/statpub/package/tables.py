"""The rows of a resource, through the one reader (:mod:`statpub.tables.reader`).

Every command that reads rows comes here or to the reader itself: columns are
mapped to fields as the schema's ``fieldsMatch`` says, cells are read by the
same lexical rules as validation. ``read_table`` gives a typed Arrow table for
the commands that trust a package already validated (the dataset page, the
copies check, the portal load); a cell that does not read is an error naming
its row and field, never a silent null.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from statpub.errors import InvalidInput
from statpub.package.model import Resource
from statpub.report import Issue

if TYPE_CHECKING:
    import pyarrow as pa

    from statpub.tables.lexical import Parsed
    from statpub.tables.reader import Batch
    from statpub.tables.spec import FieldSpec


@dataclass
class ParsedBatch:
    """One batch: the row numbers and, per schema field, its column read (None when absent)."""

    batch: Batch
    fields: list[FieldSpec]
    columns: list[Parsed | None]


def _unreadable(res: Resource, message: str, row: int | None = None) -> InvalidInput:
    issue = Issue("table-unreadable", message, res.label, res.name, row)
    return InvalidInput([issue], summary=f"{res.label}: cannot read the table")


def parsed_batches(res: Resource, parquet_rows: int | None = None) -> Iterator[ParsedBatch]:
    """Every batch of ``res``, each schema field's column read by the lexical rules;
    ``parquet_rows``: the rows of a Parquet batch, when not the reader's default.

    Raises InvalidInput when the resource is not a readable table or its file
    cannot be parsed.
    """
    from statpub.tables.header import layout
    from statpub.tables.reader import NeedsSlowPath, SourceError, open_table
    from statpub.tables.typed import parse_column

    spec = res.spec
    if spec is None:
        problems = res.problems or [
            Issue("table-unreadable", "not a table statpub reads", res.label, res.name)
        ]
        raise InvalidInput(problems, summary=f"{res.label}: cannot read the table")
    done = 0  # rows already given: the slow path, when it takes over, starts after them
    for fast in (True, False):
        try:
            source = (
                open_table(spec, fast=fast)
                if parquet_rows is None
                else open_table(spec, fast=fast, parquet_rows=parquet_rows)
            )
            columns = layout(spec, source.labels, source.width).columns
            position: dict[str, int] = {}
            for i, col in enumerate(columns):
                position.setdefault(col.name, i)
            skip = 0 if fast else done
            for whole in source.batches:
                batch: Batch | None = whole
                if skip:
                    batch, skip = _after(whole, skip), max(0, skip - whole.num_rows)
                if batch is None:
                    continue
                parsed: list[Parsed | None] = []
                for f in spec.fields:
                    at = position.get(f.name)
                    parsed.append(None if at is None else parse_column(batch.columns[at], f))
                done += batch.num_rows
                yield ParsedBatch(batch, spec.fields, parsed)
            return
        except NeedsSlowPath:
            continue
        except SourceError as exc:
            raise _unreadable(res, exc.message, exc.row) from exc


def _after(batch: Batch, k: int) -> Batch | None:
    """``batch`` without its first ``k`` rows (None when nothing is left)."""
    from statpub.tables.reader import Batch

    n = batch.num_rows
    if k >= n:
        return None
    extra = [(i - k, c) for i, c in batch.extra_cells or [] if i >= k]
    return Batch(
        columns=[c.slice(k) for c in batch.columns],
        first_row=batch.first_row + k,
        row_numbers=None if batch.row_numbers is None else batch.row_numbers.slice(k),
        cell_counts=None if batch.cell_counts is None else batch.cell_counts.slice(k),
        extra_cells=extra or None,
    )


def typed_batches(
    res: Resource, parquet_rows: int | None = None
) -> Iterator[tuple[int, list[pa.Array]]]:
    """Every batch of ``res`` typed by its schema: its rows and, per schema field in order,
    the values (null where the column is absent), one batch in memory at a time.

    Raises InvalidInput naming the first cell that is not of its field's type.
    """
    import pyarrow as pa

    from statpub.tables import compute as pc

    for pb in parsed_batches(res, parquet_rows):
        n = pb.batch.num_rows
        arrays: list[pa.Array] = []
        for f, parsed in zip(pb.fields, pb.columns, strict=True):
            if parsed is None:
                arrays.append(pa.nulls(n, _logical_type(f)))
                continue
            if pc.any(parsed.invalid).as_py():
                k = pc.indices_nonzero(parsed.invalid).to_pylist()[0]
                row = pb.batch.rows()[k].as_py()
                raise _unreadable(
                    res,
                    f"row {row}, field {f.name!r}: the cell is not a valid {f.type}; run "
                    "statpub validate on the package",
                    row,
                )
            arrays.append(parsed.values)
        yield n, arrays


def read_table(res: Resource) -> pa.Table:
    """The whole table, typed by its schema (fields in schema order; an absent column is null).

    Raises InvalidInput naming the first cell that is not of its field's type.
    """
    import pyarrow as pa

    fields = res.spec.fields if res.spec is not None else []
    chunks: list[list[pa.Array]] = [[] for _ in fields]
    for _, arrays in typed_batches(res):
        for parts, values in zip(chunks, arrays, strict=True):
            parts.append(values)
    arrays = [
        pa.chunked_array(parts, _logical_type(f)) for f, parts in zip(fields, chunks, strict=True)
    ]
    return pa.Table.from_arrays(arrays, names=[f.name for f in fields])


def _logical_type(f: FieldSpec) -> pa.DataType:
    """The Arrow type the lexical rules give a field's values."""
    import pyarrow as pa

    from statpub.tables.lexical import parse

    return parse(pa.nulls(0, pa.string()), f).values.type
