"""Checks on the package descriptor: its properties, and what resolving its resources found.

The files' sizes and hashes are checked by :func:`statpub.package.check_files`.
"""

from __future__ import annotations

import re

from statpub import semver
from statpub.package import Package
from statpub.report import Issue

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def check_descriptor(pkg: Package) -> list[Issue]:
    d = pkg.descriptor
    where = pkg.descriptor_label
    issues: list[Issue] = list(pkg.issues)
    if not isinstance(d.get("resources"), list) or not d["resources"]:
        issues.append(
            Issue(
                "descriptor-error", "a Data Package needs a non-empty 'resources' list", path=where
            )
        )
    version = d.get("version")
    if version is not None and not semver.is_version(version):
        issues.append(
            Issue(
                "version-not-semver",
                f"version {version!r} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0); "
                "the Data Package spec recommends semver so consumers can tell breaking changes",
                path=where,
                field="version",
            )
        )
    created = d.get("created")
    if created is not None and not (isinstance(created, str) and RFC3339.match(created)):
        issues.append(
            Issue(
                "created-not-datetime",
                f"created {created!r} is not an RFC 3339 date-time (e.g. 2025-06-01T00:00:00Z)",
                path=where,
                field="created",
            )
        )
    seen: set[str] = set()
    for res in pkg.resources:
        issues.extend(res.problems)
        name = res.name
        if name is None:
            issues.append(Issue("descriptor-error", "every resource needs a 'name'", path=where))
            continue
        if name in seen:
            issues.append(
                Issue(
                    "resource-name-duplicate",
                    f"resource name {name!r} is used twice; names must be unique in a package",
                    path=where,
                    resource=name,
                )
            )
        seen.add(name)
    return issues


