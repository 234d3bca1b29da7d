"""Read a built Data Package for the dataset page: descriptor, schemas, rows and files.

The page shows only what the package holds, so everything here comes from the
package folder; nothing is taken from the figure files.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from statpub.errors import InvalidInput, StatpubError
from statpub.report import Issue


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
class PackageContents:
    folder: Path
    descriptor: dict[str, Any]
    schemas: dict[str, dict[str, Any]]  # resource name (CSV resource) -> Table Schema
    observations: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    files: list[FileInfo]  # resources first, in descriptor order
    changelog: str | None


def read_package(folder: Path) -> PackageContents:
    """Read ``folder`` (a built package); raise InvalidInput if its files do not match."""
    descriptor_path = folder / "datapackage.json"
    if not descriptor_path.is_file():
        raise StatpubError(
            f"{descriptor_path}: not found; build the package first (statpub build) "
            "or pass its folder with --package",
            code="file-not-found",
        )
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StatpubError(
            f"{descriptor_path}: cannot read: {exc}", code="descriptor-json"
        ) from exc
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise StatpubError(
            f"{descriptor_path}: not a Data Package descriptor (no 'resources' list)",
            code="descriptor-error",
        )
    files, issues = _resource_files(folder, descriptor)
    if issues:
        raise InvalidInput(
            issues, summary=f"{folder}: the package's files do not match its descriptor"
        )
    files.append(_file_info(folder, "datapackage.json", "Package descriptor", "json"))
    for name, title in (("README.md", "Data card"), ("CHANGELOG.md", "Changelog")):
        if (folder / name).is_file():
            files.append(_file_info(folder, name, title, "markdown"))
    schemas = _schemas(folder, descriptor)
    for needed in ("observations", "indicators"):
        if needed not in schemas:
            raise StatpubError(
                f"{descriptor_path}: no CSV resource named {needed!r}; the page needs the "
                "observations and indicators tables",
                code="resource-missing",
            )
    changelog_path = folder / "CHANGELOG.md"
    return PackageContents(
        folder=folder,
        descriptor=descriptor,
        schemas=schemas,
        observations=_rows(folder, descriptor, "observations", schemas["observations"]),
        indicators=_rows(folder, descriptor, "indicators", schemas["indicators"]),
        files=files,
        changelog=changelog_path.read_text(encoding="utf-8") if changelog_path.is_file() else None,
    )


def safe_relative(path: str) -> bool:
    """A path that stays inside the package: relative, no ``..``, no URL."""
    p = PurePosixPath(path)
    return bool(path) and "://" not in path and not p.is_absolute() and ".." not in p.parts


def _resource_files(folder: Path, descriptor: dict[str, Any]) -> tuple[list[FileInfo], list[Issue]]:
    files: list[FileInfo] = []
    issues: list[Issue] = []
    for res in descriptor["resources"]:
        rel = res.get("path")
        name = res.get("name")
        if not isinstance(rel, str) or not safe_relative(rel):
            issues.append(
                Issue(
                    "path-unsafe",
                    f"resource path {rel!r} is not a relative path inside the package; "
                    "the page copies only files inside it",
                    path="datapackage.json",
                    resource=name,
                    field="path",
                )
            )
            continue
        if not (folder / rel).is_file():
            issues.append(
                Issue(
                    "file-missing",
                    f"{rel} is listed in datapackage.json but missing; "
                    "rebuild the package (statpub build)",
                    path=rel,
                    resource=name,
                )
            )
            continue
        info = _file_info(folder, rel, str(res.get("title") or name), str(res.get("format", "")))
        declared = str(res.get("hash", ""))
        if declared and declared.removeprefix("sha256:") != info.sha256:
            issues.append(
                Issue(
                    "hash-mismatch",
                    f"{rel} has sha256 {info.sha256}, datapackage.json says {declared}; the file "
                    "changed after the build: rebuild the package (statpub build)",
                    path=rel,
                    resource=name,
                    field="hash",
                )
            )
            continue
        files.append(info)
    return files, issues


def _file_info(folder: Path, rel: str, title: str, fmt: str) -> FileInfo:
    data = (folder / rel).read_bytes()
    return FileInfo(rel, title, fmt, len(data), hashlib.sha256(data).hexdigest())


def _schemas(folder: Path, descriptor: dict[str, Any]) -> dict[str, dict[str, Any]]:
    from statpub.tables.schema import load_schema

    out: dict[str, dict[str, Any]] = {}
    for res in descriptor["resources"]:
        if res.get("format") != "csv":
            continue
        schema = res.get("schema")
        if isinstance(schema, str) and safe_relative(schema):
            out[res["name"]] = load_schema(folder / schema)
        elif isinstance(schema, dict):
            out[res["name"]] = schema
    return out


def _rows(
    folder: Path, descriptor: dict[str, Any], name: str, schema: dict[str, Any]
) -> list[dict[str, Any]]:
    from statpub.tables.csvio import read_csv

    res = next(r for r in descriptor["resources"] if r.get("name") == name)
    path = folder / res["path"]
    try:
        table = read_csv(path, schema)
    except Exception as exc:  # pyarrow raises several types for unreadable CSV
        raise StatpubError(
            f"{res['path']}: cannot read with its Table Schema ({exc}); "
            "run statpub validate on the package",
            code="table-unreadable",
        ) from exc
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows
