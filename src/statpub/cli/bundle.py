"""``statpub bundle``."""

from __future__ import annotations

from pathlib import Path

import click

from statpub.cli.options import (
    echo_json,
    handle_errors,
    output_options,
    package_argument,
    resolve_format,
    say,
)


@click.command()
@package_argument
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Zip file to write (replaced atomically).  [default: dist/NAME-VERSION.zip]",
)
@output_options()
@handle_errors
def bundle(package_dir: Path, out_path: Path | None, fmt: str, as_json: bool) -> None:
    """Zip a built package for portals that take file uploads.

    The zip holds one folder, NAME-VERSION/, with datapackage.json, the data
    files, the Table Schemas, the data cards (README.md, README.<lang>.md), CHANGELOG.md and
    SHA256SUMS. Unpacked, it is a package that `statpub validate` accepts. Same
    package, same zip bytes.

    Exit status: 0 written, 1 the package's files do not match its descriptor,
    2 could not run.
    """
    from statpub.publish.bundle import make_bundle

    result = make_bundle(package_dir, out_path)
    if resolve_format(fmt, as_json) == "json":
        echo_json(result.to_dict())
        return
    say(
        f"wrote {result.path}: {result.root} with {len(result.files) + 1} files, "
        f"{result.bytes} bytes, sha256 {result.sha256}"
    )
