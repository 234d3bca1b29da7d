"""``statpub publish egov``: the upload set for data.egov.kz, written to a folder."""

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
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the upload set into (replaced whole).",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1024),
    default=10_000_000,
    show_default=True,
    help="Largest data file; a table above it is split into numbered parts. The portal's "
    "limit is 10 MB.",
)
@output_options()
@handle_errors
def egov(package_dir: Path, out_dir: Path, max_bytes: int, fmt: str, as_json: bool) -> None:
    """Write the package's upload set for Kazakhstan's open-data portal, data.egov.kz.

    One portal dataset per table: TABLE.json holds its rows (an array of objects,
    each cell as the CSV writes it, a missing value null), split into
    TABLE.part-001.json ... when larger than --max-bytes, and TABLE.meta.json
    its metadata in the portal's template: the name and description in Kazakh,
    Russian and English (nameKk, nameRu, nameEn, descriptionKk ...), the
    responsible person (the contributor with the role contact, else
    maintainer), and per field its type, key flag, labels (labelKk, labelRu,
    labelEn) and date format, from the Table Schema. The portal has no upload
    API: the files are for its web form. See docs/publishing.md.

    Exit status: 0 written, 1 the package lacks a language or a text the portal
    requires (codes egov-language-missing, egov-translation-missing,
    egov-responsible-missing; every missing text is listed), or its files do
    not match its descriptor, 2 could not run.
    """
    from statpub.publish.egov import write_egov
    from statpub.publish.local import publishable

    result = write_egov(publishable(package_dir, "nothing written"), out_dir, max_bytes=max_bytes)
    if resolve_format(fmt, as_json) == "json":
        echo_json(result.to_dict())
        return
    for t in result.tables:
        split = (
            f", split into {len(t.files)} parts of at most {max_bytes} bytes"
            if len(t.files) > 1
            else ""
        )
        say(f"{t.name}: {t.rows} rows in {', '.join(t.files)}{split}; metadata {t.meta}")
    say(f"wrote the data.egov.kz upload set to {out_dir}")
