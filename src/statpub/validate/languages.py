"""The package's ``languages`` and translations (see :mod:`statpub.package.languages`)."""

from __future__ import annotations

from typing import Any

from statpub.package import Package
from statpub.package.languages import check
from statpub.report import Issue


def check_languages(pkg: Package) -> list[Issue] | None:
    """None when the package neither declares languages nor translates anything."""
    schemas: dict[str, dict[str, Any]] = {}
    by_path: dict[str, dict[str, Any]] = {}
    for res in pkg.resources:
        if res.name is None or res.schema is None:
            continue
        # A schema file shared by several resources is checked once.
        key = res.schema_path or f"#{res.index}"
        schemas[res.name] = by_path.setdefault(key, res.schema)
    found = check(pkg.descriptor, schemas)
    if not found and "languages" not in pkg.descriptor:
        return None
    return [
        Issue(
            f.code,
            f.message,
            path=pkg.descriptor_label,
            resource=f.resource,
            field=f.field,
            severity=f.severity,
        )  # fmt: skip
        for f in found
    ]
