"""The revisions log as the maintainer's side keeps it: ``figures/revisions.csv``.

``statpub release`` appends to it (never rewrites a past line); ``statpub build``
publishes it as ``data/revisions.csv``. Its fields are those of
``schemas/revisions.json``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from statpub.errors import StatpubError
from statpub.package.paths import open_regular
from statpub.report import Issue

REVISIONS_FILE = "revisions.csv"
LOG_FIELDS = (
    "version",
    "release_date",
    "indicator_id",
    "ref_area",
    "time_period",
    "field",
    "old_value",
    "new_value",
    "change_kind",
    "reason",
    "source_id",
    "previous_source_id",
)

# The log's primary key: one entry a version, figure and field.
LOG_KEY = ("version", "indicator_id", "ref_area", "time_period", "field")
# The log of any tables (statpub.versioning.tablechanges): a version, table, row and field.
TABLE_LOG_KEY = ("version", "table", "key", "field")


def log_key(row: dict[str, Any]) -> tuple[str, ...]:
    """An entry's key in the figure log, or in the log of any tables (it has ``table``)."""
    fields = TABLE_LOG_KEY if "table" in row and "indicator_id" not in row else LOG_KEY
    return tuple(str(row.get(k) or "") for k in fields)


def kept_entries(
    released: Sequence[dict[str, Any]],
    later: Sequence[dict[str, Any]],
    *,
    path: str,
    resource: str | None = None,
    released_in: str | None = None,
) -> list[Issue]:
    """Every entry of a released log is in a later one, unchanged: the log is append-only.

    Entries are matched by :data:`LOG_KEY`; ``later``'s rows are numbered as CSV
    lines after a header. ``released_in`` names where the released log was read.
    """
    now = {log_key(r): (line, r) for line, r in enumerate(later, start=2)}
    issues: list[Issue] = []
    for row in released:
        key = log_key(row)
        what = f"the {key[0]} entry for {' '.join(key[1:])}"
        if released_in:
            what += f" (as released in {released_in})"
        if key not in now:
            issues.append(
                Issue(
                    "revisions-log-deleted",
                    f"{what} was deleted; the revisions log is append-only: restore it",
                    path=path,
                    resource=resource,
                )
            )
            continue
        line, ours = now[key]
        changed = [k for k in row if (ours.get(k) or "") != (row[k] or "")]
        if changed:
            issues.append(
                Issue(
                    "revisions-log-edited",
                    f"{what} was edited ({', '.join(changed)}); the revisions log is "
                    "append-only: restore the released entry",
                    path=path,
                    resource=resource,
                    row=line,
                    field=changed[0],
                )
            )
    return issues


def read_revisions(figures_dir: Path) -> list[dict[str, Any]]:
    """Rows of ``figures/revisions.csv``, typed for the table (dates as dates), or none."""
    path = figures_dir / REVISIONS_FILE
    if not path.is_file() and not path.is_symlink():
        return []
    with open_regular(path) as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as fh:
        rows = [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(fh)]
    for n, row in enumerate(rows, start=2):
        try:
            row["release_date"] = dt.date.fromisoformat(str(row.get("release_date")))
        except ValueError as exc:
            raise StatpubError(
                f"{path}:{n}: release_date {row.get('release_date')!r} is not a YYYY-MM-DD date; "
                "this file is written by `statpub release`: restore it from git",
                code="revisions-log-invalid",
                path=path,
            ) from exc
    return rows


def log_text(
    rows: Sequence[dict[str, Any]], *, header: bool, fields: Sequence[str] = LOG_FIELDS
) -> str:
    """CSV lines for ``rows``, written as the published table is (RFC 4180, CRLF).

    ``fields``: the log's columns (the figure log's by default; a project of
    tables logs :data:`statpub.versioning.tablechanges.LOG_FIELDS`)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    if header:
        writer.writerow(fields)
    for row in rows:
        writer.writerow([_text(row.get(name)) for name in fields])
    return buf.getvalue()


def appended(
    path: Path, rows: Sequence[dict[str, Any]], fields: Sequence[str] = LOG_FIELDS
) -> bytes:
    """The bytes of ``path`` with ``rows`` appended; the existing bytes are kept as they are."""
    before = path.read_bytes() if path.is_file() else b""
    if before and not before.endswith(b"\n"):
        before += b"\r\n"
    return before + log_text(rows, header=not before, fields=fields).encode("utf-8")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
