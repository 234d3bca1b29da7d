"""A scaffolded table's primary key and foreign keys, found in its rows.

The primary key is the smallest set of dimension-like columns that is unique
and never missing, searched as ``statpub diff`` searches a table without a
declared key (:mod:`statpub.versioning.keys`). A column is a foreign key when
every value it holds is a value of another table's one-field primary key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from statpub.project.infer import Inference, Inferred

if TYPE_CHECKING:
    import numpy as np


@dataclass
class _Hashed:
    rows: int
    columns: dict[str, np.ndarray[Any, Any]] = field(default_factory=dict)
    nulls: dict[str, int] = field(default_factory=dict)


def add_primary_key(table: Inferred, schema_file: str) -> None:
    from statpub.versioning.keys import candidates, shortlist

    fields = table.schema["fields"]
    pool = candidates(fields, set(table.columns))
    hashed = _Hashed(table.rows)
    for name in pool:
        hashed.columns[name], hashed.nulls[name] = _cell_hashes(table, name)
    found, why = shortlist(hashed, pool)
    override = f'edit {schema_file}: "primaryKey" (a list of fields unique together)'
    if not found:
        table.notes.append(Inference(table.name, None, "primaryKey", None, why, override))
        return
    order = [f["name"] for f in fields]
    key = sorted(found[0], key=order.index)
    table.schema["primaryKey"] = key
    for f in fields:
        if f["name"] in key:
            f.setdefault("constraints", {})["required"] = True
    others = [", ".join(s) for s in found[1:]]
    why = "the smallest set of dimension-like columns unique in every row, none missing"
    if others:
        why += f" (also unique: {'; '.join(others)})"
    table.notes.append(Inference(table.name, None, "primaryKey", key, why, override))


# Types whose valid texts and values match one to one: their cells are hashed as written.
_TEXT_IS_VALUE = ("string", "date", "year", "yearmonth")


def _cell_hashes(table: Inferred, name: str) -> tuple[np.ndarray[Any, Any], int]:
    """The hash of each cell of column ``name``, and its missing cells. A text column whose
    texts are one to one with its values (:func:`_one_to_one`) is hashed by each cell's
    position among its distinct texts: no typed copy, no text hashed."""
    import numpy as np
    import pyarrow as pa

    from statpub.tables import arrow
    from statpub.tables import compute as pc
    from statpub.tables.hashing import column_hashes

    ftype = next(f["type"] for f in table.schema["fields"] if f["name"] == name)
    codes, distinct = table.codes.get(name, (None, None))
    if codes is None or distinct is None or not _one_to_one(ftype, distinct):
        values = table.value(name)
        return column_hashes(values)[0], values.null_count
    # The positions of the texts read as missing, and one more for a null cell.
    listed = pc.is_in(distinct, arrow.array(table.missing, pa.string()))
    missing = np.append(arrow.flags(listed), True)
    null = arrow.scalar(len(distinct), codes.type)
    parts = [
        arrow.numbers(pc.fill_null(c, null) if c.null_count else c).astype(np.int64)
        for c in codes.chunks
    ]
    at = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    # Wrapped, not converted: pa.array() of a NumPy array would import pandas.
    hashes = column_hashes(pa.Array.from_buffers(pa.int64(), len(at), [None, pa.py_buffer(at)]))[0]
    return hashes, int(missing[at].sum())


def _one_to_one(ftype: str, distinct: Any) -> bool:
    """Whether two texts of the column are one value only when they are one text: a type of
    ``_TEXT_IS_VALUE``, or integers written plainly (no ``+``, no ``-0``; integers with
    leading zeros were inferred as text)."""
    from statpub.tables import compute as pc

    if ftype in _TEXT_IS_VALUE:
        return True
    if ftype != "integer":
        return False
    signed = pc.or_(pc.starts_with(distinct, "+"), pc.equal(distinct, "-0"))
    return not pc.any(signed).as_py()


def add_foreign_keys(tables: list[Inferred], schema_files: dict[str, str]) -> None:
    """Link each column whose values all lie among another table's one-field key."""
    from statpub.tables import compute as pc

    keys = {
        t.name: t.schema["primaryKey"][0]
        for t in tables
        if len(t.schema.get("primaryKey") or []) == 1
    }
    types = {t.name: {f["name"]: f["type"] for f in t.schema["fields"]} for t in tables}
    for t in tables:
        for f in t.schema["fields"]:
            for other, key in keys.items():
                if other == t.name or types[other][key] != f["type"]:
                    continue
                column = t.value(f["name"])
                if column.null_count == len(column):
                    continue
                target = tables[[x.name for x in tables].index(other)].value(key)
                inside = pc.is_in(pc.drop_null(column), pc.unique(target))
                if not pc.all(inside).as_py():
                    continue
                fk = {"fields": [f["name"]], "reference": {"resource": other, "fields": [key]}}
                t.schema.setdefault("foreignKeys", []).append(fk)
                if f.pop("categories", None) is not None:  # the lookup table lists the codes
                    t.notes = [
                        n for n in t.notes if (n.field, n.property) != (f["name"], "categories")
                    ]
                t.notes.append(
                    Inference(
                        t.name, f["name"], "foreignKeys", fk["reference"],
                        f"every value of {f['name']} is a {key} of {other}",
                        f'edit {schema_files[t.name]}: delete the entry of "foreignKeys"',
                    )
                )  # fmt: skip
                break
