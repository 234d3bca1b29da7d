"""schema.org ``Dataset`` JSON-LD, the form dataset search engines read."""

from __future__ import annotations

from typing import Any

from statpub.publish.record import CatalogRecord


def schemaorg_from_record(r: CatalogRecord, language: str | None = None) -> dict[str, Any]:
    """The Dataset in every declared language, or in ``language`` only (a page's own
    language: plain text, the default-language text where no translation is written)."""

    def _text(text: str, translated: tuple[tuple[str, str], ...]) -> Any:
        """Text, or one JSON-LD language-tagged value per language: schema.org's Text
        takes them, and a reader that knows one language picks its own."""
        if language is not None:
            return dict(translated).get(language, text)
        if not translated:
            return text
        return [{"@value": value, "@language": lang} for lang, value in translated]

    out: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": _text(r.title, r.titles),
        "description": _text(r.description, r.descriptions),
    }
    if language is not None and r.languages:
        out["inLanguage"] = language
    elif r.languages:
        # The languages the dataset's metadata is written in, BCP 47, the default first.
        out["inLanguage"] = r.languages[0] if len(r.languages) == 1 else list(r.languages)
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
    if r.open_license:
        # An open licence (the Open Definition) means the data is had without charge.
        out["isAccessibleForFree"] = True
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
        sources = [
            {"@type": "CreativeWork", "name": title, **({"url": url} if url else {})}
            for title, url in r.sources
        ]
        out["isBasedOn"] = sources
        # The data card asks users to cite the sources the figures are quoted from.
        out["citation"] = [dict(s) for s in sources]
    if r.variables:
        out["variableMeasured"] = [
            {
                "@type": "PropertyValue",
                "name": v.name,
                **({"alternateName": v.title} if v.title else {}),
                **({"description": v.description} if v.description else {}),
            }
            for v in r.variables
        ]
    out["distribution"] = [
        {
            "@type": "DataDownload",
            "name": _text(d.title, d.titles),
            "description": _text(d.description, d.descriptions),
            "encodingFormat": d.mediatype,
            "contentUrl": d.url,
            "contentSize": f"{d.bytes} B",
            "sha256": d.sha256,
        }
        for d in r.distributions
    ]
    return out
