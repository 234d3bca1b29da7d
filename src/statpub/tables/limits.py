"""What a stranger's table can make the reader do: the caps, and their errors.

Each cap is reported as an issue of its own type, naming the row where it can,
and the table is not read further (docs/validation.md, "Limits").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from statpub.tables.source import SourceError

if TYPE_CHECKING:  # pyarrow loads only with the reader: resolving a package needs none of it
    import pyarrow as pa

# Limits on what a stranger's file can make the reader do, each reported as an
# error of its own (see docs/validation.md, "Limits"). A table is checked one
# Arrow array per column: past 10,000 columns (beyond what spreadsheets open;
# in practice a wrong delimiter or a transposed file) the per-column work and
# the per-column issues would take minutes and gigabytes. A cell, or a line
# without a line end, is held in memory whole while it is read.
MAX_COLUMNS = 10_000
MAX_CELL_BYTES = 32 << 20
MAX_ROW_BYTES = 64 << 20


def _source_error(code: str, message: str, row: int | None = None) -> Exception:
    return SourceError(code, message, row)


def check_width(width: int, what: str) -> None:
    """Refuse a table wider than ``MAX_COLUMNS``; ``what`` says whose width it is."""
    if width > MAX_COLUMNS:
        raise _source_error(
            "table-too-wide",
            f"{what} {width} columns, over the {MAX_COLUMNS:,} statpub reads (a wrong "
            "delimiter, or a table to transpose?); the table was not read",
        )


def cell_too_large(row: int | None = None, what: str = "a cell") -> Exception:
    where = f"after row {row}" if row is not None else "in the file"
    return _source_error(
        "cell-too-large",
        f"{what} {where} is over the {MAX_CELL_BYTES >> 20} MiB statpub reads in one cell "
        f"({MAX_ROW_BYTES >> 20} MiB in one line); the table was not read further",
        row,
    )


def check_cells(columns: list[pa.Array], first_row: int) -> None:
    import pyarrow as pa

    from statpub.tables import arrow
    from statpub.tables import compute as pc

    cap = arrow.scalar(MAX_CELL_BYTES, pa.int32())
    for column in columns:
        if pa.types.is_string(column.type) and len(column):
            too_long = pc.greater(pc.binary_length(column), cap)
            if pc.any(too_long).as_py():
                k = pc.indices_nonzero(too_long).to_pylist()[0]
                raise cell_too_large(first_row + k - 1)
