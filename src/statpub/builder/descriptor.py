"""The parts of ``datapackage.json`` every package shares: profiles, resource entries, the
serialisation. Data Package v2, readable by v1 readers too; each adapter writes its own
package-level metadata (e.g. :mod:`statpub.project.adapters.figures.descriptor`)."""

from __future__ import annotations

import json
from typing import Any

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"

MEDIATYPES = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}
# Data Package v1 names a resource's kind in ``profile``; v2 in ``type``. Both are
# written, so v1 readers (frictionless-r 1.x reads only what says
# tabular-data-resource) and v2 readers agree. A v1 Tabular Data Resource is CSV,
# so the Parquet copies are plain data resources to v1 readers, tables to v2 ones.
V1_PROFILES = {"csv": "tabular-data-resource", "parquet": "data-resource"}
# The sentences statpub adds to texts, in the languages it knows (docs/languages.md);
# a language not here keeps the English sentence.
PARQUET_NOTE = {
    "en": " The same rows as {name}.csv, typed, in Parquet.",
    "kk": " {name}.csv файлындағы жолдар, типтерімен, Parquet форматында.",
    "ru": " Те же строки, что в {name}.csv, с типами, в формате Parquet.",
}


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
    suffix = "" if fmt == "csv" else f" ({fmt.capitalize()})"
    entry["title"] = schema.get("title", name) + suffix
    description = schema.get("description", "")
    if fmt != "csv":
        description += PARQUET_NOTE["en"].format(name=name)
    entry["description"] = description
    entry.update(_translated(schema, suffix, name if fmt != "csv" else None))
    if fmt != "parquet":
        # frictionless-py 5 compares a Parquet resource's declared bytes with a
        # byte count its Parquet reader never takes (None), so declaring them
        # makes `frictionless validate` fail. The size is in the data card.
        entry["bytes"] = size
    entry["hash"] = f"sha256:{sha256}"
    entry["schema"] = schema_path
    return entry


def _translated(schema: dict[str, Any], suffix: str, parquet_of: str | None) -> dict[str, Any]:
    """A resource's title and description in the schema's other languages."""
    out: dict[str, Any] = {}
    for key, value in schema.items():
        base, _, lang = key.partition("@")
        if not lang or base not in ("title", "description"):
            continue
        if base == "title":
            out[key] = value + suffix
        else:
            note = PARQUET_NOTE.get(lang, PARQUET_NOTE["en"])
            out[key] = value + (note.format(name=parquet_of) if parquet_of else "")
    return out


def dumps(descriptor: dict[str, Any]) -> bytes:
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
