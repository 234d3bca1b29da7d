"""Checks on the package descriptor: the official profiles, then statpub's rules beyond them.

The package, each resource, schema and dialect were checked against their
Data Package profile (:mod:`statpub.package.profiles`) when the package was
resolved: what that found is on the package and its resources. Then the rules of
:data:`RULES`: what the specs say in words and no profile can check, each a
MUST (an error) or a SHOULD (a warning). The files' sizes and hashes are
checked by :func:`statpub.package.check_files`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from statpub import semver
from statpub.package import Package, Resource
from statpub.package.model import TABULAR_FORMATS
from statpub.report import ERROR, WARNING, Issue

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_PATH_CODES = {"path-unsafe", "file-missing", "file-not-regular"}


def check_descriptor(pkg: Package) -> list[Issue]:
    issues: list[Issue] = list(pkg.issues)  # the profile's verdict on the package, among them
    for res in pkg.resources:
        issues.extend(res.problems)
    for code, severity, rule in RULES:
        for where, field, message in rule(pkg):
            issues.append(Issue(code, message, path=where.path, resource=where.resource,
                                field=field, severity=severity))  # fmt: skip
    return issues


# statpub's rules: (code, severity, rule). A rule yields (where, field, message).


class Where:
    """Where an issue points: the descriptor, maybe one of its resources."""

    def __init__(self, pkg: Package, res: Resource | None = None) -> None:
        self.path = pkg.descriptor_label
        self.resource = res.name if res is not None else None


Found = Iterator[tuple[Where, str | None, str]]


def version_semver(pkg: Package) -> Found:
    version = pkg.descriptor.get("version")
    if isinstance(version, str) and not semver.is_version(version):
        yield (
            Where(pkg),
            "version",
            f"version {version!r} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0); "
            "the Data Package spec recommends semver (a SHOULD) so consumers can tell "
            "breaking changes",
        )


def created_datetime(pkg: Package) -> Found:
    created = pkg.descriptor.get("created")
    if created is not None and not (isinstance(created, str) and RFC3339.match(created)):
        yield (
            Where(pkg),
            "created",
            f"created {created!r} is not an RFC 3339 date-time (e.g. 2025-06-01T00:00:00Z)",
        )


def names_unique(pkg: Package) -> Found:
    seen: set[str] = set()
    for res in pkg.resources:
        if res.name is None:
            continue
        if res.name in seen:
            yield (
                Where(pkg, res),
                None,
                f"resource name {res.name!r} is used twice; names must be unique in a package",
            )
        seen.add(res.name)


def table_has_schema(pkg: Package) -> Found:
    """A SHOULD of Tabular Data Resources: those that say they are tables (``type: table``,
    a v1 tabular profile), a CSV, TSV or Parquet file, or inline rows; not every file
    statpub can read as rows (NDJSON lines, a JSON array, a spreadsheet)."""
    for res in pkg.resources:
        if res.schema is not None or "schema" in res.descriptor or not res.readable:
            continue
        rows = res.inline and res.spec is not None
        if not (res.declares_table or res.format in TABULAR_FORMATS or rows):
            continue
        if res.spec is not None:
            done = (
                "only its structure (header, blank and duplicate labels, row lengths, blank "
                "rows) was checked; add a schema to check its values"
            )
        else:
            done = "add one"
        yield (
            Where(pkg, res),
            "schema",
            f"resource {res.name!r} is a table without a Table Schema (the spec says it "
            f"SHOULD have one): {done}",
        )


def inline_data(pkg: Package) -> Found:
    for res in pkg.resources:
        if not res.inline:
            continue
        data: Any = res.descriptor.get("data")
        if isinstance(data, str) and not (
            res.descriptor.get("format") or res.descriptor.get("mediatype")
        ):
            yield (
                Where(pkg, res),
                "data",
                "inline 'data' is a string, so 'format' or 'mediatype' must say what it is",
            )
        if res.declares_table and not (
            isinstance(data, list) and all(isinstance(row, (list, dict)) for row in data)
        ):
            yield (
                Where(pkg, res),
                "data",
                "the inline 'data' of a table must be an array of rows, each an array of "
                "cells (the first one the header) or an object of cells by field name",
            )


RULES: list[tuple[str, str, Callable[[Package], Found]]] = [
    ("version-not-semver", WARNING, version_semver),
    ("created-not-datetime", ERROR, created_datetime),
    ("resource-name-duplicate", ERROR, names_unique),
    ("schema-missing", WARNING, table_has_schema),
    ("inline-data-invalid", ERROR, inline_data),
]
