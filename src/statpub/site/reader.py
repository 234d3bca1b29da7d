"""What the dataset page shows, read from a built Data Package: rows, schemas and files.

The page shows only what the package holds, so everything here comes from the
package (read and proven by :mod:`statpub.package`); nothing is taken from the
figure files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


# A package holding these tables is shown with the figure model's richer page
# (one mark per figure, bounds drawn as bounds); any other package gets the
# table page (dictionary, preview and a time chart per table).
FIGURE_TABLES = ("observations", "indicators")


@dataclass
class PageData:
    package: Package
    schemas: dict[str, dict[str, Any]]  # resource name (CSV resource) -> Table Schema
    observations: list[dict[str, Any]]  # empty unless ``figures``
    indicators: list[dict[str, Any]]
    files: list[FileInfo]  # resources first, in descriptor order
    copied: list[str]  # every file the page folder holds a copy of
    changelog: str | None
    # (indicator_id, ref_area, time_period) -> the other sources that report that figure
    corroborations: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def descriptor(self) -> dict[str, Any]:
        return self.package.descriptor

    @property
    def figures(self) -> bool:
        """Whether the package follows statpub's figure model (observations and indicators)."""
        return all(name in self.schemas for name in FIGURE_TABLES)


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
    figures = all(name in schemas for name in FIGURE_TABLES)
    changelog = pkg.file(CHANGELOG)
    return PageData(
        package=pkg,
        schemas=schemas,
        observations=_rows(pkg, "observations") if figures else [],
        indicators=_rows(pkg, "indicators") if figures else [],
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
