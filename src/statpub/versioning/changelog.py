"""Render ``CHANGELOG.md`` from the releases and the revisions log."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from statpub.figures.records import Release

KIND_TITLES = {
    "revision": "Revised figures",
    "update": "New figures",
    "removal": "Removed figures",
    "metadata": "Metadata changes",
}


def render_changelog(
    title: str, releases: Sequence[Release], revisions: Sequence[dict[str, Any]]
) -> str:
    """Newest version first; each changed figure with old -> new, its reason and source."""
    lines = [f"# Changelog: {title}", ""]
    lines.append(
        "Every change to a published figure, newest version first, grouped by kind: a revision "
        "is the same observation (indicator, area and period) with a new value or qualifier, a "
        "new figure is a new observation, a metadata change touches wording or provenance only. "
        "The same log is in machine-readable form in `data/revisions.csv`."
    )
    lines.append("")
    for release in reversed(releases):
        lines.append(f"## {release.version} ({release.date.isoformat()})")
        lines.append("")
        lines.append(release.note)
        lines.append("")
        mine = [r for r in revisions if r.get("version") == release.version]
        for kind, heading in KIND_TITLES.items():
            groups = _by_observation([r for r in mine if r.get("change_kind") == kind])
            if not groups:
                continue
            lines.append(f"### {heading}")
            lines.append("")
            lines += [_entry(kind, rows) for rows in groups]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _by_observation(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rows of one observation together, observations in key order, fields in log order."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for r in rows:
        key = (str(r["indicator_id"]), str(r["ref_area"]), str(r["time_period"]))
        groups.setdefault(key, []).append(r)
    return [groups[k] for k in sorted(groups)]


_NUMBER = re.compile(r"^(-?)(\d+)(\.\d+)?$")


def _value(v: Any) -> str:
    """A logged value as a reader reads it: 7,000,000, not 7000000."""
    if v in (None, ""):
        return "(none)"
    m = _NUMBER.match(str(v))
    if m is None:
        return str(v)
    sign, whole, decimals = m.groups()
    return f"{sign}{int(whole):,}{decimals or ''}"


def _entry(kind: str, rows: list[dict[str, Any]]) -> str:
    first = rows[0]
    head = f"- `{first['indicator_id']}` {first['ref_area']} {first['time_period']}:"
    if kind == "update":
        what = f" new figure, value {_value(first.get('new_value'))}."
    elif kind == "removal":
        what = f" withdrawn (value was {_value(first.get('old_value'))})."
    else:
        parts = [
            f"{r['field']} {_value(r.get('old_value'))} → {_value(r.get('new_value'))}"
            for r in rows
        ]
        what = " " + "; ".join(parts) + "."
    reason = str(first.get("reason") or "").rstrip(".")
    source = first.get("source_id") or ""
    if first.get("previous_source_id"):
        source = (
            f"{first['previous_source_id']} → {source}" if source else first["previous_source_id"]
        )
    tail = f" Source: {source}." if source else ""
    if kind == "update":  # a new figure needs no reason; the text says what it is
        return f"{head}{what} {reason}.{tail}"
    return f"{head}{what} Reason: {reason}.{tail}"
