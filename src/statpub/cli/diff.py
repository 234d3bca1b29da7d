"""``statpub diff``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from statpub.cli.options import (
    EXIT_INVALID,
    EXIT_OK,
    echo_json,
    handle_errors,
    output_options,
    resolve_format,
)

if TYPE_CHECKING:
    from statpub.versioning.diff import DiffResult

LEVELS = ("patch", "minor", "major")


@click.command()
@click.argument("old")
@click.argument("new")
@click.option(
    "--fail-on",
    type=click.Choice(LEVELS),
    help="Exit 1 only when the change needs at least this bump (a CI gate); smaller "
    "differences exit 0.",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="RESOURCE",
    help="Leave this resource out of the comparison (repeatable).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="List at most N added, removed and revised rows per resource (counts stay exact); "
    "0 lists all.",
)
@output_options()
@handle_errors
def diff(
    old: str,
    new: str,
    fail_on: str | None,
    ignore: tuple[str, ...],
    limit: int,
    fmt: str,
    as_json: bool,
) -> None:
    """Compare two Data Packages and classify the change as MAJOR, MINOR or PATCH.

    OLD and NEW are package folders or datapackage.json paths, or REF:PATH for a
    package in a commit of the git repository you are in (e.g. HEAD~1:datapackage).
    Rows are matched by primary key (composite keys included), or by their whole
    content when a table has none. Reports schema changes, resources and rows
    added or removed, and every revised cell with its old and new value. The class
    follows the Data Package v2 "Data Package Version" recipe, and the change that
    forced it is named.

    Exit status: 0 no difference (or none reaching --fail-on), 1 differences,
    2 could not run.
    """
    from statpub import semver
    from statpub.package import open_package
    from statpub.versioning.diff import diff as run_diff

    with open_package(old) as a, open_package(new) as b:
        result = run_diff(a, b, limit=limit or None, ignore=ignore)
    if resolve_format(fmt, as_json) == "json":
        echo_json(result.to_dict())
    else:
        _render(result)
    if fail_on is not None:
        failed = result.different and semver.rank(result.level) >= semver.rank(fail_on)
    else:
        failed = result.different
    sys.exit(EXIT_INVALID if failed else EXIT_OK)


def _render(result: DiffResult) -> None:
    versions = f" ({result.old_version} -> {result.new_version})" if result.old_version else ""
    if not result.different:
        click.echo(f"no differences: {result.old} and {result.new}{versions}")
        return
    click.echo(f"{result.level.upper()}: {result.old} -> {result.new}{versions}")
    forced = result.forced_by
    if forced is not None:
        click.echo(f"  forced by [{forced.type}] {forced.where()}: {forced.message}")
    click.echo("changes:")
    for c in result.changes:
        click.echo(f"  {c.level:<5} [{c.type}] {c.where()}: {c.message}")
    for res in result.resources:
        d = res.to_dict()
        if res.status == "same" or "rows_old" not in d:
            continue
        by = ", ".join(d["matched_by"]) if isinstance(d["matched_by"], list) else "row content"
        click.echo(
            f"{res.name} (rows matched by {by}): {d['rows_added']} added, {d['rows_removed']} "
            f"removed, {d['cells_revised']} value(s) revised in {d['rows_revised']} row(s)"
        )
        for row in d["added"]:
            click.echo(f"  + {_row(row, d['matched_by'])}")
        for row in d["removed"]:
            click.echo(f"  - {_row(row, d['matched_by'])}")
        for cell in d["revised"]:
            key = ", ".join(f"{k}={v}" for k, v in cell["key"].items())
            click.echo(f"  ~ {key} {cell['field']}: {cell['old']!r} -> {cell['new']!r}")
        if d["truncated"]:
            click.echo("  ... more rows not listed: raise --limit (0 lists all)")
    for note in result.notes:
        click.echo(f"note: {note}", err=True)


def _row(row: dict[str, object], key: object) -> str:
    fields = key if isinstance(key, list) else list(row)
    return ", ".join(f"{k}={row.get(k)}" for k in fields)
