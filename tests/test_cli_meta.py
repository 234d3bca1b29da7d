"""The command line as a whole: start-up cost, help texts, generated reference."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from statpub.cli import main

HEAVY = ("pyarrow", "frictionless", "ckanapi", "pandas", "polars", "duckdb", "yaml", "jsonschema")


def all_commands(
    group: click.Group = main, prefix: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], click.Command]]:
    out = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        assert cmd is not None, name
        out.append(((*prefix, name), cmd))
        if isinstance(cmd, click.Group):
            out.extend(all_commands(cmd, (*prefix, name)))
    return out


def test_help_does_not_load_heavy_libraries() -> None:
    """`statpub --help` (listing every command) must not import the data libraries."""
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from statpub.cli import main\n"
        "r = CliRunner().invoke(main, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_every_command_has_help_text() -> None:
    commands = all_commands()
    assert {"build", "validate"} <= {" ".join(path) for path, _ in commands}
    for path, cmd in commands:
        assert cmd.help and cmd.get_short_help_str().strip(), (
            f"statpub {' '.join(path)} has no help"
        )
        result = CliRunner().invoke(main, [*path, "--help"])
        assert result.exit_code == 0


def test_cli_reference_is_current(repo_root: Path) -> None:
    from cogapp import Cog

    page = repo_root / "docs/cli.md"
    with open(os.devnull, "w") as devnull:
        cog = Cog()
        cog.set_output(stdout=devnull, stderr=devnull)
        ret = cog.main(["cog", "--check", str(page)])
    assert ret == 0, "docs/cli.md is stale: run `cog -r docs/cli.md`"
