"""``statpub release``: log changed values, bump the version, archive the package.

``pipeline`` is the one release mechanism (recover, audit, diff, bump, reasons,
log, build, validate, commit through the ``journal``); ``steps`` and ``commit``
are its parts. Each project adapter (:mod:`statpub.project.adapters`) has its
side of the release here: ``cut`` for the figure model (``reasons`` reads the
maintainer's reasons from the figure files, ``quotes`` checks the quotes) and
``tables`` for any tables (``tablereasons``: the reasons file and ``--reason``).
:func:`release_project` releases any project through its adapter's side.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from statpub.release.cut import Paths, ReleaseResult, archive_current, release

if TYPE_CHECKING:
    from statpub.project import Project
    from statpub.release.tables import TableRelease

__all__ = [
    "Paths",
    "ReleaseRequest",
    "ReleaseResult",
    "archive_current",
    "figure_paths",
    "release",
    "release_project",
]


@dataclass(frozen=True)
class ReleaseRequest:
    """What a release is asked to do (the options of ``statpub release``)."""

    date: dt.date
    bump: str | None = None
    note: str | None = None
    reason: str | None = None
    dry_run: bool = False
    unchecked_quotes: bool = False  # figure model: release with source texts missing
    sources: Path | None = None  # figure model: the folder of source texts
    sources_from: str = "--sources"


def release_project(project: Project, request: ReleaseRequest) -> ReleaseResult | TableRelease:
    """Release ``project``'s changes as a new version, through its adapter's side."""
    return _SIDES[project.adapter](project, request)


def figure_paths(project: Project, sources: Path | None, sources_from: str) -> Paths:
    """Where a figure-model project's files are, for its release."""
    assert project.figures is not None
    return Paths(
        project.figures, project.schemas, project.out, project.releases, sources, sources_from
    )


def _figures(project: Project, r: ReleaseRequest) -> ReleaseResult:
    paths = figure_paths(project, r.sources, r.sources_from)
    return release(
        paths,
        r.date,
        bump=r.bump,
        note=r.note,
        dry_run=r.dry_run,
        unchecked_quotes=r.unchecked_quotes,
        reason=r.reason,
    )


def _tables(project: Project, r: ReleaseRequest) -> TableRelease:
    from statpub.release.tables import project_tables, release_tables

    return release_tables(
        project_tables(project),
        r.date,
        bump=r.bump,
        note=r.note,
        reason=r.reason,
        dry_run=r.dry_run,
    )


# Each adapter's side of the release, by the adapter's name (statpub.project.adapters).
_SIDES: dict[str, Callable[[Project, ReleaseRequest], ReleaseResult | TableRelease]] = {
    "figures": _figures,
    "tables": _tables,
}
