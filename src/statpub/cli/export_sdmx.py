"""``statpub export sdmx``."""

from __future__ import annotations

from pathlib import Path

import click

from statpub.cli.options import echo_json, handle_errors, output_options, resolve_format


@click.command()
@click.argument(
    "project_dir",
    type=click.Path(path_type=Path),
    default=".",
    required=False,
)
@click.option(
    "--package",
    "package_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The built package to export (default: the project's out: folder).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder to write structure.xml and one TABLE.csv per mapped table into.",
)
@click.option(
    "--agency",
    help="SDMX agency id that maintains the artefacts (default: the package name in capitals).",
)
@click.option("--force", is_flag=True, help="Replace --out if it exists and is not empty.")
@output_options()
@handle_errors
def sdmx(
    project_dir: Path,
    package_dir: Path | None,
    out_dir: Path,
    agency: str | None,
    force: bool,
    fmt: str,
    as_json: bool,
) -> None:
    """Export the tables a project maps to SDMX roles as SDMX-CSV and SDMX-ML 3.0.

    A table's sdmx: in statpub.yml maps its fields to dimensions, the time
    dimension, measures and attributes (the figures model maps its
    observations out of the box). Writes structure.xml (per table a concept
    scheme, code lists from the fields' categories, a data structure
    definition and a dataflow; names in every language the package declares;
    checked against the SDMX-ML 3.0 XSD) and per table its observations as
    SDMX-CSV 2.0 (TABLE.csv).
    See docs/sdmx.md.

    Exit status: 0 written, 1 the package's files do not match its
    descriptor, 2 could not run (no or a bad mapping: sdmx-mapping).
    """
    from statpub.project.config import load_project
    from statpub.publish.local import publishable
    from statpub.publish.sdmx import export_sdmx, project_maps

    project = load_project(project_dir)
    pkg = publishable(package_dir or project.out, "nothing written")
    result = export_sdmx(pkg, project_maps(project, pkg), out_dir, agency=agency, force=force)
    if resolve_format(fmt, as_json) == "json":
        echo_json(result.to_dict())
        return
    for t in result.tables:
        click.echo(f"{t['table']}: {t['rows']} observations in {t['file']} ({t['dataflow']})")
    click.echo(f"wrote {out_dir / result.structure} and the data to {out_dir}")
