"""What the dataset page shows, read from a built Data Package: rows, schemas and files.

The page shows only what the package holds, so everything here comes from the
package (read and proven by :mod:`statpub.package`); nothing is taken from the
figure files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statpub.errors import StatpubError
from statpub.package import Package, read_table
from statpub.package.model import CHANGELOG


@dataclass(frozen=True)
class FileInfo:
    """One downloadable file: where it is in the package, its size and sha256."""

    path: str  # relative to the package folder, POSIX separators
    title: str
    format: str
    bytes: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "title": self.title,
            "format": self.format,
            "bytes": self.bytes,
            "sha256": self.sha256,
        }


@dataclass
class PageData:
    package: Package
    schemas: dict[str, dict[str, Any]]  # resource name (CSV resource) -> Table Schema
    observations: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    files: list[FileInfo]  # resources first, in descriptor order
    copied: list[str]  # every file the page folder holds a copy of
    changelog: str | None
    # (indicator_id, ref_area, time_period) -> the other sources that report that figure
    corroborations: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def descriptor(self) -> dict[str, Any]:
        return self.package.descriptor


_TITLES = {"descriptor": "Package descriptor", "datacard": "Data card", "changelog": "Changelog"}


def page_data(folder: Path) -> PageData:
    """What the page for the package in ``folder`` shows; raise InvalidInput if its files
    do not match the descriptor."""
    from statpub.publish.local import publishable

    pkg = publishable(folder, "no page written")
    files = [
        FileInfo(
            f.path,
            str(f.resource.descriptor.get("title") or f.resource.name),
            str(f.resource.descriptor.get("format", "")),
            f.bytes,
            f.sha256,
        )
        for f in pkg.data_files()
        if f.resource is not None
    ]
    for role, fmt in (("descriptor", "json"), ("datacard", "markdown"), ("changelog", "markdown")):
        files += [
            FileInfo(f.path, _TITLES[role], fmt, f.bytes, f.sha256)
            for f in pkg.files()
            if f.role == role
        ]
    schemas = {
        str(res.name): res.schema
        for res in pkg.resources
        if res.format == "csv" and res.schema is not None
    }
    for needed in ("observations", "indicators"):
        if needed not in schemas:
            raise StatpubError(
                f"{pkg.descriptor_label}: no CSV resource named {needed!r}; the page needs the "
                "observations and indicators tables",
                code="resource-missing",
            )
    changelog = pkg.file(CHANGELOG)
    return PageData(
        package=pkg,
        schemas=schemas,
        observations=_rows(pkg, "observations"),
        indicators=_rows(pkg, "indicators"),
        files=files,
        copied=[f.path for f in pkg.files()],
        changelog=(pkg.root / changelog.path).read_text(encoding="utf-8") if changelog else None,
        corroborations=_corroborations(pkg),
    )


def _corroborations(pkg: Package) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """The corroborations table, by figure; empty when the package has none."""
    if not any(r.name == "corroborations" and r.format == "csv" for r in pkg.resources):
        return {}
    out: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in _rows(pkg, "corroborations"):
        key = (str(row["indicator_id"]), str(row["ref_area"]), str(row["time_period"]))
        out.setdefault(key, []).append(row)
    return out


def _rows(pkg: Package, name: str) -> list[dict[str, Any]]:
    res = next(r for r in pkg.resources if r.name == name and r.format == "csv")
    rows: list[dict[str, Any]] = read_table(res).to_pylist()
    return rows
