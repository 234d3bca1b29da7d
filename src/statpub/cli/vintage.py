"""``statpub vintage``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click

from statpub.cli.options import (
    echo_json,
    handle_errors,
    output_options,
    releases_option,
    resolve_format,
)


@click.command()
@releases_option
@click.option(
    "--resource",
    help="The table to follow. Default: observations when the package has it, else the one "
    "table with a primary key that holds every --where field.",
)
@click.option(
    "--field",
    "fields",
    multiple=True,
    help="A field to show (repeatable). Default for observations: value, qualifier, bounds, "
    "status and source; otherwise every field outside the key.",
)
@click.option(
    "--where",
    "where",
    multiple=True,
    metavar="FIELD=VALUE",
    help="Only rows whose FIELD has VALUE (repeatable), e.g. --where indicator_id=schools-built.",
)
@output_options(formats=("text", "json", "csv"))
@handle_errors
def vintage(
    releases_dir: Path,
    resource: str | None,
    fields: tuple[str, ...],
    where: tuple[str, ...],
    fmt: str,
    as_json: bool,
) -> None:
    """Show, for each row of a table, the values published in each released version.

    Reads every version in the release archive, like ALFRED's vintages of a
    FRED series: per primary key, what each version said and whether it was
    new, the same, revised or removed. Works on any table with a primary key,
    e.g. --where district=0101 --where year=2023. Every version is proven against its
    SHA256SUMS first; a tampered archive is refused.

    Exit status: 0 shown, 1 the archive fails its checksums, 2 could not run.
    """
    from statpub.versioning.vintage import vintages

    filters: dict[str, str] = {}
    for item in where:
        name, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not FIELD=VALUE", param_hint="--where")
        filters[name] = value
    view = vintages(releases_dir, resource=resource, fields=list(fields) or None, where=filters)
    out = resolve_format(fmt, as_json)
    if out == "json":
        echo_json(view.to_dict())
        return
    if out == "csv":
        names = [*view.key_fields, "version", "release_date", "status", *view.fields]
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=names, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(view.rows())
        click.echo(buf.getvalue(), nl=False)
        return
    for series in view.series:
        click.echo(" ".join(str(v) for v in series.key.values()))
        for v in series.vintages:
            values = "  ".join(f"{k}={'' if x is None else x}" for k, x in v.values.items())
            click.echo(f"  {v.version:<8} {v.release_date}  {v.status:<7}  {values}")
