"""One sheet of an Excel ``.xlsx`` workbook, read with python-calamine.

Cells become text in the lexical forms of Table Schema, so that a sheet and a
CSV of the same table infer and read alike: whole numbers without a decimal
point (Excel stores every number as a float), dates and datetimes in ISO 8601,
booleans as ``true``/``false``, an empty cell as the empty string. The first
non-empty row of the sheet is the header; rows are numbered as in Excel.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from statpub.errors import StatpubError
from statpub.inputs.base import InputSpec, RawTable, bad_input, row_numbers


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        from statpub.tables.csvio import format_number

        return format_number(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def read(spec: InputSpec) -> RawTable:
    import pyarrow as pa
    from python_calamine import CalamineWorkbook

    from statpub.tables import arrow

    try:
        book = CalamineWorkbook.from_path(str(spec.path))
    except Exception as exc:  # calamine raises its own error types for a broken workbook
        raise StatpubError(
            f"{spec.label}: not a readable Excel workbook ({type(exc).__name__}); save it "
            "again as .xlsx or export the sheet as CSV",
            code="source-error",
            path=spec.path,
        ) from exc
    names = list(book.sheet_names)
    name = spec.sheet if spec.sheet is not None else (names[0] if names else None)
    if name not in names:
        raise StatpubError(
            f"{spec.label}: no sheet named {spec.sheet!r}; its sheets are "
            f"{', '.join(map(repr, names))} (choose one with sheet:, or FILE.xlsx#SHEET)",
            code="sheet-not-found",
            path=spec.path,
        )
    sheet = book.get_sheet_by_name(name)
    rows = sheet.to_python(skip_empty_area=False)
    first = sheet.start[0] if sheet.start else 0
    while rows and all(cell_text(v) == "" for v in rows[0]):
        rows.pop(0)
        first += 1
    if not rows:
        raise StatpubError(
            f"{spec.label}: sheet {name!r} is empty; it needs at least a header row",
            code="source-error",
            path=spec.path,
        )
    labels = [cell_text(v).strip() for v in rows[0]]
    while labels and labels[-1] == "":
        labels.pop()
    width = len(labels)
    body = rows[1:]
    while body and all(cell_text(v) == "" for v in body[-1]):
        body.pop()
    for offset, row in enumerate(body):
        if any(cell_text(v) != "" for v in row[width:]):
            raise bad_input(
                spec,
                "extra-cell",
                f"sheet {name!r}: the row has cells beyond the {width} named columns; name "
                "their column or clear them",
                row=first + 2 + offset,
            )
    columns = [
        arrow.array([cell_text(row[i]) if i < len(row) else "" for row in body], pa.string())
        for i in range(width)
    ]
    numbers = row_numbers(first + 2, len(body))
    return RawTable(labels, pa.table(columns, names=[f"c{i}" for i in range(width)]), numbers)
