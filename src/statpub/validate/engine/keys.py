"""Primary keys, unique fields and foreign keys, in bounded memory.

Past the first 20,000 rows, each row's key is reduced to a 128-bit hash (two
independent 64-bit hashes, see ``hashing``) kept in NumPy arrays next to its row
number: 20 bytes a row, whatever the key's width, and no Python object per row.
Duplicates and dangling references are found by sorting and searching those
arrays once the table has been read. A false match needs two independent 64-bit
collisions.

Keys compare logical values, as frictionless-py does: ``1`` and ``01`` are the
same integer, ``1.0`` and ``1`` the same number; NaN never equals anything.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from statpub.tables import arrow
from statpub.tables import compute as pc
from statpub.tables.arrow import NULL_STRING
from statpub.tables.hashing import row_hashes
from statpub.tables.lexical import Parsed, numeric_text
from statpub.tables.spec import FieldSpec

_NUMERIC = ("integer", "number", "year")
SMALL = 20_000  # rows of keys kept as they are, before hashing

Array = np.ndarray[Any, Any]


def canonical(values: pa.Array, ftype: str, *, as_float: bool = False) -> pa.Array:
    """Values that compare equal exactly when their logical values are equal."""
    if as_float and ftype in _NUMERIC:
        values = pc.cast(values, pa.float64())
    if pa.types.is_floating(values.type):
        # -0.0 equals 0.0; adding 0.0 turns the one into the other.
        values = pc.add(values, arrow.scalar(0.0, values.type))
    return values


def key_columns(parsed: Parsed, field: FieldSpec, *, as_float: bool = False) -> list[pa.Array]:
    """The columns a field adds to a key: equal exactly when the values are equal.

    Integers are int64 plus, beyond it, their canonical text (always both
    columns, so every batch hashes alike). Numbers are their float64 (NaN never
    equals anything) plus the decimal value as written: ``0.1`` and
    ``0.10000000000000001`` are one float64 but two keys. A foreign key
    compares integers and numbers by that decimal value alone, so that the
    integer ``1`` finds the number ``1.0``.
    """
    values = parsed.values
    if field.type == "integer" and not as_float:
        big = parsed.big if parsed.big is not None else pa.nulls(len(values), pa.string())
        return [values, big]
    if field.type in ("integer", "number"):
        present = pc.is_valid(values)
        if parsed.big is not None:
            present = pc.or_(present, pc.is_valid(parsed.big))
        text = numeric_text(parsed.strings, field, integer=field.type == "integer")
        written = decimal_text(pc.if_else(present, text, NULL_STRING), values)
        if as_float:
            return [written]
        return [canonical(values, field.type), written]
    return [canonical(values, field.type, as_float=as_float)]


_DECIMAL = r"^(?P<sign>[+-]?)(?P<int>[0-9]*)(?:\.(?P<frac>[0-9]*))?(?:[eE][+]?(?P<exp>-?[0-9]+))?$"


def decimal_text(text: pa.Array, values: pa.Array) -> pa.Array:
    """Each number as ``[-]DIGITSeEXP`` with no leading or trailing zero in DIGITS (``0`` for
    zero): two numbers written alike in value (``1.50``, ``15E-1``) get one text.

    Cells that are not decimal text (``INF``, Parquet values) take their value's text.
    """
    parts = pc.extract_regex(text, _DECIMAL)
    sign, whole, frac, exp = (pc.struct_field(parts, [i]) for i in range(4))
    digits = pc.binary_join_element_wise(whole, frac, "")
    try:
        exponent = pc.cast(pc.if_else(pc.equal(pc.binary_length(exp), _ZERO), "0", exp),
                           pa.int64())  # fmt: skip
    except pa.ArrowInvalid:  # an exponent beyond 64 bits: one by one
        return _decimal_text_slowly(text, values)
    exponent = pc.subtract(exponent, pc.cast(pc.binary_length(frac), pa.int64()))
    lead = pc.ascii_ltrim(digits, "0")
    mantissa = pc.ascii_rtrim(lead, "0")
    exponent = pc.add(
        exponent, pc.cast(pc.subtract(pc.binary_length(lead), pc.binary_length(mantissa)),
                          pa.int64()))  # fmt: skip
    zero = pc.equal(pc.binary_length(mantissa), _ZERO)
    negative = pc.and_(pc.equal(sign, "-"), pc.invert(zero))
    out = pc.binary_join_element_wise(mantissa, pc.cast(exponent, pa.string()), "e")
    out = pc.if_else(negative, pc.binary_join_element_wise("-", out, ""), out)
    out = pc.if_else(zero, "0", out)
    other = pc.cast(canonical(pc.cast(values, pa.float64()), "number"), pa.string())
    return pc.if_else(pc.is_valid(parts), out, pc.if_else(pc.is_valid(text), other, NULL_STRING))


def _decimal_text_slowly(text: pa.Array, values: pa.Array) -> pa.Array:
    from decimal import Decimal, InvalidOperation

    out: list[str | None] = []
    for cell, value in zip(text.to_pylist(), values.to_pylist(), strict=True):
        if cell is None:
            out.append(None)
            continue
        try:
            d = Decimal(cell)
        except InvalidOperation:
            out.append(repr(value))
            continue
        out.append("0" if d.is_zero() else f"{d.normalize():e}")
    return arrow.array(out, pa.string())


_ZERO = arrow.scalar(0, pa.int32())


@dataclass
class Hashed:
    """Row keys as two 64-bit hashes each, with the rows they came from."""

    h1: Array
    h2: Array
    rows: Array


@dataclass
class KeySet:
    """Row keys collected batch by batch.

    The first rows are kept as they are (small tables never need more); past
    ``SMALL`` rows every key becomes an (h1, h2, row) entry.
    """

    chunks: list[Hashed] = field(default_factory=list)
    pending: list[tuple[list[pa.Array], pa.Array]] = field(default_factory=list)
    pending_rows: int = 0

    def add(self, columns: list[pa.Array], rows: pa.Array, keep: pa.Array | None = None) -> None:
        if keep is not None and not pc.all(keep).as_py():
            if not pc.any(keep).as_py():
                return
            columns = [pc.filter(c, keep) for c in columns]
            rows = pc.filter(rows, keep)
        self.pending.append((columns, rows))
        self.pending_rows += len(rows)
        if self.chunks or self.pending_rows > SMALL:
            self._flush()

    @property
    def small(self) -> bool:
        return not self.chunks

    def _flush(self) -> None:
        for columns, rows in self.pending:
            h1, h2 = row_hashes(columns)
            numbers = arrow.numbers(rows)
            if len(numbers) and numbers.max() < 1 << 32:
                numbers = numbers.astype(np.uint32)  # row numbers fit: 4 bytes, not 8
            self.chunks.append(Hashed(h1, h2, numbers))
        self.pending = []

    def python_keys(self) -> list[tuple[tuple[object, ...], int]]:
        out: list[tuple[tuple[object, ...], int]] = []
        for columns, rows in self.pending:
            values = [c.to_pylist() for c in columns]
            out.extend(zip(zip(*values, strict=True), rows.to_pylist(), strict=True))
        return out

    def hashed(self) -> Hashed:
        """Every key, hashed, as one set of arrays."""
        self._flush()
        if len(self.chunks) != 1:
            parts, self.chunks = self.chunks, []
            columns = []
            for name, dtype in (("h1", np.uint64), ("h2", np.uint64), ("rows", np.int64)):
                pieces = [getattr(part, name) for part in parts] or [np.empty(0, dtype)]
                columns.append(np.concatenate(pieces))
                del pieces
                for part in parts:  # one array at a time: the peak is one column more
                    setattr(part, name, None)
            self.chunks = [Hashed(*columns)]
        return self.chunks[0]


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
    hashed = keys.hashed()
    # A cheap first cut on one 64-bit hash (sorted, neighbours compared), then
    # the exact 128-bit grouping of the few candidates.
    first = np.sort(hashed.h1)
    repeated = first[1:][first[1:] == first[:-1]]  # sorted, maybe with repeats
    del first
    if not len(repeated):
        return []
    candidates = _among(hashed.h1, repeated)
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for a, b, row in zip(
        hashed.h1[candidates].tolist(),
        hashed.h2[candidates].tolist(),
        hashed.rows[candidates].tolist(),
        strict=True,
    ):
        groups[(a, b)].append(row)
    found = []
    for rows in groups.values():
        rows.sort()
        found.extend(zip(rows[1:], rows[:-1], strict=True))
    return sorted(found)


def _among(values: Array, chosen: Array) -> Array:
    """Where ``values`` is one of the (few, sorted) ``chosen`` values."""
    # A bitmap of the chosen values' low bits sorts out most values; the rest
    # are looked up exactly. About one in a thousand other values passes the
    # bitmap, which stays small enough for the CPU's cache; the values go
    # through in blocks, so the temporaries stay small too.
    bits = max(12, min(22, int(len(chosen)).bit_length() + 10))
    mask = np.uint64((1 << bits) - 1)
    bitmap = np.zeros(1 << bits, dtype=bool)
    bitmap[chosen & mask] = True
    out = np.zeros(len(values), dtype=bool)
    for lo in range(0, len(values), _BLOCK):
        block = values[lo : lo + _BLOCK]
        maybe = np.flatnonzero(bitmap[block & mask])
        at = np.minimum(np.searchsorted(chosen, block[maybe]), len(chosen) - 1)
        out[lo + maybe[chosen[at] == block[maybe]]] = True
    return out


_BLOCK = 1 << 20


def dangling(keys: KeySet, reference: KeySet) -> list[int]:
    """Rows whose key is not among the reference keys."""
    if keys.small and reference.small:
        known = {key for key, _ in reference.python_keys()}
        return sorted(row for key, row in keys.python_keys() if key not in known)
    ours, theirs = keys.hashed(), reference.hashed()
    if not len(ours.h1):
        return []
    order = np.lexsort((theirs.h2, theirs.h1))
    ref1, ref2 = theirs.h1[order], theirs.h2[order]
    # Each key is looked up by its first hash; among equal first hashes (the
    # same key listed again, almost always) the second decides.
    lo = np.searchsorted(ref1, ours.h1, side="left")
    hi = np.searchsorted(ref1, ours.h1, side="right")
    at = np.minimum(lo, max(len(ref1) - 1, 0))
    found = hi > lo
    if len(ref1):
        found &= ref2[at] == ours.h2
        # More than one reference key with this first hash, the first not a match:
        # look at all of them.
        unsure = np.flatnonzero(~found & (hi - lo > 1))
        for k in unsure.tolist():
            found[k] = bool(np.any(ref2[lo[k] : hi[k]] == ours.h2[k]))
    missing = ours.rows[~found]
    return sorted(int(r) for r in missing.tolist())
