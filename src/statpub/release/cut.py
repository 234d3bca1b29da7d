"""``release()``: figure files changed since the last release -> a new, archived version.

1. Build the package the figure files give now, in a temporary folder, and
   compare it with the last release in the archive (``releases/<version>/``).
2. Sort the observation changes into revisions, updates, removals and
   metadata changes; each revision, removal and metadata change needs a reason.
3. Choose the bump the change needs (or check the one asked for), append the
   changes to the revisions log, and build and validate the new version.
4. Only then write, as a journaled transaction (:mod:`statpub.release.journal`):
   the archive folder, ``figures/revisions.csv``, ``figures/releases.yml`` and
   the package folder. A refused release writes nothing.

Before all this, a release interrupted earlier is completed or rolled back,
and the history is audited (:mod:`statpub.versioning.audit`): a tampered
archive or an edited past entry refuses the release.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from statpub import semver
from statpub.errors import InvalidInput, StatpubError
from statpub.figures.quotes import SourceTexts, locate
from statpub.figures.records import FigureSet, Release
from statpub.package import read_package
from statpub.package.atomic import fault_point, temp_folder
from statpub.release import journal
from statpub.release.commit import RELEASES_FILE, commit, commit_archive, written_paths
from statpub.release.describe import new_figure_text
from statpub.release.quotes import quote_gate, unchecked_sentence
from statpub.release.reasons import Key, Reason, figure_reasons, removal_reasons
from statpub.release.result import ReleaseResult
from statpub.report import Issue
from statpub.versioning import archive, audit, corroborations
from statpub.versioning.change import Change
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
) -> ReleaseResult:
    """Release the changes in the figure files as a new version dated ``date``.

    A release found interrupted is dealt with first: completed (its result is
    returned, with ``recovery`` saying so) or rolled back (and this release made).
    Every quote is checked against its source's captured text; a source text not
    at hand is refused unless ``unchecked_quotes``, and the version's note,
    changelog and data card then say which sources were not checked.
    """
    with journal.exclusive(paths.figures):
        recovery = _recover(paths, dry_run)
        if recovery is not None and recovery.action == journal.COMPLETED:
            if recovery.operation == "release":
                done = ReleaseResult.from_dict(recovery.result)
                done.recovery = recovery
                return done
        try:
            out = _release(
                paths, date, bump=bump, note=note, dry_run=dry_run, unchecked=unchecked_quotes
            )
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


def _recover(paths: Paths, dry_run: bool) -> journal.Recovery | None:
    if not dry_run:
        return journal.recover(paths.figures, releases=paths.releases, out=paths.out)
    if journal.pending(paths.figures):
        raise StatpubError(
            f"a release was interrupted ({paths.figures / journal.JOURNAL}); run `statpub "
            "release` without --dry-run, or `statpub build`, to complete or roll it back first",
            code="release-interrupted",
        )
    return None


def _release(
    paths: Paths,
    date: dt.date,
    *,
    bump: str | None,
    note: str | None,
    dry_run: bool,
    unchecked: bool,
) -> ReleaseResult:
    from statpub.builder.package import load_schemas
    from statpub.figures.load import load_figures

    schemas = load_schemas(paths.schemas)
    figset = load_figures(paths.figures, schemas)
    last = figset.current_release
    previous_dir = _previous_archive(paths, last.version)
    _audit(paths)
    log = read_revisions(paths.figures)
    _check_log_matches_archive(paths, log, previous_dir)
    not_checked = quote_gate(figset, _texts(paths, figset), unchecked)

    with _workspace(paths) as tmp:
        candidate = tmp / "candidate"
        candidate.mkdir()
        _write(candidate, figset, schemas, log)
        result = diff(
            read_package(previous_dir, label=f"release {last.version}"),
            read_package(candidate, label=str(paths.figures)),
        )
        if not result.different:
            raise StatpubError(_nothing_to_release(paths, last.version), code="nothing-to-release")
        changes = _observation_changes(result)
        required = semver.highest([result.level, "patch"])
        level = bump or required
        version = semver.bump(last.version, level)
        reasons_given = figure_reasons(paths.figures), removal_reasons(paths.figures)
        issues = _reason_issues(reasons_given, changes, log, paths.figures.name)
        issues += _bump_issues(bump, required, result.forced_by)
        issues += _version_issues(paths, figset, version, date, last)
        if issues:
            raise InvalidInput(
                issues,
                summary=f"release refused: {len(issues)} problem(s); nothing was written",
                code="release-refused",
            )
        reasons = _reasons(reasons_given, changes, figset)
        rows = [row for c in changes for row in log_rows(c, version, date, reasons[c.key])]
        rows += corroborations.log_rows(
            corroborations.corroboration_changes(
                read_package(previous_dir), read_package(candidate)
            ),
            version,
            date,
        )
        note = note or _default_note(level, changes)
        if not_checked:
            note = f"{note} {unchecked_sentence(not_checked)}"
        entry = Release(version, date, note, tuple(not_checked))
        final = replace(figset, releases=[*figset.releases, entry])
        package = tmp / "package"
        package.mkdir()
        _write(package, final, schemas, [*log, *rows])
        _validate(package, previous_dir)
        fault_point("release:built")
        out = ReleaseResult(
            last.version,
            version,
            date,
            level,
            required,
            result.forced_by,
            note,
            changes,
            rows,
            dry_run=dry_run,
            unchecked_quotes=not_checked,
        )
        if not dry_run:
            out.written = written_paths(paths, version)
            release_entry = (date, note, rows)
            commit(
                paths, tmp, package, version, release_entry, out.to_dict(), entry.unchecked_quotes
            )
    return out


def archive_current(paths: Paths, *, unchecked_quotes: bool = False) -> tuple[str, bool]:
    """Build and archive the last version in releases.yml when it is not archived yet.

    For the first release, and for one made before releases were archived.
    Returns (version, archived now). When it is already archived, the figure
    files must still give the same package; otherwise that is refused. The
    quotes are checked as for a release; a source left unchecked
    (``unchecked_quotes``) must be listed in the entry's ``unchecked_quotes``,
    so that the data card says so.
    """
    from statpub.builder.package import load_schemas
    from statpub.figures.load import load_figures

    with journal.exclusive(paths.figures):
        recovery = journal.recover(paths.figures, releases=paths.releases, out=paths.out)
        schemas = load_schemas(paths.schemas)
        figset = load_figures(paths.figures, schemas)
        version = figset.current_release.version
        log = read_revisions(paths.figures)
        earlier, later = _archived_around(paths, version)
        _refuse_archive_ahead(paths, version, later)
        _audit(paths)
        with _workspace(paths) as tmp:
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


def _require_intact(folder: Path, version: str) -> None:
    """Refuse an archived release whose files fail its SHA256SUMS."""
    issues = archive.verify_release(folder.parent, version)
    if issues:
        raise InvalidInput(
            issues,
            summary=f"the archive of {version} fails its checksums",
            code="archive-checksums",
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


@contextmanager
def _workspace(paths: Paths) -> Iterator[Path]:
    """A scratch folder beside the archive (so a staged version is renamed into place),
    removed at the end whatever happens."""
    tmp = temp_folder(paths.releases, "release")
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


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
    from statpub.builder.package import write_package

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


def _bump_issues(bump: str | None, required: str, forced_by: Change | None) -> list[Issue]:
    if bump is None or semver.rank(bump) >= semver.rank(required):
        return []
    why = f"{forced_by.where()}: {forced_by.message}" if forced_by else "the change"
    return [
        Issue(
            "bump-too-small",
            f"--bump {bump} is smaller than this change needs ({required}), forced by "
            f"[{forced_by.type if forced_by else required}] {why}; release with --bump "
            f"{required} or leave --bump out",
            field="version",
        )
    ]


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


def _validate(folder: Path, previous: Path | None) -> None:
    """Validate the new version; its quotes were checked on the figure files already."""
    from statpub.validate import Options, validate

    report = validate(folder, options=Options(previous=str(previous) if previous else None))
    if not report.valid:
        raise InvalidInput(
            report.errors,
            summary="the new version would be invalid; nothing was written",
            code="release-refused",
        )
