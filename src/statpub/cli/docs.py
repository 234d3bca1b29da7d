"""``statpub docs``: documents generated from the project's own definitions."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from statpub.cli.options import (
    EXIT_INVALID,
    echo_json,
    handle_errors,
    output_options,
    resolve_format,
    say,
)


@click.group()
def docs() -> None:
    """Generate documentation files from the Table Schemas."""


@docs.command()
@click.option(
    "--schemas",
    "schemas_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default="schemas",
    show_default=True,
    help="Folder of Table Schemas, one per published table.",
)
@click.option(
    "--package",
    "package_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Read the tables and their schemas from this built package instead of --schemas "
    "(any package: its tables in descriptor order, a Parquet copy listed with its CSV).",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    default="docs/data-dictionary.md",
    show_default=True,
    help="File to write; '-' prints the dictionary on stdout instead.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the file is out of date.")
@output_options()
@handle_errors
def dictionary(
    schemas_dir: Path,
    package_dir: Path | None,
    out_path: Path,
    check: bool,
    fmt: str,
    as_json: bool,
) -> None:
    """Generate the data dictionary from the Table Schemas.

    Every field with its type, format, constraints, codes and labels; each
    table's primary key, foreign keys and missing-value markers.

    Exit status: 0 written or up to date, 1 out of date (with --check), 2 could not run.
    """
    from statpub.site.dictionary import (
        COMMAND,
        load_table_schemas,
        package_tables,
        render_data_dictionary,
        update_dictionary,
    )

    if str(out_path) == "-":
        if package_dir is not None:
            click.echo(render_data_dictionary(*package_tables(package_dir)), nl=False)
        else:
            click.echo(render_data_dictionary(load_table_schemas(schemas_dir)), nl=False)
        return
    result = update_dictionary(schemas_dir, out_path, check=check, package_dir=package_dir)
    if resolve_format(fmt, as_json) == "json":
        echo_json(result.to_dict())
    elif result.up_to_date:
        say(f"{out_path}: up to date", err=True)
    elif result.written:
        say(f"{out_path}: written", err=True)
    if check and not result.up_to_date:
        say(
            f"{out_path} is out of date with {package_dir or schemas_dir}/: run `{COMMAND}` "
            "and commit it",
            err=True,
        )
        sys.exit(EXIT_INVALID)
