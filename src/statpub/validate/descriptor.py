"""Checks on the package descriptor: the official profiles, then statpub's rules beyond them.

The package and each resource are checked against their Data Package profile
(:mod:`statpub.package.profiles`; each schema and dialect was checked when the
package was resolved, and what it found is on the resource). Then the rules of
:data:`RULES`: what the specs say in words and no profile can check, each a
MUST (an error) or a SHOULD (a warning). The files' sizes and hashes are
checked by :func:`statpub.package.check_files`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from statpub import semver
from statpub.package import Package, Resource, profiles
from statpub.report import ERROR, WARNING, Issue

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_PATH_CODES = {"path-unsafe", "file-missing", "file-not-regular"}


def check_descriptor(pkg: Package) -> list[Issue]:
    issues: list[Issue] = list(pkg.issues)
    issues += _profile_issues(pkg)
    for res in pkg.resources:
        issues.extend(res.problems)
    for code, severity, rule in RULES:
        for where, field, message in rule(pkg):
            issues.append(Issue(code, message, path=where.path, resource=where.resource,
                                field=field, severity=severity))  # fmt: skip
    return issues


def _profile_issues(pkg: Package) -> list[Issue]:
    label = pkg.descriptor_label
    if pkg.descriptor_path is None:
        return []  # a table named on the command line: statpub wrote its descriptor
    choice = profiles.choose(pkg.descriptor, "package")
    out = [_profile_note(label, None, choice.note)] if choice.note else []
    out += [
        Issue("descriptor-error", f"{p.path}: {p.message}" if p.path else p.message, path=label)
        for p in profiles.check(pkg.descriptor, "package", choice.version)
    ]
    entries = pkg.descriptor.get("resources")
    for res in pkg.resources:
        entry = entries[res.index] if isinstance(entries, list) else None
        if not isinstance(entry, dict):
            continue  # resolving said so
        where = f"resources[{res.index}]"
        res_choice = profiles.choose(entry, "resource", choice.version)
        if res_choice.note:
            out.append(_profile_note(label, res.name, res_choice.note))
        has_path_problem = any(p.type in _PATH_CODES for p in res.problems)
        for p in profiles.check(entry, "resource", res_choice.version, where):
            if has_path_problem and p.path.startswith(f"{where}.path"):
                continue  # the path policy already said what is wrong with it
            out.append(
                Issue("descriptor-error", f"{p.path}: {p.message}", path=label, resource=res.name)
            )
    return out


def _profile_note(label: str, resource: str | None, note: str) -> Issue:
    return Issue("profile-not-checked", note, path=label, resource=resource, severity=WARNING)


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
    for res in pkg.resources:
        if res.schema is not None or "schema" in res.descriptor or not res.readable:
            continue
        if res.spec is not None:
            done = (
                "only its structure (header, blank and duplicate labels, row lengths, blank "
                "rows) was checked; add a schema to check its values"
            )
        elif res.declares_table:
            done = "add one"
        else:
            continue
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
