"""``statpub release``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

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


@click.command()
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
    release_date: dt.datetime | None,
    bump: str | None,
    note: str | None,
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
    """Release the changes in the figure files as a new version.

    Compares the package the figure files give with the last release in the
    archive, sorts the changed figures into revisions, new figures, removals
    and metadata changes, and refuses, naming each, a revised or removed figure
    without a reason ('reason:' on the figure entry; removals in
    figures/removals.yml). Every quoted phrase is checked against its source's
    captured text (--sources, $STATPUB_SOURCES, or sources: in
    figures/package.yml); a quote not found is refused, and so is a source text
    not at hand unless --unchecked-quotes is given. Chooses the bump by the
    Data Package Version recipe (or checks --bump), appends to the revisions
    log, rebuilds the package and CHANGELOG.md, and archives the new version
    with its checksums. A refused release writes nothing. The release is
    journaled: one interrupted at any step is completed (once its archive is in
    place) or rolled back by the next `statpub release` or `statpub build`,
    which says which.

    Exit status: 0 released, 1 refused (reasons missing, bump too small, version
    exists, a quote not found or a source text missing, result invalid), 2
    could not run (among others: no folder of source texts).
    """
    from statpub.release import Paths, archive_current
    from statpub.release import release as run_release

    texts, origin = given_sources(sources_dir)
    paths = Paths(figures_dir, schemas_dir, out_dir, releases_dir, texts, origin)
    as_json = resolve_format(fmt, as_json) == "json"
    if archive_only:
        version, archived = archive_current(paths, unchecked_quotes=unchecked_quotes)
        if as_json:
            echo_json({"version": version, "archived": archived})
        elif archived:
            say(f"archived {version} in {releases_dir / version}; built {out_dir}")
        else:
            say(f"{version} is already archived and the figure files still give it")
        return
    # The library never reads the clock: today is decided here.
    date = release_date.date() if release_date else dt.date.today()
    result = run_release(
        paths, date, bump=bump, note=note, dry_run=dry_run, unchecked_quotes=unchecked_quotes
    )
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
