"""``release()``: figure files changed since the last release -> a new, archived version.

The figure model's adapter (:class:`FigureAdapter`) in the one release
mechanism (:mod:`statpub.release.pipeline`), which recovers an interrupted
release, diffs the package the figure files give now against the last archive,
picks the bump, and commits the new version as a journaled transaction. What is
the figure model's is here:

* the history is audited with ``figures/releases.yml`` and
  ``figures/revisions.csv`` (:mod:`statpub.versioning.audit`), the log must
  match the released one, and every quote is checked against its source text;
* observation changes are sorted into revisions, updates, removals and
  metadata changes (:mod:`statpub.versioning.kinds`); each revision, removal
  and metadata change needs a reason on its figure entry or in
  ``figures/removals.yml`` (or ``--reason`` for the whole release);
* the log has the figure log's columns, and ``figures/releases.yml`` gets the
  entry (with the sources released with ``--unchecked-quotes``).

``archive_current`` archives the last listed version (``--archive-only``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from statpub import semver
from statpub.errors import InvalidInput, StatpubError
from statpub.figures.quotes import SourceTexts, locate
from statpub.figures.records import FigureSet, Release
from statpub.package import read_package
from statpub.package.atomic import fault_point
from statpub.release import journal, pipeline
from statpub.release.commit import RELEASES_FILE, commit_archive, release_writes, written_paths
from statpub.release.describe import new_figure_text
from statpub.release.quotes import quote_gate, unchecked_sentence
from statpub.release.reasons import Key, Reason, figure_reasons, removal_reasons
from statpub.release.result import ReleaseResult
from statpub.release.steps import require_intact as _require_intact
from statpub.release.steps import validate_package as _validate
from statpub.release.steps import workspace
from statpub.report import Issue
from statpub.versioning import archive, audit, corroborations
from statpub.versioning.diff import DiffResult, diff
from statpub.versioning.kinds import FigureChange, figure_changes, log_rows
from statpub.versioning.log import REVISIONS_FILE, read_revisions

OBSERVATIONS = "observations"


@dataclass
class Paths:
    figures: Path
    schemas: Path
    out: Path
    releases: Path
    sources: Path | None = None  # else the sources: setting of figures/package.yml
    sources_from: str = "--sources"  # which setting named ``sources``, for messages


def release(
    paths: Paths,
    date: dt.date,
    *,
    bump: str | None = None,
    note: str | None = None,
    dry_run: bool = False,
    unchecked_quotes: bool = False,
    reason: str | None = None,
) -> ReleaseResult:
    """Release the changes in the figure files as a new version dated ``date``.

    ``reason`` (``--reason``) explains every revised or removed figure that has no
    reason of its own.

    A release found interrupted is dealt with first: completed (its result is
    returned, with ``recovery`` saying so) or rolled back (and this release made).
    Every quote is checked against its source's captured text; a source text not
    at hand is refused unless ``unchecked_quotes``, and the version's note,
    changelog and data card then say which sources were not checked.
    """
    out = pipeline.run(
        FigureAdapter(paths, unchecked_quotes, reason), date, bump=bump, note=note, dry_run=dry_run
    )
    assert isinstance(out, ReleaseResult)
    return out


class FigureAdapter:
    """The figure model in the release mechanism (:mod:`statpub.release.pipeline`):
    observations classified into revisions, updates, removals and metadata changes,
    reasons on figure entries and in removals.yml, the figure log's columns, the
    quote check, releases.yml."""

    def __init__(
        self, paths: Paths, unchecked_quotes: bool = False, reason: str | None = None
    ) -> None:
        self.paths = paths
        self.reason = reason
        self.state, self.releases, self.out = paths.figures, paths.releases, paths.out
        self.unchecked = unchecked_quotes
        self.schemas: dict[str, Any] = {}
        self.figset: FigureSet | None = None
        self.log_rows: list[dict[str, Any]] = []
        self.not_checked: list[str] = []
        self.given: Given = ({}, {})
        self.previous_dir: Path | None = None
        self.corroborated: list[Any] = []  # corroborating sources added or dropped since

    def completed(self, recovery: journal.Recovery) -> ReleaseResult | None:
        return ReleaseResult.from_dict(recovery.result) if recovery.operation == "release" else None

    def prepare(self) -> tuple[str, dt.date, Path]:
        from statpub.figures.load import load_figures
        from statpub.project.adapters.figures.build import load_schemas

        paths = self.paths
        self.schemas = load_schemas(paths.schemas)
        self.figset = load_figures(paths.figures, self.schemas)
        last = self.figset.current_release
        previous_dir = _previous_archive(paths, last.version)
        self.previous_dir = previous_dir
        _audit(paths)
        self.log_rows = read_revisions(paths.figures)
        _check_log_matches_archive(paths, self.log_rows, previous_dir)
        self.not_checked = quote_gate(self.figset, _texts(paths, self.figset), self.unchecked)
        return last.version, last.date, previous_dir

    @property
    def figures(self) -> FigureSet:
        assert self.figset is not None, "prepare() first"
        return self.figset

    def build(self, folder: Path, entry: Release | None, rows: list[dict[str, Any]]) -> None:
        figset = self.figures
        if entry is not None:
            figset = replace(figset, releases=[*figset.releases, entry])
        _write(folder, figset, self.schemas, [*self.log_rows, *rows])

    def nothing(self, version: str) -> str:
        return _nothing_to_release(self.paths, version)

    def classify(self, result: DiffResult, now: Any) -> list[FigureChange]:
        assert self.previous_dir is not None, "prepare() first"
        self.corroborated = corroborations.corroboration_changes(
            read_package(self.previous_dir), now
        )
        return _observation_changes(result)

    def reason_issues(self, changes: list[FigureChange], now: Any) -> list[Issue]:
        figure, removed = figure_reasons(self.paths.figures), removal_reasons(self.paths.figures)
        for c in changes if self.reason else []:
            if c.kind == "update":
                continue
            given = removed if c.kind == "removal" else figure
            own = given.get(c.key)
            if own is None or own.text is None:
                given[c.key] = Reason(self.reason, own.path if own else "--reason", None)
        self.given = figure, removed
        return _reason_issues(self.given, changes, self.log_rows, self.paths.figures.name)

    def version_issues(self, version: str, date: dt.date) -> list[Issue]:
        figset = self.figures
        return _version_issues(self.paths, figset, version, date, figset.current_release)

    def log(self, changes: list[FigureChange], version: str, date: dt.date) -> list[dict[str, Any]]:
        reasons = _reasons(self.given, changes, self.figures)
        rows = [row for c in changes for row in log_rows(c, version, date, reasons[c.key])]
        return rows + corroborations.log_rows(self.corroborated, version, date)

    def note(self, given: str | None, level: str, changes: list[FigureChange]) -> str:
        note = given or _default_note(level, changes)
        if self.not_checked:
            note = f"{note} {unchecked_sentence(self.not_checked)}"
        return note

    def entry(self, version: str, date: dt.date, note: str) -> Release:
        return Release(version, date, note, tuple(self.not_checked))

    def result(self, decided: pipeline.Decided) -> ReleaseResult:
        assert decided.previous_version is not None
        return ReleaseResult(
            decided.previous_version,
            decided.version,
            decided.date,
            decided.level,
            decided.required,
            decided.forced_by,
            decided.note,
            decided.changes,
            decided.rows,
            dry_run=decided.dry_run,
            unchecked_quotes=self.not_checked,
        )

    def writes(self, entry: Release, rows: list[dict[str, Any]]) -> list[journal.FileWrite]:
        return release_writes(self.paths, entry, rows)

    def written(self, version: str) -> list[str]:
        return written_paths(self.paths, version)


def archive_current(paths: Paths, *, unchecked_quotes: bool = False) -> tuple[str, bool]:
    """Build and archive the last version in releases.yml when it is not archived yet.

    For the first release, and for one made before releases were archived.
    Returns (version, archived now). When it is already archived, the figure
    files must still give the same package; otherwise that is refused. The
    quotes are checked as for a release; a source left unchecked
    (``unchecked_quotes``) must be listed in the entry's ``unchecked_quotes``,
    so that the data card says so.
    """
    from statpub.figures.load import load_figures
    from statpub.project.adapters.figures.build import load_schemas

    with journal.exclusive(paths.figures):
        recovery = journal.recover(paths.figures, releases=paths.releases, out=paths.out)
        schemas = load_schemas(paths.schemas)
        figset = load_figures(paths.figures, schemas)
        version = figset.current_release.version
        log = read_revisions(paths.figures)
        earlier, later = _archived_around(paths, version)
        _refuse_archive_ahead(paths, version, later)
        _audit(paths)
        with workspace(paths.releases) as tmp:
            package = tmp / "package"
            package.mkdir()
            _write(package, figset, schemas, log)
            if (paths.releases / version).exists():
                _check_unchanged(paths.releases / version, package, version)
                done = recovery is not None and (recovery.action, recovery.version) == (
                    journal.COMPLETED,
                    version,
                )
                return version, done
            _archive_quote_gate(paths, figset, unchecked_quotes)
            previous = paths.releases / earlier[-1] if earlier else None
            _validate(package, previous)
            fault_point("release:built")
            commit_archive(paths, tmp, package, version)
    return version, True


def _archive_quote_gate(paths: Paths, figset: FigureSet, allow_unchecked: bool) -> None:
    """As for a release; a source left unchecked must be listed in the entry already."""
    release = figset.current_release
    unchecked = quote_gate(figset, _texts(paths, figset), allow_unchecked)
    unlisted = sorted(set(unchecked) - set(release.unchecked_quotes))
    if unlisted:
        raise StatpubError(
            f"the quotes of {', '.join(unlisted)} cannot be checked; to archive "
            f"{release.version} anyway, add 'unchecked_quotes: [{', '.join(unlisted)}]' to its "
            f"entry in {RELEASES_FILE} (the data card then says so), or provide the source texts",
            code="source-texts-not-found",
        )


def _check_unchanged(folder: Path, package: Path, version: str) -> None:
    _require_intact(folder, version)
    result = diff(read_package(folder), read_package(package))
    if result.different:
        first = result.changes[0]
        raise InvalidInput(
            [
                Issue(
                    "release-immutable",
                    f"version {version} is released and archived, but the figure files now give a "
                    f"different package ({first.where()}: {first.message}); run `statpub release` "
                    "to publish the change as a new version",
                    path=str(folder),
                )
            ],
            summary=f"version {version} is already released",
        )


# Steps


def _refuse_archive_ahead(paths: Paths, version: str, later: list[str]) -> None:
    """The figure files must not be behind the archive (a stale checkout of figures/)."""
    if later:
        raise StatpubError(
            f"{paths.releases} holds {', '.join(later)}, newer than {version}, the last entry "
            f"of {RELEASES_FILE}: the figure files are behind the archive; restore "
            f"{RELEASES_FILE} and {REVISIONS_FILE} from git",
            code="archive-ahead",
        )


def _archived_around(paths: Paths, version: str) -> tuple[list[str], list[str]]:
    """Archived versions older and newer than ``version``, oldest first."""
    key = semver.sort_key(version)
    versions = archive.archived_versions(paths.releases)
    return (
        [v for v in versions if semver.sort_key(v) < key],
        [v for v in versions if semver.sort_key(v) > key],
    )


def _audit(paths: Paths) -> None:
    """Refuse to build on a tampered history: every archive, releases.yml, the log."""
    root = paths.figures.parent

    def shown(path: Path) -> str:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            return str(path)

    issues = audit.audit(paths.releases, paths.figures, shown)
    if issues:
        raise InvalidInput(
            issues,
            summary="release refused: the release history was altered; nothing was written",
            code="release-refused",
        )


def _nothing_to_release(paths: Paths, version: str) -> str:
    """Why there is nothing to release, and what to run when only the package is behind."""
    message = f"nothing to release: the figure files give the same package as {version}"
    try:
        published = read_package(paths.out).version if paths.out.is_dir() else None
    except (StatpubError, InvalidInput):
        published = None
    if published != version:
        shown = published if published is not None else "nothing"
        message += (
            f", but {paths.out} holds {shown}: run `statpub build` to publish {version} there"
        )
    return message


def _write(
    folder: Path, figset: FigureSet, schemas: dict[str, Any], log: list[dict[str, Any]]
) -> None:
    from statpub.project.adapters.figures.build import write_package

    write_package(folder, figset, schemas, log)


def _previous_archive(paths: Paths, version: str) -> Path:
    folder = paths.releases / version
    if not (folder / archive.MANIFEST).is_file():
        raise StatpubError(
            f"the last release, {version}, is not in the archive {paths.releases}; archive it "
            "first with `statpub release --archive-only` from the commit that released it",
            code="previous-release-not-archived",
        )
    _refuse_archive_ahead(paths, version, _archived_around(paths, version)[1])
    _require_intact(folder, version)
    return folder


def _check_log_matches_archive(paths: Paths, log: list[dict[str, Any]], previous: Path) -> None:
    """figures/revisions.csv must hold exactly the released log: past entries never change."""
    from statpub.versioning.rowtext import read_rows

    pkg = read_package(previous)
    res = pkg.resource("revisions")
    schema = res.schema if res else None
    released = [] if res is None or schema is None else list(read_rows(res))
    names = [f["name"] for f in schema["fields"]] if schema else []

    def text(v: Any) -> str | None:
        return v.isoformat() if isinstance(v, dt.date) else v

    ours = [tuple(text(r.get(n)) for n in names) for r in log]
    if ours != released:
        shown = f"{paths.figures.name}/{REVISIONS_FILE}"
        raise InvalidInput(
            [
                Issue(
                    "revisions-log-edited",
                    f"{shown} differs from the log released in {previous.name}: past entries must "
                    "never change; restore the file from git",
                    path=shown,
                )
            ],
            summary="release refused: the revisions log was edited; nothing was written",
        )


def _observation_changes(result: DiffResult) -> list[FigureChange]:
    for res in result.resources:
        if res.name == OBSERVATIONS and res.comparison is not None:
            return figure_changes(res.comparison)
    return []


Given = tuple[dict[Key, Reason], dict[Key, Reason]]  # reasons on figure entries, on removals


def _reason_issues(
    given: Given, changes: list[FigureChange], log: list[dict[str, Any]], folder: str
) -> list[Issue]:
    figure, removed = given
    used = {((r["indicator_id"], r["ref_area"], r["time_period"]), r.get("reason")) for r in log}
    issues: list[Issue] = []
    for c in changes:
        if c.kind == "update":
            continue
        if c.kind == "removal":
            reason = removed.get(c.key)
            if reason is None or reason.text is None:
                issues.append(
                    Issue(
                        "removal-without-reason",
                        f"{c.label} was removed without a reason: add it to "
                        f"{folder}/removals.yml as '- indicator: {c.key[0]}', 'ref_area: "
                        f"{c.key[1]}', 'period: \"{c.key[2]}\"', 'reason: <why it was withdrawn>'",
                        path=reason.path if reason else f"{folder}/removals.yml",
                        row=reason.line if reason else None,
                        field="reason",
                    )
                )
                continue
        else:
            reason = figure.get(c.key) or Reason(None, "", None)
            what = "revised" if c.kind == "revision" else "changed in " + ", ".join(c.fields)
            if reason.text is None:
                issues.append(
                    Issue(
                        "revision-without-reason",
                        f"{c.label} was {what} without a reason: add 'reason: <why it changed, "
                        "e.g. corrected count from the official report>' to this figure entry",
                        path=reason.path or None,
                        row=reason.line,
                        field="reason",
                    )
                )
                continue
        if (c.key, reason.text) in used:
            issues.append(
                Issue(
                    "reason-reused",
                    f"the reason on this entry was already logged for {c.label} in an earlier "
                    "version; replace it with why the figure changed in this release",
                    path=reason.path or None,
                    row=reason.line,
                    field="reason",
                )
            )
    return issues


def _reasons(given: Given, changes: list[FigureChange], figset: FigureSet) -> dict[Key, str]:
    figure, removed = given
    added = {c.key for c in changes if c.kind == "update"}
    out: dict[tuple[str, str, str], str] = {}
    for c in changes:
        source = removed if c.kind == "removal" else figure
        text = source[c.key].text if c.key in source else None
        if text is None:  # only an update may lack one: say what the new figure is
            text = new_figure_text(c.new or {}, figset, added)
        out[c.key] = text
    return out


def _version_issues(
    paths: Paths, figset: FigureSet, version: str, date: dt.date, last: Release
) -> list[Issue]:
    issues: list[Issue] = []
    if version in {r.version for r in figset.releases} or (paths.releases / version).exists():
        issues.append(
            Issue(
                "version-exists",
                f"version {version} was already released; released versions never "
                "change: release with a larger --bump",
                field="version",
            )
        )
    if date < last.date:
        issues.append(
            Issue(
                "release-date-before-previous",
                f"release date {date.isoformat()} is before {last.version}'s "
                f"({last.date.isoformat()}); give a later --date",
                field="date",
            )
        )
    return issues


def _default_note(level: str, changes: list[FigureChange]) -> str:
    counts = {
        k: sum(1 for c in changes if c.kind == k)
        for k in ("revision", "update", "removal", "metadata")
    }
    words = {
        "revision": "revised",
        "update": "new",
        "removal": "withdrawn",
        "metadata": "re-described",
    }
    parts = [f"{n} figure{'s' if n != 1 else ''} {words[k]}" for k, n in counts.items() if n]
    body = ", ".join(parts) if parts else "changes to tables or metadata"
    return f"{level.capitalize()} release: {body}."


def _texts(paths: Paths, figset: FigureSet) -> SourceTexts:
    return locate(paths.sources, paths.sources_from, paths.figures, figset.package.get("sources"))
