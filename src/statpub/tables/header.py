"""Header (label) checks, and which schema field each data column is read as."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from statpub.report import Issue
from statpub.tables.spec import FieldSpec, TableSpec

_BY_NAME = ("equal", "subset", "superset", "partial")


@dataclass
class Layout:
    columns: list[FieldSpec]  # the field each data column is read as (``any`` when none)
    issues: list[Issue]


def _q(label: str, limit: int = 60) -> str:
    """A label for a message, quoted and cut short: a header cell can be megabytes."""
    text = repr(label)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _any(name: str) -> FieldSpec:
    return FieldSpec(name=name, type="any", missing_values=[""])


def layout(spec: TableSpec, labels: list[str] | None, width: int) -> Layout:
    """Match the labels to the fields as ``fieldsMatch`` says (default: by position)."""
    if labels is None:
        return Layout(columns=list(spec.fields), issues=[])
    issues: list[Issue] = []

    def label_issue(code: str, message: str, field: str | None) -> None:
        issues.append(Issue(code, message, spec.label, spec.name, 1, field))

    if not spec.schema_given:
        return _labels_only(labels, label_issue, issues)
    if spec.fields_match in _BY_NAME:
        return _by_name(spec, labels, label_issue, issues)
    fields = spec.fields
    columns: list[FieldSpec] = []
    for number, label in enumerate(labels, start=1):
        columns.append(
            fields[number - 1] if number <= len(fields) else _any(label or f"field{number}")
        )
    for number in range(len(fields) + 1, len(labels) + 1):
        label_issue(
            "extra-label",
            f"column {number} ({_q(labels[number - 1])}) is not in the schema; "
            "add a field for it or remove the column",
            None,
        )
    for number in range(len(labels) + 1, len(fields) + 1):
        name = fields[number - 1].name
        label_issue(
            "missing-label",
            f"the schema's field {number} ({name!r}) has no column in the file; add the column",
            name,
        )
    seen: dict[str, list[int]] = {}  # label -> the columns it heads, so far
    for number, (f, label) in enumerate(zip(fields, labels, strict=False), start=1):
        if not label:
            label_issue(
                "blank-label", f"column {number} has an empty header; name it {f.name!r}", f.name
            )
            continue
        earlier = seen.setdefault(label, [])
        if earlier:
            shown = ", ".join(map(str, earlier[:5])) + (", ..." if len(earlier) > 5 else "")
            earlier.append(number)
            label_issue(
                "duplicate-label",
                f"column {number} header {_q(label)} repeats column {shown}; "
                f"the schema calls this column {f.name!r}",
                f.name,
            )
            continue
        earlier.append(number)
        if label != f.name:
            label_issue(
                "incorrect-label",
                f"column {number} is headed {_q(label)} but the schema's field {number} is "
                f"{f.name!r}; rename the column or reorder the schema's fields",
                f.name,
            )
    return Layout(columns=columns, issues=issues)


def _labels_only(
    labels: list[str], label_issue: Callable[[str, str, str | None], None], issues: list[Issue]
) -> Layout:
    """No schema: each column is a field of type ``any`` named by its label.

    Blank and repeated labels are still errors, as frictionless-py says.
    """
    columns: list[FieldSpec] = []
    seen: dict[str, int] = {}
    for number, label in enumerate(labels, start=1):
        # Named as frictionless-py names them: field3 for a blank label, id2 for a repeat.
        name = label or f"field{number}"
        if not label:
            label_issue("blank-label", f"column {number} has an empty header; name it", name)
        elif label in seen:
            name = f"{label}{number}"
            label_issue(
                "duplicate-label",
                f"column {number} header {label!r} repeats column {seen[label]}; rename one",
                name,
            )
        seen.setdefault(label, number)
        columns.append(_any(name))
    return Layout(columns=columns, issues=issues)


def _by_name(
    spec: TableSpec,
    labels: list[str],
    label_issue: Callable[[str, str, str | None], None],
    issues: list[Issue],
) -> Layout:
    by_name = {f.name: f for f in spec.fields}
    columns = [by_name.get(label, _any(label)) for label in labels]
    mode = spec.fields_match
    if mode in ("equal", "superset"):
        for number, label in enumerate(labels, start=1):
            if label not in by_name:
                label_issue(
                    "extra-label",
                    f"column {number} ({_q(label)}) is not in the schema; add a field or drop it",
                    None,
                )
    present = set(labels)
    for f in spec.fields:
        if f.name in present:
            continue
        needed = mode in ("equal", "subset") or f.required or f.name in spec.primary_key
        if needed:
            label_issue(
                "missing-label", f"field {f.name!r} has no column in the file; add it", f.name
            )
    if mode == "partial" and not present & set(by_name):
        label_issue("unmatched-header", "no column of the file matches a field of the schema", None)
    return Layout(columns=columns, issues=issues)
