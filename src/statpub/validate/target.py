"""Resolve what the user asked to validate into one package descriptor.

Accepted: a folder holding ``datapackage.json``, a descriptor path, or a single
data file (CSV or Parquet) with ``--schema``, wrapped in a one-resource package.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statpub.errors import StatpubError
from statpub.tables.schema import load_schema

DESCRIPTOR_NAMES = ("datapackage.json",)


@dataclass
class Target:
    descriptor: dict[str, Any]
    base_dir: Path
    descriptor_path: Path | None  # None for a single table wrapped on the fly
    label: str

    @property
    def resources(self) -> list[dict[str, Any]]:
        res = self.descriptor.get("resources")
        return res if isinstance(res, list) else []

    def schema(self, resource: dict[str, Any]) -> dict[str, Any] | None:
        """The resource's Table Schema, inline or from its path; None when unusable.

        An unreadable schema is reported by the table checks, not here.
        """
        schema = resource.get("schema")
        if isinstance(schema, str):
            try:
                return load_schema(self.base_dir / schema)
            except StatpubError:
                return None
        return schema if isinstance(schema, dict) else None


def resolve(path: str | Path, schema: str | Path | None = None) -> Target:
    p = Path(path)
    if not p.exists():
        raise StatpubError(f"{p}: no such file or folder", code="file-not-found")
    if p.is_dir():
        for name in DESCRIPTOR_NAMES:
            if (p / name).is_file():
                return _from_descriptor(p / name, label=str(p))
        raise StatpubError(
            f"{p}: no datapackage.json in this folder; pass a descriptor path, or a table "
            "with --schema",
            code="file-not-found",
        )
    if p.suffix.lower() in (".csv", ".parquet", ".tsv"):
        return _from_table(p, schema)
    return _from_descriptor(p, label=str(p))


def _from_descriptor(path: Path, label: str) -> Target:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StatpubError(
            f"{path}: cannot read descriptor: {exc}", code="file-not-readable"
        ) from exc
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StatpubError(
            f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); fix the descriptor syntax",
            code="descriptor-json",
        ) from exc
    if not isinstance(descriptor, dict):
        raise StatpubError(f"{path}: a descriptor must be a JSON object", code="descriptor-json")
    return Target(descriptor=descriptor, base_dir=path.parent, descriptor_path=path, label=label)


def _from_table(path: Path, schema_path: str | Path | None) -> Target:
    if schema_path is None:
        raise StatpubError(
            f"{path}: a single table needs its Table Schema: add --schema SCHEMA.json",
            code="missing-schema",
        )
    schema = load_schema(Path(schema_path))
    fmt = "parquet" if path.suffix.lower() == ".parquet" else path.suffix.lower().lstrip(".")
    resource = {
        "name": _resource_name(path.stem),
        "type": "table",
        "path": path.name,
        "format": fmt,
        "schema": schema,
    }
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": resource["name"],
        "resources": [resource],
    }
    return Target(
        descriptor=descriptor, base_dir=path.parent, descriptor_path=None, label=str(path)
    )


def _resource_name(stem: str) -> str:
    name = "".join(c if c.isalnum() or c in "-_." else "-" for c in stem.lower())
    return name or "table"
