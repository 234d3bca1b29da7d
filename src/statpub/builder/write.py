"""Write a package folder from any source of tables: the one pipeline every build goes through.

A :class:`PackageSource` says which tables a package has (name, Table Schema as
published, typed Arrow rows) and writes the descriptor, the data card and the
changelog around them. :func:`write_package` writes, for every table, its
schema, its normalised CSV and its schema-faithful Parquet copy, with bytes and
sha256, in the order the source gives them; then ``datapackage.json``,
the data cards (``README.md``, and ``README.<lang>.md`` for each other language
the descriptor declares) and ``CHANGELOG.md``. This repository's figure model is one
source (:mod:`statpub.project.adapters.figures`), a statpub project's table files
another (:mod:`statpub.project.adapters.tables`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from statpub.builder.cardwords import CardWords, card_words
from statpub.builder.descriptor import dumps, resource_entry
from statpub.package.files import datacard_name, sha256_bytes

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass
class TableData:
    """One published table: its name, its Table Schema as published, its typed rows."""

    name: str
    schema: dict[str, Any]
    rows: pa.Table


class PackageSource(Protocol):
    """What a package is built from (an adapter: figure files, a project's tables...)."""

    def tables(self) -> Iterator[TableData]:
        """The tables, in descriptor order; read one at a time, so only one is in memory."""
        ...

    def descriptor(self, resources: list[dict[str, Any]]) -> dict[str, Any]:
        """``datapackage.json`` around the resource entries written."""
        ...

    def datacard(self, descriptor: dict[str, Any], sizes: dict[str, int], words: CardWords) -> str:
        """The data card in ``words``' language (``README.md`` in the default language,
        ``README.<lang>.md`` in the others); ``sizes`` maps each data file to its bytes."""
        ...

    def changelog(self, descriptor: dict[str, Any]) -> str:
        """``CHANGELOG.md``."""
        ...


def write_package(folder: Path, source: PackageSource) -> dict[str, str]:
    """Write every file of the package into ``folder`` (empty); return path -> sha256."""
    from statpub.tables.csvio import csv_chunks
    from statpub.tables.parquetio import write_parquet

    (folder / "data").mkdir()
    (folder / "schemas").mkdir()
    files: dict[str, str] = {}
    resources: list[dict[str, Any]] = []

    def put(rel: str, data: bytes) -> str:
        (folder / rel).write_bytes(data)
        digest = sha256_bytes(data)
        files[rel] = digest
        return digest

    for table in source.tables():
        name, schema = table.name, table.schema
        schema_rel = f"schemas/{name}.json"
        put(schema_rel, (json.dumps(schema, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        csv_rel = f"data/{name}.csv"
        size, digest = _stream(folder / csv_rel, csv_chunks(table.rows, schema))
        files[csv_rel] = digest
        resources.append(resource_entry(name, "csv", schema, csv_rel, schema_rel, size, digest))
        pq_rel = f"data/{name}.parquet"
        write_parquet(table.rows, schema, folder / pq_rel)
        size, digest = _stream(folder / pq_rel, None)
        files[pq_rel] = digest
        resources.append(resource_entry(name, "parquet", schema, pq_rel, schema_rel, size, digest))

    descriptor = source.descriptor(resources)
    put("datapackage.json", dumps(descriptor))
    sizes = {rel: (folder / rel).stat().st_size for rel in files}
    for words in card_words(descriptor):
        name = datacard_name(words.lang, words.default)
        put(name, source.datacard(descriptor, sizes, words).encode("utf-8"))
    put("CHANGELOG.md", source.changelog(descriptor).encode("utf-8"))
    return dict(sorted(files.items()))


def _stream(path: Path, chunks: Iterable[bytes] | None) -> tuple[int, str]:
    """Write ``chunks`` to ``path`` (None: read the file as it is); its bytes and sha256."""
    import hashlib

    digest = hashlib.sha256()
    size = 0
    if chunks is None:
        with path.open("rb") as fh:
            while block := fh.read(1 << 20):
                digest.update(block)
                size += len(block)
        return size, digest.hexdigest()
    with path.open("wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()
