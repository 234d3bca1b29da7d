"""Table inputs: the files a project's tables are read from, each kind behind one interface.

:func:`read_input` takes an :class:`InputSpec` (path, format, encoding, dialect,
sheet) and returns a :class:`RawTable`: the column labels and an Arrow table
whose columns are text (CSV, Excel) or already typed (Parquet), with the row
number of each row as a user would count it in the file. Every kind is one
module with a ``read(spec) -> RawTable`` function, listed in ``READERS``:

- ``csv`` (and ``tsv``): any Table Dialect and text encoding, through the one
  CSV reader of the toolkit (:mod:`statpub.tables.reader`);
- ``xlsx``: one sheet of an Excel workbook, through python-calamine;
- ``parquet``: any writer's Parquet (pandas, polars, Arrow), large strings and
  dictionaries included.

Row numbers: CSV counts records with the header as row 1; Excel gives the
sheet's row; Parquet counts data rows from 2, the header being row 1, as a
CSV copy of the table would.
"""

from statpub.inputs.base import FORMATS, InputSpec, RawTable, format_of, read_input

__all__ = ["FORMATS", "InputSpec", "RawTable", "format_of", "read_input"]
