"""``statpub checkout``."""

from __future__ import annotations

from pathlib import Path

import click

from statpub.cli.options import (
    echo_json,
    handle_errors,
    output_options,
    releases_option,
    resolve_format,
    say,
)


@click.command()
@click.argument("version")
@click.argument("out_dir", metavar="DIR", type=click.Path(path_type=Path))
@releases_option
@click.option("--force", is_flag=True, help="Replace DIR when it exists and is not empty.")
@output_options()
@handle_errors
def checkout(
    version: str,
    out_dir: Path,
    releases_dir: Path,
    force: bool,
    fmt: str,
    as_json: bool,
) -> None:
    """Write released VERSION to DIR, byte-identical to what was published.

    Every file is checked against the sha256 recorded when the version was
    released; if the archive was tampered with, nothing is written.

    Exit status: 0 written and proven, 1 a checksum does not match, 2 could not
    run (unknown version, DIR not empty).
    """
    from statpub.versioning.archive import checkout as run_checkout

    result = run_checkout(releases_dir, version, out_dir, force=force)
    if resolve_format(fmt, as_json) == "json":
        echo_json(result.to_dict())
        return
    say(f"wrote {version} to {out_dir}: {len(result.files)} files, every sha256 matches")
