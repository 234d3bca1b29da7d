"""Build a project's Data Package: :func:`build_package` writes it, :func:`build` swaps it in.

Each function asks the project's adapter (:mod:`statpub.project.adapters`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from statpub.builder.write import PackageSource, write_package
from statpub.figures.records import Release
from statpub.project.adapters import adapter_of
from statpub.project.adapters.figures import BuildResult
from statpub.project.adapters.tables import ProjectBuild
from statpub.project.config import Project


def read_log(project: Project) -> list[dict[str, Any]]:
    """The rows of the project's revisions log, as text (none when there is no log)."""
    return adapter_of(project).read_log(project)


def package_source(
    project: Project,
    *,
    releases: Sequence[Release] | None = None,
    revisions: Sequence[dict[str, Any]] | None = None,
) -> PackageSource:
    """The source a project's package is built from, by its adapter."""
    revisions = read_log(project) if revisions is None else revisions
    return adapter_of(project).source(project, releases, revisions)


def project_sdmx(project: Project) -> dict[str, dict[str, Any]]:
    """Table name -> its fields' SDMX roles, for the tables that map to SDMX."""
    return adapter_of(project).sdmx(project)


def build_package(
    project: Project,
    folder: Path,
    *,
    releases: Sequence[Release] | None = None,
    revisions: Sequence[dict[str, Any]] | None = None,
) -> dict[str, str]:
    """Write every file of ``project``'s package into ``folder`` (empty); path -> sha256.

    ``releases`` (default: the project's history) and ``revisions`` (default: its
    revisions log) let a release build the new version aside before recording it.
    """
    return write_package(folder, package_source(project, releases=releases, revisions=revisions))


def build(
    project: Project, *, sources_dir: Path | None = None, sources_from: str = "--sources"
) -> BuildResult | ProjectBuild:
    """Build ``project.out``, validate it, and only then swap it in (atomic, deterministic).

    Raises InvalidInput (an input or the built package invalid; exit 1) or
    StatpubError (cannot run; exit 2); in both cases ``project.out`` is left as it was.
    """
    return adapter_of(project).build(project, sources_dir, sources_from)
