"""Catalogue metadata: DCAT-AP and schema.org ``Dataset``, both as JSON-LD.

Both are rendered from one :class:`CatalogRecord`, so the two can never
disagree on a version, a size or a checksum. Sizes and checksums come from the
files themselves (Parquet resources carry no ``bytes`` in the descriptor, see
``build/descriptor.py``), and a file that no longer matches its declared hash
is refused rather than advertised.

No address is made up: without ``base_url`` the download addresses are the
files' paths relative to the package folder (JSON-LD resolves them against
wherever the document is published) and the dataset gets no ``url``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from statpub.errors import StatpubError
from statpub.package import Package
from statpub.package.atomic import write_bytes
from statpub.package.integrity import require_intact

DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "adms": "http://www.w3.org/ns/adms#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
# The EU file-type authority table, which DCAT-AP asks dct:format to use.
EU_FILE_TYPES = {
    "csv": "http://publications.europa.eu/resource/authority/file-type/CSV",
    "parquet": "http://publications.europa.eu/resource/authority/file-type/PARQUET",
    "json": "http://publications.europa.eu/resource/authority/file-type/JSON",
}
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
MEDIATYPES = {
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
    "json": "application/json",
}


@dataclass(frozen=True)
class Distribution:
    name: str
    title: str
    description: str
    format: str  # lower case: csv, parquet
    mediatype: str
    url: str  # relative to the package folder unless a base URL was given
    bytes: int
    sha256: str
    schema_url: str | None = None


@dataclass(frozen=True)
class CatalogRecord:
    """What the catalogue formats say about the package, normalized once."""

    name: str
    title: str
    description: str
    identifier: str | None = None
    version: str | None = None
    version_note: str | None = None
    issued: str | None = None  # ISO date of the release
    keywords: tuple[str, ...] = ()
    license_url: str | None = None
    license_title: str | None = None
    creators: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()
    spatial_name: str | None = None
    spatial_code: str | None = None  # ISO 3166-1 alpha-2
    temporal_start: str | None = None
    temporal_end: str | None = None
    sources: tuple[tuple[str, str | None], ...] = ()  # (title, url)
    profile: str | None = None  # the Data Package profile the descriptor follows
    landing_page: str | None = None
    distributions: tuple[Distribution, ...] = field(default_factory=tuple)


def catalog_record(pkg: Package, *, base_url: str | None = None) -> CatalogRecord:
    """Normalize the package's descriptor, with its files proven, into one record."""
    descriptor = pkg.descriptor
    package_dir = pkg.root
    base = _base(base_url)
    licenses = [x for x in descriptor.get("licenses") or [] if isinstance(x, dict)]
    lic = licenses[0] if licenses else {}
    contributors = [c for c in descriptor.get("contributors") or [] if isinstance(c, dict)]

    def having(role: str) -> tuple[str, ...]:
        return tuple(str(c["title"]) for c in contributors if c.get("title") and role in _roles(c))

    spatial = descriptor.get("spatialCoverage") or {}
    temporal = descriptor.get("temporalCoverage") or {}
    created = str(descriptor.get("created") or "")
    return CatalogRecord(
        name=str(descriptor.get("name") or package_dir.name),
        title=str(descriptor.get("title") or descriptor.get("name") or package_dir.name),
        description=str(descriptor.get("description") or ""),
        identifier=_opt(descriptor.get("id")),
        version=_opt(descriptor.get("version")),
        version_note=_opt(descriptor.get("versionNote")),
        issued=created[:10] or None,
        keywords=tuple(str(k) for k in descriptor.get("keywords") or []),
        license_url=_opt(lic.get("path")),
        license_title=_opt(lic.get("title") or lic.get("name")),
        creators=having("creator"),
        # Whoever maintains the package is who makes it available.
        publishers=having("publisher") or having("maintainer"),
        spatial_name=_opt(spatial.get("name")),
        spatial_code=_opt(spatial.get("iso3166")),
        temporal_start=_opt(temporal.get("start")),
        temporal_end=_opt(temporal.get("end")),
        sources=tuple(
            (str(s.get("title") or s.get("path")), _opt(s.get("path")))
            for s in descriptor.get("sources") or []
            if isinstance(s, dict) and (s.get("title") or s.get("path"))
        ),
        profile=_opt(descriptor.get("$schema")),
        landing_page=base or None,
        distributions=tuple(_distributions(pkg, base)),
    )


def dcat_jsonld(pkg: Package, *, base_url: str | None = None) -> dict[str, Any]:
    """A DCAT-AP ``dcat:Dataset`` with its distributions, as compact JSON-LD."""
    return dcat_from_record(catalog_record(pkg, base_url=base_url))


def schemaorg_dataset(pkg: Package, *, base_url: str | None = None) -> dict[str, Any]:
    """A schema.org ``Dataset`` (JSON-LD), e.g. for a dataset page's ``<head>``."""
    return schemaorg_from_record(catalog_record(pkg, base_url=base_url))


def dcat_from_record(r: CatalogRecord) -> dict[str, Any]:
    out: dict[str, Any] = {"@context": dict(DCAT_CONTEXT)}
    if r.landing_page:
        out["@id"] = r.landing_page
    out["@type"] = "dcat:Dataset"
    out["dct:title"] = r.title
    out["dct:description"] = r.description
    if r.identifier:
        out["dct:identifier"] = r.identifier
    if r.version:
        out["dcat:version"] = r.version  # DCAT 3 / DCAT-AP 3
        out["owl:versionInfo"] = r.version  # what DCAT-AP 2 harvesters read
    if r.version_note:
        out["adms:versionNotes"] = r.version_note
    if r.issued:
        out["dct:issued"] = _typed(r.issued, "xsd:date")
    if r.keywords:
        out["dcat:keyword"] = list(r.keywords)
    if r.creators:
        out["dct:creator"] = [_agent(n) for n in r.creators]
    if r.publishers:
        out["dct:publisher"] = _agent(r.publishers[0])
    if r.spatial_name or r.spatial_code:
        place: dict[str, Any] = {"@type": "dct:Location"}
        if r.spatial_name:
            place["skos:prefLabel"] = r.spatial_name
        if r.spatial_code:
            place["dct:identifier"] = r.spatial_code
        out["dct:spatial"] = place
    if r.temporal_start or r.temporal_end:
        period: dict[str, Any] = {"@type": "dct:PeriodOfTime"}
        if r.temporal_start:
            period["dcat:startDate"] = _typed(r.temporal_start, "xsd:date")
        if r.temporal_end:
            period["dcat:endDate"] = _typed(r.temporal_end, "xsd:date")
        out["dct:temporal"] = period
    if r.sources:
        out["dct:source"] = [
            {**({"@id": url} if url else {}), "dct:title": title} for title, url in r.sources
        ]
    if r.landing_page:
        out["dcat:landingPage"] = {"@id": r.landing_page}
    if r.profile:
        out["dct:conformsTo"] = {"@id": r.profile}
    out["dcat:distribution"] = [_dcat_distribution(d, r) for d in r.distributions]
    return out


def _dcat_distribution(d: Distribution, r: CatalogRecord) -> dict[str, Any]:
    out: dict[str, Any] = {
        "@type": "dcat:Distribution",
        "dct:title": d.title,
        "dct:description": d.description,
        "dcat:accessURL": {"@id": d.url},  # mandatory in DCAT-AP
        "dcat:downloadURL": {"@id": d.url},
        "dcat:mediaType": {"@id": IANA_MEDIA_TYPES + d.mediatype},
    }
    if d.format in EU_FILE_TYPES:
        out["dct:format"] = {"@id": EU_FILE_TYPES[d.format]}
    out["dcat:byteSize"] = _typed(str(d.bytes), "xsd:nonNegativeInteger")
    out["spdx:checksum"] = {
        "@type": "spdx:Checksum",
        "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
        "spdx:checksumValue": _typed(d.sha256, "xsd:hexBinary"),
    }
    if r.license_url:
        out["dct:license"] = {"@id": r.license_url}
    if d.schema_url:
        out["dct:conformsTo"] = {"@id": d.schema_url}
    return out


def schemaorg_from_record(r: CatalogRecord) -> dict[str, Any]:
    out: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": r.title,
        "description": r.description,
    }
    if r.landing_page:
        out["url"] = r.landing_page
    if r.identifier:
        out["identifier"] = r.identifier
    if r.version:
        out["version"] = r.version
    if r.issued:
        out["datePublished"] = r.issued
    if r.keywords:
        out["keywords"] = list(r.keywords)
    if r.license_url:
        out["license"] = r.license_url
    if r.creators:
        out["creator"] = [{"@type": "Organization", "name": n} for n in r.creators]
    if r.publishers:
        out["publisher"] = {"@type": "Organization", "name": r.publishers[0]}
    if r.spatial_name or r.spatial_code:
        place: dict[str, Any] = {"@type": "Place"}
        if r.spatial_name:
            place["name"] = r.spatial_name
        if r.spatial_code:
            place["address"] = {"@type": "PostalAddress", "addressCountry": r.spatial_code}
        out["spatialCoverage"] = place
    if r.temporal_end or r.temporal_start:
        # ISO 8601 interval; ".." marks an open end
        out["temporalCoverage"] = f"{r.temporal_start or '..'}/{r.temporal_end or '..'}"
    if r.sources:
        out["isBasedOn"] = [
            {"@type": "CreativeWork", "name": title, **({"url": url} if url else {})}
            for title, url in r.sources
        ]
    out["distribution"] = [
        {
            "@type": "DataDownload",
            "name": d.title,
            "description": d.description,
            "encodingFormat": d.mediatype,
            "contentUrl": d.url,
            "contentSize": f"{d.bytes} B",
            "sha256": d.sha256,
        }
        for d in r.distributions
    ]
    return out


def _distributions(pkg: Package, base: str) -> list[Distribution]:
    """One distribution per resource file, proven against the descriptor first."""
    require_intact(pkg, "no metadata written")
    out: list[Distribution] = []
    for f in pkg.data_files():
        res = f.resource
        assert res is not None
        d = res.descriptor
        name = res.name or PurePosixPath(f.path).stem
        fmt = str(d.get("format") or PurePosixPath(f.path).suffix.lstrip(".")).lower()
        out.append(
            Distribution(
                name=name,
                title=str(d.get("title") or name),
                description=str(d.get("description") or ""),
                format=fmt,
                mediatype=str(
                    d.get("mediatype") or MEDIATYPES.get(fmt, "application/octet-stream")
                ),
                url=base + f.path,
                bytes=f.bytes,
                sha256=f.sha256,
                schema_url=base + res.schema_path if res.schema_path is not None else None,
            )
        )
    return out


def _base(base_url: str | None) -> str:
    if not base_url:
        return ""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StatpubError(
            f"--base-url {base_url!r}: give an absolute http(s) address, e.g. "
            "https://example.org/data/",
            code="bad-usage",
        )
    return base_url if base_url.endswith("/") else base_url + "/"


def _roles(c: dict[str, Any]) -> list[str]:
    roles = c.get("roles", c.get("role"))
    if isinstance(roles, str):
        return [roles]
    return [str(x) for x in roles] if isinstance(roles, list) else []


def _agent(name: str) -> dict[str, Any]:
    return {"@type": "foaf:Agent", "foaf:name": name}


def _typed(value: str, datatype: str) -> dict[str, str]:
    return {"@value": value, "@type": datatype}


def _opt(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def jsonld_bytes(doc: dict[str, Any]) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_jsonld(doc: dict[str, Any], path: Path) -> None:
    """Write ``doc`` to ``path`` whole (never a half-written file)."""
    write_bytes(path, jsonld_bytes(doc))
