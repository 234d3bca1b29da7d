"""``statpub diff``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from statpub.cli.options import (
    EXIT_INVALID,
    EXIT_OK,
    echo_json,
    handle_errors,
    output_options,
    resolve_format,
    say,
)
from statpub.safetext import plain

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
    "--key",
    "key_specs",
    multiple=True,
    metavar="RESOURCE=FIELD,...",
    help="Match the rows of a table that declares no primaryKey by these fields "
    "(composite keys: FIELD,FIELD). Plain FIELD,... when the packages have one table. "
    "Repeatable. Without it such a table's key is inferred from its rows.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="List at most N added, removed and revised rows per resource (counts stay exact); "
    "0 lists all.",
)
@output_options(("text", "json", "markdown"))
@handle_errors
def diff(
    old: str,
    new: str,
    fail_on: str | None,
    ignore: tuple[str, ...],
    key_specs: tuple[str, ...],
    limit: int,
    fmt: str,
    as_json: bool,
) -> None:
    """Compare two Data Packages and classify the change as MAJOR, MINOR or PATCH.

    OLD and NEW are package folders, datapackage.json paths or zips of a package
    (what statpub bundle writes), or REF:PATH for a package in a commit of the
    git repository you are in (e.g. HEAD~1:datapackage).
    Rows are matched by the declared primary key (composite keys included), else
    by --key, else by a key inferred from the rows (the smallest set of columns
    unique in both versions; the output names it), else by their whole content.
    Reports schema and header changes, resources and rows added or removed, every
    revised cell with its old and new value, and cells only written differently
    (1.0 -> 1, CRLF -> LF) apart. The CSV and Parquet copies of a table are
    reported once. The class follows the Data Package v2 "Data Package Version"
    recipe, the change that forced it is named, and a version that did not move
    on as far as the changes need is reported (version-not-bumped). --format
    markdown prints a summary for a pull-request comment.

    Exit status: 0 no difference (or none reaching --fail-on), 1 differences,
    2 could not run.
    """
    from statpub import semver
    from statpub.package import open_package
    from statpub.versioning.archive import require_intact_archive
    from statpub.versioning.diff import diff as run_diff
    from statpub.versioning.diff import key_tables
    from statpub.versioning.keys import parse_keys

    with open_package(old) as a, open_package(new) as b:
        for side in (a, b):
            require_intact_archive(side.root)
        keys = parse_keys(key_specs, key_tables(a, b, ignore))
        result = run_diff(a, b, limit=limit or None, ignore=ignore, keys=keys, partial=True)
    fmt = resolve_format(fmt, as_json)
    if fmt == "json":
        echo_json(result.to_dict())
    elif fmt == "markdown":
        from statpub.versioning.summary import markdown

        say(markdown(result), nl=False)
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
        some = f" (but {len(result.not_compared)} resource(s) not compared)"
        say(
            f"no differences: {plain(result.old)} and {plain(result.new)}{plain(versions)}"
            + (some if result.not_compared else "")
        )
        _render_not_compared(result)
        return
    say(f"{result.level.upper()}: {plain(result.old)} -> {plain(result.new)}{plain(versions)}")
    forced = result.forced_by
    if forced is not None:
        say(f"  forced by [{forced.type}] {plain(forced.where())}: {plain(forced.message)}")
    say("changes:")
    for c in result.changes:
        say(f"  {c.level:<5} [{c.type}] {plain(c.where())}: {plain(c.message)}")
    for res in result.resources:
        d = res.to_dict()
        if res.status == "same" or res.folded or "rows_old" not in d:
            continue
        by = ", ".join(d["matched_by"]) if isinstance(d["matched_by"], list) else "row content"
        if d["key_source"] == "inferred":
            by += ", inferred"
        twin = f" and its twin {res.twin}" if res.twin else ""
        say(
            f"{plain(res.name + twin)} (rows matched by {plain(by)}): {d['rows_added']} added, "
            f"{d['rows_removed']} removed, {d['cells_revised']} value(s) revised in "
            f"{d['rows_revised']} row(s), {d['cells_reformatted']} cell(s) reformatted"
        )
        for row in d["added"]:
            say(f"  + {plain(_row(row, d['matched_by']))}")
        for row in d["removed"]:
            say(f"  - {plain(_row(row, d['matched_by']))}")
        for cell in d["revised"]:
            key = ", ".join(f"{k}={v}" for k, v in cell["key"].items())
            say(f"  ~ {_cell(key, cell)} -> {plain(repr(cell['new']))}")
        for cell in d["reformatted"]:
            key = ", ".join(f"{k}={v}" for k, v in (cell["key"] or {}).items())
            say(f"  = {_cell(key, cell)} written {plain(repr(cell['new']))}")
        if d["truncated"]:
            say("  ... more rows not listed: raise --limit (0 lists all)")
    _render_not_compared(result)
    for note in result.notes:
        say(f"note: {plain(note)}", err=True)


def _cell(key: str, cell: dict[str, Any]) -> str:
    return f"{plain(key)} {plain(cell['field'])}: {plain(repr(cell['old']))}"


def _render_not_compared(result: DiffResult) -> None:
    for res in result.not_compared:
        say(f"not compared: {res.name}: {res.reason}")


def _row(row: dict[str, object], key: object) -> str:
    fields = key if isinstance(key, list) else list(row)
    return ", ".join(f"{k}={row.get(k)}" for k in fields)
