"""``build()``: figure files -> a validated Data Package folder, swapped in atomically."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statpub.builder.datacard import render_datacard
from statpub.builder.descriptor import dumps, package_descriptor, resource_entry
from statpub.builder.schemas import published_schema
from statpub.builder.tables import CORROBORATIONS, TABLES, published_tables, table_rows
from statpub.errors import InvalidInput, StatpubError
from statpub.figures.load import load_figures
from statpub.figures.records import FigureSet
from statpub.package.atomic import staged_folder
from statpub.package.files import sha256_bytes
from statpub.package.resolve import read_schema_file
from statpub.report import Issue, Report


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
    """The published tables' schemas as they are published (see ``builder/schemas.py``)."""
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
        report = _validate(staging, None, label=str(out_dir))
        if not report.valid:
            raise InvalidInput(
                report.errors,
                summary="the built package is invalid; nothing was replaced",
                code="package-invalid",
                path=out_dir,
            )
    report.extend(quotes.missing + quotes.doubtful, check="quotes")
    report.extend(_history(out_dir, sources_dir), check="history")
    return BuildResult(
        out_dir=out_dir,
        version=figset.current_release.version,
        figures=len(figset.figures),
        files=files,
        report=report,
    )


def write_package(
    folder: Path,
    figset: FigureSet,
    schemas: dict[str, dict[str, Any]],
    revisions: list[dict[str, Any]],
) -> dict[str, str]:
    """Write every file of the package into ``folder``; return path -> sha256."""
    from statpub.tables.csvio import csv_bytes
    from statpub.tables.parquetio import to_arrow, write_parquet
    from statpub.versioning.changelog import render_changelog

    (folder / "data").mkdir()
    (folder / "schemas").mkdir()
    rows = table_rows(figset, revisions)
    files: dict[str, str] = {}
    resources: list[dict[str, Any]] = []

    def put(rel: str, data: bytes) -> str:
        (folder / rel).write_bytes(data)
        digest = sha256_bytes(data)
        files[rel] = digest
        return digest

    for name in published_tables(rows):
        if name not in schemas:
            raise StatpubError(
                f"figures name corroborating sources (also_reported_by) but there is no "
                f"{name}.json in the schemas folder: add it (see docs/data-model.md)",
                code="file-not-found",
            )
        schema = schemas[name]
        schema_rel = f"schemas/{name}.json"
        put(schema_rel, (json.dumps(schema, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        table = to_arrow(rows[name], schema)
        csv_rel = f"data/{name}.csv"
        data = csv_bytes(table, schema)
        digest = put(csv_rel, data)
        resources.append(
            resource_entry(name, "csv", schema, csv_rel, schema_rel, len(data), digest)
        )
        pq_rel = f"data/{name}.parquet"
        write_parquet(table, schema, folder / pq_rel)
        data = (folder / pq_rel).read_bytes()
        digest = sha256_bytes(data)
        files[pq_rel] = digest
        resources.append(
            resource_entry(name, "parquet", schema, pq_rel, schema_rel, len(data), digest)
        )

    descriptor = package_descriptor(figset, resources)
    put("datapackage.json", dumps(descriptor))
    sizes = {rel: (folder / rel).stat().st_size for rel in files}
    put("README.md", render_datacard(figset, descriptor, sizes).encode("utf-8"))
    changelog = render_changelog(descriptor["title"], figset.releases, revisions)
    put("CHANGELOG.md", changelog.encode("utf-8"))
    return dict(sorted(files.items()))


def _history(out_dir: Path, sources_dir: Path | None) -> list[Issue]:
    """The history check ``statpub validate`` makes of the package in place (against the
    release archive beside it), so that build and validate give one verdict."""
    from statpub.package import read_package
    from statpub.validate import Options
    from statpub.validate.history import check_history

    pkg = read_package(out_dir, label=str(out_dir))
    return check_history(pkg, Options(sources_dir=sources_dir), Report(str(out_dir))) or []


def _validate(folder: Path, sources_dir: Path | None, label: str) -> Report:
    """Validate the staged build, reported under the name of the folder it will replace."""
    from statpub.package import read_package
    from statpub.validate import Options, validate_package

    pkg = read_package(folder, label=label)
    # The package promises v1 readers too (see builder/schemas.py): hold it to that.
    return validate_package(pkg, Options(sources_dir=sources_dir, compat="v1"))
