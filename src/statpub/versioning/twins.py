"""Twins: the same table published twice, as CSV and as Parquet.

Two resources are twins when their single paths differ only in the extension
(``data/x.csv`` and ``data/x.parquet``) and they declare the same Table
Schema, as statpub's own packages publish every table. Both are compared, and
when their changes agree they are reported once, the first in descriptor
order naming its twin; when they do not, both are reported, with a
``twins-differ`` change saying so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from statpub.package.copies import copy_pairs
from statpub.versioning.change import Change

if TYPE_CHECKING:
    from statpub.package import Package
    from statpub.versioning.diff import ResourceDiff

# What differs between the copies of one table by their nature, not their data.
FORMAT_ONLY = {
    "cells-reformatted",
    "file-reformatted",
    "header-renamed",
    "resource-moved",
    "resource-format-changed",
}


def twin_pairs(pkg: Package) -> list[tuple[str, str]]:
    """(first, second) resource names of each pair of twins, in descriptor order:
    copies (the package model's rule) that declare the same Table Schema."""
    order = {id(res): i for i, res in enumerate(pkg.resources)}
    pairs = []
    for csv, parquet in copy_pairs(pkg):
        if csv.name is None or parquet.name is None or csv.schema != parquet.schema:
            continue
        first, second = sorted((csv, parquet), key=lambda r: order[id(r)])
        pairs.append((str(first.name), str(second.name)))
    return pairs


def fold_twins(new: Package, compared: list[ResourceDiff]) -> None:
    """Report each pair of twins once when their changes agree; else say that they differ."""
    by_name = {rd.name: rd for rd in compared}
    for a, b in twin_pairs(new):
        first, second = by_name.get(a), by_name.get(b)
        if first is None or second is None or first.comparison is None:
            continue
        if second.comparison is None:
            continue
        if _signature(first) == _signature(second):
            first.twin = b
            second.folded = True
            second.changes = [c for c in second.changes if c.type in FORMAT_ONLY]
            continue
        second.changes.append(
            Change(
                "twins-differ",
                "none",
                f"{b!r} and {a!r} are copies of one table (same path but for the extension, "
                "same schema) but changed differently; both are listed: rebuild one from the "
                "other and run statpub validate, which compares the copies",
                b,
                None,
                a,
                b,
            )
        )


def _signature(rd: ResourceDiff) -> tuple[Any, ...]:
    c = rd.comparison
    assert c is not None
    changes = [
        (x.type, x.level, x.field, x.message) for x in rd.changes if x.type not in FORMAT_ONLY
    ]
    data = rd.to_dict()
    rows = {k: data.get(k) for k in ("rows_old", "rows_new", "rows_added", "rows_removed")}
    cells = {k: data.get(k) for k in ("rows_revised", "cells_revised", "added", "removed")}
    return (changes, rows, cells, data.get("revised"), data.get("matched_by"))
