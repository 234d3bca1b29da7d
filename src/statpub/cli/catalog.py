"""``statpub catalog``."""

from __future__ import annotations

from pathlib import Path

import click

from statpub.cli.options import echo_json, handle_errors, package_argument, say


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
    "path. Without it they stay relative to the package folder, and a warning says so.",
)
@click.option(
    "--releases",
    type=click.Path(path_type=Path, file_okay=False),
    help="The release archive (releases/): describe the series of every archived release, "
    "with the package as its newest member (DCAT-AP dcat:DatasetSeries; schema.org one "
    "Dataset per release).",
)
@click.option(
    "--releases-url",
    help="Address the release archive is published under; an archived release's download "
    "URLs become RELEASES_URL + VERSION/ + path. Without it they are relative.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the JSON-LD to this file (atomically) instead of stdout.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Failures too as JSON on stdout; with --out, print what was written as JSON.",
)
@handle_errors
def catalog(
    package_dir: Path,
    fmt: str,
    base_url: str | None,
    releases: Path | None,
    releases_url: str | None,
    out_path: Path | None,
    as_json: bool,
) -> None:
    """Print catalogue metadata for a built package, as JSON-LD.

    Both formats come from the same metadata: title, description, version,
    release date, keywords, licence, creators, contact points, spatial and
    temporal coverage, themes, sources, the tables' fields, and one
    distribution per data file (CSV, Parquet) with its media type, size and
    sha256, read from the files. With --releases, a series: each archived
    release (proven against its SHA256SUMS) is a member with its version,
    date, version notes, the release before it and its own files. Warnings
    (relative addresses, unknown codes) go to stderr.

    Exit status: 0 written, 1 the package's files do not match its descriptor,
    2 could not run.
    """
    from statpub.package import read_package
    from statpub.publish.catalog import catalog as make_catalog

    package = read_package(package_dir)
    result = make_catalog(
        package,
        fmt,
        base_url=base_url,
        releases=releases,
        releases_url=releases_url,
    )
    for warning in result.warnings:
        say(f"warning [{warning.type}]: {warning.message}", err=True)
    if out_path is None:
        echo_json(result.document)
        return
    from statpub.publish.catalog import write_jsonld

    write_jsonld(result.document, out_path, package)
    if as_json:
        echo_json({"written": str(out_path), "format": fmt})
    else:
        say(f"wrote {out_path} ({fmt})", err=True)
