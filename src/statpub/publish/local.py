"""The built package as the publishers see it: its descriptor and the files it lists."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from statpub.errors import InvalidInput, StatpubError

DESCRIPTOR = "datapackage.json"
DATACARD = "README.md"
CHANGELOG = "CHANGELOG.md"


@dataclass(frozen=True)
class LocalFile:
    """One file of the package; ``path`` is relative to the package folder, with ``/``."""

    path: str
    bytes: int
    sha256: str
    resource: dict[str, Any] | None = None  # the descriptor entry, for data files

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "bytes": self.bytes, "sha256": self.sha256}
        if self.resource is not None:
            out["resource"] = self.resource.get("name")
        return out


@dataclass
class LocalPackage:
    root: Path
    descriptor: dict[str, Any]
    data: list[LocalFile]  # one per resource, in descriptor order
    schemas: dict[str, dict[str, Any]]  # schema path -> Table Schema
    extra: list[LocalFile]  # descriptor, data card, changelog, schema files: what exists

    @property
    def name(self) -> str:
        return str(self.descriptor.get("name") or self.root.name)

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version") or "")

    def file(self, path: str) -> LocalFile | None:
        return next((f for f in (*self.data, *self.extra) if f.path == path), None)

    def schema_of(self, resource: dict[str, Any]) -> dict[str, Any] | None:
        schema = resource.get("schema")
        if isinstance(schema, dict):
            return schema
        return self.schemas.get(schema) if isinstance(schema, str) else None

    def all_files(self) -> list[LocalFile]:
        """Every file a copy of the package needs, sorted by path."""
        return sorted({f.path: f for f in (*self.data, *self.extra)}.values(), key=lambda f: f.path)


def read_package(package_dir: Path) -> LocalPackage:
    """Read ``package_dir`` and check every listed file against its declared hash and size.

    Raises InvalidInput when a file is missing, outside the folder or changed
    since the descriptor was written; StatpubError when there is no readable
    descriptor.
    """
    from statpub.report import ERROR
    from statpub.validate.descriptor import check_files, file_digest
    from statpub.validate.target import resolve

    if not (package_dir / DESCRIPTOR).is_file():
        raise StatpubError(
            f"{package_dir}: no {DESCRIPTOR} here; build the package first (statpub build)",
            code="file-not-found",
        )
    target = resolve(package_dir)
    descriptor = target.descriptor
    errors = [i for i in check_files(target) if i.severity == ERROR]
    if errors:
        raise InvalidInput(
            errors, summary=f"{package_dir}: the files do not match the descriptor; nothing sent"
        )

    def local(rel: str, resource: dict[str, Any] | None = None) -> LocalFile:
        digest, size = file_digest([package_dir / rel])
        return LocalFile(rel, size, digest, resource)

    data: list[LocalFile] = []
    schemas: dict[str, dict[str, Any]] = {}
    schema_files: list[LocalFile] = []
    for res in target.resources:
        path = res.get("path")
        if not isinstance(path, str) or "://" in path:
            raise StatpubError(
                f"{package_dir}/{DESCRIPTOR}: resource {res.get('name')!r} is not one local "
                "file; the publishers only handle single-file local resources",
                code="unsupported-resource",
            )
        data.append(local(path, res))
        schema = res.get("schema")
        if isinstance(schema, str) and schema not in schemas:
            _check_inside(package_dir, schema, res.get("name"))
            schemas[schema] = _read_json(package_dir / schema, schema)
            schema_files.append(local(schema))
    extra = [local(DESCRIPTOR)]
    extra += [local(rel) for rel in (DATACARD, CHANGELOG) if (package_dir / rel).is_file()]
    return LocalPackage(package_dir, descriptor, data, schemas, extra + schema_files)


def _check_inside(root: Path, rel: str, resource: Any) -> None:
    p = PurePosixPath(rel)
    if p.is_absolute() or ".." in p.parts or "://" in rel or not (root / rel).is_file():
        raise StatpubError(
            f"{root}/{DESCRIPTOR}: resource {resource!r} names the schema {rel!r}, which is not "
            "a file inside the package; rebuild the package",
            code="file-not-found",
        )


def _read_json(path: Path, label: str) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StatpubError(f"{label}: cannot read JSON: {exc}", code="file-not-readable") from exc
    if not isinstance(value, dict):
        raise StatpubError(f"{label}: a Table Schema must be a JSON object", code="schema-json")
    return value
