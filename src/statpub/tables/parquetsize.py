"""What a Parquet file decodes to, counted before any of its rows is read.

A Parquet file can be far smaller than what it holds: a dictionary-encoded column
stores each distinct value once and every row as a small index into the
dictionary, so one 10 kB value over five million rows is a few MB on disk and
50 GB once decoded. The decoded size is counted first, and a file over
``MAX_DECODED_BYTES`` is refused before its rows are read
(docs/validation.md, "Limits"):

- a fixed-width column (numbers, dates, booleans) decodes to its width times its
  values, from the footer's counts;
- a text column stored whole (plain encoding, no dictionary) to its uncompressed
  size, from the footer, plus an offset a value;
- a text column with a dictionary to at most its values times its longest
  entry, plus what is stored whole beside it: the dictionary is read (it comes
  whole with the first row). Where that bound is over the limit, the column is
  counted exactly: its indices are read, as such, and each counts the length
  of its value (four bytes a value, counted from the footer before they are
  read). A text column stored as prefixes of the value before is counted
  exactly too.

The sizes also choose how many rows a batch holds, so that a batch decodes to
about ``BATCH_BYTES`` whatever the width of a row.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from statpub.tables.source import SourceError

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

MAX_DECODED_BYTES = 8 << 30
LIMIT_ENV = "STATPUB_MAX_DECODED_BYTES"
BATCH_BYTES = 64 << 20
COUNT_ROWS = 1 << 20  # rows of the dictionary columns' indices read at a time, to count
_FIXED = {"BOOLEAN": 1, "INT32": 4, "FLOAT": 4, "INT64": 8, "DOUBLE": 8, "INT96": 12}
_WHOLE = {"PLAIN", "RLE", "BIT_PACKED", "DELTA_LENGTH_BYTE_ARRAY"}  # text stored value by value
_OFFSET = 4  # bytes an Arrow string takes a value beside its text
_UNITS = {"": 1, "KIB": 1 << 10, "MIB": 1 << 20, "GIB": 1 << 30, "TIB": 1 << 40}
Add = Callable[[int, str, int], None]  # (row group, column, decoded bytes)
_SIZE = re.compile(r"\s*(\d+)\s*([KMGT]IB)?\s*", re.IGNORECASE)


@dataclass
class Decoded:
    """Decoded bytes of each row group of a file, and the rows of each."""

    sizes: list[int]
    rows: list[int]

    def batch_rows(self, most: int) -> int:
        """Rows a batch holds: ``most``, fewer when rows are wide (the widest row group's)."""
        fewest = most
        for size, rows in zip(self.sizes, self.rows, strict=True):
            if size > 0 and rows > 0:
                fewest = min(fewest, max(1, BATCH_BYTES * rows // size))
        return fewest


def max_decoded_bytes() -> int:
    """The limit: ``MAX_DECODED_BYTES``, or what the environment variable sets."""
    given = os.environ.get(LIMIT_ENV)
    if not given:
        return MAX_DECODED_BYTES
    found = _SIZE.fullmatch(given)
    if not found:
        raise SourceError(
            "source-error",
            f"the environment variable {LIMIT_ENV}={given[:40]!r} is not a size: give a "
            "number of bytes, or a number and KiB, MiB, GiB or TiB (e.g. 32GiB)",
        )
    return int(found.group(1)) * _UNITS[(found.group(2) or "").upper()]


def decoded_size(pf: pq.ParquetFile, path: Path) -> Decoded:
    """The decoded size of ``pf`` (opened from ``path``), refused over the limit."""
    limit = max_decoded_bytes()
    md = pf.metadata
    schema = pf.schema
    # Columns read by name to count them: top-level ones, named once (a repeated name is
    # the engine's error to report, and cannot be read by name).
    flat = {name for name, n in Counter(pf.schema_arrow.names).items() if n == 1}
    sizes = [0] * md.num_row_groups
    per_column: dict[str, int] = {}
    total = 0
    counted: dict[int, list[str]] = {}  # row group: its text columns with a dictionary

    def add(group: int, name: str, size: int) -> None:
        nonlocal total
        sizes[group] += size
        per_column[name] = per_column.get(name, 0) + size
        total += size
        if total > limit:
            raise _too_large(path, name, per_column[name], limit)

    # From the footer alone, first: nothing is read if it is over already.
    for i in range(md.num_row_groups):
        group = md.row_group(i)
        for j in range(group.num_columns):
            chunk = group.column(j)
            name, kind, n = chunk.path_in_schema, chunk.physical_type, chunk.num_values
            if kind in _FIXED:
                add(i, name, n * _FIXED[kind])
            elif kind == "FIXED_LEN_BYTE_ARRAY":
                add(i, name, n * (schema.column(j).length or 0))
            elif not chunk.has_dictionary_page and set(chunk.encodings) <= _WHOLE:
                add(i, name, chunk.total_uncompressed_size + n * _OFFSET)
            elif name in flat and "DELTA_BYTE_ARRAY" not in chunk.encodings:
                add(i, name, n * _OFFSET)  # the indices, read to count
                counted.setdefault(i, []).append(name)
            else:
                # A text inside a list or a struct, or under a repeated name: the longest
                # value is at most the chunk's uncompressed size, and every value as long.
                add(i, name, n * (chunk.total_uncompressed_size + _OFFSET))
    if counted:
        bounds = _bounds(path, counted, md)
        if total + sum(bounds.values()) <= limit:
            for (i, name), bound in bounds.items():
                add(i, name, bound)
        else:
            _count_values(path, counted, add)
    return Decoded(sizes, [md.row_group(i).num_rows for i in range(md.num_row_groups)])


def _bounds(
    path: Path, counted: dict[int, list[str]], md: pq.FileMetaData
) -> dict[tuple[int, str], int]:
    """For each counted column chunk, at most what its values (beyond their offsets) decode to:
    each value from the dictionary is at most its longest entry, and a value stored whole
    after the dictionary (a writer falls back to that when it grows) is within the chunk's
    uncompressed size. The dictionary comes whole with the chunk's first row."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from statpub.tables import compute as pc

    names = sorted({name for group in counted.values() for name in group})
    at = {md.row_group(0).column(j).path_in_schema: j for j in range(md.num_columns)}
    out = {}
    try:
        with pq.ParquetFile(path, read_dictionary=names) as encoded:
            for group, columns in counted.items():
                first = next(encoded.iter_batches(1, row_groups=[group], columns=columns), None)
                for name in columns:
                    chunk = md.row_group(group).column(at[name])
                    longest = chunk.total_uncompressed_size  # a value cannot be longer
                    column = None if first is None else first.column(name)
                    if column is not None and pa.types.is_dictionary(column.type):
                        lengths = pc.binary_length(column.dictionary)
                        longest = pc.call_function("max", [lengths]).as_py() or 0
                    out[group, name] = chunk.num_values * longest + chunk.total_uncompressed_size
    except (OSError, pa.ArrowException) as exc:
        raise SourceError("source-error", f"cannot read the Parquet file: {exc}") from exc
    return out


def _count_values(path: Path, counted: dict[int, list[str]], add: Add) -> None:
    """Add the length of every value of the ``counted`` columns, a batch of rows at a time
    (the indices of a batch take four bytes a row and a column)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = sorted({name for group in counted.values() for name in group})
    try:
        with pq.ParquetFile(path, read_dictionary=names) as encoded:
            for group, columns in counted.items():
                for rb in encoded.iter_batches(COUNT_ROWS, row_groups=[group], columns=columns):
                    for name, column in zip(rb.schema.names, rb.columns, strict=True):
                        add(group, name, _text_bytes(column))
    except (OSError, pa.ArrowException) as exc:
        raise SourceError("source-error", f"cannot read the Parquet file: {exc}") from exc


def _text_bytes(chunk: pa.Array) -> int:
    """Bytes of the values of ``chunk``; a dictionary array is counted without decoding it."""
    import pyarrow as pa

    from statpub.tables import compute as pc

    if pa.types.is_dictionary(chunk.type):
        per_row = pc.take(pc.binary_length(chunk.dictionary), chunk.indices)
    else:
        per_row = pc.binary_length(chunk)
    total = pc.call_function("sum", [pc.cast(per_row, pa.int64())]).as_py()
    return int(total or 0)


def _too_large(path: Path, column: str, column_size: int, limit: int) -> SourceError:
    return SourceError(
        "table-too-large",
        f"{path.name}: the Parquet file decodes to more than the {_size(limit)} statpub reads "
        f"from one file ({_size(path.stat().st_size)} on disk; column {column[:60]!r} alone "
        f"decodes to {_size(column_size)} or more: a dictionary repeating long values over "
        "many rows?); the table was not read. If the file is meant to be this large, raise "
        f"the limit with the environment variable {LIMIT_ENV} (e.g. {LIMIT_ENV}="
        f"{max(1, 2 * limit >> 30)}GiB)",
    )


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n:,} bytes"
