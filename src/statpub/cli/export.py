"""``statpub export``: a built package in another format, written to a folder."""

from __future__ import annotations

import click

from statpub.cli import LazyGroup


@click.group(cls=LazyGroup, lazy={"sdmx": "export_sdmx:sdmx"})
def export() -> None:
    """Write a built package in another standard's format.

    Each format is read back by a library of its own before the command
    reports success; nothing is sent anywhere.
    """
