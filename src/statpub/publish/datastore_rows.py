"""A table's rows on their way to and from the DataStore, in batches: memory is bounded
by a batch, not by the table.

* The rows sent are read from the package's Parquet copy of the table when it
  has one (the same rows, already typed: no CSV to parse), else from the CSV,
  through the one reader (:func:`statpub.package.tables.typed_batches`), and
  turned into the values the DataStore takes one batch at a time.
* The rows a table holds are compared with the file's by a hash join spilled to
  disk: both sides are read once, page by page and batch by batch, and each row
  is written to one of up to ``MAX_BUCKETS`` temporary files chosen by a hash of
  its primary key, as (key, row digest, and the file's row or the portal's
  ``_id``). The buckets are then compared one at a time, so what is held is one
  bucket (about ``BUCKET_ROWS`` keys) and the changed rows, whatever the
  order of either side. Beyond ``MAX_BUCKETS * BUCKET_ROWS`` rows (10.24
  million) a bucket grows with the table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from statpub.errors import StatpubError

if TYPE_CHECKING:
    from statpub.package import Package, Resource
    from statpub.publish.portal import ActionAPI

READ_ROWS = 10000  # rows per datastore_search page, and per batch of the file compared
PARQUET_ROWS = 50_000  # rows per batch read from a Parquet file (the reader's default: 256,000)
BUCKET_ROWS = 40_000  # rows per bucket of the comparison
MAX_BUCKETS = 256  # temporary files open at once


@dataclass
class RowDiff:
    """What the DataStore table lacks against the file, by primary key."""

    total: int = 0  # rows in the file
    upsert: list[list[Any]] = field(default_factory=list)  # revised and added, as sent
    revised: int = 0
    delete: list[int] = field(default_factory=list)  # _id of the rows the file no longer has
    duplicate: bool = False  # the table holds two rows of one key


def row_source(package: Package, res: Resource) -> Resource:
    """The resource the rows of table ``res`` are read from: its Parquet copy when the
    package has one of the same schema, else ``res`` itself."""
    from statpub.package.copies import copy_pairs

    for csv_res, pq_res in copy_pairs(package):
        if (
            csv_res is res
            and pq_res.schema == res.schema
            and pq_res.spec is not None
            and len(pq_res.files) == 1
        ):
            return pq_res
    return res


def iter_rows(res: Resource, fields: list[dict[str, Any]], size: int) -> Iterator[list[list[Any]]]:
    """The rows as the DataStore takes them, in batches of at most ``size``; a missing
    value (the schema's ``missingValues``) is None, so NULL."""
    from statpub.package.tables import typed_batches

    schema = res.schema or {}
    types = {str(f.get("name")): str(f.get("type") or "any") for f in schema.get("fields") or []}
    casts = [_TO_DATASTORE.get(types[f["id"]], _same) for f in fields]
    at = {f.name: i for i, f in enumerate(res.spec.fields)} if res.spec is not None else {}
    where = [at[f["id"]] for f in fields]
    for n, arrays in typed_batches(res, PARQUET_ROWS):
        for start in range(0, n, size):
            columns = [
                [None if v is None else cast(v) for v in arrays[i].slice(start, size).to_pylist()]
                for i, cast in zip(where, casts, strict=True)
            ]
            yield [list(row) for row in zip(*columns, strict=True)]


def read_rows(res: Resource, fields: list[dict[str, Any]]) -> list[list[Any]]:
    """Every row as the DataStore takes it (for a table known to be small)."""
    return [row for batch in iter_rows(res, fields, READ_ROWS) for row in batch]


def count_rows(res: Resource) -> int:
    from statpub.package.tables import parsed_batches

    return sum(pb.batch.num_rows for pb in parsed_batches(res, PARQUET_ROWS))


# -- comparing ---------------------------------------------------------------------------


def compare(
    portal: ActionAPI,
    resource_id: str,
    name: str,
    fields: list[dict[str, Any]],
    key: list[str],
    source: Resource,
    total: int,
    held: int,
) -> RowDiff:
    """The rows to upsert and delete so that table ``resource_id`` (``held`` rows) holds
    the ``total`` rows of ``source``. Reads only."""
    types = [str(f["type"]) for f in fields]
    at = [[f["id"] for f in fields].index(k) for k in key]
    diff = RowDiff()
    with tempfile.TemporaryDirectory(prefix="statpub-datastore-") as tmp:
        n = min(MAX_BUCKETS, max(1, -(-max(total, held) // BUCKET_ROWS)))
        files = [Path(tmp, f"{i}.bin").open("wb") for i in range(n)]
        try:
            limit = 2 * total + 10_000
            for page in read_back(portal, resource_id, name, fields, limit):
                _spill(files, "portal", [(*_digest(types, at, r[1:]), r[0]) for r in page])
            for batch in iter_rows(source, fields, READ_ROWS):
                diff.total += len(batch)
                _spill(files, "file", [(*_digest(types, at, r), r) for r in batch])
        finally:
            for fh in files:
                fh.close()
        for i in range(n):
            if not _compare_bucket(Path(tmp, f"{i}.bin"), diff):
                diff.duplicate = True
                break
    diff.delete.sort()
    return diff


def _digest(types: list[str], at: list[int], values: list[Any]) -> tuple[str, bytes]:
    """(the row's key as text, a digest of every value), as both sides compare them."""
    norm = [_norm(ty, v) for ty, v in zip(types, values, strict=True)]
    text = json.dumps(norm, ensure_ascii=False, separators=(",", ":"))
    key = json.dumps([norm[i] for i in at], ensure_ascii=False, separators=(",", ":"))
    return key, hashlib.blake2b(text.encode(), digest_size=16).digest()


def _spill(files: Sequence[IO[bytes]], side: str, entries: list[tuple[str, bytes, Any]]) -> None:
    buckets: list[list[tuple[str, bytes, Any]]] = [[] for _ in files]
    for e in entries:
        buckets[zlib.crc32(e[0].encode()) % len(files)].append(e)
    for fh, part in zip(files, buckets, strict=True):
        if part:
            pickle.dump((side, part), fh, protocol=pickle.HIGHEST_PROTOCOL)


def _chunks_of(path: Path) -> Iterator[tuple[str, list[tuple[str, bytes, Any]]]]:
    with path.open("rb") as fh:
        while True:
            try:
                yield pickle.load(fh)  # noqa: S301 - written by this run, just now
            except EOFError:
                return


def _compare_bucket(path: Path, diff: RowDiff) -> bool:
    """Add one bucket's changes to ``diff``; False when the portal holds a key twice.
    The portal's rows were written first, so they are all read before the file's."""
    held: dict[str, tuple[bytes, int]] = {}
    for side, part in _chunks_of(path):
        if side == "portal":
            for key, digest, rid in part:
                if key in held:
                    return False
                held[key] = (digest, int(rid))
            continue
        for key, digest, row in part:
            have = held.pop(key, None)
            if have is None:
                diff.upsert.append(row)
            elif have[0] != digest:
                diff.upsert.append(row)
                diff.revised += 1
    diff.delete.extend(rid for _, rid in held.values())
    return True


def read_back(
    portal: ActionAPI, resource_id: str, name: str, fields: list[dict[str, Any]], limit: int
) -> Iterator[list[list[Any]]]:
    """The table's rows as [_id, *values], page by page (sorted by ``_id``: CKAN's
    ``datastore_search`` pages by ``offset``, it has no keyset paging)."""
    ids = ["_id", *(f["id"] for f in fields)]
    read = 0
    total: int | None = None
    while total is None or read < total:
        if read > limit:  # every page holds a row at least: this bounds the pages too
            raise StatpubError(
                f"{portal.url}: datastore_search of {name!r} keeps answering rows past "
                f"the {limit} the table can hold; check the portal's DataStore",
                code="portal-error",
            )
        page = portal.call(
            "datastore_search",
            {
                "resource_id": resource_id,
                "fields": ids,
                "sort": "_id",
                "limit": READ_ROWS,
                "offset": read,
                "records_format": "lists",
                "include_total": total is None,
            },
        )
        if total is None:
            total = int(page.get("total") or 0)
        got = page.get("records") or []
        if any(len(r) != len(ids) for r in got):
            raise StatpubError(
                f"{portal.url}: datastore_search of {name!r} answered rows of another "
                "width than the fields asked for; check the portal's DataStore",
                code="portal-error",
            )
        if not got:  # the portal caps the page size, or the table shrank meanwhile
            return
        read += len(got)
        yield [list(r) for r in got]


# -- values ------------------------------------------------------------------------------


def _same(v: Any) -> Any:
    return v


def number_text(v: float) -> str:
    from statpub.tables.csvio import format_number

    return format_number(v)  # the CSV's own text: numeric keeps exactly these digits


def _timestamp(v: dt.datetime) -> str:
    if v.tzinfo is not None:  # the DataStore's timestamp has no zone: UTC
        v = v.astimezone(dt.UTC).replace(tzinfo=None)
    return v.isoformat()


_TO_DATASTORE: dict[str, Any] = {
    "integer": int,
    "year": int,
    "number": number_text,
    "boolean": bool,
    "date": lambda v: v.isoformat(),
    "time": lambda v: v.isoformat(),
    "datetime": _timestamp,
    "yearmonth": lambda v: f"{v // 12:04d}-{v % 12 + 1:02d}",
    "object": json.loads,
    "array": json.loads,
    "geojson": json.loads,
}


def _norm(dstype: str, v: Any) -> Any:
    """One value as sent or as datastore_search returns it, in a form both compare by."""
    if v is None:
        return None
    if dstype in ("int8", "int4"):
        return int(v)
    if dstype == "numeric":
        return number_text(float(v))
    if dstype == "bool":
        return bool(v)
    if dstype == "date":
        return str(v)[:10]
    if dstype == "timestamp":  # datastore_search shows whole seconds
        return dt.datetime.fromisoformat(str(v)).replace(microsecond=0).isoformat()
    if dstype == "time":
        return dt.time.fromisoformat(str(v)).isoformat()
    if dstype == "json":
        return json.dumps(v, sort_keys=True, ensure_ascii=False)
    return str(v)
