"""``--compat v1``: what readers that know only Data Package v1 cannot read.

Data Package v2 is what statpub writes and checks by default. Many readers in
use still know only v1: frictionless-py 4, datapackage-py, tableschema-py, the
npm ``datapackage``, and frictionless-r 1.x. A v2 package can stay readable by
them (statpub's own packages do; see docs/data-model.md), and these rules say
where a package does not. They judge the descriptor and the Table Schemas only,
so they hold for any publisher's package.

Each rule is a row of ``RULES``: its ``type`` code, its severity (an error when
a v1 reader rejects the package or misreads a cell, a warning when it reads
everything but checks less than a v2 reader would) and what to do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from statpub.package import Package
from statpub.report import ERROR, WARNING, Issue

V1_TYPES = {
    "string", "number", "integer", "boolean", "object", "array", "date", "time", "datetime",
    "year", "yearmonth", "duration", "geopoint", "geojson", "any",
}  # fmt: skip
V1_CONSTRAINTS = {"required", "unique", "minLength", "maxLength", "minimum", "maximum", "pattern",
                  "enum"}  # fmt: skip
# Table Dialect properties that v2 added; v1 CSV Dialect readers ignore them.
V2_DIALECT = {"headerRows", "headerJoin", "commentRows", "itemType", "itemKeys", "sheetNumber",
              "sheetName", "table"}  # fmt: skip
# What a v1 Tabular Data Resource may hold: CSV (TSV through a dialect), or inline rows.
V1_TABULAR_FORMATS = {"csv", "tsv"}


@dataclass(frozen=True)
class Subject:
    """What a rule looks at: a resource, its schema (if any) and one field (if any)."""

    resource: dict[str, Any]
    schema: dict[str, Any] | None = None
    field: dict[str, Any] | None = None

    @property
    def name(self) -> str | None:
        name = self.resource.get("name")
        return name if isinstance(name, str) else None


@dataclass(frozen=True)
class Rule:
    type: str
    severity: str
    scope: str  # "resource", "schema" or "field"
    finds: Callable[[Subject], str | None]  # what is wrong, or None


def check_v1(
    descriptor: dict[str, Any], schemas: Mapping[str, dict[str, Any] | None]
) -> list[Issue]:
    """Issues for what v1 readers cannot read in ``descriptor``.

    ``schemas`` maps a resource name to its resolved Table Schema (None when it
    has none or it could not be read; the table checks report that).
    """
    issues = _package_issues(descriptor)
    for subject in _subjects(descriptor, schemas):
        for rule in RULES:
            if rule.scope != _scope(subject):
                continue
            problem = rule.finds(subject)
            if problem is None:
                continue
            field = subject.field.get("name") if subject.field else None
            issues.append(
                Issue(
                    rule.type,
                    problem,
                    path=_where(subject),
                    resource=subject.name,
                    field=field if isinstance(field, str) else None,
                    severity=rule.severity,
                )
            )
    return issues


def check_package(pkg: Package) -> list[Issue]:
    """:func:`check_v1` on a package read from disk, each schema as it was resolved."""
    schemas = {res.name: res.schema for res in pkg.resources if res.name is not None}
    return check_v1(pkg.descriptor, schemas)


def _subjects(
    descriptor: dict[str, Any], schemas: Mapping[str, dict[str, Any] | None]
) -> Iterator[Subject]:
    """Each resource; then its schema and the schema's fields, once per schema file."""
    resources = descriptor.get("resources")
    seen: set[str] = set()
    for res in resources if isinstance(resources, list) else []:
        if not isinstance(res, dict):
            continue
        yield Subject(res)
        name, ref = res.get("name"), res.get("schema")
        schema = schemas.get(name) if isinstance(name, str) else None
        if schema is None or (isinstance(ref, str) and ref in seen):
            continue
        if isinstance(ref, str):
            seen.add(ref)
        yield Subject(res, schema)
        for field in schema.get("fields") or []:
            if isinstance(field, dict):
                yield Subject(res, schema, field)


def _scope(s: Subject) -> str:
    if s.field is not None:
        return "field"
    return "schema" if s.schema is not None else "resource"


def _where(s: Subject) -> str | None:
    """The schema file for what a schema says, else the resource's file."""
    ref = s.resource.get("schema")
    if s.schema is not None and isinstance(ref, str):
        return ref
    return _path(s.resource)


def _path(res: dict[str, Any]) -> str | None:
    path = res.get("path")
    if isinstance(path, list) and path:
        path = path[0]
    return path if isinstance(path, str) else None


def _package_issues(descriptor: dict[str, Any]) -> list[Issue]:
    if descriptor.get("profile") != "tabular-data-package":
        return []
    resources = descriptor.get("resources")
    others = [
        str(r.get("name"))
        for r in (resources if isinstance(resources, list) else [])
        if isinstance(r, dict) and r.get("profile") != "tabular-data-resource"
    ]
    if not others:
        return []
    return [
        Issue(
            "v1-package-profile",
            f'profile "tabular-data-package" requires every resource to be a Tabular Data '
            f"Resource, and {', '.join(others)} are not: v1 validators reject the package; "
            'use "profile": "data-package" or remove it',
            field="profile",
        )
    ]


# -- the rules ---------------------------------------------------------------------


def _format(res: dict[str, Any]) -> str:
    fmt = res.get("format")
    if isinstance(fmt, str):
        return fmt.lower()
    path = _path(res) or ""
    return path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""


def _v1_tabular(res: dict[str, Any]) -> bool:
    """A table v1 readers can read as one: CSV or TSV on disk, or inline rows."""
    if isinstance(res.get("data"), list):
        return True
    return _format(res) in V1_TABULAR_FORMATS


def _is_table(res: dict[str, Any]) -> bool:
    return res.get("type") == "table" or "schema" in res


def _profile_missing(s: Subject) -> str | None:
    res = s.resource
    if not (_is_table(res) and _v1_tabular(res)) or res.get("profile") == "tabular-data-resource":
        return None
    said = f"profile {res['profile']!r}" if "profile" in res else "no profile"
    return (
        f"a table with {said}: v1 readers take it for a plain file and do not apply its "
        'schema (frictionless-r refuses to read it); add "profile": "tabular-data-resource" '
        'beside "type": "table"'
    )


def _profile_not_csv(s: Subject) -> str | None:
    res = s.resource
    if res.get("profile") != "tabular-data-resource" or _v1_tabular(res):
        return None
    return (
        f"profile tabular-data-resource on a {_format(res) or 'non-CSV'} file: a v1 Tabular "
        "Data Resource is CSV, so v1 readers try to parse it as CSV; give it "
        '"profile": "data-resource" and keep "type": "table" for v2 readers'
    )


def _dialect(s: Subject) -> str | None:
    dialect = s.resource.get("dialect")
    if not isinstance(dialect, dict):
        return None
    found = sorted(k for k in dialect if k in V2_DIALECT)
    if dialect.get("headerRows") in ([1], None):
        found = [k for k in found if k != "headerRows"]
    if not found:
        return None
    return (
        f"dialect {', '.join(found)} (Table Dialect v2): v1 readers ignore it and read the "
        "file as plain CSV; write the file so that it needs none of them"
    )


def _missing_values(holder: dict[str, Any], what: str) -> str | None:
    values = holder.get("missingValues")
    if not isinstance(values, list) or all(isinstance(v, str) for v in values):
        return None
    return (
        f"{what} missingValues holds {{value, label}} objects (v2): v1 readers reject the "
        "schema; write the values as strings and move the labels into the field "
        "descriptions"
    )


def _schema_missing_values(s: Subject) -> str | None:
    assert s.schema is not None
    return _missing_values(s.schema, "the schema's")


def _self_reference(s: Subject) -> str | None:
    assert s.schema is not None
    for fk in s.schema.get("foreignKeys") or []:
        ref = fk.get("reference") if isinstance(fk, dict) else None
        if isinstance(ref, dict) and "resource" not in ref:
            return (
                "a foreign key's reference has no resource (v2's reference to the same "
                'table): v1 requires one; write "resource": "" for the same table'
            )
    return None


def _unique_keys(s: Subject) -> str | None:
    assert s.schema is not None
    if not s.schema.get("uniqueKeys"):
        return None
    return (
        "uniqueKeys (v2): v1 readers do not check them; where a key is one field, add a "
        "unique constraint to it"
    )


def _fields_match(s: Subject) -> str | None:
    assert s.schema is not None
    match = s.schema.get("fieldsMatch", "exact")
    if match == "exact":
        return None
    return (
        f"fieldsMatch {match!r} (v2): v1 readers match fields to columns by position and "
        "reject a header that differs; publish the columns in the schema's order"
    )


def _field_type(s: Subject) -> str | None:
    assert s.field is not None
    ftype = s.field.get("type", "string")
    if ftype in V1_TYPES:
        return None
    return f"type {ftype!r} is not a v1 type: v1 readers reject the schema"


def _field_missing_values(s: Subject) -> str | None:
    assert s.field is not None
    if "missingValues" not in s.field:
        return None
    if s.schema is not None and s.field["missingValues"] == s.schema.get("missingValues", [""]):
        return None
    return (
        "a field's own missingValues (v2): v1 readers use the schema's list, so these cells "
        "are read as values and fail their type; use the schema's missingValues"
    )


def _integer_group_char(s: Subject) -> str | None:
    assert s.field is not None
    if s.field.get("type") != "integer" or "groupChar" not in s.field:
        return None
    return (
        "groupChar on an integer (v2): v1 readers do not strip it, so grouped numbers fail "
        "to read; write the integers without separators"
    )


def _categories_unchecked(s: Subject) -> str | None:
    assert s.field is not None
    cats = s.field.get("categories")
    if not isinstance(cats, list):
        return None
    constraints = s.field.get("constraints") or {}
    codes = [c.get("value") if isinstance(c, dict) else c for c in cats]
    enum = constraints.get("enum") if isinstance(constraints, dict) else None
    if enum is None:
        return (
            "categories (v2) without an enum: v1 readers, and frictionless-py 5, do not check "
            f'the codes; add "enum": {codes!r} to the constraints'
        )
    if isinstance(enum, list) and sorted(map(repr, enum)) != sorted(map(repr, codes)):
        return (
            f"constraints.enum {enum!r} and categories {codes!r} list different codes, so v1 "
            "and v2 readers accept different values; make them the same"
        )
    return None


def _constraints_unchecked(s: Subject) -> str | None:
    assert s.field is not None
    constraints = s.field.get("constraints")
    if not isinstance(constraints, dict):
        return None
    extra = sorted(k for k in constraints if k not in V1_CONSTRAINTS)
    if not extra:
        return None
    return f"constraint {', '.join(extra)} (v2): v1 readers do not check it"


RULES: tuple[Rule, ...] = (
    Rule("v1-profile-missing", ERROR, "resource", _profile_missing),
    Rule("v1-profile-not-csv", WARNING, "resource", _profile_not_csv),
    Rule("v1-dialect", ERROR, "resource", _dialect),
    Rule("v1-missing-values", ERROR, "schema", _schema_missing_values),
    Rule("v1-foreign-key-self", ERROR, "schema", _self_reference),
    Rule("v1-fields-match", ERROR, "schema", _fields_match),
    Rule("v1-unique-keys", WARNING, "schema", _unique_keys),
    Rule("v1-field-type", ERROR, "field", _field_type),
    Rule("v1-field-missing-values", ERROR, "field", _field_missing_values),
    Rule("v1-group-char", ERROR, "field", _integer_group_char),
    Rule("v1-categories", WARNING, "field", _categories_unchecked),
    Rule("v1-constraints", WARNING, "field", _constraints_unchecked),
)
