"""A diff as a Markdown summary, for a pull-request comment or a CI job summary.

One table of counts per resource with the level each needs, the change that
forced the whole level, the first revised cells, and the notes. GitHub
renders it; the text is plain Markdown otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from statpub import semver
from statpub.safetext import markdown_cell, markdown_code

if TYPE_CHECKING:
    from statpub.versioning.diff import DiffResult

CELLS_SHOWN = 10


def markdown(result: DiffResult, cells: int = CELLS_SHOWN) -> str:
    """The summary of ``result``; at most ``cells`` revised cells are shown."""
    versions = ""
    if result.old_version or result.new_version:
        versions = f" ({_code(result.old_version)} → {_code(result.new_version)})"
    lines = [f"### statpub diff: {_verdict(result)}", ""]
    lines.append(f"{_code(result.old)} → {_code(result.new)}{versions}")
    forced = result.forced_by
    if forced is not None:
        lines += [
            "",
            f"Forced by `{forced.type}` in {_code(forced.where())}: {_cell(forced.message)}",
        ]
    bump = next((c for c in result.changes if c.type == "version-not-bumped"), None)
    if bump is not None:
        lines += ["", f"**Version not bumped:** {_cell(bump.message)}"]
    rows = [r for r in result.resources if r.status != "same" and not r.folded]
    if rows:
        lines += [
            "",
            "| resource | level | rows matched by | added | removed | rows revised "
            "| cells revised | cells reformatted |",
            "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in rows:
            level = semver.highest([c.level for c in result.changes if c.resource == r.name])
            name = r.name + (f" (and {r.twin})" if r.twin else "")
            c = r.comparison
            if c is None:
                lines.append(f"| {_cell(name)} | {level} | | {r.status} | | | | |")
                continue
            by = ", ".join(r.matched_by) if r.matched_by is not None else "row content"
            if r.key_source == "inferred":
                by += " (inferred)"
            counts = [c.added_count, c.removed_count, c.revised_count, c.cells_revised]
            counts.append(c.cells_reformatted)
            lines.append(
                f"| {_cell(name)} | {level} | {_cell(by)} | "
                + " | ".join(f"{n:,}" for n in counts)
                + " |"
            )
    if result.not_compared:
        lines += ["", "**Not compared** (the rest of the package was):", ""]
        lines += [f"- {_code(r.name)}: {_cell(r.reason)}" for r in result.not_compared]
    shown = _revised_cells(result, cells)
    if shown:
        lines += [
            "",
            f"First revised cells ({len(shown)} of {_total_cells(result):,}):",
            "",
            "| resource | key | field | old | new |",
            "| --- | --- | --- | --- | --- |",
            *shown,
        ]
    others = [
        c for c in result.changes if c.type not in ("version-not-bumped",) and c.level != "none"
    ]
    if others:
        lines += ["", f"<details><summary>{len(others)} change(s)</summary>", ""]
        lines += [
            f"- **{c.level}** `{c.type}` {_code(c.where())}: {_cell(c.message)}" for c in others
        ]
        lines += ["", "</details>"]
    if result.notes:
        lines += [""] + [f"> {_cell(n)}" for n in result.notes]
    return "\n".join(lines) + "\n"


def _verdict(result: DiffResult) -> str:
    if not result.different:
        return "no differences" + (" in what was compared" if result.not_compared else "")
    return f"{result.level.upper()} change" if result.level != "none" else "differences"


def _revised_cells(result: DiffResult, limit: int) -> list[str]:
    out: list[str] = []
    for r in result.resources:
        if r.comparison is None or r.folded:
            continue
        for cell in r.to_dict()["revised"]:
            if len(out) >= limit:
                return out
            key = ", ".join(f"{k}={v}" for k, v in cell["key"].items())
            out.append(
                f"| {_cell(r.name)} | {_cell(key)} | {_cell(cell['field'])} | "
                f"{_value(cell['old'])} | {_value(cell['new'])} |"
            )
    return out


def _total_cells(result: DiffResult) -> int:
    return sum(
        r.comparison.cells_revised for r in result.resources if r.comparison and not r.folded
    )


def _code(text: object) -> str:
    return "`" + markdown_code(text) + "`"


def _value(value: object) -> str:
    return "*missing*" if value is None else _code(value)


def _cell(text: object) -> str:
    """Text that stays in its table cell or line: no HTML, link, image or mention."""
    return markdown_cell(text)
