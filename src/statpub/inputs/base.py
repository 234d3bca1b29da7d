"""The interface every table input implements, and the dispatch by format."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statpub.errors import InvalidInput, StatpubError
from statpub.report import Issue

if TYPE_CHECKING:
    import pyarrow as pa

# format -> module under statpub.inputs with a ``read(spec) -> RawTable``
READERS = {"csv": "csvfile", "tsv": "csvfile", "xlsx": "xlsx", "parquet": "parquet"}
FORMATS = tuple(READERS)
_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".txt": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}


@dataclass
class InputSpec:
    """Where one table's rows come from, as the project file declares it."""

    path: Path
    format: str
    label: str  # the path as the user wrote it, for messages
    encoding: str = "utf-8"
    dialect: dict[str, Any] = field(default_factory=dict)  # a Table Dialect (CSV only)
    sheet: str | None = None  # Excel: the sheet's name (default: the first sheet)


def row_numbers(first: int, n: int) -> pa.Array:
    """``first``, ``first + 1``, ... for ``n`` rows."""
    import numpy as np
    import pyarrow as pa

    numbers = np.arange(first, first + n, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), n, [None, pa.py_buffer(numbers)])


@dataclass
class RawTable:
    """A table as read: labels, columns (text or typed), each row's number in the file."""

    labels: list[str]
    columns: pa.Table
    row_numbers: pa.Array


def format_of(path: Path, declared: str | None = None) -> str:
    """The input format: as declared, else from the file name's extension."""
    fmt = declared or _SUFFIXES.get(path.suffix.lower())
    if fmt not in READERS:
        known = ", ".join(sorted(_SUFFIXES))
        raise StatpubError(
            f"{path.name}: cannot tell the format of this file; statpub reads {known} "
            f"(declare format: one of {', '.join(FORMATS)})",
            code="input-format",
            path=path,
        )
    return fmt


def bad_input(
    spec: InputSpec, code: str, message: str, *, row: int | None = None, field: str | None = None
) -> InvalidInput:
    """The input's data cannot make a table: one issue naming the file, row and field."""
    return InvalidInput(
        [Issue(code, message, path=spec.label, row=row, field=field)],
        summary=f"{spec.label}: not a table statpub can read; fix the file",
        code="input-invalid",
        path=spec.label,
    )


def read_input(spec: InputSpec) -> RawTable:
    """Read ``spec``'s file; StatpubError naming the file (and row) when it cannot be read."""
    if not spec.path.is_file():
        raise StatpubError(f"{spec.label}: file not found", code="file-not-found", path=spec.path)
    module = importlib.import_module(f"statpub.inputs.{READERS[spec.format]}")
    table: RawTable = module.read(spec)
    labels = table.labels
    seen: set[str] = set()
    for number, label in enumerate(labels, start=1):
        if not label:
            raise bad_input(
                spec,
                "blank-label",
                f"column {number} has no name in the header row; name it",
                row=1,
            )
        if label in seen:
            raise bad_input(
                spec, "duplicate-label", f"two columns are named {label!r}; rename one", row=1
            )
        seen.add(label)
    table.columns = table.columns.rename_columns(labels)
    return table
