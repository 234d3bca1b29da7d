"""Catalogue metadata: DCAT-AP and schema.org ``Dataset``, both as JSON-LD.

Both are rendered from one :class:`CatalogRecord` (``publish/dcat.py`` and
``publish/schemaorg.py``), so the two can never disagree on a version, a size
or a checksum. Sizes and checksums come from the files themselves (Parquet
resources carry no ``bytes`` in the descriptor, see ``statpub.builder.descriptor``),
and a file that no longer matches its declared hash is refused rather than
advertised.

No address is made up: without ``base_url`` the download addresses are the
files' paths relative to the package folder (JSON-LD resolves them against
wherever the document is published), the dataset gets no address, and
:func:`catalog` says so in a warning. The only other addresses are the
descriptor's own (licence, sources, profile, contacts) and vocabulary terms
derived from codes the descriptor states (file types, media types, the EU
country, data-theme and planned-availability authority tables).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from statpub.errors import StatpubError
from statpub.package import Package
from statpub.package.atomic import write_bytes
from statpub.package.integrity import require_intact
from statpub.publish.dcat import EU_AVAILABILITY, EU_DATA_THEMES, dcat_from_record
from statpub.publish.record import CatalogRecord, Contact, Distribution, Variable
from statpub.publish.schemaorg import schemaorg_from_record
from statpub.report import WARNING, Issue

MEDIATYPES = {
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
    "json": "application/json",
}
# Licences that meet the Open Definition (SPDX ids, as in a descriptor's licence
# ``name``): data under one of them may be had without charge.
OPEN_LICENSES = {
    "cc0-1.0", "cc-by-4.0", "cc-by-sa-4.0", "cc-by-3.0", "cc-by-sa-3.0", "odbl-1.0",
    "odc-by-1.0", "pddl-1.0", "ogl-uk-3.0", "etalab-2.0", "dl-de-by-2.0", "dl-de-zero-2.0",
}  # fmt: skip


@dataclass
class CatalogResult:
    """A catalogue document and what a reader of it should know (e.g. relative addresses)."""

    format: str
    document: dict[str, Any]
    warnings: list[Issue] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "document": self.document,
            "warnings": [w.to_dict() for w in self.warnings],
        }


def catalog(
    pkg: Package,
    fmt: str,
    *,
    base_url: str | None = None,
    releases: Path | None = None,
    releases_url: str | None = None,
) -> CatalogResult:
    """The ``dcat`` or ``schemaorg`` document of the package, with its warnings.

    With ``releases`` (a release archive folder), the document describes the
    series of every archived release with the package as its newest member
    (:mod:`statpub.publish.series`); archived releases' files are addressed
    under ``releases_url`` + ``<version>/``."""
    render = {"dcat": dcat_from_record, "schemaorg": schemaorg_from_record}.get(fmt)
    if render is None:
        raise StatpubError(
            f"unknown catalogue format {fmt!r}: use dcat or schemaorg", code="bad-usage"
        )
    series_warnings: list[Issue] = []
    if releases is None:
        record = catalog_record(pkg, base_url=base_url)
        document = render(record)
    else:
        from statpub.publish.series import dcat_series, schemaorg_series, series_members

        if not releases.is_dir():
            raise StatpubError(
                f"{releases} is not a folder: give the release archive (releases/)",
                code="file-not-found",
                path=releases,
            )
        archive_base = _base(releases_url)
        members, series_warnings = series_members(
            pkg,
            releases,
            lambda p, version: _record(p, _release_base(pkg, p, archive_base, base_url, version)),
        )
        record = members[-1].record
        series = dcat_series if fmt == "dcat" else schemaorg_series
        document = series(members, render)
    warnings = series_warnings
    if releases is not None and not releases_url and len(members) > 1:
        warnings.append(
            Issue(
                "catalog-relative-urls",
                "no --releases-url: the archived releases have no address and their download "
                "addresses are relative to the package folder (as the folders lie on this "
                f"disk). Give the address {releases} is published under with --releases-url",
                severity=WARNING,
            )
        )
    if not base_url:
        warnings.append(
            Issue(
                "catalog-relative-urls",
                "no --base-url: the dataset has no address and every download address is "
                "relative to wherever this document is published; harvesters that read it "
                "from elsewhere get broken links. Give the address the files are published "
                "under with --base-url",
                severity=WARNING,
            )
        )
    warnings += _vocabulary_warnings(record)
    return CatalogResult(fmt, document, warnings)


def _vocabulary_warnings(r: CatalogRecord) -> list[Issue]:
    out = []
    stated = [("themes", t, EU_DATA_THEMES) for t in r.themes]
    if r.availability:
        stated.append(("availability", r.availability, EU_AVAILABILITY))
    for prop, value, codes in stated:
        if value.upper() not in codes and not value.startswith(("http://", "https://")):
            out.append(
                Issue(
                    "catalog-unknown-code",
                    f"{prop} {value!r} is neither a code of its EU authority table "
                    f"({', '.join(sorted(codes))}) nor an address; it is left out",
                    field=prop,
                    severity=WARNING,
                )
            )
    return out


def catalog_record(pkg: Package, *, base_url: str | None = None) -> CatalogRecord:
    """Normalize the package's descriptor, with its files proven, into one record."""
    return _record(pkg, _base(base_url))


def _record(pkg: Package, base: str) -> CatalogRecord:
    """The record with download addresses ``base`` + path: an absolute base is also the
    dataset's address; a relative one (an archived release's folder) is not."""
    require_intact(pkg, "no metadata written")  # also: every property is of a usable shape
    descriptor = pkg.descriptor
    package_dir = pkg.root
    licenses = [x for x in descriptor.get("licenses") or [] if isinstance(x, dict)]
    lic = licenses[0] if licenses else {}
    contributors = [c for c in descriptor.get("contributors") or [] if isinstance(c, dict)]

    def having(role: str) -> tuple[str, ...]:
        return tuple(str(c["title"]) for c in contributors if c.get("title") and role in _roles(c))

    spatial = descriptor.get("spatialCoverage") or {}
    temporal = descriptor.get("temporalCoverage") or {}
    created = str(descriptor.get("created") or "")
    themes = descriptor.get("themes")
    langs = _declared_languages(descriptor)
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
        open_license=str(lic.get("name") or "").lower() in OPEN_LICENSES,
        creators=having("creator"),
        # Whoever maintains the package is who makes it available.
        publishers=having("publisher") or having("maintainer"),
        contacts=_contacts(contributors),
        spatial_name=_opt(spatial.get("name")),
        spatial_code=_opt(spatial.get("iso3166")),
        temporal_start=_opt(temporal.get("start")),
        temporal_end=_opt(temporal.get("end")),
        sources=tuple(
            (str(s.get("title") or s.get("path")), _opt(s.get("path")))
            for s in descriptor.get("sources") or []
            if isinstance(s, dict) and (s.get("title") or s.get("path"))
        ),
        themes=tuple(str(t) for t in themes) if isinstance(themes, list) else (),
        availability=_opt(descriptor.get("availability")),
        profile=_opt(descriptor.get("$schema")),
        landing_page=base if urlsplit(base).scheme else None,
        variables=tuple(_variables(pkg)),
        distributions=tuple(_distributions(pkg, base, langs)),
        languages=tuple(langs),
        titles=_texts(descriptor, "title", langs),
        descriptions=_texts(descriptor, "description", langs),
    )


def _declared_languages(descriptor: dict[str, Any]) -> list[str]:
    from statpub.package.languages import is_tag, languages

    if "languages" not in descriptor:
        return []
    return [x for x in languages(descriptor) if is_tag(x)]


def _texts(obj: dict[str, Any], key: str, langs: list[str]) -> tuple[tuple[str, str], ...]:
    from statpub.package.languages import translations

    return tuple(translations(obj, key, langs).items()) if langs else ()


def dcat_jsonld(pkg: Package, *, base_url: str | None = None) -> dict[str, Any]:
    """A DCAT-AP ``dcat:Dataset`` with its distributions, as compact JSON-LD."""
    return catalog(pkg, "dcat", base_url=base_url).document


def schemaorg_dataset(
    pkg: Package, *, base_url: str | None = None, language: str | None = None
) -> dict[str, Any]:
    """A schema.org ``Dataset`` (JSON-LD) for a dataset page's ``<head>``: in the page's
    ``language`` (default: the package's default language), plain text as search
    engines read it. ``catalog(pkg, "schemaorg")`` has every language."""
    from statpub.publish.schemaorg import schemaorg_from_record

    record = catalog_record(pkg, base_url=base_url)
    page = language or (record.languages[0] if record.languages else None)
    return schemaorg_from_record(record, language=page)


def _contacts(contributors: list[dict[str, Any]]) -> tuple[Contact, ...]:
    """Contributors with the role ``contact``; else those with an email address."""
    named = [c for c in contributors if c.get("title")]
    chosen = [c for c in named if "contact" in _roles(c)] or [c for c in named if c.get("email")]
    return tuple(
        Contact(str(c["title"]), _opt(c.get("email")), _opt(c.get("path"))) for c in chosen
    )


def _variables(pkg: Package) -> list[Variable]:
    """Every field of the tables' schemas, once per name, in descriptor order."""
    out: dict[str, Variable] = {}
    for res in pkg.resources:
        for f in (res.schema or {}).get("fields") or []:
            if isinstance(f, dict) and isinstance(f.get("name"), str) and f["name"] not in out:
                out[f["name"]] = Variable(
                    f["name"], _opt(f.get("description")), _opt(f.get("title"))
                )
    return list(out.values())


def _distributions(pkg: Package, base: str, langs: list[str]) -> list[Distribution]:
    """One distribution per resource file (proven against the descriptor by catalog_record)."""
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
                titles=_texts(d, "title", langs),
                descriptions=_texts(d, "description", langs),
            )
        )
    return out


def _release_base(
    current: Package, pkg: Package, archive_base: str, base_url: str | None, version: str
) -> str:
    """Where a series member's files are: the catalogued package's under ``base_url``, an
    archived release's under the archive's address, else relative to the package folder."""
    if pkg is current:
        return _base(base_url)
    if archive_base:
        return f"{archive_base}{version}/"
    return Path(os.path.relpath(pkg.root, current.root)).as_posix() + "/"


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


def _opt(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def jsonld_bytes(doc: dict[str, Any]) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_jsonld(doc: dict[str, Any], path: Path, package: Package | None = None) -> None:
    """Write ``doc`` to ``path`` whole (never a half-written file); never over ``package``'s
    own descriptor or one of its files."""
    if package is not None:
        own = [package.descriptor_path] if package.descriptor_path else []
        own += [f for r in package.resources for f in r.files]
        target = path.resolve()
        if any(target == p.resolve() for p in own):
            raise StatpubError(
                f"{path}: is a file of the package itself; writing the catalogue there would "
                "replace it: choose another --out",
                code="bad-usage",
                path=path,
            )
    write_bytes(path, jsonld_bytes(doc))
