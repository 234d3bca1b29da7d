"""A table's rows as canonical text, for comparing two versions cell by cell.

Rows come through the one reader and the lexical rules of validation
(:func:`statpub.package.parsed_batches`), so ``1.0`` and ``1`` in a number
field, or a Parquet date and its CSV text, compare equal. The canonical form
is the CSV form statpub writes, so the old and new values reported are what a
consumer sees. A cell that does not read as its field's type keeps its text:
it differs from every valid value.
"""

from __future__ import annotations

from collections.abc import Iterator

from statpub.package import Resource, parsed_batches
from statpub.tables.csvio import format_cell

Row = tuple[str | None, ...]


def read_rows(res: Resource) -> Iterator[Row]:
    """Every row of ``res`` as canonical text, one cell per schema field, in schema order.

    Raises InvalidInput when the resource cannot be read as a table.
    """
    for pb in parsed_batches(res):
        n = pb.batch.num_rows
        columns: list[list[str | None]] = []
        for f, parsed in zip(pb.fields, pb.columns, strict=True):
            if parsed is None:
                columns.append([None] * n)
                continue
            values = parsed.values.to_pylist()
            props = f.props or {"type": f.type}
            cells = [None if v is None else format_cell(v, props) for v in values]
            if parsed.big is not None:  # integers beyond 64 bits, as canonical text
                big = parsed.big.to_pylist()
                cells = [c if b is None else b for c, b in zip(cells, big, strict=True)]
            invalid = parsed.invalid.to_pylist()
            if any(invalid):
                strings = parsed.strings.to_pylist()
                cells = [s if bad else c for c, s, bad in zip(cells, strings, invalid, strict=True)]
            columns.append(cells)
        yield from zip(*columns, strict=True)
