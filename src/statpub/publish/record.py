"""The record both catalogue formats render (:mod:`statpub.publish.catalog` builds it;
:mod:`statpub.publish.dcat` and :mod:`statpub.publish.schemaorg` write it out)."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    # (language, text) of the title and description in every language written,
    # the default first; empty when the package declares no languages.
    titles: tuple[tuple[str, str], ...] = ()
    descriptions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Contact:
    """Someone to ask about the data: a contributor with an address to reach them at."""

    name: str
    email: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Variable:
    """A field of the package's tables, as schema.org ``variableMeasured`` lists it."""

    name: str
    description: str | None = None
    title: str | None = None


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
    open_license: bool = False  # the licence is one of OPEN_LICENSES
    creators: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()
    contacts: tuple[Contact, ...] = ()
    spatial_name: str | None = None
    spatial_code: str | None = None  # ISO 3166-1 alpha-2
    temporal_start: str | None = None
    temporal_end: str | None = None
    sources: tuple[tuple[str, str | None], ...] = ()  # (title, url)
    themes: tuple[str, ...] = ()  # EU data-theme codes or IRIs, as the descriptor states them
    availability: str | None = None  # an EU planned-availability code or IRI
    profile: str | None = None  # the Data Package profile the descriptor follows
    landing_page: str | None = None
    variables: tuple[Variable, ...] = ()
    distributions: tuple[Distribution, ...] = field(default_factory=tuple)
    # The package's declared languages, the default first (docs/languages.md), and
    # its title and description in each of them; empty when it declares none.
    languages: tuple[str, ...] = ()
    titles: tuple[tuple[str, str], ...] = ()
    descriptions: tuple[tuple[str, str], ...] = ()
