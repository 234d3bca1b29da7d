"""The ``statpub`` command line: one click group, one small module per command.

Commands are imported only when invoked (or when ``--help`` lists them), and
each command module imports the heavy libraries (pyarrow, frictionless) inside
its function, so ``statpub --help`` stays fast.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

import click

from statpub import __version__

# command name -> "module:attribute" under statpub.cli
COMMANDS: dict[str, str] = {
    "init": "init:init",
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
    "export": "export:export",
}


ARGS = "statpub.args"  # key in ctx.meta: the arguments as given, to see if --json was asked


def json_requested(args: list[str]) -> bool:
    return any(
        a in ("--json", "--format=json") or (a == "--format" and nxt == "json")
        for a, nxt in zip(args, [*args[1:], ""], strict=True)
    )


def usage_error_json(exc: click.ClickException, args: list[str]) -> None:
    """Under --json, a usage error (bad option, bad value) is a JSON document too."""
    if json_requested(args):
        error = {"type": "bad-usage", "message": exc.format_message(), "path": None}
        from statpub.safetext import json_text

        click.echo(json_text(json.dumps({"error": error}, indent=2, ensure_ascii=False)))


class LazyGroup(click.Group):
    """A group whose subcommands live in their own modules and load on demand.

    It also keeps the error contract for click's own errors: with --json, a usage
    error prints ``{"error": {"type": "bad-usage", ...}}`` on stdout (exit 2), as
    statpub's own errors do (see cli.options.handle_errors).
    """

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

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = ctx.meta[ARGS] = list(args)  # click's parser consumes ``args``
        try:
            return super().parse_args(ctx, args)
        except click.ClickException as exc:
            usage_error_json(exc, given)
            raise

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            usage_error_json(exc, ctx.meta.get(ARGS, []))
            raise


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="statpub")
def main() -> None:
    """Build, validate, version and publish Frictionless Data Packages.

    Exit status: 0 success (valid, no differences), 1 the data is invalid or
    differences were found, 2 the command could not run.
    """
