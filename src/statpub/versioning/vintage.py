"""The vintage view: for each figure, the value consumers saw in each released version.

As ALFRED keeps every vintage of a FRED series, the release archive keeps every
released package; this reads a table (``observations`` by default) from each
archived version and lines up, per primary key, what each version published
and how it differed from the version before: ``new``, ``same``, ``revised``
or ``removed``. Versions after a removal are left out until the row returns.
Every archived version is proven against its ``SHA256SUMS`` before anything is
read: a tampered archive is refused, naming each file (``checksum-mismatch``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statpub.errors import InvalidInput, StatpubError
from statpub.package import Package, read_package
from statpub.versioning import archive
from statpub.versioning.rowtext import read_rows
from statpub.versioning.schemadiff import as_list

FIGURE_TABLE = "observations"
# For statpub's observations: the figure and its source; other tables show every field.
FIGURE_VIEW = ("value", "qualifier", "lower_bound", "upper_bound", "obs_status", "source_id")


@dataclass
class Vintage:
    version: str
    release_date: str
    status: str  # new, same, revised, removed
    values: dict[str, str | None]

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "release_date": self.release_date,
            "status": self.status,
            "values": dict(self.values),
        }


@dataclass
class Series:
    key: dict[str, str | None]
    vintages: list[Vintage] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"key": dict(self.key), "vintages": [v.to_dict() for v in self.vintages]}


@dataclass
class VintageView:
    resource: str
    key_fields: list[str]
    fields: list[str]
    versions: list[tuple[str, str]]  # (version, release date), oldest first
    series: list[Series] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "key_fields": list(self.key_fields),
            "fields": list(self.fields),
            "versions": [{"version": v, "release_date": d} for v, d in self.versions],
            "series": [s.to_dict() for s in self.series],
        }

    def rows(self) -> list[dict[str, str | None]]:
        """One flat row per key and version, for CSV output."""
        return [
            {
                **s.key,
                "version": v.version,
                "release_date": v.release_date,
                "status": v.status,
                **v.values,
            }
            for s in self.series
            for v in s.vintages
        ]


def vintages(
    releases_dir: Path,
    *,
    resource: str | None = None,
    fields: list[str] | None = None,
    where: dict[str, str] | None = None,
) -> VintageView:
    """Every archived version's rows of ``resource``, lined up by primary key.

    Without ``resource``: :func:`default_table` of the newest archived version.
    """
    versions = archive.archived_versions(releases_dir)
    if not versions:
        raise StatpubError(
            f"{releases_dir}: no archived release found", code="file-not-found", path=releases_dir
        )
    issues = archive.verify_all(releases_dir)
    if issues:
        raise InvalidInput(
            issues,
            summary=f"the release archive {releases_dir} fails its checksums; nothing was read",
            code="archive-checksums",
            path=releases_dir,
        )
    if resource is None:
        resource = default_table(read_package(releases_dir / versions[-1]), where or {})
    view: VintageView | None = None
    known: list[str] = []  # every field of the resource in any version, first seen first
    seen: dict[tuple[str | None, ...], Series] = {}
    last: dict[tuple[str | None, ...], dict[str, str | None] | None] = {}
    for version in versions:
        pkg = read_package(releases_dir / version)
        res = pkg.resource(resource)
        schema = res.schema if res else None
        if res is None or schema is None:
            continue
        names = [f["name"] for f in schema["fields"]]
        known += [n for n in names if n not in known]
        if view is None:
            keys = as_list(schema.get("primaryKey"))
            if not keys:
                raise StatpubError(
                    f"resource {resource!r} has no primary key to follow rows by",
                    code="no-primary-key",
                )
            shown = (
                fields
                or [f for f in FIGURE_VIEW if f in names]
                or [n for n in names if n not in keys]
            )
            view = VintageView(resource, keys, shown, [])
        date = str(pkg.descriptor.get("created") or "")[:10]
        view.versions.append((version, date))
        present: set[tuple[str | None, ...]] = set()
        for row in read_rows(res):
            record = dict(zip(names, row, strict=True))
            if where and any(record.get(k) != v for k, v in where.items()):
                continue
            key = tuple(record.get(k) for k in view.key_fields)
            values = {f: record.get(f) for f in view.fields}
            present.add(key)
            before = last.get(key)
            status = "new" if before is None else ("same" if before == values else "revised")
            series = seen.setdefault(key, Series(dict(zip(view.key_fields, key, strict=True))))
            series.vintages.append(Vintage(version, date, status, values))
            last[key] = values
        for key, before in list(last.items()):
            if key not in present and before is not None:
                seen[key].vintages.append(
                    Vintage(version, date, "removed", dict.fromkeys(view.fields))
                )
                last[key] = None
    if view is None:
        raise StatpubError(
            f"no archived release has a resource {resource!r}", code="resource-not-found"
        )
    _check_names(resource, known, fields or [], where or {})
    view.series = [seen[k] for k in sorted(seen, key=lambda k: tuple(x or "" for x in k))]
    return view


def default_table(pkg: Package, where: dict[str, str]) -> str:
    """The table to follow when none is named: ``observations`` when the package has it
    (statpub's figure model), else its one keyed table holding every ``where`` field.

    Raises StatpubError naming the candidates when that is not exactly one table.
    """
    from statpub.package.copies import copy_pairs

    if pkg.resource(FIGURE_TABLE) is not None:
        return FIGURE_TABLE
    copies = {parquet.name for _, parquet in copy_pairs(pkg)}
    keyed = [
        res
        for res in pkg.resources
        if res.schema is not None
        and as_list(res.schema.get("primaryKey"))
        and res.name not in copies
    ]
    fitting = [
        res
        for res in keyed
        if all(name in {f["name"] for f in (res.schema or {})["fields"]} for name in where)
    ]
    if len(fitting) == 1:
        return str(fitting[0].name)
    names = ", ".join(str(r.name) for r in (fitting or keyed)) or "none"
    why = "more than one table has" if fitting else "no table has"
    what = f"the fields {', '.join(where)}" if where else "a primary key"
    raise StatpubError(
        f"{pkg.descriptor_label}: {why} {what}; name the table with --resource "
        f"(tables with a primary key: {names})",
        code="bad-usage",
    )


def _check_names(resource: str, known: list[str], fields: list[str], where: dict[str, str]) -> None:
    """A misspelt --field or --where name would match nothing, silently: refuse it."""
    for option, names in (("--where", list(where)), ("--field", fields)):
        unknown = [n for n in names if n not in known]
        if unknown:
            raise StatpubError(
                f"{option} names {', '.join(repr(n) for n in unknown)}, not a field of "
                f"{resource!r} in any released version; the fields are: {', '.join(known)}",
                code="unknown-field",
            )
