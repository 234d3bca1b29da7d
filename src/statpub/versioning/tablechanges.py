"""Value-level changes of any keyed table, the revisions log they make, and its changelog.

The figure model has its own kinds (:mod:`statpub.versioning.kinds`); any other
table is compared by its primary key (or the key the diff infers) and each
change is one of

* ``revision``: a row kept, with a value changed (one log row per changed field);
* ``addition``: a new row (one log row, field ``*``);
* ``removal``: a row withdrawn (one log row, field ``*``);
* ``summary``: rows of a table with no primary key (and none the diff can
  infer) changed: its rows are matched by their whole content, so an edited row
  is one removed and one added, and no value can be named; one log row for the
  table (key ``{}``, field ``*``) records the row counts, old ``{"rows":"306",
  "removed":"6"}`` and new ``{"rows":"310","added":"10"}``.

The revisions log of a project of tables has the columns of :data:`LOG_FIELDS`;
``key`` is the row's primary key as compact JSON (``{"district":"0101",
"year":"2023"}``), every value as the CSV has it, so codes keep their leading
zeros and a key is read back without ambiguity.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from statpub.versioning.diff import DiffResult
from statpub.versioning.log import TABLE_LOG_KEY

KINDS = ("revision", "removal", "addition", "summary")
LOG_FIELDS = (
    "version",
    "release_date",
    "table",
    "key",
    "field",
    "change_kind",
    "old_value",
    "new_value",
    "reason",
)
LOG_KEY = TABLE_LOG_KEY  # one entry a version, table, row and field
# The published log's Table Schema, for a package that carries the log as a table.
LOG_SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": name, "type": "date" if name == "release_date" else "string"}
        for name in LOG_FIELDS
    ],
    "primaryKey": list(TABLE_LOG_KEY),
}
SHOWN = 5  # changelog: values listed for a group before it is summarised by its count
LISTED = 20  # changelog: a group this small is listed whole


@dataclass(frozen=True)
class TableChange:
    kind: str  # revision, addition, removal, summary
    table: str
    key: tuple[tuple[str, str | None], ...]  # (field, value) in key order
    fields: tuple[str, ...]  # the changed fields of a revision; ("*",) otherwise
    old: dict[str, str | None] | None
    new: dict[str, str | None] | None

    @property
    def key_dict(self) -> dict[str, str | None]:
        return dict(self.key)

    @property
    def label(self) -> str:
        if not self.key:
            return self.table
        return f"{self.table} " + " ".join(f"{k}={'' if v is None else v}" for k, v in self.key)

    @property
    def rows_removed(self) -> int:
        """Rows removed (or, matched by content, changed) in a ``summary`` change."""
        return int((self.old or {}).get("removed") or 0)

    def row(self) -> dict[str, str | None]:
        """The row as it is now (as it was, for a removal)."""
        return dict(self.new if self.new is not None else self.old or {})

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "table": self.table,
            "key": self.key_dict,
            "fields": list(self.fields),
            "old": self.old,
            "new": self.new,
        }


def key_text(key: dict[str, str | None]) -> str:
    return json.dumps(key, ensure_ascii=False, separators=(",", ":"))


def table_changes(result: DiffResult, *, skip: Sequence[str] = ()) -> list[TableChange]:
    """Every value-level change of every table the diff matched rows of, in table order."""
    out: list[TableChange] = []
    for res in result.resources:
        c = res.comparison
        if c is None or res.folded or res.name in skip:
            continue
        if not c.columns.key:
            if c.added_count or c.removed_count:
                out.append(_summary(res.name, c))
            continue
        keys = list(c.columns.key)
        names = dict(c.columns.common)  # old name -> new name

        def key_of(row: dict[str, str | None], keys: list[str] = keys) -> Any:
            return tuple((k, row.get(k)) for k in keys)

        def renamed(old: dict[str, str | None], names: dict[str, str] = names) -> Any:
            return {names.get(k, k): v for k, v in old.items()}

        for r in c.revised:
            out.append(
                TableChange(
                    "revision",
                    res.name,
                    key_of(r.new),
                    tuple(r.fields),
                    renamed(r.old),
                    dict(r.new),
                )
            )
        for row in c.removed:
            old = renamed(row)
            out.append(TableChange("removal", res.name, key_of(old), ("*",), old, None))
        for row in c.added:
            out.append(TableChange("addition", res.name, key_of(row), ("*",), None, dict(row)))
    return out


def _summary(table: str, c: Any) -> TableChange:
    old: dict[str, str | None] = {"rows": str(c.old_rows), "removed": str(c.removed_count)}
    new: dict[str, str | None] = {"rows": str(c.new_rows), "added": str(c.added_count)}
    return TableChange("summary", table, (), ("*",), old, new)


def log_rows(
    change: TableChange, version: str, date: dt.date, reason: str | None
) -> list[dict[str, Any]]:
    """The log rows of ``change``: one per revised field; one ``*`` row for a row added or
    removed, with the whole row as compact JSON for its value (for a summary, the counts)."""
    base = {
        "version": version,
        "release_date": date,
        "table": change.table,
        "key": key_text(change.key_dict),
        "change_kind": change.kind,
        "reason": reason,
    }
    if change.kind == "revision":
        old, new = change.old or {}, change.new or {}
        return [
            {**base, "field": f, "old_value": old.get(f), "new_value": new.get(f)}
            for f in change.fields
        ]
    whole = lambda row: None if row is None else key_text(row)  # noqa: E731
    return [{**base, "field": "*", "old_value": whole(change.old), "new_value": whole(change.new)}]


# The changelog


TITLES = {
    "revision": "Revised values",
    "removal": "Removed rows",
    "addition": "Added rows",
    "summary": "Tables without a primary key",
}


def changelog_section(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Markdown lines for one version's log rows: per kind, per table, field and reason,
    the count, and every value when there are few, the first :data:`SHOWN` otherwise."""
    lines: list[str] = []
    for kind, title in TITLES.items():
        mine = [r for r in rows if r.get("change_kind") == kind]
        if not mine:
            continue
        lines += [f"### {title}", ""]
        groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        for r in mine:
            group = (str(r["table"]), str(r["field"]), str(r.get("reason") or ""))
            groups.setdefault(group, []).append(r)
        for (table, field, reason), members in groups.items():
            lines.append(_group_line(kind, table, field, reason, members))
            if kind == "summary":
                continue  # one entry a table: its counts are in the line
            listed = members if len(members) <= LISTED else members[:SHOWN]
            lines += [f"  - {_value_line(kind, r)}" for r in listed]
            if len(listed) < len(members):
                lines.append(
                    f"  - \u2026 and {len(members) - len(listed):,} more, all in the revisions log"
                )
        lines.append("")
    return lines


def _group_line(kind: str, table: str, field: str, reason: str, members: list[Any]) -> str:
    n = len(members)
    if kind == "summary":
        old, new = (json.loads(str(members[0].get(k) or "{}")) for k in ("old_value", "new_value"))
        what = (
            f"`{table}`: {old.get('rows')} → {new.get('rows')} rows; matched by content "
            f"(no primary key), {old.get('removed')} removed or changed, {new.get('added')} added"
        )
    elif kind == "revision":
        what = f"`{table}.{field}`: {n:,} value{'s' if n != 1 else ''} revised"
    elif kind == "removal":
        what = f"`{table}`: {n:,} row{'s' if n != 1 else ''} removed"
    else:
        what = f"`{table}`: {n:,} row{'s' if n != 1 else ''} added"
    return f"- {what}." + (f" Reason: {reason.rstrip('.')}." if reason else "")


def _value_line(kind: str, row: dict[str, Any]) -> str:
    key = json.loads(str(row["key"]))
    where = ", ".join(f"{k}={'' if v is None else v}" for k, v in key.items())
    if kind == "revision":
        return f"{where}: {_shown(row.get('old_value'))} \u2192 {_shown(row.get('new_value'))}"
    return where


def _shown(value: Any) -> str:
    return "(missing)" if value in (None, "") else f"`{value}`"


def render_changelog(
    title: str, releases: Sequence[Any], revisions: Sequence[dict[str, Any]]
) -> str:
    """``CHANGELOG.md`` of a project of tables: newest version first, its note, then its
    revised values, removed and added rows (:func:`changelog_section`).

    ``releases``: objects with ``version``, ``date`` and ``note``, oldest first.
    """
    lines = [f"# Changelog: {title}", ""]
    lines.append(
        "Every change to the published tables, newest version first: a revised value is a "
        "row kept (same primary key) with a new value, listed with its old and new value and "
        "the reason given for it. The full log is the project's `revisions.csv`."
    )
    lines.append("")
    if not releases:
        lines += ["No release yet.", ""]
    for release in reversed(releases):
        lines += [f"## {release.version} ({release.date.isoformat()})", "", release.note, ""]
        lines += changelog_section([r for r in revisions if r.get("version") == release.version])
    return "\n".join(lines).rstrip("\n") + "\n"
