"""DCAT-AP 3.0.1: a ``dcat:Dataset`` and its distributions, as compact JSON-LD.

Written to pass the consolidated DCAT-AP 3.0.1 SHACL shapes, whose range
shapes check the class of every linked value: a licence is typed
``dct:LicenseDocument``, a media type ``dct:MediaType``, a file type
``dct:MediaTypeOrExtent``, a checksum algorithm ``spdx:ChecksumAlgorithm``, a
profile or Table Schema ``dct:Standard``, a landing page ``foaf:Document``, a
place ``dct:Location``, a theme or an availability ``skos:Concept`` and a
contact point ``vcard:Kind``. The news articles the figures are quoted from are
``dct:relation``: DCAT-AP keeps ``dct:source`` for a dataset this one derives
from. ``tests/publish/test_dcat_shapes.py`` checks each rule with SHACL.
"""

from __future__ import annotations

from typing import Any

from statpub.publish.record import CatalogRecord, Contact, Distribution

DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatap": "http://data.europa.eu/r5r/",
    "adms": "http://www.w3.org/ns/adms#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
# The EU file-type authority table, which DCAT-AP asks dct:format to use.
EU_FILE_TYPES = {
    "csv": EU_AUTHORITY + "file-type/CSV",
    "parquet": EU_AUTHORITY + "file-type/PARQUET",
    "json": EU_AUTHORITY + "file-type/JSON",
}
# The EU data-theme table (dcat:theme), by its codes.
EU_DATA_THEMES = {
    "AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "OP_DATPRO",
    "REGI", "SOCI", "TECH", "TRAN",
}  # fmt: skip
# The EU planned-availability table (dcatap:availability), by its codes.
EU_AVAILABILITY = {"AVAILABLE", "EXPERIMENTAL", "STABLE", "TEMPORARY"}
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"


def dcat_from_record(r: CatalogRecord) -> dict[str, Any]:
    out: dict[str, Any] = {"@context": dict(DCAT_CONTEXT)}
    if r.landing_page:
        out["@id"] = r.landing_page
    out["@type"] = "dcat:Dataset"
    out["dct:title"] = _literal(r.title, r.titles)
    out["dct:description"] = _literal(r.description, r.descriptions)
    if r.languages:
        out["dct:language"] = _languages(r.languages)
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
    themes = [t for t in (_vocabulary(x, "data-theme", EU_DATA_THEMES) for x in r.themes) if t]
    if themes:
        out["dcat:theme"] = [_linked(t, "skos:Concept") for t in themes]
    if r.creators:
        out["dct:creator"] = [_agent(n) for n in r.creators]
    if r.publishers:
        out["dct:publisher"] = _agent(r.publishers[0])
    if r.contacts:
        out["dcat:contactPoint"] = [_contact(c) for c in r.contacts]
    spatial = _spatial(r)
    if spatial:
        out["dct:spatial"] = spatial
    if r.temporal_start or r.temporal_end:
        period: dict[str, Any] = {"@type": "dct:PeriodOfTime"}
        if r.temporal_start:
            period["dcat:startDate"] = _typed(r.temporal_start, "xsd:date")
        if r.temporal_end:
            period["dcat:endDate"] = _typed(r.temporal_end, "xsd:date")
        out["dct:temporal"] = period
    if r.sources:
        out["dct:relation"] = [
            {**({"@id": url} if url else {}), "dct:title": title} for title, url in r.sources
        ]
    if r.landing_page:
        out["dcat:landingPage"] = _linked(r.landing_page, "foaf:Document")
    if r.profile:
        out["dct:conformsTo"] = _linked(r.profile, "dct:Standard")
    out["dcat:distribution"] = [_distribution(d, r) for d in r.distributions]
    return out


def _distribution(d: Distribution, r: CatalogRecord) -> dict[str, Any]:
    out: dict[str, Any] = {
        "@type": "dcat:Distribution",
        "dct:title": _literal(d.title, d.titles),
        "dct:description": _literal(d.description, d.descriptions),
        "dcat:accessURL": {"@id": d.url},  # mandatory in DCAT-AP
        "dcat:downloadURL": {"@id": d.url},
        "dcat:mediaType": _linked(IANA_MEDIA_TYPES + d.mediatype, "dct:MediaType"),
    }
    if d.format in EU_FILE_TYPES:
        out["dct:format"] = _linked(EU_FILE_TYPES[d.format], "dct:MediaTypeOrExtent")
    out["dcat:byteSize"] = _typed(str(d.bytes), "xsd:nonNegativeInteger")
    out["spdx:checksum"] = {
        "@type": "spdx:Checksum",
        "spdx:algorithm": _linked("spdx:checksumAlgorithm_sha256", "spdx:ChecksumAlgorithm"),
        "spdx:checksumValue": _typed(d.sha256, "xsd:hexBinary"),
    }
    if r.languages:
        out["dct:language"] = _languages(r.languages)
    if r.license_url:
        out["dct:license"] = _linked(r.license_url, "dct:LicenseDocument")
    if d.schema_url:
        out["dct:conformsTo"] = _linked(d.schema_url, "dct:Standard")
    availability = _vocabulary(r.availability, "planned-availability", EU_AVAILABILITY)
    if availability:
        out["dcatap:availability"] = _linked(availability, "skos:Concept")
    return out


def _spatial(r: CatalogRecord) -> dict[str, Any] | None:
    """The EU country authority's IRI for the ISO 3166 code, else a described place."""
    country = _eu_country(r.spatial_code)
    if country:
        return _linked(country, "dct:Location")
    if not (r.spatial_name or r.spatial_code):
        return None
    place: dict[str, Any] = {"@type": "dct:Location"}
    if r.spatial_name:
        place["skos:prefLabel"] = r.spatial_name
    if r.spatial_code:
        place["dct:identifier"] = r.spatial_code
    return place


def _eu_country(code: str | None) -> str | None:
    """The EU country table names ISO 3166-1 countries by their alpha-3 code."""
    if not code:
        return None
    import iso3166

    country = iso3166.countries_by_alpha2.get(code.upper()) or iso3166.countries_by_alpha3.get(
        code.upper()
    )
    return EU_AUTHORITY + "country/" + country.alpha3 if country else None


def _vocabulary(value: str | None, table: str, codes: set[str]) -> str | None:
    """A code of an EU authority table as its IRI; an IRI as it is; else nothing."""
    if not value:
        return None
    if value.startswith(("http://", "https://")):
        return value
    code = value.upper()
    return f"{EU_AUTHORITY}{table}/{code}" if code in codes else None


def _literal(text: str, translated: tuple[tuple[str, str], ...]) -> Any:
    """A plain literal, or one language-tagged literal per language written."""
    if not translated:
        return text
    return [{"@value": value, "@language": lang} for lang, value in translated]


def _languages(langs: tuple[str, ...]) -> list[dict[str, str]]:
    """The EU language authority's IRI for each language (ISO 639-3), as DCAT-AP asks;
    a language the table cannot name is left out rather than guessed."""
    import langcodes

    out = []
    for tag in langs:
        code = langcodes.Language.get(tag).language
        alpha3 = langcodes.Language.get(code).to_alpha3() if code else None
        if alpha3:
            out.append(_linked(f"{EU_AUTHORITY}language/{alpha3.upper()}", "dct:LinguisticSystem"))
    return out


def _contact(c: Contact) -> dict[str, Any]:
    out: dict[str, Any] = {"@type": "vcard:Kind", "vcard:fn": c.name}
    if c.email:
        email = c.email if c.email.startswith("mailto:") else f"mailto:{c.email}"
        out["vcard:hasEmail"] = {"@id": email}
    if c.url:
        out["vcard:hasURL"] = {"@id": c.url}
    return out


def _agent(name: str) -> dict[str, Any]:
    return {"@type": "foaf:Agent", "foaf:name": name}


def _linked(iri: str, cls: str) -> dict[str, str]:
    return {"@id": iri, "@type": cls}


def _typed(value: str, datatype: str) -> dict[str, str]:
    return {"@value": value, "@type": datatype}
