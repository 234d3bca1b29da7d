"""``statpub release``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from statpub.cli.options import (
    echo_json,
    figures_options,
    given_sources,
    handle_errors,
    output_options,
    releases_option,
    resolve_format,
    say,
)

if TYPE_CHECKING:
    from statpub.release.tables import TableRelease


@click.command()
@click.option(
    "--project",
    "project_dir",
    type=click.Path(path_type=Path, file_okay=True),
    help="The project folder (or its statpub.yml). Default: the current folder when it "
    "holds a statpub.yml, else the figure files named by --figures.",
)
@click.option(
    "--date",
    "release_date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Release date, YYYY-MM-DD. Default: today.",
)
@click.option(
    "--bump",
    type=click.Choice(["patch", "minor", "major"]),
    help="The bump to make. Default: the smallest the change needs; a smaller one is refused.",
)
@click.option("--note", help="The version note. Default: a summary of the changes.")
@click.option(
    "--reason",
    help="One reason for the whole release: it explains every revised value or removed row "
    "(figure) that has no reason of its own.",
)
@click.option("--dry-run", is_flag=True, help="Show the release without writing anything.")
@click.option(
    "--archive-only",
    is_flag=True,
    help="Make no new version: build the last version in releases.yml and archive it in "
    "--releases (for the first release, or one made before releases were archived).",
)
@click.option(
    "--unchecked-quotes",
    is_flag=True,
    help="Release even though some source texts are not at hand, so their quotes cannot be "
    "checked; the version's note, changelog and data card then say which were not checked. "
    "A quote checked and not found is refused all the same.",
)
@figures_options(out_help="Package folder to rebuild with the new version.")
@releases_option
@output_options()
@handle_errors
def release(
    project_dir: Path | None,
    release_date: dt.datetime | None,
    bump: str | None,
    note: str | None,
    reason: str | None,
    dry_run: bool,
    archive_only: bool,
    unchecked_quotes: bool,
    figures_dir: Path,
    schemas_dir: Path,
    out_dir: Path,
    releases_dir: Path,
    sources_dir: Path | None,
    fmt: str,
    as_json: bool,
) -> None:
    """Release the changes in a project's tables as a new version.

    In a project of tables (statpub.yml; the current folder or --project):
    builds the package the tables give, diffs it against the last archived
    release by each table's primary key, and refuses, naming file, table, key
    and field, a revised value or removed row without a reason: per row or
    selection in reasons.yml, or --reason for the whole release. The first
    release archives 1.0.0.

    In the figure model (this repository's figure files), it compares the
    package the figure files give with the last release in the archive, sorts
    the changed figures into revisions, new figures, removals and metadata
    changes, and refuses, naming each, a revised or removed figure without a
    reason ('reason:' on the figure entry; removals in figures/removals.yml; or
    --reason for all of them). Every quoted phrase is checked against its
    source's captured text (--sources, $STATPUB_SOURCES, or sources: in
    figures/package.yml); a quote not found is refused, and so is a source text
    not at hand unless --unchecked-quotes is given.

    Either way it chooses the bump by the Data Package Version recipe (or
    checks --bump), appends to the revisions log, rebuilds the package and
    CHANGELOG.md, and archives the new version with its checksums. A refused
    release writes nothing. The release is journaled: one interrupted at any
    step is completed (once its archive is in place) or rolled back by the next
    `statpub release` or `statpub build`, which says which.

    Exit status: 0 released, 1 refused (reasons missing, bump too small, version
    exists, a quote not found or a source text missing, result invalid), 2
    could not run (among others: no folder of source texts).
    """
    from statpub.cli.build import _project
    from statpub.project.adapters import adapter_of
    from statpub.release import ReleaseRequest, archive_current, figure_paths, release_project
    from statpub.release.tables import TableRelease

    # The library never reads the clock: today is decided here.
    date = release_date.date() if release_date else dt.date.today()
    project = _project(project_dir, figures_dir, schemas_dir, out_dir)
    adapter = adapter_of(project)
    given = {
        "--archive-only": archive_only,
        "--unchecked-quotes": unchecked_quotes,
        "--sources": sources_dir is not None,
    }
    for flag, on in given.items():
        if on and flag not in adapter.release_flags:
            raise click.UsageError(f"{flag} is not an option for a project of {adapter.name}")
    ctx = click.get_current_context()
    if ctx.get_parameter_source("releases_dir") not in (ParameterSource.DEFAULT, None):
        project.releases = releases_dir
    texts, origin = (
        given_sources(sources_dir) if "--sources" in adapter.release_flags else (None, "")
    )
    as_json = resolve_format(fmt, as_json) == "json"
    if archive_only:
        version, archived = archive_current(
            figure_paths(project, texts, origin), unchecked_quotes=unchecked_quotes
        )
        if as_json:
            echo_json({"version": version, "archived": archived})
        elif archived:
            say(f"archived {version} in {project.releases / version}; built {project.out}")
        else:
            say(f"{version} is already archived and the figure files still give it")
        return
    result = release_project(
        project,
        ReleaseRequest(
            date,
            bump=bump,
            note=note,
            reason=reason,
            dry_run=dry_run,
            unchecked_quotes=unchecked_quotes,
            sources=texts,
            sources_from=origin,
        ),
    )
    if isinstance(result, TableRelease):
        _said_tables(result, dry_run, as_json)
        return
    if result.unchecked_quotes:
        say(
            f"warning: quotes not checked for {', '.join(result.unchecked_quotes)} "
            "(--unchecked-quotes); the version's note and data card say so",
            err=True,
        )
    if as_json:
        echo_json(result.to_dict())
        return
    if result.recovery is not None:
        say(result.recovery.message())
    verb = "would release" if dry_run else "released"
    say(
        f"{verb} {result.version} ({result.level}; the change needs {result.required}) on "
        f"{result.date.isoformat()}, after {result.previous_version}"
    )
    if result.forced_by is not None:
        say(
            f"  {result.required} forced by [{result.forced_by.type}] "
            f"{result.forced_by.where()}: {result.forced_by.message}"
        )
    for change in result.changes:
        say(f"  {change.kind:<8} {change.label}: {', '.join(change.fields)}")
    for path in result.written:
        say(f"wrote {path}", err=True)


def _said_tables(result: TableRelease, dry_run: bool, as_json: bool) -> None:
    """Say what a release of a project of tables did."""
    if as_json:
        echo_json(result.to_dict())
        return
    if result.recovery is not None:
        say(result.recovery.message())
    verb = "would release" if dry_run else "released"
    after = f", after {result.previous_version}" if result.previous_version else ""
    say(
        f"{verb} {result.version} ({result.level}; the change needs {result.required}) on "
        f"{result.date.isoformat()}{after}"
    )
    counts: dict[tuple[str, str], int] = {}
    for change in result.changes:
        counts[(change.table, change.kind)] = counts.get((change.table, change.kind), 0) + 1
    for (table, kind), n in counts.items():
        say(f"  {table}: {n:,} {kind}{'s' if n != 1 else ''}")
    for path in result.written:
        say(f"wrote {path}", err=True)
