"""``statpub build``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from statpub.cli.options import (
    EXIT_INVALID,
    EXIT_OK,
    echo_json,
    figures_options,
    format_issue,
    given_sources,
    handle_errors,
    output_options,
    resolve_format,
)


@click.command()
@figures_options(out_help="Package folder to write; replaced only when the new build is valid.")
@output_options()
@handle_errors
def build(
    figures_dir: Path,
    schemas_dir: Path,
    out_dir: Path,
    sources_dir: Path | None,
    fmt: str,
    as_json: bool,
) -> None:
    """Build the Data Package from the figure files.

    Writes CSV and Parquet for every table, the Table Schemas, datapackage.json
    (with bytes and sha256 for each file), the data card README.md and
    CHANGELOG.md. The package is built aside and validated; the previous one is
    replaced only if the new one is valid. Same inputs, same bytes. Every quote
    is checked against the captured source texts (--sources, $STATPUB_SOURCES or
    sources: in figures/package.yml); a text not at hand is a warning. A release
    that was interrupted is first completed or rolled back (see `statpub
    release`), and the leftovers of interrupted runs are removed.

    The history checks of `statpub validate` (against the release archive
    beside the package) run on the result too, so both commands give one
    verdict: a package that differs from its released version without a
    release is written, and reported invalid as validate reports it.

    Exit status: 0 built, 1 the figure files or the result are invalid (or not
    releasable as they stand), 2 could not run.
    """
    from statpub.builder import build as run_build
    from statpub.release import journal

    json_out = resolve_format(fmt, as_json) == "json"
    texts, origin = given_sources(sources_dir)
    with journal.exclusive(figures_dir):
        recovery = journal.recover(figures_dir, out=out_dir)
        if recovery is not None:
            click.echo(recovery.message(), err=json_out)
        result = run_build(
            figures_dir, schemas_dir, out_dir, sources_dir=texts, sources_from=origin
        )
    valid = result.report is None or result.report.valid
    if json_out:
        echo_json({**result.to_dict(), "recovery": recovery.to_dict() if recovery else None})
        sys.exit(EXIT_OK if valid else EXIT_INVALID)
    issues = result.report.issues if result.report else []
    for issue in issues:
        click.echo(format_issue(issue), err=True)
    built = (
        f"built {result.out_dir} version {result.version}: {result.figures} figures, "
        f"{len(result.files)} files"
    )
    if valid:
        click.echo(f"{built}, valid")
        return
    # The verdict `statpub validate` gives this package: written, but not releasable as is.
    assert result.report is not None
    click.echo(f"{built}; invalid: {result.report.target}: {len(result.report.errors)} error(s)")
    sys.exit(EXIT_INVALID)
