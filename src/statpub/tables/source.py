"""What the readers hand over: batches of cells, and the errors that stop a reading.

Shared by the reader (:mod:`statpub.tables.reader`), its slow path
(:mod:`statpub.tables.csvslow`) and the limits (:mod:`statpub.tables.limits`), so
none of them imports another for these.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from statpub.tables.spec import Dialect

if TYPE_CHECKING:  # pyarrow loads with the reader: resolving a package needs none of it
    import pyarrow as pa


class SourceError(Exception):
    """The file cannot be read as a table: ``code`` is the issue type to report."""

    def __init__(self, code: str, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.row = row


class NeedsSlowPath(Exception):
    """pyarrow cannot read this file faithfully: read it with the ``csv`` module."""


@dataclass
class Batch:
    columns: list[pa.Array]  # one per data column; strings for CSV
    first_row: int  # row number of the first row, when rows are consecutive
    row_numbers: pa.Array | None = None  # explicit numbers when they are not
    cell_counts: pa.Array | None = None  # cells each row had, when not all full width
    extra_cells: list[tuple[int, int]] | None = None  # (row index, cells in that row)
    kinds: list[pa.Array] | None = None  # per column, each cell's JSON kind (JSON rows only)

    @property
    def num_rows(self) -> int:
        if self.columns:
            return len(self.columns[0])
        return 0 if self.row_numbers is None else len(self.row_numbers)

    def rows(self) -> pa.Array:
        if self.row_numbers is not None:
            return self.row_numbers
        import pyarrow as pa

        from statpub.tables import arrow
        from statpub.tables import compute as pc

        ones = pc.fill_null(pa.nulls(self.num_rows, pa.int64()), arrow.i64(1))
        return pc.add(pc.cumulative_sum(ones), arrow.i64(self.first_row - 1))


@dataclass
class Source:
    labels: list[str] | None  # None when the dialect says there is no header
    width: int  # number of data columns
    batches: Iterator[Batch]


def python_encoding(name: str) -> str:
    try:
        codec = codecs.lookup(name).name
        io.TextIOWrapper(io.BytesIO(), encoding=codec)  # base64, rot13: codecs, not encodings
    except LookupError as exc:
        raise SourceError(
            "encoding-error", f"unknown text encoding {name[:40]!r}; declare a valid 'encoding'"
        ) from exc
    return "utf-8-sig" if codec in ("utf-8", "utf-8-sig") else codec


def strip_labels(labels: list[str]) -> list[str]:
    return [label.strip() for label in labels]


def csv_args(d: Dialect) -> dict[str, Any]:
    """The ``csv`` module's arguments for a dialect."""
    return {
        "delimiter": d.delimiter,
        "quotechar": d.quote_char,
        "doublequote": d.double_quote,
        "escapechar": d.escape_char,
        "skipinitialspace": d.skip_initial_space,
        "strict": False,
    }
