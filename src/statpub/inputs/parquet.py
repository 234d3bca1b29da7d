"""Parquet from any writer: pandas, polars (large strings), Arrow (dictionaries).

Columns arrive typed. Large strings and dictionaries are read as plain strings,
so a table reads alike whichever library wrote it; a pandas index kept as a
column (``__index_level_0__``) is dropped. A file that decodes to more than
statpub reads (:mod:`statpub.tables.parquetsize`) is refused before it is read.
"""

from __future__ import annotations

from statpub.errors import StatpubError
from statpub.inputs.base import InputSpec, RawTable, bad_input, row_numbers


def read(spec: InputSpec) -> RawTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from statpub.tables.parquetsize import decoded_size
    from statpub.tables.source import SourceError

    try:
        with pq.ParquetFile(spec.path) as pf:
            decoded_size(pf, spec.path)  # refused before it is read, over the limit
            table = pf.read()
    except SourceError as exc:
        raise bad_input(spec, exc.code, exc.message) from exc
    except (pa.ArrowException, OSError) as exc:
        raise StatpubError(
            f"{spec.label}: not a readable Parquet file ({type(exc).__name__})",
            code="source-error",
            path=spec.path,
        ) from exc
    keep = [n for n in table.column_names if not n.startswith("__index_level_")]
    columns = []
    for name in keep:
        column = table.column(name)
        t = column.type
        if pa.types.is_dictionary(t):
            column = column.cast(t.value_type)
            t = t.value_type
        if pa.types.is_large_string(t) or pa.types.is_string_view(t):
            column = column.cast(pa.string())
        columns.append(column)
    out = pa.table(columns, names=[f"c{i}" for i in range(len(keep))])
    numbers = row_numbers(2, out.num_rows)
    return RawTable(keep, out, numbers)
