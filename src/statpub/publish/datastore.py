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
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from statpub.errors import StatpubError
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
READ_ROWS = 10000  # rows per datastore_search page
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
    local: list[list[Any]] | None = None  # the CSV's rows as sent; None when not needed
    source: Resource | None = None  # a new table: its rows are streamed from here at apply
    total: int = 0  # rows in the CSV (when source is set)
    remote: list[list[Any]] | None = None  # [_id, *values] read back; None when not read


@dataclass
class DataStoreState:
    tables: dict[str, TableState]  # by resource name


def datastore_tables(
    package: Package, specs: list[ResourceSpec]
) -> dict[str, tuple[Table, Resource]]:
    """The resources loaded into the DataStore (the CSV of each table), by resource name."""
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
        out[spec.name] = (Table(spec.name, fields, key, digest), res)
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


def read_rows(res: Resource, fields: list[dict[str, Any]]) -> list[list[Any]]:
    """The table's rows as the DataStore takes them, read by the one reader.

    A missing value (the schema's ``missingValues``) is None, so NULL.
    """
    return [row for batch in iter_rows(res, fields, INSERT_ROWS) for row in batch]


def iter_rows(res: Resource, fields: list[dict[str, Any]], size: int) -> Iterator[list[list[Any]]]:
    """The rows in batches of ``size``: only one batch at a time is held as Python values
    (the table itself is held in Arrow's columnar form, as the one reader returns it)."""
    from statpub.package.tables import read_table

    table = read_table(res)
    schema = res.schema or {}
    types = {str(f.get("name")): str(f.get("type") or "any") for f in schema.get("fields") or []}
    casts = [_TO_DATASTORE.get(types[f["id"]], _same) for f in fields]
    names = [f["id"] for f in fields]
    for batch in table.select(names).to_batches(max_chunksize=size):
        columns = [
            [None if v is None else cast(v) for v in batch.column(i).to_pylist()]
            for i, cast in enumerate(casts)
        ]
        yield [list(row) for row in zip(*columns, strict=True)]


def count_rows(res: Resource) -> int:
    from statpub.package.tables import read_table

    return int(read_table(res).num_rows)


def _same(v: Any) -> Any:
    return v


def _number(v: float) -> str:
    from statpub.tables.csvio import format_number

    return format_number(v)  # the CSV's own text: numeric keeps exactly these digits


def _timestamp(v: dt.datetime) -> str:
    if v.tzinfo is not None:  # the DataStore's timestamp has no zone: UTC
        v = v.astimezone(dt.UTC).replace(tzinfo=None)
    return v.isoformat()


_TO_DATASTORE: dict[str, Any] = {
    "integer": int,
    "year": int,
    "number": _number,
    "boolean": bool,
    "date": lambda v: v.isoformat(),
    "time": lambda v: v.isoformat(),
    "datetime": _timestamp,
    "yearmonth": lambda v: f"{v // 12:04d}-{v % 12 + 1:02d}",
    "object": json.loads,
    "array": json.loads,
    "geojson": json.loads,
}


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
    for name, (table, res) in datastore_tables(package, resource_specs(package)).items():
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
        if st.fields is None:  # a new table: nothing to compare, rows streamed at apply
            st.source, st.total = res, count_rows(res)
        elif not _in_step(st):
            st.local = read_rows(res, table.fields)
            if (
                st.fields is not None
                and table.primary_key
                and _same_definition(st)
                and st.count <= _read_limit(st.local)
            ):
                st.remote = _read_back(portal, str(st.resource_id), table, _read_limit(st.local))
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


def _read_limit(local: list[list[Any]]) -> int:
    """The most rows worth reading back: beyond, loading the table again costs less."""
    return 2 * len(local) + 10_000


def _read_back(portal: ActionAPI, resource_id: str, table: Table, limit: int) -> list[list[Any]]:
    ids = ["_id", *(f["id"] for f in table.fields)]
    rows: list[list[Any]] = []
    total: int | None = None
    pages = 0
    while total is None or len(rows) < total:
        pages += 1
        if len(rows) > limit or pages > limit // READ_ROWS + 2:
            raise StatpubError(
                f"{portal.url}: datastore_search of {table.name!r} keeps answering rows past "
                f"the {limit} the table can hold; check the portal's DataStore",
                code="portal-error",
            )
        page = portal.call(
            "datastore_search",
            {
                "resource_id": resource_id,
                "fields": ids,
                "sort": "_id",
                "limit": READ_ROWS,
                "offset": len(rows),
                "records_format": "lists",
                "include_total": total is None,
            },
        )
        if total is None:
            total = int(page.get("total") or 0)
        got = page.get("records") or []
        if any(len(r) != len(ids) for r in got):
            raise StatpubError(
                f"{portal.url}: datastore_search of {table.name!r} answered rows of another "
                "width than the fields asked for; check the portal's DataStore",
                code="portal-error",
            )
        if not got:  # the portal caps the page size, or the table shrank meanwhile
            break
        rows.extend(list(r) for r in got)
    return rows


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
    assert st.local is not None, "read_datastore reads the rows of every table out of step"
    rows = st.local
    why = _reload_reason(st)
    if why is not None:
        return Action(
            RELOAD, DATASTORE, t.name, rid, (why,), fields={**payload, "insert": rows},
            rows={"total": len(rows), "added": len(rows), "revised": 0, "removed": st.count},
        )  # fmt: skip
    assert st.remote is not None
    upsert, revised, delete = _row_changes(t, rows, st.remote)
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
        "total": len(rows), "added": len(upsert) - revised, "revised": revised,
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
    if st.remote is None:
        return f"the table holds {st.count} rows, far more than the CSV: loaded again"
    keys = [_key(t, r[1:]) for r in st.remote]
    if len(set(keys)) != len(keys):
        return "the table holds rows with the same key"
    return None


def _key(t: Table, values: list[Any]) -> tuple[Any, ...]:
    at = {f["id"]: i for i, f in enumerate(t.fields)}
    return tuple(_norm(t.fields[at[k]]["type"], values[at[k]]) for k in t.primary_key)


def _row_changes(
    t: Table, local: list[list[Any]], remote: list[list[Any]]
) -> tuple[list[list[Any]], int, list[int]]:
    """(rows to upsert, how many of them are revisions, _ids to delete)."""
    types = [f["type"] for f in t.fields]

    def norm(values: list[Any]) -> tuple[Any, ...]:
        return tuple(_norm(ty, v) for ty, v in zip(types, values, strict=True))

    held = {_key(t, r[1:]): (r[0], norm(r[1:])) for r in remote}
    upsert, revised = [], 0
    wanted = set()
    for row in local:
        k = _key(t, row)
        wanted.add(k)
        have = held.get(k)
        if have is None:
            upsert.append(row)
        elif have[1] != norm(row):
            upsert.append(row)
            revised += 1
    delete = [int(i) for k, (i, _) in held.items() if k not in wanted]
    return upsert, revised, sorted(delete)


def _norm(dstype: str, v: Any) -> Any:
    """One value as sent or as datastore_search returns it, in a form both compare by."""
    if v is None:
        return None
    if dstype in ("int8", "int4"):
        return int(v)
    if dstype == "numeric":
        return _number(float(v))
    if dstype == "bool":
        return bool(v)
    if dstype == "date":
        return str(v)[:10]
    if dstype == "timestamp":  # datastore_search shows whole seconds
        return dt.datetime.fromisoformat(str(v)).replace(microsecond=0).isoformat()
    if dstype == "time":
        return dt.time.fromisoformat(str(v)).isoformat()
    if dstype == "json":
        return json.dumps(v, sort_keys=True, ensure_ascii=False)
    return str(v)


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
        rows = action.fields.get("insert")
        batches = (
            _chunks(rows, INSERT_ROWS)
            if rows is not None
            else iter_rows(action.fields["source"], t.fields, INSERT_ROWS)
        )
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
