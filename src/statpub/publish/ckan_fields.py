"""The CKAN dataset and resources a package should become, and how to compare them.

Pure functions of the local package and what the portal returned: no network.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from statpub.package import Package, PackageFile, Resource
from statpub.package.model import CHANGELOG, DATACARD

DESCRIPTOR = "datapackage.json"

# Dataset extras statpub writes; other extras on the portal are left alone.
OWN_EXTRAS = (
    "identifier",
    "release_date",
    "source",
    "spatial_coverage",
    "temporal_end",
    "temporal_start",
    "version_note",
)
# SPDX licence names -> the ids of CKAN's default licence list
CKAN_LICENSES = {
    "cc-by-4.0": "cc-by",
    "cc-by-sa-4.0": "cc-by-sa",
    "cc0-1.0": "cc-zero",
    "odbl-1.0": "odc-odbl",
    "odc-by-1.0": "odc-by",
    "pddl-1.0": "odc-pddl",
    "gfdl-1.3": "gfdl",
}
FORMATS = {"csv": "CSV", "parquet": "Parquet", "json": "JSON", "md": "Markdown"}
MEDIATYPES = {
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
    "json": "application/json",
    "md": "text/markdown",
}
EXTRA_DESCRIPTIONS = {
    DESCRIPTOR: "The Frictionless Data Package descriptor (Data Package v2): the tables, "
    "their Table Schemas, licence, sources, and the size and sha256 of every file.",
    CHANGELOG: "Every change to a published figure, newest version first.",
}
# CKAN accepts letters, digits, spaces, "-", "_" and "." in a tag, 2 to 100 characters.
_TAG_DROP = re.compile(r"[^\w \-.]", re.UNICODE)
# resource fields compared as plain strings
RESOURCE_TEXT_FIELDS = ("description", "format", "mimetype")
DATASET_TEXT_FIELDS = ("title", "notes", "license_id", "version", "url", "author", "maintainer")
# ckanext-fluent's multilingual fields ({language: text}), written when the portal's
# dataset schema (ckanext-scheming) declares them and the package declares languages.
TRANSLATED_DATASET_FIELDS = ("title_translated", "notes_translated")
TRANSLATED_RESOURCE_FIELDS = ("description_translated",)


@dataclass(frozen=True)
class ResourceSpec:
    """One resource as it should be on the portal."""

    name: str
    file: PackageFile
    # description, format, mimetype, (tables) schema and, on a portal with fluent
    # fields, description_translated ({language: text} as JSON), as strings
    fields: dict[str, str]
    schema: dict[str, Any] | None = None


def tag_name(keyword: str) -> str:
    """``children's rights`` -> ``childrens rights``: CKAN refuses other characters."""
    return " ".join(_TAG_DROP.sub("", keyword).split())[:100]


def license_id(
    licenses: list[dict[str, Any]], portal_licenses: list[dict[str, Any]]
) -> tuple[str, str | None]:
    """The portal's id for the package's first licence, and a warning when it is a guess."""
    if not licenses:
        return "notspecified", "the package declares no licence; the portal shows 'notspecified'"
    lic = licenses[0]
    name = str(lic.get("name") or "")
    url = str(lic.get("path") or "").rstrip("/")
    known = {str(x.get("id")): x for x in portal_licenses}
    for lid, entry in known.items():
        if lid.lower() == name.lower() or (url and str(entry.get("url") or "").rstrip("/") == url):
            return lid, None
    mapped = CKAN_LICENSES.get(name.lower())
    if mapped and (not known or mapped in known):
        return mapped, None
    return name or "notspecified", (
        f"the portal's licence list has no entry for {name!r}; it is sent as the licence id as is"
    )


def dataset_fields(
    package: Package,
    name: str,
    owner_org: str,
    *,
    private: bool,
    license: str,
    translated: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    d = package.descriptor
    contributors = [c for c in d.get("contributors") or [] if isinstance(c, dict)]

    def having(role: str) -> str:
        return ", ".join(
            str(c["title"])
            for c in contributors
            if c.get("title") and role in (c.get("roles") or [])
        )

    sources = [s for s in d.get("sources") or [] if isinstance(s, dict)]
    spatial = d.get("spatialCoverage") or {}
    temporal = d.get("temporalCoverage") or {}
    extras = {
        "identifier": d.get("id"),
        "release_date": str(d.get("created") or "")[:10],
        "source": "\n".join(
            " ".join(x for x in (s.get("title"), f"<{s['path']}>" if s.get("path") else None) if x)
            for s in sources
        ),
        "spatial_coverage": " ".join(
            x
            for x in (
                spatial.get("name"),
                f"({spatial['iso3166']})" if spatial.get("iso3166") else None,
            )
            if x
        ),
        "temporal_start": temporal.get("start"),
        "temporal_end": temporal.get("end"),
        "version_note": d.get("versionNote"),
    }
    located = [s["path"] for s in sources if s.get("path")]
    tags = sorted({t for t in (tag_name(str(k)) for k in d.get("keywords") or []) if len(t) >= 2})
    return {
        "name": name,
        "title": str(d.get("title") or name),
        "notes": notes(package),
        "owner_org": owner_org,
        "private": private,
        "license_id": license,
        "version": package.version,
        # CKAN's "Source" field: the page the figures come from, when there is exactly one
        "url": located[0] if len(located) == 1 else "",
        "author": having("creator"),
        "maintainer": having("maintainer"),
        "tags": [{"name": t} for t in tags],
        "extras": [{"key": k, "value": str(v)} for k, v in sorted(extras.items()) if v],
        **_translated_dataset(package, translated),
    }


def declared_languages(package: Package) -> list[str]:
    """The package's languages, when it declares more than one; else none."""
    from statpub.package.languages import languages

    if "languages" not in package.descriptor:
        return []
    langs = languages(package.descriptor)
    return langs if len(langs) > 1 else []


def _translated_dataset(package: Package, translated: frozenset[str]) -> dict[str, Any]:
    """title_translated and notes_translated: the default language's title and notes
    (the data card) as CKAN shows them, the other languages' title and description."""
    from statpub.package.languages import translations

    langs = declared_languages(package)
    out: dict[str, Any] = {}
    if not langs:
        return out
    d = package.descriptor
    if "title_translated" in translated:
        out["title_translated"] = translations(d, "title", langs)
    if "notes_translated" in translated:
        texts = translations(d, "description", langs)
        for lang in langs:
            # Each language's data card where the package has one (README.<lang>.md).
            card = notes(package, lang, fallback=texts.get(lang))
            if card:
                texts[lang] = card
        out["notes_translated"] = dict(sorted(texts.items(), key=lambda t: langs.index(t[0])))
    return out


def notes(package: Package, lang: str | None = None, *, fallback: str | None = None) -> str:
    """The data card (in ``lang``: ``README.<lang>.md``; default: ``README.md``) without
    its title line (CKAN shows the title above the notes), nor the line above it that
    links the card's other languages (files CKAN does not hold). Without that card: the
    description (``fallback`` for another language)."""
    from statpub.package.files import datacard_name
    from statpub.package.languages import languages

    name = DATACARD
    if lang is not None:
        name = datacard_name(lang, languages(package.descriptor)[0])
    card = package.root / name
    if not card.exists() and not card.is_symlink():
        if lang is None or name == DATACARD:
            return str(package.descriptor.get("description") or "")
        return fallback or ""
    lines = _card_text(package, name).splitlines()
    title = next((n for n, line in enumerate(lines[:3]) if line.startswith("# ")), None)
    if title is not None:
        lines = lines[title + 1 :]
    return "\n".join(lines).strip() + "\n"


CARD_LIMIT = 8 << 20  # a data card is text for people; more than this is no card


def _card_text(package: Package, name: str) -> str:
    """A data card's text, read under the path policy: a card that is a link out of the
    package, not a regular file, too large or not UTF-8 is an error naming it."""
    from statpub.errors import StatpubError
    from statpub.package.paths import UnsafePath, read_inside

    try:
        return read_inside(package.root, name, CARD_LIMIT).decode("utf-8")
    except UnsafePath as exc:
        raise StatpubError(
            f"{package.label}: {name}: {exc.problem.reason}; the data card is sent to the "
            "portal as the dataset's notes, so it must be a regular file inside the package",
            code=exc.problem.code,
            path=package.root / name,
        ) from exc
    except UnicodeDecodeError as exc:
        raise StatpubError(
            f"{package.label}: {name}: not UTF-8 text (byte {exc.start}); write the data card "
            "in UTF-8",
            code="encoding-error",
            path=package.root / name,
        ) from exc


def resource_specs(
    package: Package, translated: frozenset[str] = frozenset()
) -> list[ResourceSpec]:
    """The data files in descriptor order, then the descriptor and the changelog."""
    from statpub.package.languages import translations

    langs = declared_languages(package) if "description_translated" in translated else []
    files: list[tuple[PackageFile, Resource | None]] = [
        (f, f.resource) for f in package.data_files()
    ]
    for rel in (DESCRIPTOR, CHANGELOG):
        f = package.file(rel)
        if f is not None:
            files.append((f, None))
    basenames = [PurePosixPath(f.path).name for f, _ in files]
    # names are how runs find their resources again, so they must be unique
    unique = len(set(basenames)) == len(basenames)
    specs = []
    for f, res in files:
        suffix = PurePosixPath(f.path).suffix.lower().lstrip(".")
        d = res.descriptor if res else {}
        fmt = str(d.get("format") or suffix).lower() if res else suffix
        fields = {
            "description": str(d.get("description") or "") if res else EXTRA_DESCRIPTIONS[f.path],
            "format": FORMATS.get(fmt, fmt.upper()),
            "mimetype": str(d.get("mediatype") or "") if res else MEDIATYPES.get(fmt, ""),
        }
        if not fields["mimetype"]:
            fields["mimetype"] = MEDIATYPES.get(fmt, "application/octet-stream")
        if langs and res is not None:
            # JSON text, as "schema": a file upload sends the fields as a multipart form
            texts = translations(d, "description", langs)
            fields["description_translated"] = json.dumps(texts, ensure_ascii=False)
        schema = res.schema if res else None
        if schema is not None:
            # ckanext-validation reads a resource's Table Schema from this field, as JSON text
            fields["schema"] = json.dumps(schema, ensure_ascii=False)
        name = PurePosixPath(f.path).name if unique else f.path
        specs.append(ResourceSpec(name=name, file=f, fields=fields, schema=schema))
    return specs


def dataset_changes(current: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    """Names of the fields where the portal's dataset differs from ``desired``."""
    changed = [k for k in DATASET_TEXT_FIELDS if _text(current.get(k)) != _text(desired.get(k))]
    if bool(current.get("private")) != bool(desired["private"]):
        changed.append("private")
    if _tag_names(current) != _tag_names(desired):
        changed.append("tags")
    if _own_extras(current) != _own_extras(desired):
        changed.append("extras")
    if current.get("state", "active") != "active":
        changed.append("state")
    changed += [
        k
        for k in TRANSLATED_DATASET_FIELDS
        if k in desired and _parse(current.get(k)) != desired[k]
    ]
    return changed


def merged_extras(current: dict[str, Any] | None, desired: dict[str, Any]) -> list[dict[str, str]]:
    """``desired``'s extras plus the portal's extras that statpub does not own."""
    others = [
        {"key": str(e["key"]), "value": str(e.get("value", ""))}
        for e in (current or {}).get("extras") or []
        if e.get("key") not in OWN_EXTRAS
    ]
    return sorted([*others, *desired["extras"]], key=lambda e: e["key"])


def resource_changes(current: dict[str, Any], spec: ResourceSpec) -> tuple[list[str], list[str]]:
    """(why the file must be sent again, which metadata fields differ)."""
    reasons = []
    if not current.get("sha256"):
        reasons.append("no sha256 recorded")
    elif current.get("sha256") != spec.file.sha256:
        reasons.append("sha256 differs")
    if current.get("url_type") != "upload":
        reasons.append("not an uploaded file")
    elif _int(current.get("size")) != spec.file.bytes:
        reasons.append("size differs")
    fields = [k for k in RESOURCE_TEXT_FIELDS if _text(current.get(k)) != spec.fields[k]]
    fields += [
        k
        for k in TRANSLATED_RESOURCE_FIELDS
        if k in spec.fields and _parse(current.get(k)) != _parse(spec.fields[k])
    ]
    if spec.schema is not None and _parse(current.get("schema")) != spec.schema:
        fields.append("schema")
    return reasons, fields


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _parse(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _tag_names(d: dict[str, Any]) -> list[str]:
    return sorted(str(t.get("name")) for t in d.get("tags") or [])


def _own_extras(d: dict[str, Any]) -> dict[str, str]:
    return {
        str(e["key"]): str(e.get("value", ""))
        for e in d.get("extras") or []
        if e.get("key") in OWN_EXTRAS
    }
