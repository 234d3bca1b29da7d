"""``statpub validate``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from statpub.cli.options import (
    EXIT_INVALID,
    EXIT_OK,
    given_sources,
    handle_errors,
    output_options,
    render_report,
    sources_option,
)


@click.command()
@click.argument("path", type=click.Path(path_type=Path), default="datapackage", required=False)
@click.option(
    "--schema",
    type=click.Path(path_type=Path),
    help="Table Schema (JSON or YAML) for PATH when PATH is a single CSV or Parquet file.",
)
@sources_option
@click.option(
    "--limit-errors",
    type=click.IntRange(min=1),
    default=None,
    help="Stop after N errors (the report then says it is partial). Default: check every "
    "row; the first 1,000 issues are listed and the errors past them counted.",
)
@click.option(
    "--previous",
    help="The previous release, a package or a version in the releases/ archive beside PATH: "
    "check the version is bumped enough and every change is logged in revisions. Default: the "
    "archive beside PATH, when there is one.",
)
@click.option(
    "--compat",
    type=click.Choice(["v1"]),
    default=None,
    help="Also check that readers knowing only Data Package v1 (frictionless-py 4, "
    "datapackage-py, the npm datapackage, frictionless-r 1.x) can read the package: what "
    "they reject or misread is an error, what they read but do not check is a warning.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Warnings fail the run too (exit 1): a resource whose rows were not checked, "
    "a SHOULD of the spec not kept; all but hash-missing and bytes-missing (optional "
    "properties), unless --strict-include or --strict-exclude say otherwise.",
)
@click.option(
    "--strict-include",
    "strict_include",
    metavar="TYPE",
    multiple=True,
    help="A warning type that fails the run too, such as hash-missing (repeatable; "
    "implies --strict).",
)
@click.option(
    "--strict-exclude",
    "strict_exclude",
    metavar="TYPE",
    multiple=True,
    help="A warning type that does not fail a strict run, such as schema-missing "
    "(repeatable; implies --strict).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress display on stderr.")
@output_options(formats=("text", "json", "github"))
@handle_errors
def validate(
    path: Path,
    schema: Path | None,
    sources_dir: Path | None,
    limit_errors: int | None,
    previous: str | None,
    compat: str | None,
    strict: bool,
    strict_include: tuple[str, ...],
    strict_exclude: tuple[str, ...],
    quiet: bool,
    fmt: str,
    as_json: bool,
) -> None:
    """Validate a Data Package (folder, descriptor or zip), or one table with --schema.

    PATH is a package folder, a datapackage.json (or .yaml), a zip of a package
    (what statpub bundle writes), or a CSV or Parquet table with its Table
    Schema (JSON or YAML) given by --schema.

    Runs the Table Schema checks (types, constraints, keys, foreign keys), plus
    what frictionless-py does not check: categories, semver versions, hash and
    bytes, the CSV and Parquet copies of a table agreeing, figure bounds agreeing
    with their qualifier, quoted phrases found in their sources (--sources,
    $STATPUB_SOURCES, or sources: in the figures/package.yml beside the
    package), and, against the previous release (--previous, or a releases/
    folder beside the package), every change logged in the revisions log and
    the version bumped enough. With --compat v1, also what Data Package v1
    readers cannot read.

    Every resource is either checked or reported: one statpub does not read
    (remote, a spreadsheet, an unknown format) gets a resource-not-checked
    warning; with --strict, warnings fail the run (all but hash-missing and
    bytes-missing, by default).

    Exit status: 0 valid, 1 invalid (or, with --strict, warnings), 2 could not run.
    """
    from statpub.cli.options import resolve_format
    from statpub.cli.progress import Progress
    from statpub.validate import Options
    from statpub.validate import validate as run_validate

    texts, origin = given_sources(sources_dir)
    if texts is None and schema is None:
        from statpub.figures.quotes import locate

        # The figures/ folder beside the package, as the releases/ archive is found.
        folder = path if path.is_dir() else path.parent
        located = locate(None, "", folder.resolve().parent / "figures")
        texts, origin, refused = located.folder, located.origin, located.refused
    else:
        refused = None
    progress = Progress.for_stderr(quiet=quiet)
    options = Options(
        sources_dir=texts,
        sources_from=origin,
        sources_refused=refused,
        limit_errors=limit_errors,
        on_progress=progress.callback,
        previous=previous,
        compat=compat,
        strict=strict or bool(strict_include or strict_exclude),
        strict_include=frozenset(strict_include),
        strict_exclude=frozenset(strict_exclude),
    )
    try:
        report = run_validate(path, schema=schema, options=options)
    finally:
        progress.close()
    render_report(report, resolve_format(fmt, as_json))
    sys.exit(EXIT_OK if report.valid else EXIT_INVALID)
