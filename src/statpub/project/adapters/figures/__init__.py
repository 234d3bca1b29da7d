"""The ``figures`` adapter: this repository's figure model (docs/figures.md). Its tables
(observations, indicators, sources, revisions; corroborations when a figure names a second
source) are derived from figure files, each quote checked against its source text."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from statpub.builder.write import PackageSource
from statpub.figures.records import Release
from statpub.project.adapters.figures.build import BuildResult, FigureSource, build, load_schemas
from statpub.project.config import Project

__all__ = ["BuildResult", "FigureSource", "FiguresAdapter", "build", "load_schemas"]


class FiguresAdapter:
    """This repository's figure files (``figures/``): the figure model, its quote check
    and its own revisions log."""

    name = "figures"
    # The release options only this adapter takes: its quotes need the source texts.
    release_flags = frozenset({"--archive-only", "--unchecked-quotes", "--sources"})

    def configure(self, project: Project, data: dict[str, Any], path: Path) -> None:
        """Read the settings of ``statpub.yml`` only this adapter has (``figures:``)."""
        project.figures = project.root / str(data.get("figures", "figures"))

    def lock_dir(self, project: Project) -> Path:
        assert project.figures is not None
        return project.figures

    def read_log(self, project: Project) -> list[dict[str, Any]]:
        from statpub.versioning.log import read_revisions

        return read_revisions(project.revisions.parent)

    def source(
        self,
        project: Project,
        releases: Sequence[Release] | None,
        revisions: Sequence[dict[str, Any]],
    ) -> PackageSource:
        from statpub.figures.load import load_figures

        assert project.figures is not None
        schemas = load_schemas(project.schemas)
        figset = load_figures(project.figures, schemas)
        if releases is not None:
            figset.releases = list(releases)
        return FigureSource(figset, schemas, list(revisions))

    def sdmx(self, project: Project) -> dict[str, dict[str, Any]]:
        from statpub.figures.sdmx import SDMX_DEFAULTS

        return SDMX_DEFAULTS

    def build(self, project: Project, sources_dir: Path | None, sources_from: str) -> BuildResult:
        assert project.figures is not None
        return build(
            project.figures, project.schemas, project.out,
            sources_dir=sources_dir, sources_from=sources_from,
        )  # fmt: skip
