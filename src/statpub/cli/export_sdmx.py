"""``statpub export sdmx``."""

from __future__ import annotations

from pathlib import Path

import click

from statpub.cli.options import echo_json, handle_errors


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
    help="Folder to write structure.xml and one TABLE.csv (or .xml) per mapped table into.",
)
@click.option(
    "--agency",
    help="SDMX agency id that maintains the artefacts (default: the project's sdmx: agency:, "
    "else the package name in capitals as a placeholder).",
)
@click.option(
    "--format",
    "data_format",
    type=click.Choice(["csv", "xml"]),
    default="csv",
    show_default=True,
    help="The data: SDMX-CSV 2.0 (TABLE.csv) or an SDMX-ML 3.0 data message (TABLE.xml).",
)
@click.option("--force", is_flag=True, help="Replace --out if it exists and is not empty.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the result (and failures) as JSON on stdout.",
)
@handle_errors
def sdmx(
    project_dir: Path,
    package_dir: Path | None,
    out_dir: Path,
    agency: str | None,
    data_format: str,
    force: bool,
    as_json: bool,
) -> None:
    """Export the tables a project maps to SDMX roles as SDMX-CSV and SDMX-ML 3.0.

    A table's sdmx: in statpub.yml maps its fields to dimensions, the time
    dimension, measures and attributes (the figures model maps its
    observations out of the box). Writes structure.xml (per table a concept
    scheme, code lists from the fields' categories, a data structure
    definition and a dataflow; names in every language the package declares;
    checked against the SDMX-ML 3.0 XSD) and per table its observations as
    SDMX-CSV 2.0 (TABLE.csv) or, with --format xml, an SDMX-ML 3.0 data
    message (TABLE.xml, checked against the XSD). A period with an unstated
    bound (../2025-06) is written as its known bound with the attribute
    TIME_OPEN; one that cannot be an SDMX period is left out and counted.
    See docs/sdmx.md.

    Exit status: 0 written, 1 the package's files do not match its
    descriptor, 2 could not run (no or a bad mapping: sdmx-mapping).
    """
    from statpub.project.config import load_project
    from statpub.publish.local import publishable
    from statpub.publish.sdmx import export_sdmx, project_maps

    project = load_project(project_dir)
    pkg = publishable(package_dir or project.out, "nothing written")
    result = export_sdmx(
        pkg,
        project_maps(project, pkg),
        out_dir,
        agency=agency or project.sdmx.get("agency"),
        data_format=data_format,
        force=force,
    )
    if result.placeholder:
        click.echo(
            f"warning: SDMX agency {result.agency} is a placeholder; set sdmx: {{agency: ...}} "
            "in statpub.yml or pass --agency",
            err=True,
        )
    for t in result.tables:
        if t["dropped"]:
            click.echo(
                f"warning: {t['table']}: {t['dropped']} observation(s) left out, their period "
                "is no SDMX time period (docs/sdmx.md)",
                err=True,
            )
    if as_json:
        echo_json(result.to_dict())
        return
    for t in result.tables:
        click.echo(f"{t['table']}: {t['rows']} observations in {t['file']} ({t['dataflow']})")
    click.echo(f"wrote {out_dir / result.structure} and the data to {out_dir}")
