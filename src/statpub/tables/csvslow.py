"""CSV through Python's ``csv`` module: exact row numbers, every Table Dialect property.

The reader's fast paths hand over to this one when pyarrow cannot read a file
faithfully (ragged rows, empty lines, bad encoding), and dialects the fast
paths do not know (comments, several header rows, initial spaces) come here
directly.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

import pyarrow as pa

from statpub.tables import arrow
from statpub.tables.limits import MAX_CELL_BYTES, cell_too_large, check_width
from statpub.tables.source import (
    Batch,
    Source,
    SourceError,
    csv_args,
    python_encoding,
    strip_labels,
)
from statpub.tables.spec import TableSpec


def _records(spec: TableSpec) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for every record, header included, all files chained."""
    enc = python_encoding(spec.encoding)
    csv.field_size_limit(MAX_CELL_BYTES)
    number = 0
    for index, path in enumerate(spec.files):
        with open(path, encoding=enc, newline="") as fh:
            try:
                reader = csv.reader(fh, **csv_args(spec.dialect))
            except (TypeError, ValueError) as exc:
                raise SourceError(
                    "dialect-error", f"the dialect cannot be used to read the CSV: {exc}"
                ) from exc
            skip = max(spec.dialect.header_rows)
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                except UnicodeError as exc:
                    at = (
                        f"byte {exc.start} of a block read after row {number}: {exc.reason}"
                        if isinstance(exc, UnicodeDecodeError)
                        else f"after row {number}: {exc}"
                    )
                    raise SourceError(
                        "encoding-error",
                        f"the file is not valid {spec.encoding} ({at}); re-save it as "
                        f"{spec.encoding} or declare its 'encoding' in the descriptor",
                    ) from exc
                except csv.Error as exc:
                    if "field larger than field limit" in str(exc):
                        raise cell_too_large(number) from exc
                    raise SourceError(
                        "source-error", f"cannot parse the CSV after row {number}: {exc}"
                    ) from exc
                if index > 0 and spec.dialect.header and skip:
                    skip -= 1  # a later file's own header
                    continue
                number += 1
                yield number, cells


def open_csv_slow(spec: TableSpec, batch_rows: int) -> Source:
    """Read with the ``csv`` module: every Table Dialect property the reader knows.

    Comment rows (``commentRows``, physical row numbers, and rows starting with
    ``commentChar``) are dropped first, wherever they are; ``headerRows`` then
    count the rows left (so a comment above the header is not the header), and
    a multi-row header's labels are its rows' cells joined by ``headerJoin``.
    Row numbers stay physical, as frictionless-py's.
    """
    d = spec.dialect
    comment_rows = set(d.comment_rows)

    def kept() -> Iterator[tuple[int, list[str]]]:
        for number, cells in _records(spec):
            if number in comment_rows:
                continue
            if d.comment_char and cells and cells[0].startswith(d.comment_char):
                continue
            yield number, cells

    records = kept()
    labels: list[str] | None = None
    pending: list[tuple[int, list[str]]] = []
    if d.header:
        wanted = set(d.header_rows)
        header: list[list[str]] = []
        for position, rec in enumerate(records, start=1):
            if position in wanted:
                header.append(rec[1])
            if position >= max(wanted):
                break
        if not header:
            raise SourceError("source-error", "the file is empty; it needs at least a header row")
        labels = strip_labels(_join_header(header, d.header_join))
        width = len(labels)
    else:
        first = next(records, None)
        if first is None:
            raise SourceError("source-error", "the file is empty; it has no rows")
        width = len(spec.fields) if spec.schema_given else len(first[1])
        pending = [first]

    def batches() -> Iterator[Batch]:
        buf = list(pending)
        for rec in records:
            buf.append(rec)
            if len(buf) >= batch_rows:
                yield _to_batch(buf, width)
                buf = []
        if buf:
            yield _to_batch(buf, width)

    return Source(labels=labels, width=width, batches=batches())


def _join_header(rows: list[list[str]], join: str) -> list[str]:
    """One label per column: the non-empty cells of the header rows, joined.

    The size of the labels is known before they are built: a long ``headerJoin`` times
    many header rows times many columns would otherwise turn a small file into gigabytes.
    """
    width = max(len(r) for r in rows)
    check_width(width, "the header rows have")
    total = 0
    for i in range(width):
        sizes = [len(r[i]) for r in rows if i < len(r) and r[i].strip()]
        total += sum(sizes) + len(join) * max(0, len(sizes) - 1)
        if total > MAX_CELL_BYTES:
            raise SourceError(
                "cell-too-large",
                f"the labels of the {len(rows):,} header rows joined by the dialect's headerJoin "
                f"would be over {MAX_CELL_BYTES >> 20} MiB; shorten headerJoin or headerRows",
                1,
            )
    labels = []
    for i in range(width):
        parts = [r[i] for r in rows if i < len(r) and r[i].strip()]
        labels.append(join.join(parts))
    return labels


def _to_batch(recs: list[tuple[int, list[str]]], width: int) -> Batch:
    counts = [len(cells) for _, cells in recs]
    columns = []
    for i in range(width):
        columns.append(arrow.array([c[i] if i < len(c) else None for _, c in recs], pa.string()))
    extra = [(k, n) for k, n in enumerate(counts) if n > width]
    ragged = any(n != width for n in counts)
    return Batch(
        columns=columns,
        first_row=recs[0][0],
        row_numbers=arrow.array([r for r, _ in recs], pa.int64()),
        cell_counts=arrow.array(counts, pa.int32()) if ragged else None,
        extra_cells=extra or None,
    )
