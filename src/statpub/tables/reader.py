"""Read a table in batches of Arrow arrays, with frictionless-compatible row numbers.

CSV goes through pyarrow's reader, every cell kept as a string so that no value
is lost to type inference. A UTF-8 file without quote characters cannot have a
newline inside a value, so it is cut at line ends into pieces that pyarrow
parses side by side, one thread each; other files go through pyarrow's
streaming reader. Neither can say *where* a row with the wrong number of cells
was, or decode a file that is not valid in its encoding; pyarrow reads an empty
line as a row of empty cells, which :mod:`statpub.tables.blanklines` tells apart
in a piece without quotes only. When any of that happens the table is read
again with Python's ``csv`` module (:mod:`statpub.tables.csvslow`), which numbers records
exactly and knows every Table Dialect property. JSON rows are read by
:mod:`statpub.tables.jsonrows`, compressed files decompressed first by
:mod:`statpub.tables.compressed`. Row numbers count CSV
records (a quoted newline does not start a new row), the header being row 1.

Parquet columns arrive typed; the engine checks their values against the schema.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from statpub.tables import blanklines
from statpub.tables import compute as pc
from statpub.tables.csvslow import open_csv_slow
from statpub.tables.limits import (
    MAX_ROW_BYTES,
    cell_too_large,
    check_cells,
    check_width,
)
from statpub.tables.source import (
    Batch,
    NeedsSlowPath,
    Source,
    SourceError,
    csv_args,
    python_encoding,
    strip_labels,
)
from statpub.tables.spec import TableSpec

BLOCK_SIZE = 4 << 20  # pyarrow's unit of parallel parsing
CHUNK_BYTES = 8 << 20  # a batch, when the file can be cut at line ends
FIRST_CHUNK_BYTES = 1 << 20  # the first batch: checking starts sooner
PIECES_AHEAD = 2  # pieces of a CSV parsed at the same time
SLOW_BATCH_ROWS = 50_000
PARQUET_BATCH_ROWS = 256_000


JSON_FORMATS = ("inline", "json", "ndjson", "jsonl")
UNKNOWN = "unknown"  # where a piece's empty lines are, when it cannot be told
Piece = tuple[list[pa.Array], "pa.Array | str | None"]


def open_table(
    spec: TableSpec, *, fast: bool = True, parquet_rows: int = PARQUET_BATCH_ROWS
) -> Source:
    """The table's batches; ``parquet_rows``: the rows of a Parquet batch (fewer hold less,
    for a reader that turns each batch into Python values)."""
    check_width(len(spec.fields), "the Table Schema has")
    if spec.compression is not None:
        return _open_compressed(spec, fast, parquet_rows)
    if spec.format in JSON_FORMATS:
        return _open_json(spec)
    if spec.format == "parquet":
        return _checked(_open_parquet(spec, parquet_rows))
    for path in spec.files:
        if not path.is_file():
            raise SourceError("source-error", f"{path.name}: file not found")
    if fast and spec.dialect.plain:
        try:
            return _checked(_open_csv_fast(spec))
        except NeedsSlowPath:
            pass
        except (ValueError, TypeError):  # pyarrow refuses the dialect (a non-ASCII delimiter)
            pass
    return _checked(open_csv_slow(spec, SLOW_BATCH_ROWS))


def _checked(source: Source) -> Source:
    check_width(source.width, "the file has")
    return source


def _open_compressed(spec: TableSpec, fast: bool, parquet_rows: int) -> Source:
    from dataclasses import replace

    from statpub.tables import compressed

    try:
        files, folder = compressed.decompress(spec.files, spec.compression or "")
    except (compressed.TooLarge, compressed.Unreadable) as exc:
        raise SourceError("source-error", str(exc)) from exc
    try:
        source = open_table(
            replace(spec, files=files, compression=None), fast=fast, parquet_rows=parquet_rows
        )
    except BaseException:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        raise
    source.batches = compressed.removing(source.batches, folder)
    return source


def _open_json(spec: TableSpec) -> Source:
    from statpub.tables import jsonrows

    try:
        labels, width, batches = jsonrows.open_json(spec)
    except jsonrows.JsonError as exc:
        raise SourceError("source-error", exc.message, exc.row) from exc
    except OSError as exc:
        raise SourceError("source-error", f"cannot read the file: {exc.strerror}") from exc

    def read() -> Iterator[Batch]:
        try:
            for kw in batches:
                yield Batch(**kw)
        except jsonrows.JsonError as exc:
            raise SourceError("source-error", exc.message, exc.row) from exc

    return Source(labels=labels, width=width, batches=read())


# Parquet


def _open_parquet(spec: TableSpec, batch_rows: int) -> Source:
    import pyarrow.parquet as pq

    from statpub.tables.parquetsize import decoded_size

    try:
        files = [pq.ParquetFile(p) for p in spec.files]
    except (OSError, pa.ArrowException) as exc:
        raise SourceError("source-error", f"cannot read the Parquet file: {exc}") from exc
    labels = list(files[0].schema_arrow.names)
    _check_stored_text(spec, files[0].schema_arrow)
    # What each file decodes to, before any row is read: over the limit, it is refused.
    sizes = [decoded_size(pf, path) for pf, path in zip(files, spec.files, strict=True)]

    def batches() -> Iterator[Batch]:
        row = 2
        for pf, decoded in zip(files, sizes, strict=True):
            try:
                # one row group at a time: over several, pyarrow buffers row groups ahead,
                # so what is held would grow with the file
                for group in range(pf.num_row_groups):
                    size = decoded.batch_rows(batch_rows)
                    for rb in pf.iter_batches(batch_size=size, row_groups=[group]):
                        _check_text(rb, row)
                        yield Batch(columns=list(rb.columns), first_row=row)
                        row += rb.num_rows
            except (OSError, pa.ArrowException) as exc:
                raise SourceError(
                    "source-error", f"cannot read the Parquet file after row {row - 1}: {exc}"
                ) from exc

    return Source(labels=labels, width=len(labels), batches=batches())


def _check_stored_text(spec: TableSpec, stored: pa.Schema) -> None:
    """A text field stored as numbers (a code written by a tool that guessed its type) is one
    error for the file, not one per cell and per key it is part of."""
    from statpub.tables.schema import holds_text

    for f in spec.fields:
        at = stored.get_field_index(f.name)
        if f.type == "string" and at >= 0 and not holds_text(stored.field(at).type):
            raise SourceError(
                "type-error",
                f"column {f.name[:60]!r} is stored as {stored.field(at).type} in the Parquet "
                "file, but the Table Schema makes it a string: the rows were not checked; "
                "write the column as text (or declare the field's real type)",
            )


def _check_text(rb: pa.RecordBatch, row: int) -> None:
    """Parquet text columns must be UTF-8: a writer can store any bytes as a string."""
    for name, column in zip(rb.schema.names, rb.columns, strict=True):
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            try:
                column.validate(full=True)
            except pa.ArrowInvalid as exc:
                raise SourceError(
                    "encoding-error",
                    f"column {name[:60]!r} holds text that is not UTF-8, in the rows from {row} "
                    "on; rewrite the file with valid text",
                ) from exc


# CSV, fast path


def _read_head(spec: TableSpec) -> list[str] | None:
    """The first record of the first file, or None when the file is empty."""
    enc = python_encoding(spec.encoding)
    try:
        with open(spec.files[0], encoding=enc, newline="") as fh:
            head = fh.read(1 << 16)
            while True:
                rows = list(csv.reader(io.StringIO(head), **csv_args(spec.dialect)))
                more = fh.read(len(head))  # doubling: the header is parsed a few times at most
                if len(rows) > 1 or not more:
                    break
                head += more
                if len(head) > MAX_ROW_BYTES:
                    raise cell_too_large(None, "the header row")
    except UnicodeError:  # not valid in its encoding (or a UTF-16 file without a BOM)
        raise NeedsSlowPath() from None
    except (csv.Error, ValueError, TypeError):  # a dialect the csv module refuses
        raise NeedsSlowPath() from None
    if not head:
        return None
    return rows[0] if rows else []


def _open_csv_fast(spec: TableSpec) -> Source:
    import pyarrow.csv as pacsv

    head = _read_head(spec)
    if head is None:
        raise SourceError("source-error", "the file is empty; it needs at least a header row")
    d = spec.dialect
    width = len(head) if d.header or not spec.schema_given else len(spec.fields)
    if not d.header and len(head) != width:
        raise NeedsSlowPath()
    names = [f"c{i}" for i in range(width)]

    ragged: list[int] = []

    def on_invalid(row: Any) -> str:
        # pyarrow swallows exceptions raised here: note it and switch paths after the batch.
        ragged.append(1)
        return "skip"

    enc = python_encoding(spec.encoding)
    read_options = pacsv.ReadOptions(
        column_names=names,
        block_size=BLOCK_SIZE,
        encoding="utf8" if enc == "utf-8-sig" else enc,
    )

    def parse_options_for(newlines_in_values: bool) -> pacsv.ParseOptions:
        return pacsv.ParseOptions(
            delimiter=d.delimiter,
            quote_char=d.quote_char,
            double_quote=d.double_quote,
            escape_char=d.escape_char or False,
            newlines_in_values=newlines_in_values,
            ignore_empty_lines=False,
            invalid_row_handler=on_invalid,
        )

    parse_options = parse_options_for(True)
    convert_options = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        null_values=[],
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    # Pure ASCII is valid UTF-8: a piece that is needs no check of its text.
    ascii_options = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        null_values=[],
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        check_utf8=False,
    )
    chunked = enc == "utf-8-sig"
    stream_options = parse_options
    if chunked:
        # Without quotes there is no newline inside a value: cut the file at line
        # ends and parse each piece in bounded memory. From the first piece with
        # a quote character on, stream the rest.
        stream_options = parse_options_for(True)
        parse_options = pacsv.ParseOptions(
            delimiter=d.delimiter,
            quote_char=False,  # the piece has none
            double_quote=False,
            escape_char=False,
            newlines_in_values=False,
            ignore_empty_lines=False,
            invalid_row_handler=on_invalid,
        )
    quoting = [c.encode() for c in (d.quote_char, d.escape_char) if c]

    def piece_options(size: int) -> pacsv.ReadOptions:
        # One block, one thread: pieces are parsed side by side (PIECES_AHEAD),
        # which costs less CPU than pyarrow's parallel parsing of one piece.
        return pacsv.ReadOptions(
            column_names=names, block_size=size + 1, use_threads=False, encoding="utf8"
        )

    # A piece comes with where its empty lines are: a mask, or UNKNOWN when
    # the piece has quotes (only the csv module then tells an empty line from
    # a row of empty cells).
    def stream(path: Path, offset: int) -> Iterator[Piece]:
        with open(path, "rb") as fh:
            fh.seek(offset)
            reader = pacsv.open_csv(
                fh,
                read_options=read_options,
                parse_options=stream_options,
                convert_options=convert_options,
            )
            for rb in reader:
                yield list(rb.columns), UNKNOWN

    def parse_piece(block: bytes, end: int) -> Piece:
        table = pacsv.read_csv(
            pa.py_buffer(block).slice(0, end),
            read_options=piece_options(end),
            parse_options=parse_options,
            convert_options=ascii_options if block.isascii() else convert_options,
        )
        cols = [c.combine_chunks() if c.num_chunks != 1 else c.chunk(0) for c in table.columns]
        blank = blanklines.empty_lines(block, end, cols) if cols else None
        return cols, (UNKNOWN if blank is None and cols and _has_empty_row(cols) else blank)

    def pieces(path: Path) -> Iterator[Piece]:
        try:
            if not chunked:
                yield from stream(path, 0)
                return
            # PIECES_AHEAD pieces are parsed at once, each in its own thread,
            # and handed on in order.
            with ThreadPoolExecutor(max_workers=PIECES_AHEAD) as pool:
                ahead: deque[Future[Piece]] = deque()
                for offset, block, end in _line_chunks(path):
                    if any(block.find(q, 0, end) != -1 for q in quoting):
                        while ahead:
                            yield ahead.popleft().result()
                        yield from stream(path, offset)
                        return
                    ahead.append(pool.submit(parse_piece, block, end))
                    if len(ahead) >= PIECES_AHEAD:
                        yield ahead.popleft().result()
                while ahead:
                    yield ahead.popleft().result()
        except (pa.ArrowInvalid, UnicodeError) as exc:
            raise NeedsSlowPath() from exc

    def batches() -> Iterator[Batch]:
        row = 1
        for number, path in enumerate(spec.files):
            skip_header = d.header
            for cols, blank in pieces(path):
                if ragged:
                    raise NeedsSlowPath()
                if skip_header:
                    cols = [c[1:] for c in cols]
                    blank = blank[1:] if isinstance(blank, pa.Array) else blank
                    skip_header = False
                    if number == 0:
                        row += 1
                if blank is UNKNOWN and cols and _has_empty_row(cols):
                    # pyarrow reads an empty line as a row of empty strings; it is a
                    # row with no cells (blank, whatever the missing values), and in
                    # a piece with quotes only the csv module tells the two apart.
                    raise NeedsSlowPath()
                counts = None
                if isinstance(blank, pa.Array) and cols and pc.any(blank).as_py():
                    cols, counts = blanklines.as_missing(cols, blank)
                if cols and len(cols[0]):
                    check_cells(cols, row)
                    yield Batch(columns=cols, first_row=row, cell_counts=counts)
                    row += len(cols[0])
        if ragged:
            raise NeedsSlowPath()

    return Source(labels=strip_labels(head) if d.header else None, width=width, batches=batches())


def _line_chunks(path: Path, size: int | None = None) -> Iterator[tuple[int, bytes, int]]:
    """(offset, block, end): the file in blocks of about ``size`` bytes; ``block[:end]``
    ends at a line end (the rest is read again with the next block).

    The first blocks are smaller (from ``FIRST_CHUNK_BYTES``, doubling), so that
    checking starts while the rest of the file is still being read."""
    size = size or CHUNK_BYTES
    step = min(FIRST_CHUNK_BYTES, size)
    with open(path, "rb") as fh:
        offset = 0
        while block := fh.read(step):
            while len(block) >= step and block.rfind(b"\n") == -1:
                more = fh.read(step)  # a line longer than a block
                if not more:
                    break
                block += more
                if len(block) > MAX_ROW_BYTES:
                    raise cell_too_large(None, "a line")
            end = block.rfind(b"\n") + 1 if len(block) >= step else len(block)
            end = end or len(block)
            yield offset, block, end
            offset += end
            fh.seek(offset)
            step = min(2 * step, size)


def _has_empty_row(columns: list[pa.Array]) -> bool:
    return blanklines.all_empty(columns) is not None


@dataclass
class Early:
    """A table whose reading started before the checks were ready for it."""

    spec: TableSpec
    source: Source
    reading: Prefetch


def read_ahead(spec: TableSpec | None) -> Early | None:
    """Start reading the table ``spec`` describes, if it can be read at all.

    Whatever stops it here (a missing file, an unreadable header) is left for
    the check itself to find and report.
    """
    if spec is None:
        return None
    try:
        source = open_table(spec)
    except (SourceError, NeedsSlowPath, OSError):
        return None
    return Early(spec, source, Prefetch(source.batches))


class Prefetch:
    """Read the next batches in a background thread, starting now.

    pyarrow parses with the GIL released, so reading overlaps with checking
    (and with the engine's own start-up). Errors raised by the reader come out
    of the iteration, in the consumer's thread. Use as a context manager.
    """

    def __init__(self, batches: Iterator[Batch], depth: int = 2) -> None:
        import queue
        import threading

        self.slots: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
        self.stop = threading.Event()
        self.batches = batches
        self.thread = threading.Thread(target=self._produce, name="statpub-reader", daemon=True)
        self.thread.start()

    def _put(self, item: tuple[str, Any]) -> bool:
        import queue

        while not self.stop.is_set():
            try:
                self.slots.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self) -> None:
        try:
            for batch in self.batches:
                if not self._put(("batch", batch)):
                    return
            self._put(("end", None))
        except BaseException as exc:  # handed to the consumer, which re-raises it
            self._put(("error", exc))

    def __iter__(self) -> Iterator[Batch]:
        while True:
            kind, item = self.slots.get()
            if kind == "end":
                return
            if kind == "error":
                raise item
            yield item

    def __enter__(self) -> Prefetch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
