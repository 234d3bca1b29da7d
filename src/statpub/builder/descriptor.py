"""Assemble ``datapackage.json``: Data Package v2, readable by v1 readers too."""

from __future__ import annotations

import json
from typing import Any

from statpub.figures.records import FigureSet, Source

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"

MEDIATYPES = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}
# Data Package v1 names a resource's kind in ``profile``; v2 in ``type``. Both are
# written, so v1 readers (frictionless-r 1.x reads only what says
# tabular-data-resource) and v2 readers agree. A v1 Tabular Data Resource is CSV,
# so the Parquet copies are plain data resources to v1 readers, tables to v2 ones.
V1_PROFILES = {"csv": "tabular-data-resource", "parquet": "data-resource"}


def resource_entry(
    name: str,
    fmt: str,
    schema: dict[str, Any],
    path: str,
    schema_path: str,
    size: int,
    sha256: str,
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "$schema": RESOURCE_PROFILE,
        "name": name if fmt == "csv" else f"{name}-{fmt}",
        "type": "table",
        "profile": V1_PROFILES[fmt],
        "path": path,
        "format": fmt,
        "mediatype": MEDIATYPES[fmt],
    }
    if fmt == "csv":
        entry["encoding"] = "utf-8"
    entry["title"] = schema.get("title", name) + ("" if fmt == "csv" else f" ({fmt.capitalize()})")
    description = schema.get("description", "")
    if fmt != "csv":
        description += f" The same rows as {name}.csv, typed, in Parquet."
    entry["description"] = description
    if fmt != "parquet":
        # frictionless-py 5 compares a Parquet resource's declared bytes with a
        # byte count its Parquet reader never takes (None), so declaring them
        # makes `frictionless validate` fail. The size is in the data card.
        entry["bytes"] = size
    entry["hash"] = f"sha256:{sha256}"
    entry["schema"] = schema_path
    return entry


def package_descriptor(figset: FigureSet, resources: list[dict[str, Any]]) -> dict[str, Any]:
    meta = figset.package
    release = figset.current_release
    # Coverage is of what was measured: a target for 2027 does not stretch it to 2027.
    measured = [f for f in figset.figures if not f.is_target]
    ends = [f.period_end for f in measured]
    starts = [f.period_start for f in measured if f.period_start is not None]
    description = " ".join(str(meta["description"]).split())
    descriptor: dict[str, Any] = {
        "$schema": PACKAGE_PROFILE,
        "name": meta["name"],
        "id": meta["id"],
        "title": meta["title"],
        "description": f"{description} {sources_sentence(figset.sources)}".strip(),
        "version": release.version,
        "versionNote": release.note,
        "created": f"{release.date.isoformat()}T00:00:00Z",
    }
    if meta.get("homepage"):
        descriptor["homepage"] = meta["homepage"]
    descriptor["keywords"] = list(meta.get("keywords") or [])
    descriptor["licenses"] = list(meta.get("licenses") or [])
    descriptor["contributors"] = [_contributor(c) for c in meta.get("contributors") or []]
    descriptor["sources"] = [
        {k: v for k, v in (("title", s.title), ("path", s.url)) if v} for s in figset.sources
    ]
    spatial = meta.get("spatial") or {}
    if spatial:
        descriptor["spatialCoverage"] = {
            "iso3166": spatial.get("code"),
            "name": spatial.get("name"),
        }
    if ends:
        descriptor["temporalCoverage"] = {
            "start": min(starts).isoformat() if starts else None,
            "end": max(ends).isoformat(),
        }
    # Catalogue metadata, when the maintainer states it (see docs/publishing.md).
    for key in ("themes", "availability"):
        if meta.get(key):
            descriptor[key] = meta[key]
    descriptor["resources"] = resources
    return descriptor


def sources_sentence(sources: list[Source]) -> str:
    """Every source in one sentence, so that the description stays true as sources are added."""
    if not sources:
        return ""
    items = [
        f"\u201c{s.title}\u201d ({s.publisher}, {s.published})"
        for s in sorted(sources, key=lambda s: (s.published, s.source_id))
    ]
    count = "one source" if len(items) == 1 else f"{len(items)} sources"
    return f"Quoted from {count}: {'; '.join(items)}."


def _contributor(c: dict[str, Any]) -> dict[str, Any]:
    out = dict(c)
    roles = out.get("roles")
    if isinstance(roles, str):
        out["roles"] = [roles]
    return out


def dumps(descriptor: dict[str, Any]) -> bytes:
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
