"""Render ``CHANGELOG.md`` from the releases and the revisions log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from statpub.figures.records import Release

KIND_TITLES = {
    "revision": "Revised figures",
    "update": "New figures",
    "removal": "Removed figures",
    "metadata": "Metadata changes",
}


def render_changelog(title: str, releases: Sequence[Release], revisions: Sequence[dict[str, Any]]) -> str:
    """Newest version first; each changed figure with old -> new, its reason and source."""
    lines = [f"# Changelog: {title}", ""]
    lines.append(
        "Every change to a published figure, newest version first. The same log is in "
        "machine-readable form in `data/revisions.csv`."
    )
    lines.append("")
    for release in reversed(releases):
        lines.append(f"## {release.version} ({release.date.isoformat()})")
        lines.append("")
        lines.append(release.note)
        lines.append("")
        mine = [r for r in revisions if r.get("version") == release.version]
        for kind, heading in KIND_TITLES.items():
            rows = [r for r in mine if r.get("change_kind") == kind]
            if not rows:
                continue
            lines.append(f"### {heading}")
            lines.append("")
            for r in rows:
                lines.append(_entry(r))
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _entry(r: dict[str, Any]) -> str:
    key = f"`{r['indicator_id']}` {r['ref_area']} {r['time_period']}"
    field = r.get("field")
    what = "" if field in (None, "*") else f" {field}:"
    old = r.get("old_value") or "(none)"
    new = r.get("new_value") or "(none)"
    source = r.get("source_id") or ""
    if r.get("previous_source_id"):
        source = f"{r['previous_source_id']} → {source}"
    tail = f" Source: {source}." if source else ""
    return f"- {key}{what} {old} → {new}. Reason: {r.get('reason', '')}.{tail}"
