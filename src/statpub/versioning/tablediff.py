"""Two versions of one table: schema, header, key and rows compared, each change typed.

The fields are those the schemas share (:func:`diff_schema`), each read from
the column ``fieldsMatch`` maps it to (by position by default). A column
whose header changed is reported as ``header-renamed`` and still compared by
position; a field with no column on a side is left out of the comparison,
with a note, rather than read as empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from statpub.errors import InvalidInput, StatpubError
from statpub.package import Package, Resource
from statpub.versioning.change import Change
from statpub.versioning.keys import (
    KeyChoice,
    candidates,
    declared,
    given_key,
    infer,
    shortlist,
)
from statpub.versioning.rows import Columns, RowComparison, compare_rows
from statpub.versioning.schemadiff import as_list, diff_schema, lexical_rules
from statpub.versioning.sides import TEXT_FORMATS, Compared, Plan, Side, header, key_hashes
from statpub.versioning.sides import read_side as _read_side

NUMERIC = ("integer", "number", "year")


@dataclass
class TableDiff:
    """What the comparison of one table found: its changes, notes and the row comparison."""

    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    key: KeyChoice | None = None
    comparison: RowComparison | None = None


def diff_table(
    old: Package,
    new: Package,
    o: Resource,
    n: Resource,
    *,
    limit: int | None,
    key: list[str] | None = None,
    referenced: set[str] | None = None,
) -> TableDiff:
    """Compare resource ``o`` of ``old`` with ``n`` of ``new`` (both readable tables)."""
    assert o.schema is not None and n.schema is not None
    name = str(n.name)
    out = TableDiff()
    schema_changes, common = diff_schema(name, o.schema, n.schema)
    out.changes += schema_changes
    old_labels, old_at = header(o)
    new_labels, new_at = header(n)
    out.changes += _headers(n, common, (old_labels, old_at), (new_labels, new_at))
    compared = []
    for a, b in common:
        missing = [
            (res, f)
            for res, f, at in ((o, a, old_at), (n, b, new_at))
            if at is not None and f not in at
        ]
        for res, f in missing:
            out.notes.append(
                f"{name}: field {f!r} has no column in {res.label}; its values were not compared"
            )
        if not missing:
            compared.append((a, b))
    out.key = _choose_key(name, o.schema, n.schema, common, key)
    back = {b: a for a, b in compared}
    if out.key.fields is not None and not all(k in back for k in out.key.fields):
        out.notes.append(
            f"{name}: the key {', '.join(out.key.fields)} has a field without a column in a "
            "file; rows were matched without it"
        )
        out.key = KeyChoice(None, "pending")
    modes = _modes(o.schema, n.schema, compared)
    text = _format(o) in TEXT_FORMATS and _format(n) in TEXT_FORMATS
    pool: list[str] = []
    if out.key.source == "pending":
        usable = {b for _, b in compared}
        pool = candidates([f for f in n.schema["fields"] if isinstance(f, dict)], usable)
    key_new = out.key.fields  # None while the key is pending
    old_plan = Plan(
        [Compared(a, m) for (a, _), m in zip(compared, modes, strict=True)],
        [back[k] for k in key_new] if key_new else None,
        [back[c] for c in pool],
        text,
    )
    new_plan = Plan(
        [Compared(b, m) for (_, b), m in zip(compared, modes, strict=True)],
        list(key_new) if key_new else None,
        pool,
        text,
    )
    old_side = _read(old, o, old_plan)
    if out.key.source == "pending":
        forward = {a: b for a, b in compared}
        sets, why = shortlist(old_side, old_plan.candidates)
        keep = {c for combo in sets for c in combo}
        old_side.columns = {c: h for c, h in old_side.columns.items() if c in keep}
        new_plan.candidates = [c for c in pool if back[c] in keep]
    new_side = _read(new, n, new_plan)
    if out.key.source == "pending":
        out.key = infer(new_side, [[forward[c] for c in combo] for combo in sets], why)
        if out.key.fields is not None:
            old_side.key = key_hashes(old_side, [back[k] for k in out.key.fields])
            new_side.key = key_hashes(new_side, out.key.fields)
    old_side.columns, new_side.columns = {}, {}  # the candidates' hashes are done with
    out.notes += _key_notes(name, out.key)
    columns = Columns(
        old_names=[f["name"] for f in o.schema["fields"]],
        new_names=[f["name"] for f in n.schema["fields"]],
        common=common,
        key=out.key.fields,
        compared=compared,
    )
    # A change log is read whole: every appended entry must be checked for its version.
    whole = "version" in as_list(n.schema.get("primaryKey"))
    c = compare_rows(columns, old_side, new_side, limit=None if whole else limit)
    out.comparison = c
    if c.duplicate_count:
        out.notes.append(
            f"{name}: {c.duplicate_count} row(s) repeat the key of an earlier row "
            f"({', '.join(out.key.fields or [])}); the first row of each key was compared"
        )
    quiet = not out.changes and old_labels == new_labels
    out.changes += row_changes(name, c, new, n.schema, referenced or set())
    if quiet and not c.changed and not c.cells_reformatted and text and _bytes_differ(o, n):
        out.changes.append(
            Change(
                "file-reformatted",
                "patch",
                "the file's bytes changed but every cell reads the same (line ends, quoting "
                "or the like)",
                name,
            )
        )
    return out


def _format(res: Resource) -> str:
    return res.spec.format if res.spec is not None else str(res.format)


def _read(pkg: Package, res: Resource, plan: Plan) -> Side:
    try:
        return _read_side(res, plan)
    except InvalidInput as exc:
        first = exc.issues[0] if exc.issues else None
        why = f"{first.where()}: {first.message}" if first else exc.summary
        raise StatpubError(
            f"{pkg.label}: cannot read resource {res.name!r} ({why})", code="package-unreadable"
        ) from exc


def _choose_key(
    name: str,
    old: dict[str, Any],
    new: dict[str, Any],
    common: list[tuple[str, str]],
    given: list[str] | None,
) -> KeyChoice:
    """The declared primary key; else ``--key``; else "pending": to be inferred from the rows."""
    found = declared(old, new, common)
    if given is not None:
        given = given_key(name, {name: given}, common)
    if found is not None:
        if given is not None and given != found:
            raise StatpubError(
                f"--key {name}={','.join(given or [])}: {name!r} declares the primary key "
                f"{','.join(found)}, and rows are matched by it; drop --key for this table "
                "(it is for tables without a primaryKey)",
                code="key-declared",
            )
        return KeyChoice(found, "primaryKey")
    if given is not None:
        return KeyChoice(given, "--key")
    return KeyChoice(None, "pending")


def _key_notes(name: str, key: KeyChoice) -> list[str]:
    override = f"give --key {name}=FIELD,FIELD to match by other fields"
    if key.source == "inferred":
        return [
            f"{name}: no primary key declared; rows matched by {', '.join(key.fields or [])}, "
            f"found unique and never missing in both versions ({override})"
        ]
    if key.fields is None:
        return [
            f"{name}: no primary key declared and none found ({key.why}); rows matched by "
            "their full content, so an edited row shows as one removed and one added "
            f"({override.replace('other fields', 'key')})"
        ]
    return []


def _modes(old: dict[str, Any], new: dict[str, Any], compared: list[tuple[str, str]]) -> list[str]:
    """How each compared field's values meet: by value, as numbers when the type moved
    between integer and number, or by their text when it changed otherwise, or when the
    rules reading its text changed (a date's ``format`` from ``any`` to the default): the
    same text in both files then denotes the same value, though one side may not read it."""
    fields_old = {f.get("name"): f for f in old["fields"] if isinstance(f, dict)}
    fields_new = {f.get("name"): f for f in new["fields"] if isinstance(f, dict)}
    modes = []
    for a, b in compared:
        fa, fb = fields_old.get(a, {}), fields_new.get(b, {})
        ta, tb = fa.get("type", "any"), fb.get("type", "any")
        if ta == tb and lexical_rules(fa) == lexical_rules(fb):
            modes.append("value")
        elif ta == tb:
            modes.append("text")
        elif ta in NUMERIC and tb in NUMERIC:
            modes.append("float")
        else:
            modes.append("text")
    return modes


Header = tuple[list[str] | None, dict[str, int] | None]


def _headers(n: Resource, common: list[tuple[str, str]], old: Header, new: Header) -> list[Change]:
    """A column whose header changed while its field did not (or not to the same name)."""
    (old_labels, old_at), (new_labels, new_at) = old, new
    if not old_labels or not new_labels or old_at is None or new_at is None:
        return []
    out = []
    for a, b in common:
        i = old_at.get(a)
        j = new_at.get(b, i)  # by name, a renamed header leaves the field without a column
        if i is None or j is None or i >= len(old_labels) or j >= len(new_labels):
            continue
        was, now = old_labels[i], new_labels[j]
        if was == now or (was == a and now == b):
            continue
        out.append(
            Change(
                "header-renamed",
                "major",
                f"column {j + 1} of {n.label} is now headed {now!r} (was {was!r}) while the "
                f"schema's field is {b!r}: consumers reading the file by its header break; "
                "its values are compared as the schema's fieldsMatch maps them",
                str(n.name),
                b,
                was,
                now,
            )
        )
    return out


def _bytes_differ(o: Resource, n: Resource) -> bool:
    if len(o.files) != len(n.files):
        return True
    for a, b in zip(o.files, n.files, strict=True):
        if a.stat().st_size != b.stat().st_size:
            return True
        with a.open("rb") as fa, b.open("rb") as fb:
            while True:
                x, y = fa.read(1 << 20), fb.read(1 << 20)
                if x != y:
                    return True
                if not x:
                    break
    return False


def row_changes(
    name: str, c: RowComparison, new: Package, schema: dict[str, Any], referenced: set[str]
) -> list[Change]:
    out: list[Change] = []
    if c.added_count:
        if _is_own_log(c, schema, new.version):
            out.append(
                Change(
                    "log-entries-added",
                    "none",
                    f"{c.added_count} entries for version {new.version} were added to the "
                    "package's own change log",
                    name,
                )
            )
        else:
            out.append(
                Change(
                    "rows-added",
                    "minor",
                    f"{c.added_count} row(s) added",
                    name,
                    None,
                    c.old_rows,
                    c.new_rows,
                )
            )
    if c.removed_count:
        hit = bool(referenced)
        why = (
            " that another resource references (the recipe: deleting referenced data is MAJOR)"
            if hit
            else ""
        )
        out.append(
            Change(
                "rows-removed",
                "major" if hit else "minor",
                f"{c.removed_count} row(s) removed{why}",
                name,
                None,
                c.old_rows,
                c.new_rows,
            )
        )
    if c.revised_count:
        touched = {f for r in c.revised for f in r.fields}
        hit_fields = sorted(touched & referenced)
        if hit_fields:
            out.append(
                Change(
                    "referenced-data-changed",
                    "major",
                    f"values of {', '.join(hit_fields)} changed, which another resource references",
                    name,
                )
            )
        out.append(
            Change(
                "cells-revised",
                "patch",
                f"{c.cells_revised} value(s) in {c.revised_count} row(s) corrected",
                name,
            )
        )
    if c.cells_reformatted:
        out.append(
            Change(
                "cells-reformatted",
                "patch",
                f"{c.cells_reformatted} cell(s) in {c.reformatted_count} row(s) written "
                "differently with the same value (format only, such as 1.0 -> 1 in a number "
                "or CRLF -> LF in a text)",
                name,
            )
        )
    return out


def _is_own_log(c: RowComparison, schema: dict[str, Any], version: str | None) -> bool:
    """Rows only appended, each stamped with the new package version: a change log, not data."""
    if version is None or c.removed_count or c.revised_count or c.truncated:
        return False
    versioned = "version" in as_list(schema.get("primaryKey"))
    return versioned and all(r.get("version") == version for r in c.added)
