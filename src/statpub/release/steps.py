"""Steps every release takes, whatever its tables: the one release mechanism's parts.

:mod:`statpub.release.cut` (the figure model) and :mod:`statpub.release.tables`
(any tables) both recover an interrupted release, audit the archive, build the
candidate aside, diff it against the last archive, pick the bump by the Data
Package Version recipe, validate the new version and commit it through the
journal; what differs between them (how changes are classified, where their
reasons are given, the log's columns) is theirs.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from statpub import semver
from statpub.errors import InvalidInput
from statpub.package.atomic import temp_folder
from statpub.report import Issue
from statpub.versioning import archive
from statpub.versioning.change import Change

if TYPE_CHECKING:
    from statpub.versioning.diff import DiffResult


def require_intact(folder: Path, version: str) -> None:
    """Refuse an archived release whose files fail its SHA256SUMS."""
    issues = archive.verify_release(folder.parent, version)
    if issues:
        raise InvalidInput(
            issues,
            summary=f"the archive of {version} fails its checksums",
            code="archive-checksums",
        )


@contextmanager
def workspace(releases: Path) -> Iterator[Path]:
    """A scratch folder beside the archive (so a staged version is renamed into place),
    removed at the end whatever happens."""
    tmp = temp_folder(releases, "release")
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def bump_issues(bump: str | None, required: str, forced_by: Change | None) -> list[Issue]:
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


def validate_package(
    folder: Path, previous: Path | None, *, reuse: DiffResult | None = None
) -> None:
    """Validate the new version against the previous one (version bump, the log kept).

    ``reuse``: the release's own diff against ``previous`` (made with ``remember``);
    the tables it compared that are unchanged since are not compared again.
    """
    from statpub.validate import Options, validate

    options = Options(previous=str(previous) if previous else None, reuse=reuse)
    report = validate(folder, options=options)
    if not report.valid:
        raise InvalidInput(
            report.errors,
            summary="the new version would be invalid; nothing was written",
            code="release-refused",
        )
