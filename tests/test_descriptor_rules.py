"""Descriptor rules and header matching, each pinned by a package that breaks or keeps it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from statpub.validate import Options, validate

FIELDS = [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]


def write(tmp: Path, header: str, schema: dict[str, Any], **props: Any) -> Path:
    """A one-table package; its data row gives each column a value of its header's type."""
    values = {"id": "1", "ident": "1", "name": "a"}
    row = ",".join(values.get(h, "x") for h in header.split(","))
    (tmp / "t.csv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    resource = {"name": "t", "type": "table", "path": "t.csv", "schema": schema}
    descriptor = {"name": "p", "resources": [resource], **props}
    (tmp / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return tmp


def found(path: Path, **options: Any) -> set[tuple[str, str | None]]:
    report = validate(path, options=Options(**options))
    return {(i.type, i.field) for i in report.errors}


def test_duplicate_resource_names(tmp_path: Path) -> None:
    pkg = write(tmp_path, "id,name", {"fields": FIELDS})
    d = json.loads((pkg / "datapackage.json").read_text())
    d["resources"].append(dict(d["resources"][0]))
    (pkg / "datapackage.json").write_text(json.dumps(d))
    assert ("resource-name-duplicate", None) in found(pkg)


@pytest.mark.parametrize(
    ("created", "ok"),
    [
        ("2025-06-01T00:00:00Z", True),
        ("2025-06-01T12:30:00.5+05:00", True),
        ("2025-06-01", False),
        ("2025-06-01 00:00:00Z", False),
        (20250601, False),
    ],
)
def test_created_is_an_rfc3339_datetime(tmp_path: Path, created: Any, ok: bool) -> None:
    pkg = write(tmp_path, "id,name", {"fields": FIELDS}, created=created)
    assert (("created-not-datetime", "created") not in found(pkg)) is ok


def test_a_version_going_backwards_is_refused(tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    old = write(tmp_path / "old", "id,name", {"fields": FIELDS}, version="1.2.0")
    new = write(tmp_path / "new", "id,name", {"fields": FIELDS}, version="1.1.9")
    report = validate(new, options=Options(previous=str(old)))
    bumped = [i for i in report.errors if i.type == "version-not-bumped"]
    assert len(bumped) == 1 and "older than the previous release 1.2.0" in bumped[0].message


# fieldsMatch: what each mode says of a header (Table Schema v2, "fieldsMatch").
HEADERS = {
    "same": "id,name",
    "reordered": "name,id",
    "fewer": "id",
    "more": "id,name,extra",
    "renamed": "ident,name",
}
EXPECTED: dict[str, dict[str, set[str]]] = {
    # by position: names must agree where they stand
    "exact": {
        "same": set(),
        "reordered": {"incorrect-label", "type-error"},
        "fewer": {"missing-label"},
        "more": {"extra-label"},
        "renamed": {"incorrect-label"},
    },
    # by name, the same set of fields
    "equal": {
        "same": set(),
        "reordered": set(),
        "fewer": {"missing-label"},
        "more": {"extra-label"},
        "renamed": {"extra-label", "missing-label"},
    },
    # every field present; extra columns allowed
    "subset": {
        "same": set(),
        "reordered": set(),
        "fewer": {"missing-label"},
        "more": set(),
        "renamed": {"missing-label"},
    },
    # every column a field; fields may be absent
    "superset": {
        "same": set(),
        "reordered": set(),
        "fewer": set(),
        "more": {"extra-label"},
        "renamed": {"extra-label"},
    },
    # at least one column matches a field
    "partial": {
        "same": set(),
        "reordered": set(),
        "fewer": set(),
        "more": set(),
        "renamed": set(),
    },
}


@pytest.mark.parametrize("mode", sorted(EXPECTED))
@pytest.mark.parametrize("header", sorted(HEADERS))
def test_fields_match(tmp_path: Path, mode: str, header: str) -> None:
    schema = {"fields": FIELDS, "fieldsMatch": mode}
    pkg = write(tmp_path, HEADERS[header], schema)
    got = {t for t, _ in found(pkg)} - {"missing-cell", "extra-cell"}
    assert got == EXPECTED[mode][header]


def test_partial_needs_one_matching_column(tmp_path: Path) -> None:
    pkg = write(tmp_path, "x,y", {"fields": FIELDS, "fieldsMatch": "partial"})
    assert {t for t, _ in found(pkg)} == {"unmatched-header"}
