"""The ``statpub`` command line: one click group, one small module per command.

Commands are imported only when invoked (or when ``--help`` lists them), and
each command module imports the heavy libraries (pyarrow, frictionless) inside
its function, so ``statpub --help`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from statpub import __version__

# command name -> "module:attribute" under statpub.cli
COMMANDS: dict[str, str] = {
    "build": "build:build",
    "validate": "validate:validate",
    "site": "site:site",
    "docs": "docs:docs",
    "publish": "publish:publish",
    "bundle": "bundle:bundle",
    "catalog": "catalog:catalog",
    "diff": "diff:diff",
    "release": "release:release",
    "checkout": "checkout:checkout",
    "vintage": "vintage:vintage",
}


class LazyGroup(click.Group):
    """A group whose subcommands live in their own modules and load on demand."""

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module_name, attr = self.lazy[cmd_name].split(":")
            module = importlib.import_module(f"statpub.cli.{module_name}")
            command: click.Command = getattr(module, attr)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="statpub")
def main() -> None:
    """Build, validate, version and publish Frictionless Data Packages.

    Exit status: 0 success (valid, no differences), 1 the data is invalid or
    differences were found, 2 the command could not run.
    """
