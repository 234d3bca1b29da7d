"""Empty lines of a CSV read by pyarrow, told apart from rows of empty cells.

pyarrow reads an empty line as a row of empty strings, the same as a row of empty
cells (``,,``). The two differ: an empty line is a row with no cells (a blank row,
whatever the missing values), a row of empty cells has its cells. Where a piece of
the file holds no quote character, each line is one row, so the empty lines are
the lines of no bytes: found here on whole columns, and the file stays on the fast
path. A file of a million blank lines went through Python's ``csv`` module row by
row before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

# Bytes that a text file almost never holds: one absent from the piece splits none
# of its lines, so reading the piece with it as the delimiter gives one cell a line.
_NOT_DELIMITERS = bytes(range(1, 9))


def all_empty(columns: list[pa.Array]) -> pa.Array | None:
    """Where every cell of the row is empty text; None when no row is."""
    import pyarrow as pa

    from statpub.tables import arrow
    from statpub.tables import compute as pc

    zero = arrow.scalar(0, pa.int32())
    empty = pc.equal(pc.binary_length(columns[0]), zero)
    for column in columns[1:]:
        if not pc.any(empty).as_py():
            return None
        empty = pc.and_(empty, pc.equal(pc.binary_length(column), zero))
    return empty if pc.any(empty).as_py() else None


def empty_lines(block: bytes, end: int, columns: list[pa.Array]) -> pa.Array | None:
    """Where the rows of ``block[:end]``, read as ``columns``, are empty lines.

    The piece must hold no quote or escape character (each line is then one row).
    None when the lines cannot be told from the rows (no byte is free to read the
    piece a line a cell); the caller then reads the file with the ``csv`` module.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from statpub.tables import arrow
    from statpub.tables import compute as pc

    candidates = all_empty(columns)
    if candidates is None or len(columns) == 1:
        # One column: an unquoted row whose cell is empty is an empty line.
        return candidates
    free = next((b for b in _NOT_DELIMITERS if block.find(bytes([b]), 0, end) == -1), None)
    if free is None:
        return None
    lines = pacsv.read_csv(
        pa.py_buffer(block).slice(0, end),
        read_options=pacsv.ReadOptions(
            column_names=["line"], block_size=end + 1, use_threads=False
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=chr(free),
            quote_char=False,
            double_quote=False,
            escape_char=False,
            newlines_in_values=False,
            ignore_empty_lines=False,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={"line": pa.binary()},
            null_values=[],
            strings_can_be_null=False,
        ),
    ).column(0)
    if len(lines) != len(columns[0]):
        return None
    zero = arrow.scalar(0, pa.int32())
    return pc.and_(candidates, pc.equal(pc.binary_length(lines.combine_chunks()), zero))


def as_missing(columns: list[pa.Array], blank: pa.Array) -> tuple[list[pa.Array], pa.Array]:
    """The columns with no cell on the empty lines, and each row's count of cells,
    as the ``csv`` module reads them (an empty line has no cells)."""
    import pyarrow as pa

    from statpub.tables import arrow
    from statpub.tables import compute as pc

    width = len(columns)
    counts = pc.if_else(blank, arrow.scalar(0, pa.int32()), arrow.scalar(width, pa.int32()))
    nothing = arrow.null(pa.string())
    return [pc.if_else(blank, nothing, c) for c in columns], counts
