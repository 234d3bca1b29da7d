"""Match the rows of two versions of a table and find what was added, removed or revised.

Rows are matched by primary key (composite keys included). A table without a
primary key is matched by the content of its rows, compared as a multiset: an
edited row then shows as one row removed and one added, since nothing says
which old row it was.

The old table is held in memory; the new one is streamed past it, so memory
grows with the old table (and the new table's keys) only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from statpub.versioning.rowtext import Row


@dataclass(frozen=True)
class Columns:
    """How two versions of one table line up: old name -> new name for each common field."""

    old_names: list[str]
    new_names: list[str]
    common: list[tuple[str, str]]  # (old name, new name), in new order
    key: list[str] | None  # new names of the matching key; None: match by row content

    def old_key(self) -> list[str]:
        back = {n: o for o, n in self.common}
        return [back[k] for k in self.key or []]


@dataclass
class Revised:
    key: dict[str, str | None]
    old: dict[str, str | None]  # the whole old row, old field names
    new: dict[str, str | None]  # the whole new row, new field names
    fields: list[str]  # the new names of the cells that differ


@dataclass
class RowComparison:
    columns: Columns
    old_rows: int = 0
    new_rows: int = 0
    added_count: int = 0
    removed_count: int = 0
    revised_count: int = 0
    cells_revised: int = 0
    added: list[dict[str, str | None]] = field(default_factory=list)
    removed: list[dict[str, str | None]] = field(default_factory=list)
    revised: list[Revised] = field(default_factory=list)
    duplicate_keys: list[dict[str, str | None]] = field(default_factory=list)
    limit: int | None = None

    @property
    def truncated(self) -> bool:
        listed = len(self.added) + len(self.removed) + len(self.revised)
        return listed < self.added_count + self.removed_count + self.revised_count

    def _room(self, items: list[Any]) -> bool:
        return self.limit is None or len(items) < self.limit


def compare_rows(
    columns: Columns, old: Iterable[Row], new: Iterable[Row], *, limit: int | None = None
) -> RowComparison:
    """Compare two streams of rows laid out as ``columns`` says; ``limit`` caps each list."""
    result = RowComparison(columns=columns, limit=limit)
    if columns.key is None:
        _by_content(result, old, new)
    else:
        _by_key(result, old, new)
    return result


# The old table is kept packed, one string per row and per key instead of a tuple
# of strings: about a third of the memory. A row whose text holds a separator
# stays a tuple.
_SEP = "\x1f"
_NONE = "\x1e"
Packed = str | Row


def _pack(row: Row) -> Packed:
    text = _SEP.join(_NONE if v is None else v for v in row)
    if text.count(_SEP) != len(row) - 1 or text.count(_NONE) != row.count(None):
        return row
    return text


def _unpack(packed: Packed) -> Row:
    if isinstance(packed, tuple):
        return packed
    return tuple(None if v == _NONE else v for v in packed.split(_SEP))


def _by_key(result: RowComparison, old: Iterable[Row], new: Iterable[Row]) -> None:
    cols = result.columns
    old_pos = {n: i for i, n in enumerate(cols.old_names)}
    new_pos = {n: i for i, n in enumerate(cols.new_names)}
    old_key = [old_pos[k] for k in cols.old_key()]
    new_key = [new_pos[k] for k in cols.key or []]
    pairs = [(old_pos[o], new_pos[n], n) for o, n in cols.common]
    # Same fields in the same order: equal packed rows are equal rows.
    same_layout = cols.old_names == cols.new_names and [o for o, _ in cols.common] == cols.old_names

    def key_dict(row: Row, where: list[int], names: list[str]) -> dict[str, str | None]:
        return {n: row[i] for n, i in zip(names, where, strict=True)}

    def note_duplicate(row: Row, where: list[int]) -> None:
        if len(result.duplicate_keys) < (result.limit or 20):
            result.duplicate_keys.append(key_dict(row, where, cols.key or []))

    index: dict[Packed, Packed] = {}
    for row in old:
        result.old_rows += 1
        k = _pack(tuple([row[i] for i in old_key]))
        if k in index:
            note_duplicate(row, old_key)
            continue
        index[k] = _pack(row)
    seen: set[Packed] = set()
    for row in new:
        result.new_rows += 1
        k = _pack(tuple([row[i] for i in new_key]))
        if k in seen:
            note_duplicate(row, new_key)
            continue
        seen.add(k)
        packed = index.pop(k, None)
        if packed is None:
            result.added_count += 1
            if result._room(result.added):
                result.added.append(dict(zip(cols.new_names, row, strict=True)))
            continue
        if same_layout and packed == _pack(row):
            continue
        before = _unpack(packed)
        differ = [n for o, i, n in pairs if before[o] != row[i]]
        if differ:
            result.revised_count += 1
            result.cells_revised += len(differ)
            if result._room(result.revised):
                result.revised.append(
                    Revised(
                        key=key_dict(row, new_key, cols.key or []),
                        old=dict(zip(cols.old_names, before, strict=True)),
                        new=dict(zip(cols.new_names, row, strict=True)),
                        fields=differ,
                    )
                )
    for packed in index.values():
        result.removed_count += 1
        if result._room(result.removed):
            result.removed.append(dict(zip(cols.old_names, _unpack(packed), strict=True)))


def _by_content(result: RowComparison, old: Iterable[Row], new: Iterable[Row]) -> None:
    cols = result.columns
    old_pos = {n: i for i, n in enumerate(cols.old_names)}
    new_pos = {n: i for i, n in enumerate(cols.new_names)}
    old_proj = [old_pos[o] for o, _ in cols.common]
    new_proj = [new_pos[n] for _, n in cols.common]
    counts: Counter[Row] = Counter()
    first: dict[Row, Row] = {}
    for row in old:
        result.old_rows += 1
        p = tuple(row[i] for i in old_proj)
        counts[p] += 1
        first.setdefault(p, row)
    for row in new:
        result.new_rows += 1
        p = tuple(row[i] for i in new_proj)
        if counts[p] > 0:
            counts[p] -= 1
            continue
        result.added_count += 1
        if result._room(result.added):
            result.added.append(dict(zip(cols.new_names, row, strict=True)))
    for p, n in counts.items():
        for _ in range(n):
            result.removed_count += 1
            if result._room(result.removed):
                result.removed.append(dict(zip(cols.old_names, first[p], strict=True)))
