"""``statpub site``."""

from __future__ import annotations

from pathlib import Path

import click

from statpub.cli.options import echo_json, handle_errors, output_options, resolve_format, say


@click.command()
@click.option(
    "--package",
    "package_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default="datapackage",
    show_default=True,
    help="Folder of the built package (statpub build) to show.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default="_site",
    show_default=True,
    help="Folder to write index.html and files/ into; replaced as a whole.",
)
@click.option(
    "--bundle",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Zip of the package (statpub bundle) to offer; by default the page makes one.",
)
@click.option(
    "--base-url",
    default="",
    help="http(s) address the page will be published at, for absolute URLs in the JSON-LD.",
)
@output_options()
@handle_errors
def site(
    package_dir: Path,
    out_dir: Path,
    bundle: Path | None,
    base_url: str,
    fmt: str,
    as_json: bool,
) -> None:
    """Write a static dataset page for a built package.

    One index.html and files/ with a copy of every file it links to. Any
    package gets its metadata, downloads with size and sha256, changelog,
    citation and schema.org JSON-LD, and per table its data dictionary, first
    rows and, when it has a time field and a numeric measure, a line chart. A
    package in statpub's figure model (observations and indicators) gets the
    figure page instead: one mark per figure, bounds drawn as bounds, the table
    of figures. Nothing is loaded from the network: open OUT/index.html
    straight from the file system.

    A package that declares several languages gets one page per language:
    index.html in the default one, index.<tag>.html (index.kk.html) in each
    other, linked by a language switch and hreflang links.

    Exit status: 0 written, 1 the package's files do not match its descriptor,
    2 could not run.
    """
    from statpub.site import render_site

    result = render_site(package_dir, out_dir, bundle=bundle, base_url=base_url)
    if resolve_format(fmt, as_json) == "json":
        echo_json(result.to_dict())
        return
    shown = (
        f"{len(result.tables)} tables, {sum(1 for t in result.tables if t.chart)} charts"
        if result.tables
        else f"{result.figures} figures"
    )
    others = [name for name in result.pages.values() if name != "index.html"]
    say(
        f"wrote {out_dir / 'index.html'}"
        + (f" (and {', '.join(others)})" if others else "")
        + f": version {result.version}, {shown}, {len(result.files)} downloads"
    )
