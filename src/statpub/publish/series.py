"""A dataset series: every archived release of a package as one member of a series.

DCAT-AP 3.0.1 describes a publication that comes out in versions as a
``dcat:DatasetSeries`` whose members are ``dcat:Dataset`` s (``dcat:inSeries``),
each with its ``dcat:version``, release date, ``adms:versionNotes``, the release
before it (``dcat:prev``, the series order, and ``dcat:previousVersion``, the
version chain) and its own distributions with their checksums. schema.org says
the same with ``version`` and ``isBasedOn``.

The members are read from the release archive (``releases/<version>/``, see
:mod:`statpub.versioning.archive`), each proven against its ``SHA256SUMS`` first,
so a catalogue never advertises a checksum the archive no longer holds. The
package being catalogued is the newest member (unless it carries an archived
version without that release's files: then the archived release stands for the
version, with a warning); its addresses are under ``base_url``, an archived
member's under ``releases_url`` + ``<version>/``.
Without those addresses the members are blank nodes and the download addresses
are relative, as for one dataset (:mod:`statpub.publish.catalog`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from statpub import semver
from statpub.errors import InvalidInput
from statpub.package import Package
from statpub.publish.record import CatalogRecord
from statpub.report import WARNING, Issue

SERIES_ID = "_:series"


@dataclasses.dataclass(frozen=True)
class Member:
    """One release of the series: its record and the node it is known by."""

    record: CatalogRecord
    node: str  # an IRI, or a blank node id (``_:release-<version>``)


def series_members(
    pkg: Package, releases_dir: Path, record_of: Any
) -> tuple[list[Member], list[Issue]]:
    """The package and every other archived release, oldest first, each proven; and a
    warning when the package carries an archived version but not its files.

    ``record_of(package, version)`` makes a member's record, its addresses set. A
    version is described by its archived files: the package stands for its version
    only when its files are that release's, byte for byte."""
    from statpub.package import read_package
    from statpub.versioning.archive import (
        archived_versions,
        package_files,
        released_files,
        verify,
    )

    version = str(pkg.descriptor.get("version") or "")
    warnings: list[Issue] = []
    records: dict[str, CatalogRecord] = {}
    archived = archived_versions(releases_dir)
    if version in archived and package_files(pkg.root) != released_files(releases_dir / version):
        warnings.append(
            Issue(
                "catalog-unreleased-package",
                f"{pkg.descriptor_label} says version {version}, but its files are not the "
                f"archived release {version}'s (built since, with changes not yet released); "
                f"the series describes the archived {version}. Release the changes "
                "(statpub release) to make them a member",
                path=pkg.descriptor_label,
                severity=WARNING,
            )
        )
    else:
        records[version] = record_of(pkg, version)
    for v in archived:
        if v in records:
            continue
        folder = releases_dir / v
        issues = verify(folder)
        if issues:
            raise InvalidInput(
                issues,
                summary=f"release {v} in {releases_dir} fails its checksums; no series written",
                code="archive-checksums",
                path=folder,
            )
        records[v] = record_of(read_package(folder), v)
    # An unreleased (unversioned) package comes after every release.
    order = sorted(records, key=lambda v: (0, semver.sort_key(v)) if semver.is_version(v) else (1,))
    members = [
        Member(records[v], records[v].landing_page or f"_:release-{v or 'unversioned'}")
        for v in order
    ]
    return members, warnings


def dcat_series(members: list[Member], render: Any) -> dict[str, Any]:
    """A JSON-LD graph: the ``dcat:DatasetSeries`` and one ``dcat:Dataset`` per member.

    ``render(record)`` is the single-dataset renderer (``dcat_from_record``)."""
    latest = members[-1].record
    context: dict[str, Any] = {}
    datasets = []
    prev: str | None = None
    for m in members:
        doc = render(m.record)
        context = doc.pop("@context")
        doc = {"@id": m.node, **doc}
        doc["dcat:inSeries"] = {"@id": SERIES_ID}
        if prev:
            doc["dcat:prev"] = {"@id": prev}
            doc["dcat:previousVersion"] = {"@id": prev}
        datasets.append(doc)
        prev = m.node
    series_doc = render(latest)
    series: dict[str, Any] = {
        "@id": SERIES_ID,
        "@type": "dcat:DatasetSeries",
        "dct:title": series_doc["dct:title"],
        "dct:description": series_doc["dct:description"],
    }
    for key in ("dct:publisher", "dcat:contactPoint", "dct:spatial", "dct:temporal"):
        if key in series_doc:
            series[key] = series_doc[key]
    # The series was first issued with its first release and last changed with its newest.
    if members[0].record.issued:
        series["dct:issued"] = {"@value": members[0].record.issued, "@type": "xsd:date"}
    if latest.issued:
        series["dct:modified"] = {"@value": latest.issued, "@type": "xsd:date"}
    series["dcat:first"] = {"@id": members[0].node}
    series["dcat:last"] = {"@id": members[-1].node}
    return {"@context": context, "@graph": [series, *datasets]}


def schemaorg_series(members: list[Member], render: Any) -> dict[str, Any]:
    """A JSON-LD graph of schema.org ``Dataset`` s, one per release: each with its
    ``version`` and the release before it in ``isBasedOn``."""
    graph = []
    prev: Member | None = None
    for m in members:
        doc = render(m.record)
        doc.pop("@context")
        doc = {"@id": m.node, **doc}
        if prev is not None:
            earlier: dict[str, Any] = {"@type": "Dataset", "@id": prev.node}
            if prev.record.version:
                earlier["version"] = prev.record.version
            if not prev.node.startswith("_:"):
                earlier["url"] = prev.node
            doc["isBasedOn"] = [earlier, *doc.get("isBasedOn", [])]
        graph.append(doc)
        prev = m
    return {"@context": "https://schema.org", "@graph": graph}
