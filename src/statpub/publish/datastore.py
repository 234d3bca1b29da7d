"""Each table's CSV in CKAN's DataStore, typed by its Table Schema and kept in step.

``read_datastore`` reads (never writes) what the portal's DataStore holds for
each table; ``plan_table`` turns that into one action (pure); ``apply_table``
carries it out.

How statpub knows what the DataStore holds:

* After a confirmed load, the resource records ``datastore_digest``: a sha256
  of the loaded CSV's sha256, the DataStore fields (types and data dictionary)
  and the primary key. Before any write to a table the record is cleared, so a
  recorded digest always means a finished load.
* Every run also reads ``datastore_info``: a table that was dropped, or
  reloaded with other types or descriptions (by a person, XLoader or
  DataPusher), is noticed even though the digest still matches.
* When either differs, the rows are read back (``datastore_search``) and
  compared with the CSV by primary key, so that only revised and added rows
  are upserted and only removed rows deleted. A table whose fields, types or
  key differ, or that has no primary key, is loaded again in full.

The rows themselves go through :mod:`statpub.publish.datastore_rows` in
batches: neither side of a table is ever held whole.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from statpub.errors import StatpubError
from statpub.publish.datastore_rows import RowDiff, compare, count_rows, iter_rows, row_source
from statpub.publish.plan import DATASTORE, LOAD, PATCH, RELOAD, SKIP, UPDATE, Action

if TYPE_CHECKING:
    from statpub.package import Package, Resource
    from statpub.publish.ckan import PortalState
    from statpub.publish.ckan_fields import ResourceSpec
    from statpub.publish.portal import ActionAPI

DIGEST_FIELD = "datastore_digest"
ROWS_FIELD = "datastore_rows"  # the row count verified with the digest
MAPPING = 1  # raise when the mapping below changes: every table is then compared again
# Table Schema type -> DataStore (PostgreSQL) type
TYPES = {
    "string": "text",
    "integer": "int8",
    "number": "numeric",
    "boolean": "bool",
    "date": "date",
    "datetime": "timestamp",
    "time": "time",
    "year": "int4",
    "yearmonth": "text",  # 2025-06
    "duration": "text",  # ISO 8601, as written
    "object": "json",
    "array": "json",
    "geojson": "json",
    "geopoint": "text",  # as written
    "list": "text",  # as written, with its delimiter
    "any": "text",
}
# datastore_info names CKAN's json type by the type it is stored as
_INFO_TYPES = {"nested": "json"}
INSERT_ROWS = 5000  # rows per datastore_create / insert call
UPSERT_ROWS = 1000  # rows per upsert call (CKAN runs one statement per row)
DELETE_ROWS = 1000  # _id values per datastore_records_delete call
MAX_NAME = 63  # PostgreSQL truncates longer column names


@dataclass(frozen=True)
class Table:
    """A table as the DataStore should hold it."""

    name: str  # the resource's name on the portal
    fields: list[dict[str, Any]]  # datastore_create's fields: id, type, info
    primary_key: list[str]
    digest: str


@dataclass
class TableState:
    """One table: what it should be, and what the portal holds (read by read_datastore)."""

    table: Table
    resource_id: str | None  # None: the resource is created by this run
    recorded: str = ""  # the digest recorded on the resource
    recorded_rows: int | None = None  # the row count recorded with it
    fields: list[dict[str, Any]] | None = None  # datastore_info's fields; None: no table
    indexed: set[str] = field(default_factory=set)
    count: int = 0
    # a table out of step: where its rows are read from (the CSV or its Parquet copy),
    # streamed at apply, and how many it has
    source: Resource | None = None
    total: int = 0
    diff: RowDiff | None = None  # the rows compared by key; None when not compared


@dataclass
class DataStoreState:
    tables: dict[str, TableState]  # by resource name


def datastore_tables(
    package: Package, specs: list[ResourceSpec]
) -> dict[str, tuple[Table, Resource]]:
    """The resources loaded into the DataStore (the CSV of each table), by resource name,
    each with the resource its rows are read from (the CSV, or its Parquet copy)."""
    from statpub.package.languages import languages

    out: dict[str, tuple[Table, Resource]] = {}
    # Declared languages: each label and description in all of them (docs/publishing.md).
    langs = languages(package.descriptor) if "languages" in package.descriptor else []
    for spec in specs:
        res = spec.file.resource
        if res is None or res.format != "csv" or res.spec is None or spec.schema is None:
            continue
        fields = [_field(f, res, langs) for f in spec.schema.get("fields") or []]
        key = list(res.spec.primary_key)
        digest = hashlib.sha256(
            json.dumps(
                {"mapping": MAPPING, "csv": spec.file.sha256, "fields": fields, "key": key},
                sort_keys=True,
                ensure_ascii=False,
            ).encode()
        ).hexdigest()
        # the rows are the CSV's, read from its Parquet copy when there is one
        out[spec.name] = (Table(spec.name, fields, key, digest), row_source(package, res))
    return out


def _field(f: dict[str, Any], res: Resource, langs: list[str]) -> dict[str, Any]:
    name = str(f.get("name") or "")
    if (
        not name
        or name != name.strip()
        or name.startswith("_")
        or '"' in name
        or len(name.encode()) > MAX_NAME
    ):
        raise StatpubError(
            f"{res.label}: field {name!r} cannot be a DataStore column (CKAN refuses names "
            f"that start with '_', contain '\"', have surrounding spaces or exceed {MAX_NAME} "
            "bytes); rename the field, or publish with --no-datastore",
            code="datastore-field-name",
        )
    from statpub.package.languages import translations

    info: dict[str, Any] = {}
    if f.get("title"):
        info["label"] = str(f["title"])
    if f.get("description"):
        info["notes"] = str(f["description"])
    for key, own in (("title", "label"), ("description", "notes")):
        texts = translations(f, key, langs) if len(langs) > 1 else {}
        if len(texts) > 1:  # ckanext-fluent's naming: the texts by language, default included
            info[f"{own}_translated"] = texts
    return {"id": name, "type": TYPES.get(str(f.get("type") or "any"), "text"), "info": info}


# -- reading the portal -----------------------------------------------------------------


def read_datastore(portal: ActionAPI, state: PortalState, package: Package) -> DataStoreState:
    """What the DataStore holds for each of the package's tables. Reads only.

    Raises StatpubError ``portal-no-datastore`` when the portal has no DataStore.
    """
    from statpub.publish.ckan_fields import resource_specs

    require_datastore(portal)
    current: dict[str, dict[str, Any]] = {}
    for r in sorted((state.dataset or {}).get("resources") or [], key=_position):
        current.setdefault(str(r.get("name") or ""), r)
    out: dict[str, TableState] = {}
    for name, (table, source) in datastore_tables(package, resource_specs(package)).items():
        r = current.get(name)
        st = TableState(table, r["id"] if r else None, str((r or {}).get(DIGEST_FIELD) or ""))
        st.recorded_rows = _int_or_none((r or {}).get(ROWS_FIELD))
        if r is not None:
            info = portal.call("datastore_info", {"id": r["id"]}, missing_ok=True)
            if info is not None:
                st.fields = [f for f in info.get("fields") or [] if f.get("id") != "_id"]
                st.indexed = {
                    str(f["id"]) for f in st.fields if (f.get("schema") or {}).get("is_index")
                }
                st.count = int((info.get("meta") or {}).get("count") or 0)
        if st.fields is None or not _in_step(st):  # rows streamed at apply
            st.source = source
            st.total = count_rows(st.source)
        if (
            st.fields is not None
            and st.source is not None
            and table.primary_key
            and _same_definition(st)
            and st.count <= 2 * st.total + 10_000  # beyond, loading again costs less
        ):
            st.diff = compare(
                portal, str(st.resource_id), name, table.fields, table.primary_key,
                st.source, st.total, st.count,
            )  # fmt: skip
        out[name] = st
    return DataStoreState(out)


def require_datastore(portal: ActionAPI) -> None:
    """Raise ``portal-no-datastore`` unless the portal runs the datastore plugin. Reads only."""
    status = portal.call("status_show") or {}
    extensions = status.get("extensions")
    if isinstance(extensions, list) and "datastore" not in extensions:
        raise no_datastore(portal.url, extensions)


def no_datastore(url: str, extensions: list[Any] | None = None) -> StatpubError:
    listed = f" (its plugins: {', '.join(map(str, extensions)) or 'none'})" if extensions else ""
    return StatpubError(
        f"{url}: the portal has no DataStore{listed}: the tables cannot be made queryable. "
        "Ask the portal's administrators to enable the datastore plugin, or publish the "
        "files only with --no-datastore",
        code="portal-no-datastore",
    )


def _int_or_none(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _position(r: dict[str, Any]) -> int:
    return int(r.get("position") or 0)


# -- planning (pure) --------------------------------------------------------------------


def _definition(fields: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(str(f["id"]), _INFO_TYPES.get(str(f.get("type")), str(f.get("type")))) for f in fields]


def _same_definition(st: TableState) -> bool:
    """Same columns, types and key (the only index statpub makes): rows can be upserted."""
    assert st.fields is not None
    key = st.table.primary_key
    return _definition(st.fields) == _definition(st.table.fields) and st.indexed == set(key)


def _same_dictionary(st: TableState) -> bool:
    """The labels and descriptions statpub writes (a portal may keep more keys in ``info``)."""
    assert st.fields is not None
    return [_own(f.get("info")) for f in st.fields] == [f["info"] for f in st.table.fields]


OWN_INFO = ("label", "notes", "label_translated", "notes_translated")


def _own(info: Any) -> dict[str, Any]:
    info = info if isinstance(info, dict) else {}
    return {k: info[k] for k in OWN_INFO if info.get(k)}


def _in_step(st: TableState) -> bool:
    # the digest is trusted only with the row count the DataStore reports now
    return (
        st.fields is not None
        and st.recorded == st.table.digest
        and st.recorded_rows == st.count
        and _same_definition(st)
        and _same_dictionary(st)
    )


def plan_table(st: TableState) -> Action:
    """The one action that makes the DataStore table ``st`` hold its CSV."""
    t = st.table
    rid = st.resource_id
    if _in_step(st):
        return Action(SKIP, DATASTORE, t.name, rid)
    payload: dict[str, Any] = {"table": t, "clear": bool(st.recorded)}
    if st.fields is None:
        assert st.source is not None, "read_datastore finds the source of every new table"
        n = st.total
        return Action(
            LOAD, DATASTORE, t.name, rid, ("new table",), fields={**payload, "source": st.source},
            rows={"total": n, "added": n, "revised": 0, "removed": 0},
        )  # fmt: skip
    assert st.source is not None, "read_datastore finds the source of every table out of step"
    n = st.total
    why = _reload_reason(st)
    if why is not None:
        return Action(
            RELOAD, DATASTORE, t.name, rid, (why,), fields={**payload, "source": st.source},
            rows={"total": n, "added": n, "revised": 0, "removed": st.count},
        )  # fmt: skip
    assert st.diff is not None
    upsert, revised, delete = st.diff.upsert, st.diff.revised, st.diff.delete
    changes = []
    if revised:
        changes.append(f"{revised} revised")
    if len(upsert) > revised:
        changes.append(f"{len(upsert) - revised} added")
    if delete:
        changes.append(f"{len(delete)} removed")
    dictionary = not _same_dictionary(st)
    if dictionary:
        changes.append("data dictionary")
    counts = {
        "total": n, "added": len(upsert) - revised, "revised": revised,
        "removed": len(delete),
    }  # fmt: skip
    if not changes:  # the rows are there, the record is not (a run cut short after the load)
        return Action(PATCH, DATASTORE, t.name, rid, ("digest not recorded",),
                      fields=payload, rows=counts)  # fmt: skip
    fields = {**payload, "upsert": upsert, "delete": delete, "dictionary": dictionary}
    return Action(UPDATE, DATASTORE, t.name, rid, tuple(changes), fields=fields, rows=counts)


def _reload_reason(st: TableState) -> str | None:
    assert st.fields is not None
    t = st.table
    if _definition(st.fields) != _definition(t.fields):
        now = dict(_definition(st.fields))
        changed = [i for i, ty in _definition(t.fields) if now.get(i) != ty]
        gone = [i for i in now if i not in {f["id"] for f in t.fields}]
        names = ", ".join([*changed, *gone]) or "order"
        return f"fields differ ({names})"
    if not t.primary_key:
        return "no primary key: the rows cannot be matched"
    if st.indexed != set(t.primary_key):
        return "primary key differs"
    if st.diff is None:
        return f"the table holds {st.count} rows, far more than the CSV: loaded again"
    if st.diff.duplicate:
        return "the table holds rows with the same key"
    return None


# -- applying ---------------------------------------------------------------------------


def apply_table(action: Action, portal: ActionAPI, resource_id: str) -> None:
    """Carry out a DataStore action: clear the record, write, record the digest."""
    if action.verb == SKIP:
        return
    t: Table = action.fields["table"]
    base = {"resource_id": resource_id, "force": True}  # force: the resource is an upload
    if action.fields["clear"] and action.verb != PATCH:
        portal.call("resource_patch", {"id": resource_id, DIGEST_FIELD: ""})
    if action.verb == RELOAD:
        portal.call("datastore_delete", base, missing_ok=True)
    if action.verb in (LOAD, RELOAD):
        batches = iter_rows(action.fields["source"], t.fields, INSERT_ROWS)
        # the table first, without rows: the same call again changes nothing
        portal.call(
            "datastore_create", {**base, "fields": t.fields, "primary_key": t.primary_key},
            idempotent=True,
        )  # fmt: skip
        for chunk in batches:
            _insert(portal, base, t, chunk)
    elif action.verb == UPDATE:
        if action.fields["dictionary"]:  # the same columns: only the descriptions change
            portal.call("datastore_create", {**base, "fields": t.fields})
        for ids in _chunks(action.fields["delete"], DELETE_ROWS):
            portal.call("datastore_records_delete", {**base, "filters": {"_id": ids}})
        for chunk in _chunks(action.fields["upsert"], UPSERT_ROWS):
            portal.call(
                "datastore_upsert", {**base, "method": "upsert", "records": _records(t, chunk)},
                idempotent=True,
            )  # fmt: skip
    total = action.rows["total"] if action.rows else None
    if total is not None:
        info = portal.call("datastore_info", {"id": resource_id})
        held = (info.get("meta") or {}).get("count")
        if held != total:
            raise StatpubError(
                f"{portal.url}: the DataStore table of {t.name!r} holds {held} rows after the "
                f"load, not the CSV's {total}; its digest was not recorded, so the next run "
                "compares it again: run the same command again",
                code="portal-error",
            )
    portal.call(
        "resource_patch", {"id": resource_id, DIGEST_FIELD: t.digest, ROWS_FIELD: str(total)}
    )


def _insert(portal: ActionAPI, base: dict[str, Any], t: Table, chunk: list[list[Any]]) -> None:
    """Insert rows; after a transient failure, send them again as an upsert by the
    primary key, which has the same effect whether the first attempt went in or not."""
    try:
        portal.call("datastore_upsert", {**base, "method": "insert", "records": _records(t, chunk)})
    except StatpubError as exc:
        if exc.code != "portal-unreachable" or not t.primary_key:
            raise
        portal.call(
            "datastore_upsert", {**base, "method": "upsert", "records": _records(t, chunk)},
            idempotent=True,
        )  # fmt: skip


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _records(t: Table, rows: list[list[Any]]) -> list[dict[str, Any]]:
    ids = [f["id"] for f in t.fields]
    return [dict(zip(ids, row, strict=True)) for row in rows]
