"""A table's rows as read from its input, typed by its Table Schema.

Every cell is read by the toolkit's lexical rules (:mod:`statpub.tables.lexical`
for text, :mod:`statpub.tables.typed` for Parquet columns), the same rules
``statpub validate`` applies; a cell that is not of its field's type, a code
not among the field's categories, or a required cell left empty is an issue
naming the input file, its row and the field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from statpub.errors import InvalidInput
from statpub.inputs import RawTable
from statpub.report import Issue

if TYPE_CHECKING:
    import pyarrow as pa

    from statpub.tables.spec import FieldSpec

MAX_ISSUES = 20  # per table: the first few say what is wrong


def typed_rows(raw: RawTable, schema: dict[str, Any], label: str) -> pa.Table:
    """``raw`` as an Arrow table of the schema's types, fields in schema order.

    ``raw``'s columns are taken from it as they are typed (a large table is not
    held twice).
    """
    import pyarrow as pa

    from statpub.tables.schema import arrow_schema
    from statpub.tables.spec import field_specs

    specs = field_specs(schema)
    if isinstance(specs, str):
        raise InvalidInput([Issue("schema-error", specs, path=label)], summary=f"{label}: {specs}")
    _check_labels(raw, [s.name for s in specs], label)
    target = arrow_schema(schema, embed=False)
    plain = pa.schema([pa.field(f.name, _plain(f.type)) for f in target])
    issues: list[Issue] = []
    columns = []
    for spec, field, out in zip(specs, schema["fields"], plain, strict=True):
        chunks = []
        offset = 0
        for chunk in raw.columns.column(spec.name).chunks:
            values, found = _read_chunk(chunk, spec, field)
            for at, code, reason in found:
                issues += _cell_issues(raw, chunk, at, offset, (spec.name, code, reason), label)
            chunks.append(values.cast(out.type))
            offset += len(chunk)
        columns.append(pa.chunked_array(chunks, out.type))
        # The text column is no longer needed: let its memory go before the next is typed.
        raw.columns = raw.columns.drop_columns([spec.name])
        if len(issues) >= MAX_ISSUES:
            break
    if issues:
        raise InvalidInput(
            issues[:MAX_ISSUES],
            summary=f"{label}: cells do not fit the Table Schema; fix the cells or the schema",
            code="input-invalid",
            path=label,
        )
    return pa.Table.from_arrays(columns, schema=plain)


def _read_chunk(
    chunk: pa.Array, spec: FieldSpec, field: dict[str, Any]
) -> tuple[pa.Array, list[tuple[pa.Array, str, str]]]:
    """A chunk's typed values, and its bad cells: (a mask, the issue type, why)."""
    import pyarrow as pa

    from statpub.tables import arrow
    from statpub.tables import compute as pc
    from statpub.tables.schema import category_values
    from statpub.tables.typed import parse_column

    parsed = parse_column(chunk, spec)
    found: list[tuple[pa.Array, str, str]] = []
    if pc.any(parsed.invalid).as_py():
        fmt = f" (format {spec.format})" if spec.format != "default" else ""
        found.append((parsed.invalid, "type-error", f"is not a valid {spec.type}{fmt}"))
    if parsed.big is not None and pc.any(pc.is_valid(parsed.big)).as_py():
        reason = "is beyond 64-bit integers; declare the field as number or string"
        found.append((pc.is_valid(parsed.big), "type-error", reason))
    codes = category_values(field) or (field.get("constraints") or {}).get("enum")
    if codes is not None:
        known = arrow.array([str(c) for c in codes], pa.string())
        text = pc.cast(parsed.values, pa.string())
        outside = pc.and_(pc.is_valid(text), pc.invert(pc.is_in(text, known)))
        if pc.any(outside).as_py():
            code = "category-error" if "categories" in field else "constraint-error"
            found.append((outside, code, "is not one of the field's codes"))
    if spec.required and pc.any(parsed.missing).as_py():
        reason = "is missing, and the field is required"
        found.append((parsed.missing, "constraint-error", reason))
    return parsed.values, found


def _plain(t: pa.DataType) -> pa.DataType:
    import pyarrow as pa

    return t.value_type if pa.types.is_dictionary(t) else t


def _check_labels(raw: RawTable, names: list[str], label: str) -> None:
    missing = [n for n in names if n not in raw.labels]
    extra = [n for n in raw.labels if n not in names]
    if missing or extra:
        issues = []
        fix = "rename the columns or edit the schema"
        if missing:
            shown = ", ".join(map(repr, missing))
            message = f"the schema's field(s) {shown} are not columns of the file; {fix}"
            issues.append(Issue("missing-label", message, path=label, row=1))
        if extra:
            shown = ", ".join(map(repr, extra))
            message = f"the column(s) {shown} are not fields of the schema; {fix}"
            issues.append(Issue("extra-label", message, path=label, row=1))
        raise InvalidInput(
            issues,
            summary=f"{label}: the header does not match the Table Schema",
            code="input-invalid",
            path=label,
        )


def _cell_issues(
    raw: RawTable,
    strings: pa.Array,
    bad: pa.Array,
    offset: int,
    what: tuple[str, str, str],
    label: str,
) -> list[Issue]:
    """One issue per bad cell (the first few): ``what`` is (field, issue type, why)."""
    import numpy as np

    from statpub.tables import arrow

    field, code, reason = what
    at = np.flatnonzero(arrow.flags(bad))[:MAX_ISSUES]
    out = []
    for i in at.tolist():
        cell = strings[i].as_py()
        if not isinstance(cell, str) and cell is not None:
            cell = str(cell)
        shown = repr(cell if cell is None or len(cell) <= 40 else cell[:37] + "...")
        out.append(
            Issue(
                code,
                f"{shown} {reason}",
                path=label,
                row=raw.row_numbers[offset + i].as_py(),
                field=field,
            )
        )
    return out
