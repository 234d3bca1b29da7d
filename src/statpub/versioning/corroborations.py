"""Corroborating sources added to (or dropped from) figures that were already released.

A corroborating source is another source reporting a figure already recorded
(the ``corroborations`` table). Added later it is a metadata change of that
observation, not a new observation: the revisions log records it with
``change_kind`` ``metadata`` and ``field`` ``also_reported_by``, the source's id
as the new (or old) value. ``statpub release`` writes those rows and
``statpub validate`` expects exactly them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from statpub.package import Package

TABLE = "corroborations"
FIELD = "also_reported_by"

Key = tuple[str, str, str]


@dataclass(frozen=True)
class CorroborationChange:
    key: Key  # indicator_id, ref_area, time_period of the figure
    source_id: str  # the corroborating source
    quote: str
    paragraph: str
    added: bool  # False: no longer listed
    figure_source: str | None  # the figure's own source, in the newer package


def _table(pkg: Package, name: str) -> list[dict[str, Any]]:
    from statpub.versioning.rowtext import read_rows

    res = next((r for r in pkg.resources if r.name == name and r.format == "csv"), None)
    if res is None or res.schema is None:
        return []
    names = [f["name"] for f in res.schema["fields"]]
    return [dict(zip(names, row, strict=False)) for row in read_rows(res)]


def _by_key(rows: list[dict[str, Any]]) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    return {(r["indicator_id"], r["ref_area"], r["time_period"], r["source_id"]): r for r in rows}


def corroboration_changes(old: Package, new: Package) -> list[CorroborationChange]:
    """Corroborations added to or dropped from figures both packages hold."""
    both = {
        (r["indicator_id"], r["ref_area"], r["time_period"]): r for r in _table(new, "observations")
    }
    before = {
        (r["indicator_id"], r["ref_area"], r["time_period"]) for r in _table(old, "observations")
    }
    a, b = _by_key(_table(old, TABLE)), _by_key(_table(new, TABLE))
    out: list[CorroborationChange] = []
    for k in sorted(set(a) ^ set(b)):
        figure = k[:3]
        if figure not in before or figure not in both:
            continue  # a new or removed figure is logged as such, with what it carries
        row = b.get(k) or a[k]
        out.append(
            CorroborationChange(
                figure,
                k[3],
                str(row.get("quote")),
                str(row.get("paragraph")),
                k in b,
                both[figure].get("source_id"),
            )
        )
    return out


def log_rows(
    changes: list[CorroborationChange], version: str, date: dt.date
) -> list[dict[str, Any]]:
    """The revisions-log rows recording ``changes``."""
    rows = []
    for c in changes:
        if c.added:
            reason = (
                f"Also reported by {c.source_id}: \u201c{c.quote}\u201d, paragraph {c.paragraph}."
            )
        else:
            reason = f"No longer listed as also reported by {c.source_id}."
        rows.append(
            {
                "version": version,
                "release_date": date,
                "indicator_id": c.key[0],
                "ref_area": c.key[1],
                "time_period": c.key[2],
                "field": FIELD,
                "old_value": None if c.added else c.source_id,
                "new_value": c.source_id if c.added else None,
                "change_kind": "metadata",
                "reason": reason,
                "source_id": c.figure_source,
                "previous_source_id": None,
            }
        )
    return rows
