"""The one release mechanism: ``run(adapter, date)`` for the figure model and any tables.

Every release, whatever its tables:

1. holds the state folder for one writer, and completes or rolls back a release
   interrupted earlier (:mod:`statpub.release.journal`);
2. lets the adapter audit the history and name the last archived release
   (``prepare``);
3. builds the package the inputs give now in a scratch folder beside the
   archive and diffs it against the last release (:mod:`statpub.versioning.diff`);
4. picks the bump by the Data Package Version recipe (at least a patch), or
   checks ``--bump``; asks the adapter which changes lack a reason and whether
   the version and date are free; refuses, writing nothing, on any issue;
5. has the adapter log the changes, builds the new version with its history
   and log, validates it against the previous release (reusing the comparison of
   every table the diff of step 3 compared, :mod:`statpub.versioning.reuse`), and
   commits it: the
   archive sealed with SHA256SUMS, the history and log files, the package
   folder, one journaled transaction.

What differs between models is the adapter's (:class:`Adapter`): how changes
are classified and explained, the log's columns, the history file, the result.
The figure model's adapter is in :mod:`statpub.release.cut`, the table one in
:mod:`statpub.release.tables`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from statpub import semver
from statpub.errors import InvalidInput, StatpubError
from statpub.package import Package, read_package
from statpub.package.atomic import fault_point
from statpub.release import journal
from statpub.release.commit import run_plan
from statpub.release.steps import bump_issues, validate_package, workspace
from statpub.report import Issue
from statpub.versioning.change import Change
from statpub.versioning.diff import DiffResult, diff

FIRST = "1.0.0"


@dataclass
class Decided:
    """What the mechanism decided, for the adapter's result."""

    previous_version: str | None
    version: str
    date: dt.date
    level: str
    required: str
    forced_by: Change | None
    note: str
    changes: list[Any]
    rows: list[dict[str, Any]]
    dry_run: bool


class Result(Protocol):
    written: list[str]
    recovery: journal.Recovery | None

    def to_dict(self) -> dict[str, Any]: ...


class Adapter(Protocol):
    """What a model of tables tells the release mechanism."""

    state: Path  # the folder the journal, the history and the log live in
    releases: Path  # the archive
    out: Path  # the package folder a release publishes into

    def completed(self, recovery: journal.Recovery) -> Result | None:
        """The result of a release that recovery completed, to return as this run's."""

    def prepare(self) -> tuple[str, dt.date, Path] | None:
        """Audit; the last release's version, date and archive folder (None: no release yet)."""

    def build(self, folder: Path, entry: Any | None, rows: list[dict[str, Any]]) -> None:
        """Write the package: as it is now (``entry`` None), or as version ``entry`` with
        the log ``rows`` appended."""

    def nothing(self, version: str) -> str:
        """Why there is nothing to release after ``version``."""

    def classify(self, result: DiffResult, now: Package) -> list[Any]: ...

    def reason_issues(self, changes: list[Any], now: Package) -> list[Issue]: ...

    def version_issues(self, version: str, date: dt.date) -> list[Issue]: ...

    def log(self, changes: list[Any], version: str, date: dt.date) -> list[dict[str, Any]]: ...

    def note(self, given: str | None, level: str, changes: list[Any]) -> str: ...

    def entry(self, version: str, date: dt.date, note: str) -> Any: ...

    def result(self, decided: Decided) -> Result: ...

    def writes(self, entry: Any, rows: list[dict[str, Any]]) -> list[journal.FileWrite]: ...

    def written(self, version: str) -> list[str]: ...


def run(
    adapter: Adapter,
    date: dt.date,
    *,
    bump: str | None = None,
    note: str | None = None,
    dry_run: bool = False,
) -> Result:
    """Release what the adapter's inputs give now as a new version dated ``date``."""
    with journal.exclusive(adapter.state):
        recovery = _recover(adapter, dry_run)
        if recovery is not None and recovery.action == journal.COMPLETED:
            done = adapter.completed(recovery)
            if done is not None:
                done.recovery = recovery
                return done
        try:
            out = _release(adapter, date, bump=bump, note=note, dry_run=dry_run)
        except (StatpubError, InvalidInput) as exc:
            if recovery is not None:  # say what was done before this release failed
                _prefix(exc, recovery.message())
            raise
        out.recovery = recovery
        return out


def _prefix(exc: StatpubError | InvalidInput, done: str) -> None:
    if isinstance(exc, StatpubError):
        exc.message = f"{done}; then: {exc.message}"
    else:
        exc.summary = f"{done}; then: {exc.summary}"


def _recover(adapter: Adapter, dry_run: bool) -> journal.Recovery | None:
    if not dry_run:
        return journal.recover(adapter.state, releases=adapter.releases, out=adapter.out)
    if journal.pending(adapter.state):
        raise StatpubError(
            f"a release was interrupted ({adapter.state / journal.JOURNAL}); run `statpub "
            "release` without --dry-run, or `statpub build`, to complete or roll it back first",
            code="release-interrupted",
        )
    return None


def _release(
    adapter: Adapter, date: dt.date, *, bump: str | None, note: str | None, dry_run: bool
) -> Result:
    last = adapter.prepare()
    if last is None:
        return _first(adapter, date, bump=bump, note=note, dry_run=dry_run)
    last_version, _, previous_dir = last
    with workspace(adapter.releases) as tmp:
        candidate = tmp / "candidate"
        candidate.mkdir()
        adapter.build(candidate, None, [])
        now = read_package(candidate, label=str(adapter.state))
        previous = read_package(previous_dir, label=f"release {last_version}")
        # Remembered: the new version holds the same tables, so validating it against
        # the previous release reuses these comparisons instead of reading every row again.
        result = diff(previous, now, remember=True)
        if not result.different:
            raise StatpubError(adapter.nothing(last_version), code="nothing-to-release")
        changes = adapter.classify(result, now)
        required = semver.highest([result.level, "patch"])
        level = bump or required
        version = semver.bump(last_version, level)
        issues = adapter.reason_issues(changes, now)
        issues += bump_issues(bump, required, result.forced_by)
        issues += adapter.version_issues(version, date)
        if issues:
            raise InvalidInput(
                issues,
                summary=f"release refused: {len(issues)} problem(s); nothing was written",
                code="release-refused",
            )
        rows = adapter.log(changes, version, date)
        note = adapter.note(note, level, changes)
        entry = adapter.entry(version, date, note)
        package = tmp / "package"
        package.mkdir()
        adapter.build(package, entry, rows)
        validate_package(package, previous_dir, reuse=result)
        fault_point("release:built")
        decided = Decided(
            last_version,
            version,
            date,
            level,
            required,
            result.forced_by,
            note,
            changes,
            rows,
            dry_run,
        )
        out = adapter.result(decided)
        if not dry_run:
            out.written = adapter.written(version)
            _commit(adapter, tmp, package, version, adapter.writes(entry, rows), out)
    return out


def _first(
    adapter: Adapter, date: dt.date, *, bump: str | None, note: str | None, dry_run: bool
) -> Result:
    """The first release: nothing to compare with, so nothing to explain; 1.0.0 unless
    ``bump`` asks otherwise of 0.0.0."""
    version = semver.bump("0.0.0", bump) if bump else FIRST
    issues = adapter.version_issues(version, date)
    if issues:
        raise InvalidInput(
            issues, summary="release refused; nothing was written", code="release-refused"
        )
    note = adapter.note(note or "First release.", "major", [])
    entry = adapter.entry(version, date, note)
    with workspace(adapter.releases) as tmp:
        package = tmp / "package"
        package.mkdir()
        adapter.build(package, entry, [])
        validate_package(package, None)
        fault_point("release:built")
        decided = Decided(None, version, date, "major", "major", None, note, [], [], dry_run)
        out = adapter.result(decided)
        if not dry_run:
            out.written = adapter.written(version)
            _commit(adapter, tmp, package, version, adapter.writes(entry, []), out)
    return out


def _commit(
    adapter: Adapter,
    tmp: Path,
    package: Path,
    version: str,
    writes: list[journal.FileWrite],
    out: Result,
) -> None:
    folders = (adapter.state, adapter.releases, adapter.out)
    run_plan(folders, tmp, package, version, "release", writes, out.to_dict())
