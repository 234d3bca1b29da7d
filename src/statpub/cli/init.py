"""``statpub init``."""

from __future__ import annotations

from pathlib import Path

import click

from statpub.cli.options import echo_json, handle_errors, output_options, resolve_format, say


@click.command()
@click.argument("folder", type=click.Path(path_type=Path, dir_okay=True, file_okay=False))
@click.option(
    "--from",
    "sources",
    multiple=True,
    required=True,
    help="A table to start from: FILE.csv, FILE.tsv, FILE.parquet, FILE.xlsx (its first "
    "sheet) or FILE.xlsx#SHEET. Repeat for each table, or list them after one --from.",
)
@click.argument("more", nargs=-1, type=str)
@click.option("--encoding", help="Text encoding of the CSV inputs (default: UTF-8, checked).")
@click.option("--delimiter", help="Delimiter of the CSV inputs (default: found in the header).")
@output_options()
@handle_errors
def init(
    folder: Path,
    sources: tuple[str, ...],
    more: tuple[str, ...],
    encoding: str | None,
    delimiter: str | None,
    fmt: str,
    as_json: bool,
) -> None:
    """Scaffold a project in FOLDER from existing tables.

    Copies each table into FOLDER/data/ (a file already inside FOLDER stays
    where it is), infers its Table Schema from every row into
    FOLDER/schemas/NAME.json, and writes FOLDER/statpub.yml. Then, in FOLDER:
    `statpub build` and `statpub validate datapackage`.

    Each inference is reported with how to override it: types (integer,
    number, boolean, date, datetime, year, yearmonth, string; codes with
    leading zeros stay strings), missing-value markers, categories of code
    columns, the primary key and foreign keys. A rerun keeps schema files that
    exist (and your edits to them), and adds new tables to statpub.yml.

    Exit status: 0 written, 1 an input is invalid, 2 could not run.
    """
    from statpub.project.init import init_project

    result = init_project(folder, [*sources, *more], encoding=encoding, delimiter=delimiter)
    if resolve_format(fmt, as_json) == "json":
        echo_json(result.to_dict())
        return
    for note in result.inferences:
        where = note.table + (f".{note.field}" if note.field else "")
        value = note.value if note.value is not None else "none"
        say(f"{where}: {note.property} = {value}: {note.why}; to change: {note.override}")
    for rel in result.kept:
        say(f"kept {rel} as it is (delete it to infer it again)")
    say(
        f"wrote {folder}: {len(result.tables)} table(s); next: cd {folder} && statpub build "
        "&& statpub validate datapackage"
    )
