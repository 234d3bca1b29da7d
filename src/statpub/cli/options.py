"""Options and helpers shared by the commands: output format, error handling."""

from __future__ import annotations

import functools
import json
import os
import posixpath
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from statpub.errors import InvalidInput, StatpubError
from statpub.report import Issue, Report
from statpub.safetext import github_data, github_property, json_text, plain, terminal

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_CANNOT_RUN = 2


def output_options(formats: tuple[str, ...] = ("text", "json")) -> Callable[[F], F]:
    """``--format`` and its ``--json`` shorthand."""

    def decorator(f: F) -> F:
        f = click.option(
            "--json",
            "as_json",
            is_flag=True,
            help="Shorthand for --format json: print the result as JSON on stdout.",
        )(f)
        f = click.option(
            "--format",
            "fmt",
            type=click.Choice(formats),
            default="text",
            show_default=True,
            help="Output format.",
        )(f)
        return f

    return decorator


def resolve_format(fmt: str, as_json: bool) -> str:
    return "json" if as_json else fmt


def say(text: object = "", *, err: bool = False, nl: bool = True) -> None:
    """Print text statpub composed: every character in it that could act on a terminal is
    escaped (the values in it should already be :func:`~statpub.safetext.plain`), and a line
    that would read as a GitHub workflow command (``::`` after blanks) is defused."""
    lines = terminal(text).split("\n")
    safe = [
        line.replace(":", "\\x3a", 1) if line.lstrip().startswith("::") else line for line in lines
    ]
    click.echo("\n".join(safe), err=err, nl=nl)


def _defused(line: str) -> str:
    return line.replace(":", "\\x3a", 1) if line.lstrip().startswith("::") else line


def echo_json(data: Any) -> None:
    click.echo(json_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False)))


def wants_json(params: dict[str, Any]) -> bool:
    """Whether a command's parameters ask for JSON on stdout (``--json`` or ``--format json``)."""
    return bool(params.get("as_json")) or params.get("fmt") == "json"


def error_document(
    code: str, message: str, path: str | None = None, issues: list[Issue] | None = None
) -> dict[str, Any]:
    """What a failing command prints on stdout under ``--json``."""
    error: dict[str, Any] = {"type": code, "message": message, "path": path}
    if issues is not None:
        error["issues"] = [i.to_dict() for i in issues]
    return {"error": error}


def fail(status: int, text: str, document: dict[str, Any], as_json: bool) -> None:
    """Say why on stderr (and, under --json, as one JSON document on stdout), then exit."""
    click.echo(terminal(text), err=True)
    if as_json:
        echo_json(document)
    sys.exit(status)


def handle_errors(f: F) -> F:
    """Turn every failure into a message and the documented exit code.

    StatpubError (could not run) exits 2, InvalidInput (the input is wrong) exits 1,
    with the message on stderr; under --json stdout also gets one JSON document,
    ``{"error": {"type", "message", "path"}}``, so a caller parsing stdout always
    has something to parse. An unexpected exception is a bug: it exits 2 with
    "statpub could not run: ... please report", never a traceback (set
    STATPUB_DEBUG=1 to see one). Click's own exceptions (usage errors, --help)
    pass through to click.
    """

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json = wants_json(kwargs)
        try:
            return f(*args, **kwargs)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except StatpubError as exc:
            doc = error_document(exc.code, exc.message, exc.path)
            fail(EXIT_CANNOT_RUN, f"error [{exc.code}]: {plain(exc.message)}", doc, as_json)
        except InvalidInput as exc:
            text = "\n".join([f"{plain(exc.summary)}:", *(format_issue(i) for i in exc.issues)])
            doc = error_document(exc.code, exc.summary, exc.path, exc.issues)
            fail(EXIT_INVALID, text, doc, as_json)
        except OSError as exc:  # the machine refused: permissions, a full disk, a lost mount
            where = f"{exc.filename}: " if exc.filename else ""
            message = f"{where}{exc.strerror or exc}"
            path = None if exc.filename is None else str(exc.filename)
            doc = error_document("os-error", message, path)
            fail(EXIT_CANNOT_RUN, f"error [os-error]: {plain(message)}", doc, as_json)
        except Exception as exc:
            if os.environ.get("STATPUB_DEBUG") == "1":
                traceback.print_exc()
            message = (
                f"statpub could not run: {type(exc).__name__}: {_short(str(exc))}. This is a "
                "bug in statpub: please report it with the command you ran (STATPUB_DEBUG=1 "
                "shows the traceback)"
            )
            fail(EXIT_CANNOT_RUN, message, error_document("internal-error", message), as_json)

    return wrapper  # type: ignore[return-value]


def _short(text: str, limit: int = 300) -> str:
    """An exception's words, cut short: they may quote data."""
    text = plain(text.encode("utf-8", "backslashreplace").decode("utf-8"))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def format_issue(issue: Issue) -> str:
    """One line for ``issue``: what it quotes from the package cannot act on the terminal."""
    return (
        f"  {plain(issue.where())}: {issue.severity} [{plain(issue.type)}] {plain(issue.message)}"
    )


def github_annotation(issue: Issue, base: str = "") -> str:
    """One GitHub Actions workflow command for ``issue``.

    Issue paths are relative to the package folder; GitHub wants them relative
    to the repository, so ``base`` (the package folder as given) is prefixed.
    """
    level = "error" if issue.severity == "error" else "warning"
    props = []
    if issue.path:
        file = posixpath.normpath(posixpath.join(base, issue.path))
        props.append(f"file={github_property(file)}")
    if issue.row is not None:
        props.append(f"line={issue.row}")
    props.append(f"title={github_property(issue.type)}")
    message = issue.message if issue.field is None else f"{issue.field}: {issue.message}"
    return f"::{level} {','.join(props)}::{github_data(message)}"


def render_report(report: Report, fmt: str) -> None:
    """Print ``report`` in ``fmt``: data to stdout, nothing else."""
    if fmt == "json":
        echo_json(report.to_dict())
        return
    if fmt == "github":
        target = Path(report.target)
        base = (target if target.is_dir() else target.parent).as_posix()
        for issue in report.issues:
            click.echo(github_annotation(issue, base))
        if report.unlisted:
            click.echo(f"::error title=statpub::{github_data(_unlisted(report))}")
        verdict = "valid" if report.valid else f"invalid: {_failures(report)}"
        click.echo(f"statpub: {plain(report.target)}: {verdict}", err=True)
        return
    for issue in report.issues:
        click.echo(format_issue(issue))
    if report.unlisted:
        click.echo(f"  {_unlisted(report)}")
    rows = report.stats.get("rows")
    scope = f"{report.stats.get('resources', 0)} resource(s)"
    if rows is not None:
        scope += f", {rows} row(s)"
    if report.valid:
        line = f"valid: {plain(report.target)} ({scope}"
        line += f", {len(report.warnings)} warning(s))" if report.warnings else ")"
    else:
        line = f"invalid: {plain(report.target)}: {_failures(report)} ({scope})"
    if report.partial:
        line += " [partial: stopped at the error limit]"
    click.echo(line)


def _unlisted(report: Report) -> str:
    return (
        f"... and {report.unlisted:,} more error(s) not listed (statpub lists the first "
        f"{len(report.issues):,} issues): fix these and run again"
    )


def _failures(report: Report) -> str:
    if report.errors or report.unlisted or not report.strict:
        return f"{len(report.errors) + report.unlisted} error(s)"
    failing = report.failing_warnings
    types = ", ".join(sorted({w.type for w in failing}))
    return f"{len(failing)} warning(s) that --strict fails on ({types})"


def package_argument(f: F) -> F:
    """The package folder a command reads (default: ``datapackage``)."""
    return click.argument(
        "package_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default="datapackage",
        required=False,
    )(f)


def releases_option(f: F) -> F:
    """Where released versions are archived."""
    return click.option(
        "--releases",
        "releases_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default="releases",
        show_default=True,
        help="The release archive: one folder per released version, with its checksums.",
    )(f)


def sources_option(f: F) -> F:
    return click.option(
        "--sources",
        "sources_dir",
        type=click.Path(path_type=Path, file_okay=False, exists=True),
        help="Folder of captured source texts: check every quote occurs in its source. "
        "Default: $STATPUB_SOURCES, else the sources: setting of figures/package.yml.",
    )(f)


def given_sources(sources_dir: Path | None) -> tuple[Path | None, str]:
    """The texts folder named on the command line or by $STATPUB_SOURCES, and which one;
    (None, "") leaves it to the sources: setting of figures/package.yml."""
    from statpub.figures.quotes import ENV

    if sources_dir is not None:
        return sources_dir, "--sources"
    env = os.environ.get(ENV, "").strip()
    return (Path(env), f"${ENV}") if env else (None, "")


def figures_options(out_help: str) -> Callable[[F], F]:
    """--figures, --schemas, --out and --sources: what a build reads and writes."""

    def decorator(f: F) -> F:
        f = sources_option(f)
        f = click.option(
            "--out",
            "out_dir",
            type=click.Path(path_type=Path),
            default="datapackage",
            show_default=True,
            help=out_help,
        )(f)
        f = click.option(
            "--schemas",
            "schemas_dir",
            type=click.Path(path_type=Path),
            default="schemas",
            show_default=True,
            help="Folder of Table Schemas, one per published table.",
        )(f)
        f = click.option(
            "--figures",
            "figures_dir",
            type=click.Path(path_type=Path),
            default="figures",
            show_default=True,
            help="Folder of figure files (package.yml, indicators.yml, releases.yml, "
            "sources/*.yml).",
        )(f)
        return f

    return decorator
