"""``release_tables()``: a release of any tables, by the same journaled mechanism.

What the figure release (:mod:`statpub.release.cut`) does for the figure
model, this does for a project of tables:

1. complete or roll back a release interrupted earlier; audit the archive;
2. build the package the project gives now in a temporary folder (the
   project's ``build`` callable) and diff it against the last archived
   release: value-level changes per table by its primary key
   (:mod:`statpub.versioning.tablechanges`), the bump by the Data Package
   Version recipe (or check ``--bump``);
3. every revised value and removed row needs a reason, from the reasons file or
   ``--reason`` (:mod:`statpub.release.tablereasons`); a release with one
   missing is refused, naming each (file, table, key, field);
4. append the changes to the revisions log and the version to the history,
   build and validate the new version, then archive it with its SHA256SUMS and
   publish it, as one journaled transaction.

The first release (no history yet) archives the package as ``1.0.0`` (or the
version the bump asks of ``0.0.0``).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statpub import semver
from statpub.errors import InvalidInput, StatpubError
from statpub.figures.records import Release
from statpub.package import Package
from statpub.release import journal, pipeline
from statpub.release.commit import appended_release
from statpub.release.tablereasons import REASONS_FILE, Reasons, explain, read_reasons
from statpub.report import Issue
from statpub.versioning import archive, audit
from statpub.versioning.change import Change
from statpub.versioning.diff import DiffResult
from statpub.versioning.log import appended
from statpub.versioning.tablechanges import LOG_FIELDS, TableChange, log_rows, table_changes

if TYPE_CHECKING:
    from statpub.project import Project

# build(folder, releases, revisions): write the package the project gives now, stamped
# with ``releases`` (oldest first) and carrying the revisions log ``revisions``.
Builder = Callable[[Path, list[Release], list[dict[str, Any]]], None]


@dataclass
class TableProject:
    """What a release needs of a project of tables."""

    state: Path  # the folder holding the history, the log and the reasons file
    releases: Path  # the archive of released versions
    out: Path  # the package folder a release publishes into
    build: Builder
    history_name: str = "releases.yml"
    revisions_name: str = "revisions.csv"
    reasons_name: str = REASONS_FILE
    log_table: str | None = "revisions"  # a table of the package that is the log itself

    @property
    def history(self) -> Path:
        return self.state / self.history_name

    @property
    def revisions(self) -> Path:
        return self.state / self.revisions_name

    @property
    def reasons(self) -> Path:
        return self.state / self.reasons_name


@dataclass
class TableRelease:
    """What a release of tables did: ``statpub release --json`` prints ``to_dict()``."""

    previous_version: str | None
    version: str
    date: dt.date
    level: str
    required: str
    forced_by: Change | None
    note: str
    changes: list[TableChange] = field(default_factory=list)
    revisions: list[dict[str, Any]] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    dry_run: bool = False
    recovery: journal.Recovery | None = None

    def counts(self) -> dict[str, int]:
        return {
            kind: sum(1 for c in self.changes if c.kind == kind)
            for kind in ("revision", "addition", "removal", "summary")
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "previous_version": self.previous_version,
            "version": self.version,
            "date": self.date.isoformat(),
            "level": self.level,
            "required": self.required,
            "forced_by": self.forced_by.to_dict() if self.forced_by else None,
            "note": self.note,
            "counts": self.counts(),
            "changes": [c.to_dict() for c in self.changes],
            "revisions": [
                {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()}
                for r in self.revisions
            ],
            "written": list(self.written),
            "dry_run": self.dry_run,
            "recovery": self.recovery.to_dict() if self.recovery else None,
        }


def release_tables(
    project: TableProject,
    date: dt.date,
    *,
    bump: str | None = None,
    note: str | None = None,
    reason: str | None = None,
    dry_run: bool = False,
) -> TableRelease:
    """Release what the project's tables give now as a new version dated ``date``.

    ``reason`` explains every revised value and removed row nothing more specific
    explains (``statpub release --reason``).
    """
    project.state.mkdir(parents=True, exist_ok=True)
    out = pipeline.run(TableAdapter(project, reason), date, bump=bump, note=note, dry_run=dry_run)
    assert isinstance(out, TableRelease)
    return out


class TableAdapter:
    """Any tables in the release mechanism (:mod:`statpub.release.pipeline`)."""

    def __init__(self, project: TableProject, reason: str | None = None) -> None:
        self.project = project
        self.state, self.releases, self.out = project.state, project.releases, project.out
        self.reason = reason
        self.history: list[Release] = []
        self.log_rows: list[dict[str, Any]] = []
        self.explained: dict[tuple[int, str], str] = {}

    def completed(self, recovery: journal.Recovery) -> TableRelease | None:
        """A release recovery completed is this run's result, as for the figure model."""
        if recovery.operation != "release":
            return None
        d = recovery.result
        forced = d.get("forced_by")
        return TableRelease(
            d["previous_version"],
            d["version"],
            dt.date.fromisoformat(d["date"]),
            d["level"],
            d["required"],
            Change(**forced) if forced else None,
            d["note"],
            revisions=list(d["revisions"]),
            written=list(d["written"]),
        )

    def prepare(self) -> tuple[str, dt.date, Path] | None:
        project = self.project
        self.history = read_history(project.history)
        self.log_rows = read_log(project.revisions)
        _audit(project)
        if not self.history:
            return None
        last = self.history[-1]
        previous_dir = project.releases / last.version
        if not (previous_dir / archive.MANIFEST).is_file():
            raise StatpubError(
                f"the last release, {last.version}, is not in the archive {project.releases}",
                code="previous-release-not-archived",
            )
        # Its checksums were verified above, with every archived version's (_audit): the
        # archive is not read a second time.
        _kept(project, previous_dir, last.version, self.log_rows)
        return last.version, last.date, previous_dir

    def build(self, folder: Path, entry: Release | None, rows: list[dict[str, Any]]) -> None:
        history = [*self.history, *([entry] if entry else [])]
        self.project.build(folder, history, [*self.log_rows, *rows])

    def nothing(self, version: str) -> str:
        return f"nothing to release: the tables give the same package as {version}"

    def classify(self, result: DiffResult, now: Package) -> list[TableChange]:
        skip = [self.project.log_table] if self.project.log_table else []
        return table_changes(result, skip=skip)

    def reason_issues(self, changes: list[TableChange], now: Package) -> list[Issue]:
        project = self.project
        reasons = Reasons(_entries(project, now), self.reason)
        files = {str(r.name): r.paths[0] for r in now.resources if r.paths}
        shown = _shown(project, project.reasons)
        self.explained, issues = explain(changes, reasons, self.log_rows, files, shown)
        return issues

    def version_issues(self, version: str, date: dt.date) -> list[Issue]:
        return _version_issues(self.project, self.history, version, date)

    def log(self, changes: list[TableChange], version: str, date: dt.date) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for i, c in enumerate(changes):
            for name in c.fields:
                one = replace(c, fields=(name,)) if c.kind == "revision" else c
                rows += log_rows(one, version, date, self.explained.get((i, name)))
        return rows

    def note(self, given: str | None, level: str, changes: list[TableChange]) -> str:
        return given or default_note(level, changes)

    def entry(self, version: str, date: dt.date, note: str) -> Release:
        return Release(version, date, note)

    def result(self, decided: pipeline.Decided) -> TableRelease:
        d = decided
        return TableRelease(
            d.previous_version,
            d.version,
            d.date,
            d.level,
            d.required,
            d.forced_by,
            d.note,
            d.changes,
            d.rows,
            dry_run=d.dry_run,
        )

    def writes(self, entry: Release, rows: list[dict[str, Any]]) -> list[journal.FileWrite]:
        project = self.project
        for path in (project.history, project.revisions):
            if path.parent.resolve() != project.state.resolve():
                raise StatpubError(
                    f"{path}: the history and the revisions log must be in {project.state}, "
                    "where the release journal is kept",
                    code="bad-usage",
                    path=path,
                )
        history = appended_release(project.history, entry.version, entry.date, entry.note)
        writes = [journal.FileWrite.of(project.history, history.encode("utf-8"))]
        if rows:
            log = appended(project.revisions, rows, LOG_FIELDS)
            writes.insert(0, journal.FileWrite.of(project.revisions, log))
        return writes

    def written(self, version: str) -> list[str]:
        return _written(self.project, version, bool(self.history))


def default_note(level: str, changes: list[TableChange]) -> str:
    counts = {
        k: sum(1 for c in changes if c.kind == k) for k in ("revision", "addition", "removal")
    }
    words = {"revision": "revised", "addition": "added", "removal": "removed"}
    parts = [f"{n:,} row{'s' if n != 1 else ''} {words[k]}" for k, n in counts.items() if n]
    unkeyed = [c.table for c in changes if c.kind == "summary"]
    if unkeyed:
        parts.append(f"rows of {', '.join(unkeyed)} changed (no primary key)")
    body = ", ".join(parts) if parts else "changes to tables or metadata"
    return f"{level.capitalize()} release: {body}."


def read_history(path: Path) -> list[Release]:
    """The released versions listed in ``path`` (``releases.yml``), oldest first; none when
    it is absent."""
    import yaml

    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get("releases") if isinstance(data, dict) else None
    out: list[Release] = []
    for n, e in enumerate(entries or [], start=1):
        version, date = str((e or {}).get("version", "")), (e or {}).get("date")
        if not semver.is_release(version) or not isinstance(date, dt.date):
            raise StatpubError(
                f"{path}: entry {n} needs a MAJOR.MINOR.PATCH version and a YYYY-MM-DD date; "
                "this file is written by `statpub release`: restore it from version control",
                code="history-invalid",
                path=path,
            )
        out.append(Release(version, date, str(e.get("note") or "")))
    return out


def read_log(path: Path) -> list[dict[str, Any]]:
    """The project's revisions log, every cell as text (empty as None); none when absent."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(fh)]


def _entries(project: TableProject, pkg: Package) -> list[Any]:
    keys: dict[str, list[str]] = {}
    fields: dict[str, list[str]] = {}
    for res in pkg.resources:
        if res.schema is None or res.name == project.log_table:
            continue
        primary = res.schema.get("primaryKey") or []
        keys[str(res.name)] = [primary] if isinstance(primary, str) else list(primary)
        fields[str(res.name)] = [f["name"] for f in res.schema["fields"]]
    return read_reasons(project.reasons, keys, fields, _shown(project, project.reasons))


def _kept(project: TableProject, released: Path, version: str, log: list[dict[str, Any]]) -> None:
    """Refuse a revisions log whose entries released in ``version`` were edited or deleted
    since (the log is append-only); the issues name the log's file and row."""
    from statpub.package import read_package
    from statpub.versioning.log import kept_entries
    from statpub.versioning.rowtext import read_rows

    if project.log_table is None:
        return
    res = read_package(released, label=f"release {version}").resource(project.log_table)
    if res is None or res.spec is None:
        return  # no log was released yet: nothing it held can have changed
    names = [f.name for f in res.spec.fields]
    before = [dict(zip(names, row, strict=True)) for row in read_rows(res)]
    issues = kept_entries(
        before,
        log,
        path=_shown(project, project.revisions),
        released_in=f"release {version}",
    )
    if issues:
        raise InvalidInput(
            issues,
            summary=f"release refused: {project.revisions_name} was altered after it was "
            "released; nothing was written",
            code="release-refused",
        )


def _audit(project: TableProject) -> None:
    issues, _ = audit.audit_archive(project.releases, lambda p: _shown(project, p))
    if issues:
        raise InvalidInput(
            issues,
            summary="release refused: the release history was altered; nothing was written",
            code="release-refused",
        )


def _version_issues(
    project: TableProject, history: list[Release], version: str, date: dt.date
) -> list[Issue]:
    issues: list[Issue] = []
    if version in {r.version for r in history} or (project.releases / version).exists():
        issues.append(
            Issue(
                "version-exists",
                f"version {version} was already released; released versions never change: "
                "release with a larger --bump",
                field="version",
            )
        )
    last = history[-1] if history else None
    if last is not None and date < last.date:
        issues.append(
            Issue(
                "release-date-before-previous",
                f"release date {date.isoformat()} is before {last.version}'s "
                f"({last.date.isoformat()}); give a later --date",
                field="date",
            )
        )
    return issues


def _written(project: TableProject, version: str, logged: bool = True) -> list[str]:
    return [
        str(project.releases / version),
        *([str(project.revisions)] if logged else []),
        str(project.history),
        str(project.out),
    ]


def _shown(project: TableProject, path: Path) -> str:
    try:
        return path.relative_to(project.state).as_posix()
    except ValueError:
        return str(path)


def project_tables(project: Project) -> TableProject:
    """What the release needs of a statpub project of tables (``statpub.yml``): its
    package built by :func:`statpub.project.build_package`, its ``releases.yml`` and
    ``revisions.csv`` beside the project file (where the journal is kept)."""
    from statpub.project import build_package

    state = project.lock_dir
    for path in (project.history, project.revisions):
        if path.parent.resolve() != state.resolve():
            raise StatpubError(
                f"{path}: a release keeps its history and revisions log in {state}, where "
                "its journal is; set history: and revisions: in statpub.yml to file names "
                "there",
                code="bad-usage",
                path=path,
            )

    def build(folder: Path, releases: list[Release], log: list[dict[str, Any]]) -> None:
        build_package(project, folder, releases=releases, revisions=log)

    return TableProject(
        state=state,
        releases=project.releases,
        out=project.out,
        build=build,
        history_name=project.history.name,
        revisions_name=project.revisions.name,
    )
