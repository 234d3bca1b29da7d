"""``diff()``: typed differences between two Data Packages and the version bump they need.

Works on any package: resources are matched by name, their rows by the
declared primary key, a key given (``--key``), or a key found in the data
(:mod:`statpub.versioning.keys`); by content when there is none. The CSV and
Parquet copies of one table (twins) are reported once. The whole change is
classified MAJOR, MINOR or PATCH by the Data Package v2 "Data Package Version"
recipe, the first change of the highest level is named as the one that forced
it, and a version that did not move on as far as the changes need is reported
(``version-not-bumped``).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from typing import Any

from statpub import semver
from statpub.errors import StatpubError
from statpub.package import Package, Resource
from statpub.versioning.cards import card_changes
from statpub.versioning.change import Change
from statpub.versioning.reuse import Kept, Memo, fingerprint
from statpub.versioning.rows import Columns, RowComparison
from statpub.versioning.schemadiff import as_list
from statpub.versioning.tablediff import diff_table
from statpub.versioning.twins import fold_twins

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
    status: str  # added, removed, changed, same, not-compared
    matched_by: list[str] | None = None  # None: matched by row content (no key)
    comparison: RowComparison | None = None
    key_source: str | None = None  # primaryKey, --key, inferred or "row content"
    twin: str | None = None  # the twin reported with this resource (same rows, other format)
    changes: list[Change] = field(default_factory=list, repr=False)
    folded: bool = False  # a twin reported with its other copy
    reason: str | None = None  # why its rows were not compared (status not-compared)
    kept: Kept | None = field(default=None, repr=False)  # for a later diff to reuse

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "status": self.status}
        if self.twin is not None:
            out["twin"] = self.twin
        if self.reason is not None:
            out["reason"] = self.reason
        c = self.comparison
        if c is None:
            return out
        out["matched_by"] = self.matched_by if self.matched_by is not None else "row content"
        out["key_source"] = self.key_source or "row content"
        out.update(
            rows_old=c.old_rows,
            rows_new=c.new_rows,
            rows_added=c.added_count,
            rows_removed=c.removed_count,
            rows_revised=c.revised_count,
            cells_revised=c.cells_revised,
            rows_reformatted=c.reformatted_count,
            cells_reformatted=c.cells_reformatted,
        )
        out["added"] = [dict(r) for r in c.added]
        out["removed"] = [dict(r) for r in c.removed]
        out["revised"] = [
            {"key": r.key, "field": f, "old": r.old[_old_name(c.columns, f)], "new": r.new[f]}
            for r in c.revised
            for f in r.fields
        ]
        out["reformatted"] = [r.to_dict() for r in c.reformatted]
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
    def not_compared(self) -> list[ResourceDiff]:
        """The resources whose rows could not be compared; the rest of the package was."""
        return [r for r in self.resources if r.status == "not-compared"]

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
            "resources": [
                r.to_dict() for r in self.resources if r.status != "same" and not r.folded
            ],
            "not_compared": [{"resource": r.name, "reason": r.reason} for r in self.not_compared],
            "notes": list(self.notes),
        }


def diff(
    old: Package,
    new: Package,
    *,
    limit: int | None = None,
    ignore: tuple[str, ...] = (),
    keys: dict[str, list[str]] | None = None,
    partial: bool = False,
    remember: bool = False,
    reuse: DiffResult | None = None,
) -> DiffResult:
    """Compare two packages; ``limit`` caps the rows listed per resource (counts stay exact).

    ``keys`` gives the fields to match a table's rows by ({resource: fields}), for
    tables that declare no primary key (:func:`statpub.versioning.keys.parse_keys`
    reads ``--key``). A resource whose rows cannot be read on a side makes the
    comparison raise StatpubError (``package-unreadable``): a release must not be
    cut over what was not compared. With ``partial``, it is reported instead
    (status ``not-compared``, with the reason; :attr:`DiffResult.not_compared`)
    and the rest of the package is compared, as ``statpub diff`` does.

    ``remember`` keeps each table's comparison with its fingerprint; ``reuse`` (a
    diff made with ``remember``) gives a table whose fingerprint it holds its
    comparison again, without reading its rows (:mod:`statpub.versioning.reuse`).
    """
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
    given = _twin_keys(new, dict(keys or {}))
    memo = Memo.of(remember or reuse is not None, reuse.resources if reuse else [])
    compared = [
        _resource_diff(old, new, old_res[o], new_res[n], result, limit, referenced, given, memo)
        for o, n in pairs
    ]
    if not partial and (skipped := next((r for r in compared if r.reason), None)):
        raise StatpubError(f"cannot compare: {skipped.reason}", code="package-unreadable")
    fold_twins(new, compared)
    for rd in compared:
        result.resources.append(rd)
        result.changes += rd.changes
    cards, unread = card_changes(old, new)
    result.changes += cards
    result.notes += unread
    bumped, note = version_change(old.version, new.version, result.changes)
    if bumped is not None:
        result.changes.append(bumped)
    if note is not None:
        result.notes.append(note)
    return result


def key_tables(old: Package, new: Package, ignore: tuple[str, ...] = ()) -> list[str]:
    """The tables a ``--key`` can name: those of both packages, a twin counted once."""
    from statpub.versioning.twins import twin_pairs

    second = {b for _, b in twin_pairs(new)}
    in_old = {r.name for r in old.resources if r.tabular}
    return [
        str(r.name)
        for r in new.resources
        if r.tabular and r.name in in_old and r.name not in ignore and r.name not in second
    ]


def _twin_keys(new: Package, keys: dict[str, list[str]]) -> dict[str, list[str]]:
    """A key given for a table holds for its twin too, unless one is given for the twin."""
    from statpub.versioning.twins import twin_pairs

    for a, b in twin_pairs(new):
        if a in keys:
            keys.setdefault(b, keys[a])
        elif b in keys:
            keys.setdefault(a, keys[b])
    return keys


def version_change(
    old: str | None, new: str | None, changes: list[Change]
) -> tuple[Change | None, str | None]:
    """``version-not-bumped`` when the version did not move on as far as ``changes`` need
    (with the level they need), or a note saying why that cannot be told."""
    needed = semver.highest([c.level for c in changes])
    if needed == "none":
        return None, None
    if old is None and new is None:
        return None, "neither package declares a version, so its bump was not checked"
    if old == new:
        target = f" (to {semver.bump(str(old), needed)})" if semver.is_version(old) else ""
        return (
            Change(
                "version-not-bumped",
                needed,
                f"the package changed but its version is still {new!r}: the changes need a "
                f"{needed} bump{target}",
                None,
                "version",
                old,
                new,
            ),
            None,
        )
    if not (semver.is_version(old) and semver.is_version(new)):
        return None, (
            f"versions {old!r} and {new!r} are not both semantic versions (MAJOR.MINOR.PATCH), "
            "so they are not comparable: whether the version moved on as far as the changes "
            f"need ({needed}) was not checked"
        )
    assert old is not None and new is not None
    step = semver.step(old, new)
    if step is not None and semver.rank(step) >= semver.rank(needed):
        return None, None
    said = f"goes back from {old}" if step is None else f"after {old} is a {step} step"
    return (
        Change(
            "version-not-bumped",
            needed,
            f"version {new} {said}, but the changes need a {needed} bump: release as "
            f"{semver.bump(old, needed)} or later",
            None,
            "version",
            old,
            new,
        ),
        None,
    )


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


def _renamed_resources(old: dict[str, Resource], new: dict[str, Resource]) -> list[tuple[str, str]]:
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
    keys: dict[str, list[str]],
    memo: Memo,
) -> ResourceDiff:
    name = str(n.name)
    props = _resource_props(name, o, n)
    # One resource that cannot be read is reported as not compared; the others still are.
    reason = _unreadable(old, o) or _unreadable(new, n)
    if reason is not None:
        return ResourceDiff(name, "not-compared", changes=props, reason=reason)
    # Rows are compared by their schemas; a table read without one is compared as a file.
    o_spec = o.spec if o.spec is not None and o.spec.schema_given else None
    n_spec = n.spec if n.spec is not None and n.spec.schema_given else None
    if o_spec is None or n_spec is None:
        if o.tabular and n.tabular and o.files and n.files and (o_spec or n_spec):
            result.notes.append(f"{name}: a side has no Table Schema; its rows were not compared")
            return ResourceDiff(name, "same", changes=props)
        rd = _opaque(o, n, name)
        rd.changes[:0] = props
        return rd
    if o.schema is None or n.schema is None:
        result.notes.append(f"{name}: a side has no Table Schema; its rows were not compared")
        return ResourceDiff(name, "same", changes=props)
    refs = referenced.get(str(o.name), set())
    mark, digests = (
        fingerprint(memo, old, new, o, n, limit=limit, key=keys.get(name), referenced=refs)
        if memo.on
        else (None, {})
    )
    if mark is not None and (same := memo.earlier.get(mark)) is not None and same.kept:
        result.notes += same.kept.notes
        return ResourceDiff(
            name,
            same.status,
            same.matched_by,
            same.comparison,
            key_source=same.key_source,
            changes=props + list(same.kept.changes),
            kept=same.kept,
        )
    try:
        found = diff_table(old, new, o, n, limit=limit, key=keys.get(name), referenced=refs)
    except StatpubError as exc:
        if exc.code != "package-unreadable":
            raise  # not about the data: a --key that does not fit, say
        return ResourceDiff(name, "not-compared", changes=props, reason=exc.message)
    result.notes += found.notes
    c = found.comparison
    assert c is not None and found.key is not None
    changed = c.changed or any(
        ch.type in ("cells-reformatted", "file-reformatted") for ch in found.changes
    )
    return ResourceDiff(
        name,
        "changed" if changed else "same",
        found.key.fields,
        c,
        key_source=found.key.source,
        changes=props + found.changes,
        kept=Kept(mark, list(found.changes), list(found.notes), digests) if mark else None,
    )


def _read_as(res: Resource, prop: str) -> Any:
    """What a storage property means for reading: ``format``, ``encoding`` and
    ``compression`` as resolved (a default written out, or a format the path's extension
    gives, reads the same bytes the same way); others as written."""
    if prop == "format":
        return res.format
    if prop == "compression":
        return res.compression
    if prop == "encoding":
        try:
            return codecs.lookup(res.encoding).name
        except LookupError:
            return res.encoding
    return res.descriptor.get(prop)


def _resource_props(name: str, old: Resource, new: Resource) -> list[Change]:
    out: list[Change] = []
    o, n = old.descriptor, new.descriptor
    skip = {"name", "schema", "data", *DERIVED_RESOURCE_PROPS}
    for prop in sorted((set(o) | set(n)) - skip):
        a, b = o.get(prop), n.get(prop)
        if a == b:
            continue
        if prop in ("format", "encoding", "compression") and _read_as(old, prop) == _read_as(
            new, prop
        ):
            continue  # written differently, read the same way
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


def _unreadable(pkg: Package, res: Resource) -> str | None:
    """Why a side's resource cannot be read, so not compared (do not guess); None when it can."""
    if res.readable:
        return None
    first = next(p for p in res.problems if p.severity == "error")
    return f"{pkg.label}: cannot read resource {res.name!r}: {first.message}"


def _opaque(o: Resource, n: Resource, name: str) -> ResourceDiff:
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
    change = Change(
        "content-changed",
        "minor",
        "the contents changed; not a table, so the kind of change cannot be "
        "told (taken as changed data: MINOR)",
        name,
    )
    return ResourceDiff(name, "changed", changes=[change])
