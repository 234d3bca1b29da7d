"""Primary keys, unique fields and foreign keys, in bounded memory.

Past the first 20,000 rows, each row's key is reduced to a 128-bit hash (two
64-bit polars hashes with different seeds) kept in Arrow-backed columns next to
its row number: 20 bytes a row, whatever the key's width, and no Python object
per row. Duplicates and dangling references are found with vectorised joins
once the table has been read. A false match needs two independent 64-bit
collisions (about 1 in 10^38 per pair of rows).

Keys compare logical values, as frictionless-py does: ``1`` and ``01`` are the
same integer, ``1.0`` and ``1`` the same number; NaN never equals anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from statpub.validate.engine import arrow

if TYPE_CHECKING:
    import polars as pl

_SEEDS = (0x5EED5EED, 0xC0FFEE11)
_NUMERIC = ("integer", "number", "year")
SMALL = 20_000  # rows of keys kept as they are, before hashing


def canonical(values: pa.Array, ftype: str, *, as_float: bool = False) -> pa.Array:
    """Values that compare equal exactly when frictionless-py's would."""
    if as_float and ftype in _NUMERIC:
        values = pc.cast(values, pa.float64())
    if pa.types.is_floating(values.type):
        # -0.0 equals 0.0; adding 0.0 turns the one into the other.
        values = pc.add(values, arrow.scalar(0.0, values.type))
    return values


def _hash(columns: list[pa.Array]) -> tuple[pl.Series, pl.Series]:
    import polars as pl

    frame = pl.from_arrow(pa.table({f"k{i}": c for i, c in enumerate(columns)}))
    assert isinstance(frame, pl.DataFrame)
    return tuple(frame.hash_rows(seed=seed) for seed in _SEEDS)  # type: ignore[return-value]


@dataclass
class KeySet:
    """Row keys collected batch by batch.

    The first rows are kept as they are (small tables never need more); past
    ``SMALL`` rows every key becomes a (h1, h2, row) entry of a polars frame.
    """

    chunks: list[pl.DataFrame] = field(default_factory=list)
    pending: list[tuple[list[pa.Array], pa.Array]] = field(default_factory=list)
    pending_rows: int = 0

    def add(self, columns: list[pa.Array], rows: pa.Array, keep: pa.Array | None = None) -> None:
        if keep is not None and not pc.all(keep).as_py():
            if not pc.any(keep).as_py():
                return
            columns = [c.filter(keep) for c in columns]
            rows = rows.filter(keep)
        self.pending.append((columns, rows))
        self.pending_rows += len(rows)
        if self.chunks or self.pending_rows > SMALL:
            self._flush()

    @property
    def small(self) -> bool:
        return not self.chunks

    def _flush(self) -> None:
        import polars as pl

        for columns, rows in self.pending:
            h1, h2 = _hash(columns)
            row = pl.Series(rows).cast(pl.UInt32)  # row numbers fit: 4 bytes, not 8
            self.chunks.append(pl.DataFrame({"h1": h1, "h2": h2, "row": row}))
        self.pending = []

    def python_keys(self) -> list[tuple[tuple[object, ...], int]]:
        out: list[tuple[tuple[object, ...], int]] = []
        for columns, rows in self.pending:
            values = [c.to_pylist() for c in columns]
            out.extend(zip(zip(*values, strict=True), rows.to_pylist(), strict=True))
        return out

    def frame(self) -> pl.DataFrame:
        import polars as pl

        self._flush()
        if not self.chunks:
            return pl.DataFrame(
                {"h1": [], "h2": [], "row": []},
                schema={"h1": pl.UInt64, "h2": pl.UInt64, "row": pl.UInt32},
            )
        out = pl.concat(self.chunks, rechunk=False)
        self.chunks = [out]
        return out


def duplicates(keys: KeySet) -> list[tuple[int, int]]:
    """(row, previous row with the same key) for every row whose key was seen before."""
    if keys.small:
        seen: dict[tuple[object, ...], int] = {}
        found = []
        for key, row in sorted(keys.python_keys(), key=lambda kr: kr[1]):
            if key in seen:
                found.append((row, seen[key]))
            seen[key] = row
        return found
    import polars as pl

    frame = keys.frame()
    # A cheap first cut on one 64-bit column (sorted, neighbours compared), then
    # the exact 128-bit grouping of the few candidates.
    first = frame["h1"].sort()
    repeated = first.slice(1).filter(first.slice(1) == first.slice(0, frame.height - 1))
    del first
    if repeated.len() == 0:
        return []
    candidates = frame.filter(pl.col("h1").is_in(repeated.unique()))
    dup = (
        candidates.sort("row")
        .with_columns(prev=pl.col("row").shift(1).over(["h1", "h2"]))
        .filter(pl.col("prev").is_not_null())
        .sort("row")
    )
    return [(int(r), int(p)) for r, p in zip(dup["row"], dup["prev"], strict=True)]


def dangling(keys: KeySet, reference: KeySet) -> list[int]:
    """Rows whose key is not among the reference keys."""
    if keys.small and reference.small:
        known = {key for key, _ in reference.python_keys()}
        return sorted(row for key, row in keys.python_keys() if key not in known)
    frame = keys.frame()
    ref = reference.frame().select("h1", "h2").unique()
    missing = frame.join(ref, on=["h1", "h2"], how="anti").sort("row")
    return [int(r) for r in missing["row"]]
