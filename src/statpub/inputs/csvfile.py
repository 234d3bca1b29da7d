"""CSV (and TSV) in any Table Dialect and text encoding, through the toolkit's one CSV reader."""

from __future__ import annotations

from statpub.errors import StatpubError
from statpub.inputs.base import InputSpec, RawTable


def read(spec: InputSpec) -> RawTable:
    import pyarrow as pa

    from statpub.tables.reader import SourceError, open_table
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
    try:
        source = open_table(table)
        labels = source.labels or [f"field{i}" for i in range(1, source.width + 1)]
        chunks: list[list[pa.Array]] = [[] for _ in labels]
        numbers: list[pa.Array] = []
        for batch in source.batches:
            if batch.cell_counts is not None or batch.extra_cells:
                rows = batch.rows()
                counts = batch.cell_counts
                at = 0
                if counts is not None:
                    at = int((counts.to_numpy(zero_copy_only=False) != len(labels)).argmax())
                elif batch.extra_cells:
                    at = batch.extra_cells[0][0]
                raise StatpubError(
                    f"{spec.label}: row {rows[at].as_py()} does not have the "
                    f"{len(labels)} cells of the header row; fix the row (a delimiter or "
                    "quote out of place?) or declare the file's dialect",
                    code="row-width",
                    path=spec.path,
                )
            for i, column in enumerate(batch.columns):
                chunks[i].append(column)
            numbers.append(batch.rows())
    except SourceError as exc:
        where = f"row {exc.row}: " if exc.row is not None else ""
        raise StatpubError(
            f"{spec.label}: {where}{exc.message}", code=exc.code, path=spec.path
        ) from exc
    columns = pa.table(
        [pa.chunked_array(c, pa.string()).combine_chunks() for c in chunks],
        names=[f"c{i}" for i in range(len(labels))],
    )
    rows = pa.chunked_array(numbers, pa.int64()).combine_chunks()
    return RawTable(labels=list(labels), columns=columns, row_numbers=rows)
