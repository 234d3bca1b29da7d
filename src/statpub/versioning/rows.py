"""Match the rows of two versions of a table; find what was added, removed, revised or reformatted.

Rows are matched by key (:mod:`statpub.versioning.keys`): each side's key
hashes are sorted with NumPy and the two sorted runs merged, a columnar join
of 128-bit hashes. Without a key, rows are matched by their values as a
multiset: the k-th copy of a row in the old version with the k-th copy in the
new one, so an edited row shows as one removed and one added.

A matched pair whose value hashes differ is revised; one whose values agree
but whose text differs (``1.0`` -> ``1`` in a number field, CRLF -> LF in a
text) is reformatted. Only those rows, and the rows listed, are looked at cell
by cell (:func:`statpub.versioning.sides.look`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from statpub.tables.hashing import U64
from statpub.versioning.sides import Array, Side, look

Cells = dict[str, str | None]


@dataclass(frozen=True)
class Columns:
    """How two versions of one table line up: old name -> new name for each common field."""

    old_names: list[str]
    new_names: list[str]
    common: list[tuple[str, str]]  # (old name, new name), in new order
    key: list[str] | None  # new names of the matching key; None: match by row content
    compared: list[tuple[str, str]] | None = None  # the common fields compared (default: all)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return self.common if self.compared is None else self.compared


@dataclass
class Revised:
    key: Cells
    old: Cells  # the whole old row, old field names
    new: Cells  # the whole new row, new field names
    fields: list[str]  # the new names of the cells whose value differs


@dataclass
class Reformatted:
    """A cell written differently with the same value, as written on each side."""

    key: Cells | None  # None when rows are matched by content
    field: str  # the new name
    old: str | None
    new: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "field": self.field, "old": self.old, "new": self.new}


@dataclass
class RowComparison:
    columns: Columns
    old_rows: int = 0
    new_rows: int = 0
    added_count: int = 0
    removed_count: int = 0
    revised_count: int = 0
    cells_revised: int = 0
    reformatted_count: int = 0  # rows with a cell written differently with the same value
    cells_reformatted: int = 0
    added: list[Cells] = field(default_factory=list)
    removed: list[Cells] = field(default_factory=list)
    revised: list[Revised] = field(default_factory=list)
    reformatted: list[Reformatted] = field(default_factory=list)
    duplicate_count: int = 0  # rows left out because their key repeats an earlier row's
    limit: int | None = None
    reformatted_rows_listed: int = 0

    @property
    def truncated(self) -> bool:
        listed = len(self.added) + len(self.removed) + len(self.revised)
        total = self.added_count + self.removed_count + self.revised_count
        return listed < total or self.reformatted_rows_listed < self.reformatted_count

    @property
    def changed(self) -> bool:
        return bool(self.added_count or self.removed_count or self.revised_count)


@dataclass
class Match:
    old: Array  # positions of matched rows, paired with ``new``, in new order
    new: Array
    added: Array  # positions in the new version, sorted
    removed: Array  # positions in the old version, sorted
    repeated_old: Array  # rows left out: their key repeats an earlier row's
    repeated_new: Array


def match(old: tuple[Array, Array], new: tuple[Array, Array]) -> Match:
    """Join two sides on 128-bit keys (the first row of a repeated key counts).

    Arrays are let go as soon as they are done with: at 10 million rows each
    costs 80 MB.
    """
    order_o, u1, rep_o = _firsts(*old)
    order_n, n1, rep_n = _firsts(*new)
    if len(u1) > 1 and bool((u1[1:] == u1[:-1]).any()):
        return _match_exact(old, new, order_o, order_n, rep_o, rep_n)
    if len(u1):
        at = np.searchsorted(u1, n1)
        np.minimum(at, len(u1) - 1, out=at)
        at = at.astype(order_o.dtype)
        hit = u1[at] == n1
    else:
        at = np.zeros(len(n1), dtype=np.int64)
        hit = np.zeros(len(n1), dtype=bool)
    del u1, n1
    # The first halves agree: the second halves must too (checked in slices, to bound memory).
    for lo in range(0, len(hit), 1 << 20):
        part = np.flatnonzero(hit[lo : lo + (1 << 20)]) + lo
        same = old[1][order_o[at[part]]] == new[1][order_n[part]]
        hit[part[~same]] = False
    kept = np.zeros(len(order_o), dtype=bool)
    kept[at[hit]] = True
    removed = np.sort(order_o[~kept])
    del kept
    # Back in the new version's order: a scatter, not a sort.
    size = len(new[0])
    flags = np.zeros(size, dtype=bool)
    flags[order_n] = hit
    old_at = np.zeros(size, dtype=at.dtype)
    old_at[order_n] = at
    del at
    pairs_new = np.flatnonzero(flags)
    pairs_old = order_o[old_at[pairs_new]]
    del old_at, order_o
    flags[:] = False
    flags[order_n] = ~hit
    return Match(
        pairs_old.astype(np.int64),
        pairs_new,
        np.flatnonzero(flags),
        removed.astype(np.int64),
        np.sort(rep_o),
        np.sort(rep_n),
    )


def _firsts(k1: Array, k2: Array) -> tuple[Array, Array, Array]:
    """Positions of the first row of each distinct key, sorted by key; their first
    halves, sorted; and the positions of the rows that repeat a key."""
    order = np.argsort(k1)
    if len(order) < 1 << 31:
        order = order.astype(np.int32)
    s1 = k1[order]
    if not (len(s1) > 1 and bool((s1[1:] == s1[:-1]).any())):
        return order, s1, np.zeros(0, dtype=np.int64)
    del s1
    order = np.lexsort((np.arange(len(k1)), k2, k1))
    s1, s2 = k1[order], k2[order]
    repeat = np.zeros(len(order), dtype=bool)
    repeat[1:] = (s1[1:] == s1[:-1]) & (s2[1:] == s2[:-1])
    return order[~repeat], s1[~repeat], order[repeat]


def _match_exact(
    old: tuple[Array, Array],
    new: tuple[Array, Array],
    order_o: Array,
    order_n: Array,
    rep_o: Array,
    rep_n: Array,
) -> Match:
    """Two distinct keys whose first hashes collide (about once in 2**64 pairs): join in Python."""
    where = {
        (int(a), int(b)): int(p)
        for a, b, p in zip(old[0][order_o], old[1][order_o], order_o, strict=True)
    }
    pairs: list[tuple[int, int]] = []
    added: list[int] = []
    for a, b, p in zip(new[0][order_n], new[1][order_n], order_n, strict=True):
        q = where.pop((int(a), int(b)), None)
        if q is None:
            added.append(int(p))
        else:
            pairs.append((int(p), q))
    pairs.sort()
    return Match(
        _ints([q for _, q in pairs]),
        _ints([p for p, _ in pairs]),
        np.sort(_ints(added)),
        np.sort(_ints(list(where.values()))),
        np.sort(rep_o),
        np.sort(rep_n),
    )


def _ints(values: list[int]) -> Array:
    return np.array(values, dtype=np.int64)


def occurrences(values: Array) -> Array:
    """For each row, how many earlier rows have the same hash: with it, a content key."""
    n = len(values)
    order = np.argsort(values, kind="stable")
    s = values[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = s[1:] != s[:-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    rank = np.empty(n, dtype=U64)
    rank[order] = (np.arange(n) - first).astype(U64)
    return rank


def compare_rows(columns: Columns, old: Side, new: Side, *, limit: int | None) -> RowComparison:
    """Compare two sides read as ``columns`` says; ``limit`` caps each list (counts stay exact)."""
    result = RowComparison(columns, old.rows, new.rows, limit=limit)
    if columns.key is None:
        keys = ((old.values, occurrences(old.values)), (new.values, occurrences(new.values)))
    else:
        assert old.key is not None and new.key is not None
        keys = (old.key, new.key)
        old.key = new.key = None  # done with once matched
    m = match(*keys)
    del keys
    result.added_count, result.removed_count = len(m.added), len(m.removed)
    result.duplicate_count = len(m.repeated_old) + len(m.repeated_new)
    value_differs = old.values[m.old] != new.values[m.new]
    text_differs = np.zeros(len(m.old), dtype=bool)
    if old.texts is not None and new.texts is not None:
        text_differs = old.texts[m.old] != new.texts[m.new]
    touched = np.flatnonzero(value_differs | text_differs)
    cap = len(m.old) + len(m.added) + len(m.removed) if limit is None else limit
    listed_revised = np.flatnonzero(value_differs)[:cap]
    listed_reformatted = np.flatnonzero(text_differs)[:cap]
    old_look = look(
        old,
        np.sort(m.old[touched]),
        _sorted(m.removed[:cap], m.old[listed_revised], m.old[listed_reformatted]),
        np.sort(m.old[listed_reformatted]),
    )
    new_look = look(
        new,
        m.new[touched],
        _sorted(m.added[:cap], m.new[listed_revised], m.new[listed_reformatted]),
        np.sort(m.new[listed_reformatted]),
    )
    _cells(result, m, touched, old_look, new_look)
    result.added = [new_look.shown[int(p)] for p in m.added[:cap]]
    result.removed = [old_look.shown[int(p)] for p in m.removed[:cap]]
    return result


def _sorted(*parts: Array) -> Array:
    return np.unique(np.concatenate([p.astype(np.int64) for p in parts]))


def _cells(result: RowComparison, m: Match, touched: Array, old: Any, new: Any) -> None:
    """Compare the touched pairs cell by cell; list the first revised and reformatted rows."""
    cols = result.columns
    names = [n for _, n in cols.pairs]
    old_names = [o for o, _ in cols.pairs]
    # The old side was looked at in the order of its positions: line it up with the pairs.
    back = np.argsort(np.argsort(m.old[touched], kind="stable"), kind="stable")
    values = old.values[back] != new.values
    texts = np.zeros_like(values)
    if old.texts is not None and new.texts is not None:
        texts = (old.texts[back] != new.texts) & ~values
    result.cells_revised = int(values.sum())
    result.revised_count = int(values.any(axis=1).sum())
    result.cells_reformatted = int(texts.sum())
    result.reformatted_count = int(texts.any(axis=1).sum())
    cap = result.limit
    for i, t in enumerate(touched.tolist()):
        po, pn = int(m.old[t]), int(m.new[t])
        row_new = new.shown.get(pn)
        key = None if cols.key is None or row_new is None else {k: row_new[k] for k in cols.key}
        if values[i].any() and (cap is None or len(result.revised) < cap):
            result.revised.append(
                Revised(
                    key=key or {},
                    old=old.shown[po],
                    new=new.shown[pn],
                    fields=[n for n, d in zip(names, values[i], strict=True) if d],
                )
            )
        if texts[i].any() and po in old.raw and pn in new.raw:
            result.reformatted_rows_listed += 1
            for j in np.flatnonzero(texts[i]).tolist():
                result.reformatted.append(
                    Reformatted(key, names[j], old.raw[po][old_names[j]], new.raw[pn][names[j]])
                )
