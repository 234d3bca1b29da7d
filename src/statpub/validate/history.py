"""History checks: a package against its previous release.

* ``version-not-bumped``: the version must move on from the previous release
  by at least the level the differences need (Data Package Version recipe);
* ``release-immutable``: a version already in the release archive must hold
  what was released;
* ``revisions-log-edited`` / ``revisions-log-deleted``: the revisions log is
  append-only, a past entry never changes or goes;
* ``unlogged-revision``: every changed, added or removed observation is logged
  in ``revisions`` for the new version; ``revisions-log-mismatch``: the log
  says what the data shows, no more and no less.

The previous release is ``--previous`` (a package, or a version in the
``releases/`` archive beside the package), or found on its own when a
``releases/`` folder sits beside the package folder.

Before any of these, the whole archive the previous release belongs to is
audited (:mod:`statpub.versioning.audit`): every version's ``SHA256SUMS``, and,
when ``figures/`` sits beside the package too, the entries of
``figures/releases.yml`` and ``figures/revisions.csv`` against what each
archive holds. A tampered history is reported for what it is, and the
comparisons (whose advice would be to release a new version) are not made;
nor are they while an interrupted release is pending (``release-interrupted``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statpub.errors import StatpubError
from statpub.report import WARNING, Issue
from statpub.versioning.log import kept_entries, log_key

if TYPE_CHECKING:
    from statpub.package import Package
    from statpub.report import Report
    from statpub.validate import Options
    from statpub.versioning.diff import DiffResult

RELEASES_DIR = "releases"
FIGURES_DIR = "figures"
LOG = "revisions"
OBSERVATIONS = "observations"


def check_history(new: Package, options: Options, report: Report) -> list[Issue] | None:
    """The history checks, or None when the package has no history to check against."""
    if new.descriptor_path is None:
        return None
    archived = _archived_folder(new)
    if archived:
        return archived
    found = previous_release(new, options.previous)
    if found is None:
        return None
    if isinstance(found, str):
        return [_not_checked(new, found)]
    from statpub import semver
    from statpub.package import read_package
    from statpub.versioning.diff import diff

    folder, same_version = found
    tampered = _audit(new, folder)
    if tampered:
        return tampered
    old = read_package(folder)
    report.stats["previous"] = f"{old.version} ({folder})"
    result = diff(old, new, reuse=options.reuse)
    where = new.descriptor_label
    if same_version:
        if not result.different:
            return []
        first = result.forced_by or result.changes[0]
        immutable = Issue(
            "release-immutable",
            f"version {new.version} is already released ({folder}) but this package "
            f"differs from it ({first.where()}: {first.message}); release the change "
            "as a new version with `statpub release`",
            path=where,
            field="version",
        )
        # An edited log entry deserves its own code, whatever the version says.
        return [immutable, *_append_only(old, new)]
    issues: list[Issue] = []
    if semver.is_version(old.version) and semver.is_version(new.version):
        assert old.version is not None and new.version is not None
        issues += _version_issues(old.version, new.version, result, where)
    else:
        issues.append(
            _not_checked(
                new,
                f"versions {old.version!r} ({folder}) and {new.version!r} are not both semantic "
                "versions, so the version bump was not checked",
            )
        )
    issues += _log_issues(old, new, result, where)
    return issues


def _audit(new: Package, folder: Path) -> list[Issue]:
    """The archive ``folder`` belongs to, and the figure files beside it, are untampered;
    no release is half-way."""
    import os

    from statpub.versioning import archive, audit

    releases = folder.parent
    if folder.name not in archive.archived_versions(releases):
        return []  # --previous names a package outside an archive
    figures = new.root.parent / FIGURES_DIR
    beside = releases.resolve() == (new.root.parent / RELEASES_DIR).resolve()
    figures_dir = figures if beside and figures.is_dir() else None

    def shown(path: Path) -> str:
        return Path(os.path.relpath(path, new.root)).as_posix()

    if figures_dir is not None and (figures_dir / archive.JOURNAL).is_file():
        journal = figures_dir / archive.JOURNAL
        return [
            Issue(
                "release-interrupted",
                f"a release was interrupted and is pending ({shown(journal)}): run "
                "`statpub release` or `statpub build`, which complete it or roll it back, "
                "then validate again",
                path=shown(journal),
            )
        ]
    return audit.audit(releases, figures_dir, shown)


def _archived_folder(pkg: Package) -> list[Issue]:
    """When the package is itself an archived release (``releases/<version>/`` with its
    SHA256SUMS), its SHA256SUMS and the hash chain of the later releases; the files
    against the descriptor are the files check's finding, not repeated here."""
    from statpub import semver
    from statpub.versioning import archive

    root = pkg.root
    if not (root / archive.MANIFEST).is_file() or not semver.is_version(root.name):
        return []
    return [
        i
        for i in archive.verify_release(root.parent, root.name)
        if i.type != "archive-descriptor-mismatch"
    ]


def _not_checked(pkg: Package, why: str) -> Issue:
    return Issue(
        "history-not-checked", why, path=pkg.descriptor_label, field="version", severity=WARNING
    )


def previous_release(pkg: Package, previous: str | None) -> tuple[Path, bool] | str | None:
    """(folder of the previous release, whether it is this very version); None when there is
    no release archive; or why the package cannot be compared with the one there is."""
    from statpub import semver
    from statpub.versioning import archive

    releases = pkg.root.parent / RELEASES_DIR
    if previous is not None:
        p = Path(previous)
        if p.exists():
            return p, False
        if semver.is_version(previous):
            return archive.release_folder(releases, previous), False
        raise StatpubError(
            f"--previous {previous}: no such package or archived version", code="file-not-found"
        )
    if pkg.root.name.startswith(".") or not releases.is_dir():
        return None  # hidden folders are build staging areas: `statpub build` previews freely
    version = pkg.descriptor.get("version")
    versions = archive.archived_versions(releases)
    if not versions:
        return None
    if not semver.is_version(version):
        return (
            f"version {version!r} is not a semantic version, so it cannot be placed among the "
            f"archived releases ({', '.join(versions)}): the immutability, version-bump and "
            "revisions-log checks were not run"
        )
    assert isinstance(version, str)
    if version in versions:
        return releases / version, True
    ahead = [v for v in versions if semver.sort_key(v) > semver.sort_key(version)]
    if ahead:
        return releases / ahead[-1], False
    return releases / versions[-1], False


def _version_issues(old: str, new: str, result: DiffResult, where: str) -> list[Issue]:
    from statpub import semver

    step = semver.step(old, new)
    needed = result.level
    if step is None:
        return [
            Issue(
                "version-not-bumped",
                f"version {new} is older than the previous release {old}; versions only go up",
                path=where,
                field="version",
            )
        ]
    if step == "none" and not result.different:
        return []
    if step == "none" or semver.rank(step) < semver.rank(needed):
        forced = result.forced_by
        why = f", forced by {forced.where()}: {forced.message}" if forced else ""
        target = semver.bump(old, semver.highest([needed, "patch"]))
        return [
            Issue(
                "version-not-bumped",
                f"version {new} after {old} is a {step} step but the changes need "
                f"{semver.highest([needed, 'patch'])}{why}; release as {target} or later",
                path=where,
                field="version",
            )
        ]
    return []


def _log_rows(pkg: Package) -> list[dict[str, str | None]] | None:
    from statpub.versioning.rowtext import read_rows

    res = pkg.resource(LOG)
    if res is None or res.spec is None:
        return None
    names = [f.name for f in res.spec.fields]
    return [dict(zip(names, row, strict=True)) for row in read_rows(res)]


def _table_log(pkg: Package) -> bool:
    """The package's log is the log of any tables (:data:`tablechanges.LOG_FIELDS`), not
    the figure model's: told by its columns, so an empty one is told too."""
    res = pkg.resource(LOG)
    names = {f.name for f in res.spec.fields} if res is not None and res.spec else set()
    return "table" in names and "indicator_id" not in names


def _log_path(pkg: Package) -> str:
    res = pkg.resource(LOG)
    return res.label if res is not None else LOG


def _append_only(old: Package, new: Package) -> list[Issue]:
    """Past entries of the log are all still there, unchanged; new ones are for the new version."""
    before, after = _log_rows(old), _log_rows(new)
    if before is None or after is None:
        return []
    log_path = _log_path(new)
    issues = kept_entries(before, after, path=log_path, resource=LOG)
    known = {log_key(r) for r in before}
    for row in after:
        if log_key(row) in known:
            continue
        if row.get("version") != new.version or new.version == old.version:
            issues.append(
                Issue(
                    "revisions-log-edited",
                    f"an entry for version {row.get('version')} was added after that version "
                    "was released; new entries belong to a new version only",
                    path=log_path,
                    resource=LOG,
                    field="version",
                )
            )
    return issues


def _log_issues(old: Package, new: Package, result: DiffResult, where: str) -> list[Issue]:
    before, after = _log_rows(old), _log_rows(new)
    if before is None or after is None:
        return []
    from statpub.versioning.corroborations import FIELD

    known = {log_key(r) for r in before}
    fresh = [r for r in after if log_key(r) not in known and r.get("version") == new.version]
    also = [r for r in fresh if r.get("field") == FIELD]
    fresh = [r for r in fresh if r.get("field") != FIELD]
    return (
        _append_only(old, new)
        + _unlogged(result, fresh, new, _log_path(new))
        + _unlogged_corroborations(old, new, also, _log_path(new))
    )


def _unlogged_corroborations(
    old: Package, new: Package, entries: list[dict[str, Any]], log_path: str
) -> list[Issue]:
    """Corroborating sources added to (or dropped from) released figures are logged, and
    nothing else under ``also_reported_by``."""
    from statpub.versioning.corroborations import FIELD, corroboration_changes

    shown = {(*c.key, c.source_id, c.added): c for c in corroboration_changes(old, new)}
    logged = {
        (
            r.get("indicator_id"),
            r.get("ref_area"),
            r.get("time_period"),
            r.get("new_value") or r.get("old_value"),
            bool(r.get("new_value")),
        )
        for r in entries
    }
    issues = [
        Issue(
            "unlogged-revision",
            f"{k[0]} {k[1]} {k[2]}: also reported by {k[3]} is "
            f"{'added' if k[4] else 'dropped'} but not logged in revisions for {new.version}; "
            "make changes with `statpub release`, which logs them",
            path=log_path,
            resource=LOG,
            field=FIELD,
        )
        for k in sorted(set(shown) - logged, key=str)
    ]
    issues += [
        Issue(
            "revisions-log-mismatch",
            f"revisions logs {' '.join(str(x) for x in k[:4])} ({FIELD}) for {new.version}, a "
            "change the data does not show; remove the entry",
            path=log_path,
            resource=LOG,
            field=FIELD,
        )
        for k in sorted(logged - set(shown), key=str)
    ]
    return issues


def _unlogged(
    result: DiffResult, entries: list[dict[str, Any]], new: Package, log_path: str
) -> list[Issue]:
    from statpub.versioning.kinds import figure_changes

    if _table_log(new):
        return _unlogged_tables(result, entries, new, log_path)
    comparison = next(
        (
            r.comparison
            for r in result.resources
            if r.name == OBSERVATIONS and r.comparison is not None
        ),
        None,
    )
    changes = figure_changes(comparison) if comparison is not None else []
    logged = {
        (r.get("indicator_id"), r.get("ref_area"), r.get("time_period"), r.get("field")): r
        for r in entries
    }
    created = str(new.descriptor.get("created") or "")[:10]
    issues: list[Issue] = []
    for c in changes:
        for f in c.fields:
            entry = logged.pop((*c.key, f), None)
            old = None if f == "*" else (c.old or {}).get(f)
            new_value = None if f == "*" else (c.new or {}).get(f)
            what = (
                f"{c.label}: {f} {old or '(none)'} → {new_value or '(none)'}"
                if f != "*"
                else f"{c.label} ({'added' if c.kind == 'update' else 'removed'})"
            )
            wrong = (
                []
                if entry is None
                else [
                    k
                    for k, v in (
                        ("change_kind", c.kind), ("old_value", old), ("new_value", new_value)
                    )
                    if f != "*" or k == "change_kind"
                    if entry.get(k) != v
                ]
            )  # fmt: skip
            issues += _entry_issues(entry, wrong, created, what, f, new.version, log_path)
    for key in logged:
        issues.append(
            Issue(
                "revisions-log-mismatch",
                f"revisions logs {' '.join(str(k) for k in key)} for {new.version}, a "
                "change the data does not show; remove the entry",
                path=log_path,
                resource=LOG,
                field=str(key[3]),
            )
        )
    return issues


def _unlogged_tables(
    result: DiffResult, entries: list[dict[str, Any]], new: Package, log_path: str
) -> list[Issue]:
    """As :func:`_unlogged`, for the log of any tables (:mod:`statpub.versioning.tablechanges`):
    every value-level change of every keyed table is logged, as the data shows it."""
    from statpub.versioning.tablechanges import key_text, log_rows, table_changes

    logged = {(r.get("table"), r.get("key"), r.get("field")): r for r in entries}
    created = str(new.descriptor.get("created") or "")[:10]
    issues: list[Issue] = []
    for c in table_changes(result, skip=[LOG]):
        for f in c.fields:
            (expected,) = [
                r
                for r in log_rows(c, str(new.version), dt.date.min, None)
                if r["field"] == (f if c.kind == "revision" else "*")
            ]
            entry = logged.pop((c.table, key_text(c.key_dict), expected["field"]), None)
            what = f"{c.label}: {expected['field']} ({c.kind})"
            wrong = (
                []
                if entry is None
                else [
                    k
                    for k in ("change_kind", "old_value", "new_value")
                    if (entry.get(k) or None) != expected[k]
                ]
            )
            issues += _entry_issues(
                entry, wrong, created, what, expected["field"], new.version, log_path
            )
    for table, key, field in logged:
        issues.append(
            Issue(
                "revisions-log-mismatch",
                f"revisions logs {table} {key} {field} for {new.version}, a change the data "
                "does not show; remove the entry",
                path=log_path,
                resource=LOG,
                field=str(field),
            )
        )
    return issues


def _entry_issues(
    entry: dict[str, Any] | None,
    wrong: list[str],
    created: Any,
    what: str,
    field: str,
    version: str | None,
    log_path: str,
) -> list[Issue]:
    """What is wrong with the log entry found for one change (``None``: no entry):
    ``wrong`` names the properties that differ from the change, the release date
    is checked here."""
    if entry is None:
        return [
            Issue(
                "unlogged-revision",
                f"{what} is not logged in revisions for {version}; make "
                "changes with `statpub release`, which logs them",
                path=log_path,
                resource=LOG,
                field=field,
            )
        ]
    if entry.get("release_date") != created:
        wrong = [*wrong, "release_date"]
    if not wrong:
        return []
    return [
        Issue(
            "revisions-log-mismatch",
            f"the log entry for {what} has a wrong {', '.join(wrong)}",
            path=log_path,
            resource=LOG,
            field=wrong[0],
        )
    ]
