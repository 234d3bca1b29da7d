"""``statpub build``."""

from __future__ import annotations

from pathlib import Path

import click

from statpub.cli.options import (
    echo_json,
    figures_options,
    given_sources,
    handle_errors,
    output_options,
    resolve_format,
    say,
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

    Exit status: 0 built, 1 the figure files or the result are invalid, 2 could not run.
    """
    from statpub.builder import build as run_build
    from statpub.release import journal

    json_out = resolve_format(fmt, as_json) == "json"
    texts, origin = given_sources(sources_dir)
    with journal.exclusive(figures_dir):
        recovery = journal.recover(figures_dir, out=out_dir)
        if recovery is not None:
            say(recovery.message(), err=json_out)
        result = run_build(
            figures_dir, schemas_dir, out_dir, sources_dir=texts, sources_from=origin
        )
    if json_out:
        echo_json({**result.to_dict(), "recovery": recovery.to_dict() if recovery else None})
        return
    warnings = result.report.warnings if result.report else []
    for w in warnings:
        say(f"  warning [{w.type}] {w.where()}: {w.message}", err=True)
    say(
        f"built {result.out_dir} version {result.version}: {result.figures} figures, "
        f"{len(result.files)} files, valid"
    )
