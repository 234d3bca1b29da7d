"""A table's rows as canonical text: how diff shows a cell, and how the change logs read rows.

Rows come through the one reader and the lexical rules of validation
(:func:`statpub.package.parsed_batches`). The canonical form is the CSV form
statpub writes, so the old and new values reported are what a consumer sees,
and ``1.0`` and ``1`` in a number field, or a Parquet date and its CSV text,
read the same. A cell that does not read as its field's type keeps its text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import pyarrow as pa

from statpub.package import Resource, parsed_batches
from statpub.tables import arrow
from statpub.tables import compute as pc
from statpub.tables.csvio import format_cell

if TYPE_CHECKING:
    from statpub.package.tables import ParsedBatch

Row = tuple[str | None, ...]


def read_rows(res: Resource) -> Iterator[Row]:
    """Every row of ``res`` as canonical text, one cell per schema field, in schema order.

    Raises InvalidInput when the resource cannot be read as a table.
    """
    for pb in parsed_batches(res):
        yield from text_rows(pb)


def text_rows(
    pb: ParsedBatch, rows: Sequence[int] | None = None, *, raw: bool = False
) -> list[Row]:
    """Rows ``rows`` of a batch (all when None) as canonical text, or with ``raw`` as written."""
    take = None if rows is None else arrow.array(list(rows), pa.int64())
    n = pb.batch.num_rows if take is None else len(take)
    columns: list[list[str | None]] = []
    for f, parsed in zip(pb.fields, pb.columns, strict=True):
        if parsed is None:
            columns.append([None] * n)
            continue
        strings = parsed.strings if take is None else pc.take(parsed.strings, take)
        if raw:
            columns.append(strings.to_pylist())
            continue
        values = parsed.values if take is None else pc.take(parsed.values, take)
        invalid = parsed.invalid if take is None else pc.take(parsed.invalid, take)
        props = f.props or {"type": f.type}
        cells = [None if v is None else format_cell(v, props) for v in values.to_pylist()]
        if parsed.big is not None:  # integers beyond 64 bits, as canonical text
            big = parsed.big if take is None else pc.take(parsed.big, take)
            cells = [c if b is None else b for c, b in zip(cells, big.to_pylist(), strict=True)]
        if pc.any(invalid).as_py():
            text = strings.to_pylist()
            bad = invalid.to_pylist()
            cells = [s if b else c for c, s, b in zip(cells, text, bad, strict=True)]
        columns.append(cells)
    return list(zip(*columns, strict=True)) if columns else [() for _ in range(n)]
