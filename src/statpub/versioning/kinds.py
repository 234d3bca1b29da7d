"""Kinds of figure change, kept apart: revision, update, removal, metadata.

An observation is identified by its indicator, area and period. Between two
releases it can be

* revised: the same observation with a new value or qualifier (or bounds,
  status, unit or period type: what the figure says), whatever its source;
* updated: a new observation, e.g. for a newer period;
* removed: withdrawn;
* changed in metadata only: wording, reading, quote or source, not the figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from statpub.versioning.rows import RowComparison

KEY = ("indicator_id", "ref_area", "time_period")
# The fields that make up the figure itself; any other field is metadata.
FIGURE_FIELDS = (
    "value",
    "qualifier",
    "lower_bound",
    "upper_bound",
    "obs_status",
    "unit",
    "period_type",
    "period_start",
    "period_end",
)
KINDS = ("revision", "update", "removal", "metadata")


@dataclass
class FigureChange:
    kind: str
    key: tuple[str, str, str]
    fields: list[str]  # new field names that changed; ["*"] for an update or removal
    old: dict[str, str | None] | None  # the old row under the new field names
    new: dict[str, str | None] | None

    @property
    def label(self) -> str:
        return f"{self.key[0]} {self.key[1]} {self.key[2]}"

    def key_dict(self) -> dict[str, str]:
        return dict(zip(KEY, self.key, strict=True))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key_dict(),
            "fields": list(self.fields),
            "old": self.old,
            "new": self.new,
        }


def figure_changes(c: RowComparison) -> list[FigureChange]:
    """The observation-level changes in a comparison of two ``observations`` tables."""

    def renamed(old: dict[str, str | None]) -> dict[str, str | None]:
        return {n: old.get(o) for o, n in c.columns.common}

    def key(row: dict[str, str | None]) -> tuple[str, str, str]:
        a, b, d = (str(row.get(k) or "") for k in KEY)
        return (a, b, d)

    out: list[FigureChange] = []
    for r in c.revised:
        kind = "revision" if any(f in FIGURE_FIELDS for f in r.fields) else "metadata"
        out.append(FigureChange(kind, key(r.new), list(r.fields), renamed(r.old), dict(r.new)))
    for row in c.added:
        out.append(FigureChange("update", key(row), ["*"], None, dict(row)))
    for row in c.removed:
        old = renamed(row)
        out.append(FigureChange("removal", key(old), ["*"], old, None))
    return sorted(out, key=lambda ch: (KINDS.index(ch.kind), ch.key))


def log_rows(
    change: FigureChange, version: str, date: dt.date, reason: str
) -> list[dict[str, Any]]:
    """The revisions-log rows recording ``change``: one per changed field, or one ``*`` row."""
    old, new = change.old or {}, change.new or {}
    new_source = new.get("source_id")
    old_source = old.get("source_id")
    base = {
        "version": version,
        "release_date": date,
        "indicator_id": change.key[0],
        "ref_area": change.key[1],
        "time_period": change.key[2],
        "change_kind": change.kind,
        "reason": reason,
        "source_id": new_source,
        "previous_source_id": old_source if old_source != new_source else None,
    }
    if change.kind in ("update", "removal"):
        return [
            {**base, "field": "*", "old_value": old.get("value"), "new_value": new.get("value")}
        ]
    return [
        {**base, "field": f, "old_value": old.get(f), "new_value": new.get(f)}
        for f in change.fields
    ]
