"""``diff()``: typed differences between two Data Packages and the version bump they need.

Works on any package: resources are matched by name, their rows by primary key
(or by content when there is none). The whole change is classified MAJOR,
MINOR or PATCH by the Data Package v2 "Data Package Version" recipe, and the
first change of the highest level is named as the one that forced it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from statpub import semver
from statpub.errors import InvalidInput, StatpubError
from statpub.package import Package, Resource
from statpub.versioning.change import Change
from statpub.versioning.rows import Columns, RowComparison, compare_rows
from statpub.versioning.rowtext import Row, read_rows
from statpub.versioning.schemadiff import as_list, diff_schema

# Package properties that say which version this is, not what it holds.
VERSION_PROPS = {"version", "versionNote", "created", "resources", "$schema", "profile"}
IDENTITY_PROPS = ("name", "id")
# Derived from the bytes, which the row comparison judges instead.
DERIVED_RESOURCE_PROPS = {"hash", "bytes"}
STORAGE_PROPS = ("format", "mediatype", "encoding", "dialect", "compression")


@dataclass
class ResourceDiff:
    """What changed in one resource's rows."""

    name: str
    status: str  # added, removed, changed, same
    matched_by: list[str] | None = None  # None: matched by row content (no primary key)
    comparison: RowComparison | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "status": self.status}
        c = self.comparison
        if c is None:
            return out
        out["matched_by"] = self.matched_by if self.matched_by is not None else "row content"
        out.update(
            rows_old=c.old_rows,
            rows_new=c.new_rows,
            rows_added=c.added_count,
            rows_removed=c.removed_count,
            rows_revised=c.revised_count,
            cells_revised=c.cells_revised,
        )
        out["added"] = [dict(r) for r in c.added]
        out["removed"] = [dict(r) for r in c.removed]
        out["revised"] = [
            {"key": r.key, "field": f, "old": r.old[_old_name(c.columns, f)], "new": r.new[f]}
            for r in c.revised
            for f in r.fields
        ]
        out["truncated"] = c.truncated
        return out


def _old_name(columns: Columns, new_name: str) -> str:
    return next(o for o, n in columns.common if n == new_name)


@dataclass
class DiffResult:
    old: str
    new: str
    old_version: str | None
    new_version: str | None
    changes: list[Change] = field(default_factory=list)
    resources: list[ResourceDiff] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def different(self) -> bool:
        return bool(self.changes)

    @property
    def level(self) -> str:
        return semver.highest([c.level for c in self.changes])

    @property
    def forced_by(self) -> Change | None:
        level = self.level
        return next((c for c in self.changes if c.level == level and level != "none"), None)

    def to_dict(self) -> dict[str, Any]:
        forced = self.forced_by
        return {
            "old": self.old,
            "new": self.new,
            "old_version": self.old_version,
            "new_version": self.new_version,
            "different": self.different,
            "level": self.level,
            "forced_by": forced.to_dict() if forced else None,
            "changes": [c.to_dict() for c in self.changes],
            "resources": [r.to_dict() for r in self.resources if r.status != "same"],
            "notes": list(self.notes),
        }


def diff(
    old: Package, new: Package, *, limit: int | None = None, ignore: tuple[str, ...] = ()
) -> DiffResult:
    """Compare two packages; ``limit`` caps the rows listed per resource (counts stay exact)."""
    result = DiffResult(old.label, new.label, old.version, new.version)
    result.changes += _package_changes(old.descriptor, new.descriptor)
    old_res = {str(r.name): r for r in old.resources if r.name not in ignore}
    new_res = {str(r.name): r for r in new.resources if r.name not in ignore}
    renamed = _renamed_resources(old_res, new_res)
    for o, n in renamed:
        result.changes.append(
            Change(
                "resource-renamed", "major", f"resource {o!r} was renamed to {n!r}", n, None, o, n
            )
        )
    gone = {o for o, _ in renamed}
    came = {n for _, n in renamed}
    for name in old_res:
        if name not in new_res and name not in gone:
            result.changes.append(
                Change("resource-removed", "major", f"resource {name!r} was removed", str(name))
            )
            result.resources.append(ResourceDiff(str(name), "removed"))
    for name in new_res:
        if name not in old_res and name not in came:
            result.changes.append(
                Change("resource-added", "minor", f"resource {name!r} was added", str(name))
            )
            result.resources.append(ResourceDiff(str(name), "added"))
    pairs = [(o, o) for o in old_res if o in new_res] + list(renamed)
    referenced = _referenced_fields(old)
    for o, n in pairs:
        result.resources.append(
            _resource_diff(old, new, old_res[o], new_res[n], result, limit, referenced)
        )
    return result


def _package_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    out: list[Change] = []
    for prop in IDENTITY_PROPS:
        if old.get(prop) != new.get(prop):
            out.append(
                Change(
                    "package-renamed",
                    "major",
                    f"the package {prop} changed from {old.get(prop)!r} to {new.get(prop)!r}",
                    None,
                    prop,
                    old.get(prop),
                    new.get(prop),
                )
            )
    for prop in sorted((set(old) | set(new)) - VERSION_PROPS - set(IDENTITY_PROPS)):
        if old.get(prop) != new.get(prop):
            out.append(
                Change(
                    "metadata-changed",
                    "patch",
                    f"package property {prop} changed",
                    None,
                    prop,
                    old.get(prop),
                    new.get(prop),
                )
            )
    return out


def _renamed_resources(
    old: dict[str, Resource], new: dict[str, Resource]
) -> list[tuple[str, str]]:
    """A resource that disappeared and one that appeared with the same path were renamed."""
    pairs = []
    came = {str(n): r.paths for n, r in new.items() if n not in old}
    for name, res in old.items():
        if name in new or not res.paths:
            continue
        match = [n for n, p in came.items() if p == res.paths]
        if len(match) == 1:
            pairs.append((str(name), match[0]))
            came.pop(match[0])
    return pairs


def _referenced_fields(pkg: Package) -> dict[str, set[str]]:
    """resource name -> its fields that a foreign key of another resource points to."""
    out: dict[str, set[str]] = {}
    for res in pkg.resources:
        schema = res.schema if res.tabular else None
        fks = (schema or {}).get("foreignKeys")
        for fk in fks if isinstance(fks, list) else []:
            ref = fk.get("reference") if isinstance(fk, dict) else None
            if not isinstance(ref, dict) or not ref.get("resource"):
                continue  # a self-reference: rows of the same table
            out.setdefault(str(ref["resource"]), set()).update(as_list(ref.get("fields")))
    return out


def _resource_diff(
    old: Package,
    new: Package,
    o: Resource,
    n: Resource,
    result: DiffResult,
    limit: int | None,
    referenced: dict[str, set[str]],
) -> ResourceDiff:
    name = str(n.name)
    result.changes += _resource_props(name, o.descriptor, n.descriptor)
    _require_readable(old, o)
    _require_readable(new, n)
    if o.spec is None or n.spec is None:
        if o.tabular and n.tabular and o.files and n.files and (o.spec or n.spec):
            result.notes.append(f"{name}: a side has no Table Schema; its rows were not compared")
            return ResourceDiff(name, "same")
        return _opaque(o, n, name, result)
    old_schema, new_schema = o.schema, n.schema
    if old_schema is None or new_schema is None:
        result.notes.append(f"{name}: a side has no Table Schema; its rows were not compared")
        return ResourceDiff(name, "same")
    schema_changes, common = diff_schema(name, old_schema, new_schema)
    result.changes += schema_changes
    key = _match_key(old_schema, new_schema, common)
    if key is None:
        result.notes.append(
            f"{name}: no primary key common to both sides; rows matched by their full content"
        )
    columns = Columns(
        old_names=[f["name"] for f in old_schema["fields"]],
        new_names=[f["name"] for f in new_schema["fields"]],
        common=common,
        key=key,
    )
    comparison = compare_rows(
        columns,
        _rows(old, o),
        _rows(new, n),
        # A change log is read whole: every appended entry must be checked for its version.
        limit=None if _versioned(new_schema) else limit,
    )
    if comparison.duplicate_keys:
        result.notes.append(
            f"{name}: some primary-key values occur more than once; "
            "the first row of each was compared"
        )
    result.changes += _row_changes(
        name, comparison, new, new_schema, referenced.get(str(o.name), set())
    )
    changed = comparison.added_count or comparison.removed_count or comparison.revised_count
    return ResourceDiff(name, "changed" if changed else "same", key, comparison)


def _resource_props(name: str, o: dict[str, Any], n: dict[str, Any]) -> list[Change]:
    out: list[Change] = []
    skip = {"name", "schema", "data", *DERIVED_RESOURCE_PROPS}
    for prop in sorted((set(o) | set(n)) - skip):
        a, b = o.get(prop), n.get(prop)
        if a == b:
            continue
        if prop == "path":
            out.append(
                Change(
                    "resource-moved",
                    "none",
                    f"the data moved from {a!r} to {b!r} (the recipe: no new version)",
                    name,
                    None,
                    a,
                    b,
                )
            )
        elif prop in STORAGE_PROPS:
            out.append(
                Change(
                    "resource-format-changed",
                    "patch",
                    f"{prop} changed from {a!r} to {b!r}; the rows are compared below",
                    name,
                    None,
                    a,
                    b,
                )
            )
        else:
            out.append(
                Change(
                    "resource-metadata-changed",
                    "patch",
                    f"resource property {prop} changed",
                    name,
                    None,
                    a,
                    b,
                )
            )
    return out


def _require_readable(pkg: Package, res: Resource) -> None:
    """A side whose resource cannot be read cannot be compared: say why, do not guess."""
    if res.readable:
        return
    first = next(p for p in res.problems if p.severity == "error")
    raise StatpubError(
        f"{pkg.label}: cannot compare resource {res.name!r}: {first.message}",
        code="package-unreadable",
    )


def _rows(pkg: Package, res: Resource) -> Iterator[Row]:
    try:
        yield from read_rows(res)
    except InvalidInput as exc:
        first = exc.issues[0] if exc.issues else None
        why = f"{first.where()}: {first.message}" if first else exc.summary
        raise StatpubError(
            f"{pkg.label}: cannot read resource {res.name!r} ({why})", code="package-unreadable"
        ) from exc


def _opaque(o: Resource, n: Resource, name: str, result: DiffResult) -> ResourceDiff:
    """A resource that is not a table statpub reads: compare its declared hash, else its bytes."""
    from statpub.package.files import digest

    def fingerprint(res: Resource) -> str:
        if isinstance(res.descriptor.get("hash"), str):
            return str(res.descriptor["hash"])
        if res.inline:
            return repr(res.descriptor.get("data"))
        return "sha256:" + digest(res.files).hex if res.files else repr(res.paths)

    if fingerprint(o) == fingerprint(n):
        return ResourceDiff(name, "same")
    result.changes.append(
        Change(
            "content-changed",
            "minor",
            "the contents changed; not a table, so the kind of change cannot be "
            "told (taken as changed data: MINOR)",
            name,
        )
    )
    return ResourceDiff(name, "changed")


def _match_key(
    old: dict[str, Any], new: dict[str, Any], common: list[tuple[str, str]]
) -> list[str] | None:
    rename = dict(common)
    new_names = {n for _, n in common}
    for candidate in (
        as_list(new.get("primaryKey")),
        [rename.get(k, "") for k in as_list(old.get("primaryKey"))],
    ):
        if candidate and all(k in new_names for k in candidate):
            return candidate
    return None


def _row_changes(
    name: str, c: RowComparison, new: Package, schema: dict[str, Any], referenced: set[str]
) -> list[Change]:
    out: list[Change] = []
    if c.added_count:
        if _is_own_log(c, schema, new.version):
            out.append(
                Change(
                    "log-entries-added",
                    "none",
                    f"{c.added_count} entries for version {new.version} were added to the "
                    "package's own change log",
                    name,
                )
            )
        else:
            out.append(
                Change(
                    "rows-added",
                    "minor",
                    f"{c.added_count} row(s) added",
                    name,
                    None,
                    c.old_rows,
                    c.new_rows,
                )
            )
    if c.removed_count:
        hit = bool(referenced)
        level = "major" if hit else "minor"
        why = (
            " that another resource references (the recipe: deleting referenced data is MAJOR)"
            if hit
            else ""
        )
        out.append(
            Change(
                "rows-removed",
                level,
                f"{c.removed_count} row(s) removed{why}",
                name,
                None,
                c.old_rows,
                c.new_rows,
            )
        )
    if c.revised_count:
        touched = {f for r in c.revised for f in r.fields}
        hit_fields = sorted(touched & referenced)
        if hit_fields:
            out.append(
                Change(
                    "referenced-data-changed",
                    "major",
                    f"values of {', '.join(hit_fields)} changed, which another resource references",
                    name,
                )
            )
        out.append(
            Change(
                "cells-revised",
                "patch",
                f"{c.cells_revised} value(s) in {c.revised_count} row(s) corrected",
                name,
            )
        )
    return out


def _is_own_log(c: RowComparison, schema: dict[str, Any], version: str | None) -> bool:
    """Rows only appended, each stamped with the new package version: a change log, not data."""
    if version is None or c.removed_count or c.revised_count or c.truncated:
        return False
    return _versioned(schema) and all(r.get("version") == version for r in c.added)


def _versioned(schema: dict[str, Any]) -> bool:
    return "version" in as_list(schema.get("primaryKey"))
