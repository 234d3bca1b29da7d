"""The figure model's package: its four tables (``FigureSource``), and ``build()``: figure
files -> a validated Data Package folder, swapped in atomically."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statpub.builder.cardwords import CardWords
from statpub.builder.schemas import published_schema
from statpub.builder.staged import history_issues, validate_staged
from statpub.builder.write import TableData
from statpub.builder.write import write_package as write_source
from statpub.errors import InvalidInput, StatpubError
from statpub.figures.load import load_figures
from statpub.figures.records import FigureSet
from statpub.package.atomic import staged_folder
from statpub.package.resolve import read_schema_file
from statpub.project.adapters.figures.datacard import render_datacard
from statpub.project.adapters.figures.descriptor import package_descriptor
from statpub.project.adapters.figures.tables import (
    CORROBORATIONS,
    TABLES,
    published_tables,
    table_rows,
)
from statpub.report import Report


@dataclass
class BuildResult:
    out_dir: Path
    version: str
    figures: int
    files: dict[str, str] = field(default_factory=dict)  # path -> sha256
    report: Report | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "out_dir": str(self.out_dir),
            "version": self.version,
            "figures": self.figures,
            "files": dict(self.files),
            "validation": self.report.to_dict() if self.report else None,
        }


def load_schemas(schemas_dir: Path) -> dict[str, dict[str, Any]]:
    """The figure model's tables' schemas as they are published (``builder/schemas.py``)."""
    names = [*TABLES]
    if (schemas_dir / f"{CORROBORATIONS}.json").is_file():
        names.append(CORROBORATIONS)  # used only by figures that name other sources
    return {
        name: published_schema(read_schema_file(path), label=str(path))
        for name, path in ((n, schemas_dir / f"{n}.json") for n in names)
    }


def build(
    figures_dir: Path,
    schemas_dir: Path,
    out_dir: Path,
    *,
    sources_dir: Path | None = None,
    sources_from: str = "--sources",
    revisions: list[dict[str, Any]] | None = None,
) -> BuildResult:
    """Build ``out_dir`` from the figure files, validate it, and only then swap it in.

    Quotes are checked against the captured texts in ``sources_dir`` (named by
    ``sources_from``), else in the ``sources:`` folder of figures/package.yml; a
    quote not found is an error naming its figure file and line, a text not at
    hand a warning. Raises InvalidInput (figure files or the built package
    invalid) or StatpubError (cannot run); in both cases ``out_dir`` is left as
    it was.
    """
    from statpub.figures.quotes import check_quotes, locate

    schemas = load_schemas(schemas_dir)
    figset = load_figures(figures_dir, schemas)
    texts = locate(sources_dir, sources_from, figures_dir, figset.package.get("sources"))
    quotes = check_quotes(figset, texts)
    if quotes.wrong:
        raise InvalidInput(
            quotes.wrong, summary="quotes not found in their sources; nothing was replaced"
        )
    if revisions is None:
        from statpub.versioning.log import read_revisions

        revisions = read_revisions(figures_dir)
    with staged_folder(out_dir) as staging:
        files = write_package(staging, figset, schemas, revisions)
        report = validate_staged(staging, label=str(out_dir))
        if not report.valid:
            raise InvalidInput(
                report.errors,
                summary="the built package is invalid; nothing was replaced",
                code="package-invalid",
                path=out_dir,
            )
    report.extend(quotes.missing + quotes.doubtful, check="quotes")
    report.extend(history_issues(out_dir, sources_dir), check="history")
    return BuildResult(
        out_dir=out_dir,
        version=figset.current_release.version,
        figures=len(figset.figures),
        files=files,
        report=report,
    )


class FigureSource:
    """The figure model as a :class:`~statpub.builder.write.PackageSource`: four tables
    (observations, indicators, sources, revisions) derived from the figure files."""

    def __init__(
        self,
        figset: FigureSet,
        schemas: dict[str, dict[str, Any]],
        revisions: list[dict[str, Any]],
    ) -> None:
        self.figset = figset
        self.schemas = schemas
        self.revisions = revisions

    def tables(self) -> Iterator[TableData]:
        from statpub.tables.parquetio import to_arrow

        rows = table_rows(self.figset, self.revisions)
        for name in published_tables(rows):
            if name not in self.schemas:
                raise StatpubError(
                    f"figures name corroborating sources (also_reported_by) but there is no "
                    f"{name}.json in the schemas folder: add it (see docs/data-model.md)",
                    code="file-not-found",
                )
            yield TableData(name, self.schemas[name], to_arrow(rows[name], self.schemas[name]))

    def descriptor(self, resources: list[dict[str, Any]]) -> dict[str, Any]:
        return package_descriptor(self.figset, resources)

    def datacard(self, descriptor: dict[str, Any], sizes: dict[str, int], words: CardWords) -> str:
        return render_datacard(self.figset, descriptor, sizes, words)

    def changelog(self, descriptor: dict[str, Any]) -> str:
        from statpub.versioning.changelog import render_changelog

        return render_changelog(descriptor["title"], self.figset.releases, self.revisions)


def write_package(
    folder: Path,
    figset: FigureSet,
    schemas: dict[str, dict[str, Any]],
    revisions: list[dict[str, Any]],
) -> dict[str, str]:
    """Write every file of the figure package into ``folder``; return path -> sha256."""
    return write_source(folder, FigureSource(figset, schemas, revisions))
