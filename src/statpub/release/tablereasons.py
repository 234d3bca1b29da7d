"""Why values of a table changed: the reasons file, and ``statpub release --reason``.

A revised value or a removed row of any table needs a reason; an added row does
not. Reasons come at the scale a statistics office works at, from the most
specific to the coarsest, and the most specific one that matches a change is
the one logged:

1. a row, by its primary key (``key:``, every key field given);
2. a selection: rows whose fields have the given values (``where:``), optionally
   only changes of one field (``field:``);
3. a whole table (``table:`` alone), or one field of it (``table:`` and ``field:``);
4. the whole release: ``statpub release --reason TEXT``.

A table with no primary key (and none the diff can infer) has its rows matched
by content: an edited row is one removed and one added, and no value can be
named. When any of its rows were removed or changed, it needs one reason at
table level (``table:`` alone) or ``--reason``, and the log gets one summary
entry for it (:mod:`statpub.versioning.tablechanges`).

The reasons file (``reasons.yml`` beside the project file) is YAML; values are
read as text, so ``0101`` stays ``0101`` and ``2023`` matches the CSV's
``2023``::

    reasons:
      - table: population
        where: {year: 2023}
        reason: 2023 values benchmarked to the 2023 census
      - table: population
        key: {district: "0101", year: 2022, sex: T}
        field: population
        reason: Keying error corrected
      - table: districts
        reason: District names as in the new gazetteer

A ``where:`` value may be a list (any of the values). A reason already logged for
the same value (table, key and field) in an earlier version is not a reason for
this release: an entry left in the file from the last release does not explain a
new change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statpub.errors import InvalidInput
from statpub.report import Issue
from statpub.versioning.tablechanges import TableChange, key_text

REASONS_FILE = "reasons.yml"
ENTRY_FIELDS = {"table", "key", "where", "field", "reason"}
RELEASE = "release"  # the scope of --reason
LISTED = 50  # refused changes named one by one before the rest are counted


@dataclass(frozen=True)
class Entry:
    table: str
    reason: str
    key: dict[str, str] | None = None
    where: dict[str, list[str]] = field(default_factory=dict)
    field: str | None = None
    path: str = ""  # the file, as messages show it
    line: int | None = None

    @property
    def rank(self) -> int:
        """0 for the most specific kind of entry: key, then selection, table field, table."""
        if self.key is not None:
            return 0
        if self.where:
            return 1
        return 2 if self.field else 3

    def matches(self, change: TableChange, name: str) -> bool:
        if change.table != self.table or (self.field and self.field != name):
            return False
        row = change.row()
        if self.key is not None and any(row.get(k) != v for k, v in self.key.items()):
            return False
        return all(row.get(k) in values for k, values in self.where.items())


@dataclass
class Reasons:
    entries: list[Entry] = field(default_factory=list)
    release: str | None = None  # --reason, for every change nothing else explains

    def find(self, change: TableChange, name: str) -> tuple[str, str] | None:
        """(reason, where it was given) for field ``name`` of ``change``, or None."""
        found = [e for e in self.entries if e.matches(change, name)]
        if found:
            best = min(found, key=lambda e: e.rank)
            return best.reason, f"{best.path}:{best.line}" if best.line else best.path
        return (self.release, RELEASE) if self.release else None


def read_reasons(
    path: Path, keys: dict[str, list[str]], fields: dict[str, list[str]], shown: str
) -> list[Entry]:
    """The entries of the reasons file at ``path`` (none when it is absent).

    ``keys`` and ``fields`` give each table's primary key and fields, so a
    misspelt table or field is refused rather than matching nothing.
    """
    from statpub.figures import yamlfile

    if not path.is_file():
        return []
    data, lines = yamlfile.load(path, shown)
    entries = data.get("reasons") if isinstance(data, dict) else None
    if data is not None and not isinstance(entries, list):
        raise InvalidInput(
            [Issue("reasons-structure", "needs a top-level 'reasons:' list", path=shown)],
            summary=f"{shown}: not a reasons file",
        )
    out: list[Entry] = []
    issues: list[Issue] = []
    for n, raw in enumerate(entries or []):
        line = lines.get(("reasons", n))
        entry, problems = _entry(raw, keys, fields, shown, line)
        issues += problems
        if entry is not None:
            out.append(entry)
    if issues:
        raise InvalidInput(issues, summary=f"{shown} has {len(issues)} problem(s)")
    return out


def _entry(
    raw: Any, keys: dict[str, list[str]], fields: dict[str, list[str]], shown: str, line: int | None
) -> tuple[Entry | None, list[Issue]]:
    def issue(message: str, name: str | None = None) -> Issue:
        return Issue("reasons-entry", message, path=shown, row=line, field=name)

    if not isinstance(raw, dict):
        return None, [issue("each entry is a mapping: table, reason, and key, where or field")]
    problems = [
        issue(f"unknown field {k!r}; allowed: {', '.join(sorted(ENTRY_FIELDS))}", k)
        for k in sorted(set(raw) - ENTRY_FIELDS)
    ]
    table, reason = raw.get("table"), raw.get("reason")
    if not isinstance(table, str) or table not in fields:
        known = ", ".join(fields) or "none"
        return None, [*problems, issue(f"table {table!r} is not a table of the package ({known})")]
    if not isinstance(reason, str) or not reason.strip():
        problems.append(issue("reason is missing or empty: say why the values changed", "reason"))
    names = fields[table]
    key = raw.get("key")
    if key is not None:
        if not isinstance(key, dict) or sorted(key) != sorted(keys.get(table, [])):
            problems.append(
                issue(
                    f"key must give every field of {table}'s primary key "
                    f"({', '.join(keys.get(table, [])) or 'it has none'}); "
                    "for some of them use where:",
                    "key",
                )
            )
    where_raw = raw.get("where") or {}
    if not isinstance(where_raw, dict):
        problems.append(issue("where is a mapping of field: value (or a list of values)", "where"))
        where_raw = {}
    where = {k: (v if isinstance(v, list) else [v]) for k, v in where_raw.items()}
    column = raw.get("field")
    for name in [
        *(key or {} if isinstance(key, dict) else {}),
        *where,
        *([column] if column else []),
    ]:
        if name not in names:
            problems.append(issue(f"{name!r} is not a field of {table} ({', '.join(names)})", name))
    if problems:
        return None, problems
    text = " ".join(str(reason).split())
    return (
        Entry(
            table,
            text,
            {k: str(v) for k, v in key.items()} if isinstance(key, dict) else None,
            {k: [str(x) for x in v] for k, v in where.items()},
            str(column) if column else None,
            shown,
            line,
        ),
        [],
    )


def explain(
    changes: list[TableChange],
    reasons: Reasons,
    log: list[dict[str, Any]],
    files: dict[str, str],
    reasons_shown: str,
) -> tuple[dict[tuple[int, str], str], list[Issue]]:
    """The reason for each revised field and removed row, by (change index, field).

    Issues name every change left without a reason (the table's file, the
    table, key and field), the first :data:`LISTED` one by one.
    """
    used = {(r.get("table"), r.get("key"), r.get("field"), r.get("reason")) for r in log}
    out: dict[tuple[int, str], str] = {}
    missing: list[Issue] = []
    count = 0
    for i, c in enumerate(changes):
        if c.kind == "addition" or (c.kind == "summary" and not c.rows_removed):
            continue  # only rows added: nothing published was changed
        for name in c.fields:
            found = reasons.find(c, name)
            stale = found is not None and (c.table, key_text(c.key_dict), name, found[0]) in used
            if found is not None and not stale:
                out[(i, name)] = found[0]
                continue
            count += 1
            if len(missing) < LISTED:
                missing.append(_missing(c, name, files.get(c.table), reasons_shown, stale))
    if count > len(missing):
        missing.append(
            Issue(
                "revision-without-reason",
                f"and {count - len(missing):,} more changed values without a reason",
            )
        )
    return out, missing


def _missing(c: TableChange, name: str, path: str | None, shown: str, stale: bool) -> Issue:
    if c.kind == "summary":
        return Issue(
            "rows-changed-without-reason",
            f"{c.table}: {c.rows_removed:,} row(s) changed or removed without a reason; the "
            "table has no primary key (nor one the diff can infer), so its rows are matched "
            "by content and its changes are logged as one summary, which needs one reason "
            f"for the table: add an entry to {shown} (table: {c.table}, reason: ...), give "
            "the release one with --reason, or declare a primaryKey in its schema",
            path=path,
            resource=c.table,
        )
    keys = ", ".join(f'{k}: "{"" if v is None else v}"' for k, v in c.key)
    if c.kind == "removal":
        what = f"{c.label}: the row was removed"
        code = "removal-without-reason"
    else:
        old, new = (c.old or {}).get(name), (c.new or {}).get(name)
        what = f"{c.label}: {name} revised {_text(old)} \u2192 {_text(new)}"
        code = "revision-without-reason"
    why = (
        "with a reason already logged for this value in an earlier version"
        if stale
        else "without a reason"
    )
    return Issue(
        code,
        f"{what} {why}: add an entry to {shown} (table: {c.table}, key: {{{keys}}}, "
        "reason: ...), or a where: selection or the whole table, or give the release "
        "one with --reason",
        path=path,
        resource=c.table,
        field=None if c.kind == "removal" else name,
    )


def _text(value: str | None) -> str:
    return "(missing)" if value is None else value
