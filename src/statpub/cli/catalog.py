"""``statpub catalog``."""

from __future__ import annotations

from pathlib import Path

import click

from statpub.cli.options import echo_json, handle_errors, package_argument


@click.command()
@package_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["dcat", "schemaorg"]),
    default="dcat",
    show_default=True,
    help="dcat: a DCAT-AP dcat:Dataset; schemaorg: a schema.org Dataset.",
)
@click.option(
    "--base-url",
    help="Address the package's files are published under; download URLs become BASE_URL + "
    "path. Without it they stay relative to the package folder.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the JSON-LD to this file (atomically) instead of stdout.",
)
@handle_errors
def catalog(package_dir: Path, fmt: str, base_url: str | None, out_path: Path | None) -> None:
    """Print catalogue metadata for a built package, as JSON-LD.

    Both formats come from the same metadata: title, description, version,
    release date, keywords, licence, creators, spatial and temporal coverage,
    sources, and one distribution per data file (CSV, Parquet) with its media
    type, size and sha256, read from the files.

    Exit status: 0 written, 1 the package's files do not match its descriptor,
    2 could not run.
    """
    from statpub.package import read_package
    from statpub.publish.catalog import dcat_jsonld, schemaorg_dataset

    render = dcat_jsonld if fmt == "dcat" else schemaorg_dataset
    doc = render(read_package(package_dir), base_url=base_url)
    if out_path is None:
        echo_json(doc)
        return
    from statpub.publish.catalog import write_jsonld

    write_jsonld(doc, out_path)
    click.echo(f"wrote {out_path} ({fmt})", err=True)
