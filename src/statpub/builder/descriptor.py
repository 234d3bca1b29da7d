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
# The sentences statpub adds to texts, in the languages it knows (docs/languages.md);
# a language not here keeps the English sentence.
PARQUET_NOTE = {
    "en": " The same rows as {name}.csv, typed, in Parquet.",
    "kk": " {name}.csv файлындағы жолдар, типтерімен, Parquet форматында.",
    "ru": " Те же строки, что в {name}.csv, с типами, в формате Parquet.",
}
SOURCES_SENTENCE = {
    "en": ("Quoted from one source: {items}.", "Quoted from {n} sources: {items}."),
    "kk": ("Бір дереккөзден алынған: {items}.", "{n} дереккөзден алынған: {items}."),
    "ru": ("Цитаты из одного источника: {items}.", "Цитаты из {n} источников: {items}."),
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
    }
    descriptor.update(_package_translations(figset))
    descriptor |= {
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
    descriptor["resources"] = [_with_rows(r, figset) for r in resources]
    return descriptor


def _languages(meta: dict[str, Any]) -> list[str]:
    return [str(x) for x in meta.get("languages") or []]


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


def _package_translations(figset: FigureSet) -> dict[str, Any]:
    """``languages``, the package's translated title and description, and who made them."""
    meta = figset.package
    langs = _languages(meta)
    if not langs:
        return {}
    out: dict[str, Any] = {"languages": langs}
    texts = meta.get("translations") or {}
    for lang in langs[1:]:
        own = texts.get(lang) or {}
        if own.get("title"):
            out[f"title@{lang}"] = own["title"]
        if own.get("description"):
            desc = " ".join(str(own["description"]).split())
            out[f"description@{lang}"] = f"{desc} {sources_sentence(figset.sources, lang)}"
    if meta.get("translated_by"):
        out["translations"] = [
            {"language": lang, "translator": meta["translated_by"], "official": False}
            for lang in langs[1:]
            if lang in texts
        ]
    return out


def _with_rows(resource: dict[str, Any], figset: FigureSet) -> dict[str, Any]:
    """The indicators' names and definitions in the other languages (docs/languages.md)."""
    if not resource["name"].startswith("indicators"):
        return resource
    by_lang: dict[str, dict[str, dict[str, str]]] = {}
    for ind in sorted(figset.indicators, key=lambda i: i.indicator_id):
        for lang, column, value in ind.translations:
            by_lang.setdefault(lang, {}).setdefault(ind.indicator_id, {})[column] = value
    if not by_lang:
        return resource
    rows = {"key": "indicator_id", "languages": dict(sorted(by_lang.items()))}
    return {**resource, "rowTranslations": rows}


def sources_sentence(sources: list[Source], lang: str = "en") -> str:
    """Every source in one sentence, so that the description stays true as sources are added.

    The titles stay in the sources' own words, in every language."""
    if not sources:
        return ""
    quotes = ("\u201c", "\u201d") if lang == "en" else ("\u00ab", "\u00bb")
    items = [
        f"{quotes[0]}{s.title}{quotes[1]} ({s.publisher}, {s.published})"
        for s in sorted(sources, key=lambda s: (s.published, s.source_id))
    ]
    one, many = SOURCES_SENTENCE.get(lang, SOURCES_SENTENCE["en"])
    return (one if len(items) == 1 else many).format(n=len(items), items="; ".join(items))


def _contributor(c: dict[str, Any]) -> dict[str, Any]:
    out = dict(c)
    roles = out.get("roles")
    if isinstance(roles, str):
        out["roles"] = [roles]
    return out


def dumps(descriptor: dict[str, Any]) -> bytes:
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
