"""One version of a table, read once into row hashes for the comparison.

Rows come through the one reader and the lexical rules of validation
(:func:`statpub.package.parsed_batches`), in Arrow batches. Each compared cell
becomes a 64-bit hash of its *value* (``1.0`` and ``1`` in a number field, a
Parquet date and its CSV text, CRLF and LF in a text: one value) and, for CSV,
of its *text* as written, with the engine's hashing
(:mod:`statpub.tables.hashing`). A row keeps the hash of its values, of its
text, of its key, and of each column that may make up a key: 8 bytes each, so
a side of 10 million rows costs a few hundred MB however wide its cells are.

A cell that does not read as its field's type is hashed by its text, apart
from every valid value. The rows themselves are read again (or kept, for a
small table) only where the comparison needs their cells: the changed rows and
the rows listed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pyarrow as pa

from statpub.tables import arrow
from statpub.tables import compute as pc
from statpub.tables.hashing import U64, column_hashes, fmix

if TYPE_CHECKING:
    from statpub.package import Resource
    from statpub.package.tables import ParsedBatch
    from statpub.tables.lexical import Parsed
    from statpub.tables.spec import FieldSpec

Array = np.ndarray[Any, Any]
TEXT_FORMATS = ("csv", "tsv")
# A small table's batches are kept for the second look at its rows instead of
# reading the file again: up to this many bytes of Arrow buffers a side.
KEEP_BYTES = 256 << 20
_INVALID = U64(0x1BAD1BAD1BAD1BAD)
SEEDS = {"value": 0x76616C7565, "text": 0x74657874, "key": 0x6B6579, "key2": 0x6B657932}


@dataclass(frozen=True)
class Compared:
    """A field compared on one side: its name there, and how its values are compared:
    ``value`` (typed), ``float`` (integer against number) or ``text`` (other type changes)."""

    name: str
    mode: str = "value"


@dataclass
class Plan:
    """What to keep of a side's rows."""

    fields: list[Compared]  # in the order the two sides share
    key: list[str] | None  # this side's names of the key fields, when known
    candidates: list[str] = field(default_factory=list)  # fields that may make up a key
    text: bool = False  # hash the text of each row too (both sides are CSV)


@dataclass
class Side:
    res: Resource
    plan: Plan
    rows: int = 0
    values: Array = field(default_factory=lambda: np.zeros(0, dtype=U64))
    texts: Array | None = None
    key: tuple[Array, Array] | None = None
    columns: dict[str, Array] = field(default_factory=dict)  # candidate -> its cell hashes
    nulls: dict[str, int] = field(default_factory=dict)  # candidate -> missing cells
    kept: list[ParsedBatch] | None = None

    def batches(self) -> Iterator[ParsedBatch]:
        """The side's batches again: those kept, or read anew through the one reader."""
        from statpub.package import parsed_batches

        if self.kept is not None:
            yield from self.kept
        else:
            yield from parsed_batches(self.res)


def weights(seed: int, n: int) -> Array:
    """``n`` odd pseudo-random 64-bit weights: a row's hash is the weighted sum of its cells'."""
    x = np.arange(1, n + 1, dtype=U64) * U64(0x9E3779B97F4A7C15)
    x += U64(seed)
    return fmix(x) | U64(1)


def combine(cells: list[Array], seed: int, n: int) -> Array:
    """One 64-bit hash per row from the hashes of its cells."""
    out = np.zeros(n, dtype=U64)
    for w, h in zip(weights(seed, len(cells)), cells, strict=True):
        out += h * w
    return fmix(out)


def indices(values: Array) -> pa.Array:
    """A NumPy array of positions as an Arrow int64 array, sharing its buffer."""
    values = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def has_cr(values: pa.Array) -> bool:
    """Whether some text of a string array holds a carriage return: one scan of its bytes."""
    _, offsets, data = values.buffers()
    if data is None or len(values) == 0:
        return False
    at = np.frombuffer(offsets, dtype=np.int32, count=values.offset + len(values) + 1)
    first, last = int(at[values.offset]), int(at[-1])
    return bool((np.frombuffer(data, dtype=np.uint8)[first:last] == 13).any())


def positions(pb: ParsedBatch) -> dict[str, int]:
    return {f.name: i for i, f in enumerate(pb.fields)}


def value_hashes(parsed: Parsed | None, spec: FieldSpec, mode: str, n: int) -> Array:
    """The hash of each cell's value (missing cells share one, invalid ones hash their text)."""
    if parsed is None:
        return column_hashes(pa.nulls(n, pa.string()))[0]
    if mode == "text":
        return column_hashes(_text_or_null(parsed))[0]
    values = parsed.values
    if mode == "float" and not pa.types.is_floating(values.type):
        values = pc.cast(values, pa.float64())
    elif pa.types.is_string(values.type) and spec.type in ("string", "any"):
        values = _same_line_ends(values)
    h = column_hashes(values)[0]
    if pc.any(parsed.invalid).as_py():
        bad = np.flatnonzero(arrow.flags(parsed.invalid))
        h[bad] = column_hashes(pc.take(parsed.strings, indices(bad)))[0]
        h[bad] ^= _INVALID
    return h


def text_hashes(parsed: Parsed | None, value: Array, spec: FieldSpec, n: int) -> Array:
    """The hash of each cell's text as written. A text field's cells mostly hash as their
    value: only missing cells and those with a CR are hashed again."""
    if parsed is None:
        return column_hashes(pa.nulls(n, pa.string()))[0]
    if spec.type not in ("string", "any") or not pa.types.is_string(parsed.values.type):
        return column_hashes(parsed.strings)[0]
    redo = arrow.flags(parsed.missing) | arrow.flags(parsed.invalid)
    if has_cr(parsed.strings):
        redo |= arrow.flags(pc.fill_null(pc.match_substring(parsed.strings, "\r"), arrow.FALSE))
    if not redo.any():
        return value
    out = value.copy()
    at = np.flatnonzero(redo)
    out[at] = column_hashes(pc.take(parsed.strings, indices(at)))[0]
    return out


def _text_or_null(parsed: Parsed) -> pa.Array:
    """The text of each present cell; null for a missing one."""
    if pc.any(parsed.missing).as_py():
        return pc.if_else(parsed.missing, arrow.NULL_STRING, parsed.strings)
    return parsed.strings


def _same_line_ends(values: pa.Array) -> pa.Array:
    """CRLF and a lone CR read as LF: a change of line ends is not a change of the text."""
    if not has_cr(values):
        return values
    return pc.replace_substring(pc.replace_substring(values, "\r\n", "\n"), "\r", "\n")


def read_side(res: Resource, plan: Plan) -> Side:
    """Read every row of ``res`` once into the hashes ``plan`` asks for.

    Raises InvalidInput when the resource cannot be read as a table.
    """
    from statpub.package import parsed_batches
    from statpub.tables.reader import Prefetch

    side = Side(res, plan)
    parts: dict[str, list[Array]] = {"values": [], "texts": [], "key": [], "key2": []}
    cols: dict[str, list[Array]] = {c: [] for c in plan.candidates}
    side.nulls = dict.fromkeys(plan.candidates, 0)
    kept: list[ParsedBatch] | None = []
    size = 0
    # The next batches are read and parsed in another thread while these are hashed
    # (Prefetch hands on whatever its iterator gives).
    with Prefetch(cast("Iterator[Any]", parsed_batches(res))) as reading:
        for item in reading:
            pb = cast("ParsedBatch", item)
            side.rows += pb.batch.num_rows
            _hash_batch(plan, pb, parts, cols, side.nulls)
            if kept is not None:
                size += _nbytes(pb)
                if size <= KEEP_BYTES:
                    kept.append(pb)
                else:
                    kept = None
    side.values = _join(parts["values"])
    side.texts = _join(parts["texts"]) if plan.text else None
    if plan.key is not None:
        side.key = (_join(parts["key"]), _join(parts["key2"]))
    side.columns = {c: _join(v) for c, v in cols.items()}
    side.kept = kept
    return side


def _hash_batch(
    plan: Plan,
    pb: ParsedBatch,
    parts: dict[str, list[Array]],
    cols: dict[str, list[Array]],
    nulls: dict[str, int],
) -> None:
    n = pb.batch.num_rows
    at = positions(pb)
    specs = {f.name: f for f in pb.fields}
    vals: dict[str, Array] = {}
    texts: list[Array] = []
    for c in plan.fields:
        parsed = pb.columns[at[c.name]]
        vals[c.name] = value_hashes(parsed, specs[c.name], c.mode, n)
        if plan.text:
            texts.append(text_hashes(parsed, vals[c.name], specs[c.name], n))
    parts["values"].append(combine(list(vals.values()), SEEDS["value"], n))
    if plan.text:
        parts["texts"].append(combine(texts, SEEDS["text"], n))
    if plan.key is not None:
        key = [vals[k] for k in plan.key]
        parts["key"].append(combine(key, SEEDS["key"], n))
        parts["key2"].append(combine(key, SEEDS["key2"], n))
    for name in plan.candidates:
        cols[name].append(vals[name])
        parsed = pb.columns[at[name]]
        nulls[name] += n if parsed is None else int(arrow.flags(parsed.missing).sum())


def _join(parts: list[Array]) -> Array:
    if not parts:
        return np.zeros(0, dtype=U64)
    out = np.concatenate(parts) if len(parts) > 1 else parts[0]
    parts.clear()
    return out


def _nbytes(pb: ParsedBatch) -> int:
    total = sum(c.nbytes for c in pb.batch.columns)
    for p in pb.columns:
        if p is not None:
            total += p.values.nbytes + p.missing.nbytes + p.invalid.nbytes
    return total


def key_hashes(side: Side, names: list[str]) -> tuple[Array, Array]:
    """The key hash of every row, from the cell hashes of candidate columns ``names``."""
    cells = [side.columns[n] for n in names]
    return combine(cells, SEEDS["key"], side.rows), combine(cells, SEEDS["key2"], side.rows)


@dataclass
class Looked:
    """What a second look at some rows of a side found."""

    values: Array  # (rows hashed, fields compared): the hash of each cell's value
    texts: Array | None  # the same for the text as written, when the plan keeps it
    shown: dict[int, dict[str, str | None]]  # position -> the row as canonical text
    raw: dict[int, dict[str, str | None]]  # position -> the row as written


def look(side: Side, hashed: Array, shown: Array, raw: Array) -> Looked:
    """Hash each compared cell of the rows at ``hashed`` and write out those at ``shown``
    (canonical text) and ``raw`` (as written); positions are sorted."""
    from statpub.tables.lexical import Parsed
    from statpub.versioning.rowtext import text_rows

    plan = side.plan
    width = len(plan.fields)
    values = np.zeros((len(hashed), width), dtype=U64)
    texts = np.zeros((len(hashed), width), dtype=U64) if plan.text else None
    out = Looked(values, texts, {}, {})
    start = 0
    for pb in side.batches():
        n = pb.batch.num_rows
        end = start + n
        names = [f.name for f in pb.fields]
        lo, hi = np.searchsorted(hashed, [start, end])
        if hi > lo:
            local = indices(hashed[lo:hi] - start)
            at = positions(pb)
            specs = {f.name: f for f in pb.fields}
            for j, c in enumerate(plan.fields):
                parsed = pb.columns[at[c.name]]
                part = None
                if parsed is not None:
                    part = Parsed(
                        strings=pc.take(parsed.strings, local),
                        missing=pc.take(parsed.missing, local),
                        invalid=pc.take(parsed.invalid, local),
                        values=pc.take(parsed.values, local),
                    )
                v = value_hashes(part, specs[c.name], c.mode, hi - lo)
                values[lo:hi, j] = v
                if texts is not None:
                    texts[lo:hi, j] = text_hashes(part, v, specs[c.name], hi - lo)
        for wanted, into, as_raw in ((shown, out.shown, False), (raw, out.raw, True)):
            a, b = np.searchsorted(wanted, [start, end])
            if b > a:
                rows = (wanted[a:b] - start).tolist()
                for p, row in zip(
                    wanted[a:b].tolist(), text_rows(pb, rows, raw=as_raw), strict=True
                ):
                    into[p] = dict(zip(names, row, strict=True))
        start = end
    return out


def header(res: Resource) -> tuple[list[str] | None, dict[str, int] | None]:
    """The labels of the file's header row (None without one) and, per field, the column it
    is read from (as ``fieldsMatch`` says), by the one reader; (None, None) when the file
    cannot be read (reading its rows says why)."""
    from statpub.tables.header import layout
    from statpub.tables.reader import NeedsSlowPath, SourceError, open_table

    spec = res.spec
    if spec is None:
        return None, None
    for fast in (True, False):
        try:
            source = open_table(spec, fast=fast)
        except NeedsSlowPath:
            continue
        except (SourceError, OSError):
            break  # reading the rows reports it
        at: dict[str, int] = {}
        for i, col in enumerate(layout(spec, source.labels, source.width).columns):
            at.setdefault(col.name, i)
        return source.labels, at
    return None, None
