"""``statpub build``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

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
    say,
)

if TYPE_CHECKING:
    from statpub.project import Project


@click.command()
@click.option(
    "--project",
    "project_dir",
    type=click.Path(path_type=Path, file_okay=True),
    help="The project folder (or its statpub.yml). Default: the current folder when it "
    "holds a statpub.yml, else the figure files named by --figures.",
)
@figures_options(out_help="Package folder to write; replaced only when the new build is valid.")
@output_options()
@handle_errors
def build(
    project_dir: Path | None,
    figures_dir: Path,
    schemas_dir: Path,
    out_dir: Path,
    sources_dir: Path | None,
    fmt: str,
    as_json: bool,
) -> None:
    """Build the Data Package of a project.

    Writes CSV and Parquet for every table, the Table Schemas, datapackage.json
    (with bytes and sha256 for each file), the data card README.md (and
    README.<lang>.md for each other language the package declares) and
    CHANGELOG.md. The package is built aside and validated; the previous one is
    replaced only if the new one is valid. Same inputs, same bytes.

    The project is the folder of a statpub.yml (see `statpub init`): the
    current folder, or --project. A cell of an input that does not fit its
    Table Schema stops the build, naming the file, row and field. In a project
    of figure files (adapter: figures, or --figures), every quote is checked
    against the captured source texts (--sources, $STATPUB_SOURCES or sources:
    in figures/package.yml); a text not at hand is a warning. A release that was
    interrupted is first completed or rolled back (see `statpub release`), and
    the leftovers of interrupted runs are removed.

    The history checks of `statpub validate` (against the release archive
    beside the package) run on the result too, so both commands give one
    verdict: a package that differs from its released version without a
    release is written, and reported invalid as validate reports it.

    Exit status: 0 built, 1 an input or the result is invalid (or not
    releasable as it stands), 2 could not run.
    """
    from statpub.project import ProjectBuild
    from statpub.project import build as run_build
    from statpub.release import journal

    json_out = resolve_format(fmt, as_json) == "json"
    project = _project(project_dir, figures_dir, schemas_dir, out_dir)
    texts, origin = given_sources(sources_dir)
    with journal.exclusive(project.lock_dir):
        recovery = journal.recover(project.lock_dir, out=project.out)
        if recovery is not None:
            say(recovery.message(), err=json_out)
        result = run_build(project, sources_dir=texts, sources_from=origin)
    valid = result.report is None or result.report.valid
    if json_out:
        echo_json({**result.to_dict(), "recovery": recovery.to_dict() if recovery else None})
        sys.exit(EXIT_OK if valid else EXIT_INVALID)
    issues = result.report.issues if result.report else []
    for issue in issues:
        say(format_issue(issue), err=True)
    if isinstance(result, ProjectBuild):
        version = f"version {result.version}" if result.version else "unreleased"
        tables = ", ".join(f"{name} {rows} rows" for name, rows in result.rows.items())
        built = f"built {result.out_dir} {version}: {tables}; {len(result.files)} files"
    else:
        built = (
            f"built {result.out_dir} version {result.version}: {result.figures} figures, "
            f"{len(result.files)} files"
        )
    if valid:
        say(f"{built}, valid")
        return
    # The verdict `statpub validate` gives this package: written, but not releasable as is.
    assert result.report is not None
    say(f"{built}; invalid: {result.report.target}: {len(result.report.errors)} error(s)")
    sys.exit(EXIT_INVALID)


def _project(project_dir: Path | None, figures: Path, schemas: Path, out: Path) -> Project:
    """The project named by --project, else the current folder's, else the figure flags."""
    from statpub.project import figures_project, find_project, load_project

    ctx = click.get_current_context()
    given = {
        name
        for name in ("figures_dir", "schemas_dir", "out_dir")
        if ctx.get_parameter_source(name) not in (ParameterSource.DEFAULT, None)
    }
    if project_dir is None and not given & {"figures_dir", "schemas_dir"}:
        project_dir = Path(".") if find_project(Path(".")) else None
    if project_dir is None:
        return figures_project(figures, schemas, out, Path("releases"))
    if given & {"figures_dir", "schemas_dir"}:
        raise click.UsageError("--project and --figures/--schemas name two projects: give one")
    project = load_project(project_dir)
    if "out_dir" in given:
        project.out = out
    return project
