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

MAX_ISSUES = 20  # per table: the first few say what is wrong


def typed_rows(raw: RawTable, schema: dict[str, Any], label: str) -> pa.Table:
    """``raw`` as an Arrow table of the schema's types, fields in schema order."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from statpub.tables.schema import arrow_schema, category_values
    from statpub.tables.spec import field_specs
    from statpub.tables.typed import parse_column

    specs = field_specs(schema)
    if isinstance(specs, str):
        raise InvalidInput([Issue("schema-error", specs, path=label)], summary=f"{label}: {specs}")
    _check_labels(raw, [s.name for s in specs], label)
    issues: list[Issue] = []
    columns = []
    for spec, field in zip(specs, schema["fields"], strict=True):
        parsed = parse_column(raw.columns.column(spec.name).combine_chunks(), spec)
        bad = parsed.invalid
        reason = f"is not a valid {spec.type}" + (
            f" (format {spec.format})" if spec.format != "default" else ""
        )
        codes = category_values(field) or (field.get("constraints") or {}).get("enum")
        if codes is not None and not pc.any(bad).as_py():
            known = pa.array([str(c) for c in codes], pa.string())
            text = pc.cast(parsed.values, pa.string())
            bad = pc.and_(
                pc.invert(parsed.missing), pc.invert(pc.fill_null(pc.is_in(text, known), True))
            )
            reason = "is not one of the field's categories"
        if spec.required and not pc.any(bad).as_py():
            bad = parsed.missing
            reason = "is missing, and the field is required"
        issues += _cell_issues(raw, parsed.strings, bad, spec.name, label, reason)
        values = parsed.values
        if parsed.big is not None and pc.any(pc.is_valid(parsed.big)).as_py():
            issues += _cell_issues(
                raw, parsed.strings, pc.is_valid(parsed.big), spec.name, label,
                "is beyond 64-bit integers; declare the field as number or string",
            )  # fmt: skip
        columns.append(values)
    if issues:
        raise InvalidInput(
            issues[:MAX_ISSUES] if len(issues) > MAX_ISSUES else issues,
            summary=f"{label}: cells do not fit the Table Schema; fix the cells or the schema",
            code="input-invalid",
            path=label,
        )
    target = arrow_schema(schema, embed=False)
    plain = pa.schema([pa.field(f.name, _plain(f.type)) for f in target])
    return pa.Table.from_arrays(
        [c.cast(t.type) for c, t in zip(columns, plain, strict=True)], schema=plain
    )


def _plain(t: pa.DataType) -> pa.DataType:
    import pyarrow as pa

    return t.value_type if pa.types.is_dictionary(t) else t


def _check_labels(raw: RawTable, names: list[str], label: str) -> None:
    missing = [n for n in names if n not in raw.labels]
    extra = [n for n in raw.labels if n not in names]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"the schema's field(s) {', '.join(map(repr, missing))} are not columns")
        if extra:
            parts.append(f"the column(s) {', '.join(map(repr, extra))} are not in the schema")
        message = "; ".join(parts) + ": rename the columns or edit the schema"
        raise InvalidInput(
            [Issue("field-mismatch", message, path=label, row=1)],
            summary=f"{label}: the header does not match the Table Schema",
            code="input-invalid",
            path=label,
        )


def _cell_issues(
    raw: RawTable, strings: pa.Array, bad: pa.Array, field: str, label: str, reason: str
) -> list[Issue]:
    import numpy as np

    from statpub.tables import arrow

    at = np.flatnonzero(arrow.flags(bad))[:MAX_ISSUES]
    out = []
    for i in at.tolist():
        cell = strings[i].as_py()
        shown = repr(cell if cell is None or len(cell) <= 40 else cell[:37] + "...")
        out.append(
            Issue(
                "cell-type" if "valid" in reason else "cell-constraint",
                f"{shown} {reason}",
                path=label,
                row=raw.row_numbers[i].as_py(),
                field=field,
            )
        )
    return out
