"""CSV (and TSV) in any Table Dialect and text encoding, through the toolkit's one CSV reader."""

from __future__ import annotations

from typing import TYPE_CHECKING

from statpub.errors import StatpubError
from statpub.inputs.base import InputSpec, RawTable, bad_input

if TYPE_CHECKING:
    import pyarrow as pa

    from statpub.tables.reader import Source


def read(spec: InputSpec) -> RawTable:
    import pyarrow as pa

    from statpub.tables.reader import NeedsSlowPath, SourceError, open_table
    from statpub.tables.spec import TableSpec, dialect_of

    table = TableSpec(
        name=spec.path.stem,
        label=spec.label,
        files=[spec.path],
        format=spec.format,
        encoding=spec.encoding,
        dialect=dialect_of(spec.dialect, spec.format),
        fields=[],
        primary_key=[],
        foreign_keys=[],
        unique_keys=[],
        schema_given=False,
    )
    for fast in (True, False):
        try:
            labels, chunks, numbers = _collect(spec, open_table(table, fast=fast))
            break
        except NeedsSlowPath:  # pyarrow cannot read it faithfully: the csv module reads it all
            continue
        except SourceError as exc:
            if exc.code == "encoding-error":
                raise StatpubError(
                    f"{spec.label}: not {spec.encoding} text; give the file's encoding "
                    "(encoding: in statpub.yml; statpub init --encoding), e.g. cp1251 or "
                    f"latin-1 ({exc.message})",
                    code="encoding-error",
                    path=spec.path,
                ) from exc
            if exc.row is not None:
                raise bad_input(spec, exc.code, exc.message, row=exc.row) from exc
            raise StatpubError(
                f"{spec.label}: {exc.message}", code=exc.code, path=spec.path
            ) from exc
    columns = pa.table(
        [pa.chunked_array(c, pa.string()) for c in chunks],
        names=[f"c{i}" for i in range(len(labels))],
    )
    rows = pa.chunked_array(numbers, pa.int64()).combine_chunks()
    return RawTable(labels=list(labels), columns=columns, row_numbers=rows)


def _collect(
    spec: InputSpec, source: Source
) -> tuple[list[str], list[list[pa.Array]], list[pa.Array]]:
    """Every batch of ``source``: its labels, each column's chunks, the row numbers."""
    import pyarrow as pa

    from statpub.tables import arrow
    from statpub.tables import compute as pc

    labels = source.labels or [f"field{i}" for i in range(1, source.width + 1)]
    chunks: list[list[pa.Array]] = [[] for _ in labels]
    numbers: list[pa.Array] = []
    for batch in source.batches:
        columns, rows = batch.columns, batch.rows()
        counts = None
        if batch.cell_counts is not None:
            counts = batch.cell_counts.to_numpy(zero_copy_only=False)
        wrong, code = None, "extra-cell"
        if batch.extra_cells:
            wrong = batch.extra_cells[0][0]
        elif counts is not None and ((counts != 0) & (counts != len(labels))).any():
            wrong = int(((counts != 0) & (counts != len(labels))).argmax())
            code = "extra-cell" if counts[wrong] > len(labels) else "missing-cell"
        if wrong is not None:
            raise bad_input(
                spec,
                code,
                f"the row does not have the {len(labels)} cells of the header row; fix "
                "the row (a delimiter or quote out of place?) or declare the file's dialect",
                row=rows[wrong].as_py(),
            )
        if counts is not None and (counts == 0).any():  # a blank line is no row of the table
            keep = arrow.array((counts != 0).tolist(), pa.bool_())
            columns = [pc.filter(c, keep) for c in columns]
            rows = pc.filter(rows, keep)
        for i, column in enumerate(columns):
            chunks[i].append(column)
        numbers.append(rows)
    return list(labels), chunks, numbers
