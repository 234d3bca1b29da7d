"""The DataStore actions of the in-memory CKAN (mixed into ckan_fake.FakeCKAN).

Copies CKAN 2.11's DataStore as seen on the test stack: ``datastore_create``
refuses an uploaded resource without ``force`` and, on an existing table, adds
new columns and replaces the data dictionary but keeps each existing column's
type; ``primary_key`` is a unique index; datastore_info reports ``json``
columns as ``nested``; datastore_search returns integers and numbers as JSON
numbers (a NaN as the string "NaN"), dates as ``YYYY-MM-DD``, timestamps to the
second.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from statpub.errors import StatpubError


class FakeDataStore:
    def __init__(self, *, datastore: bool = True) -> None:
        self.datastore = datastore
        self.rows_max = 32000  # datastore_search's cap on limit (ckan.datastore.search.rows_max)
        # resource id -> {"fields": [...], "key": [...], "rows": [{_id, ...}], "next": int}
        self.tables: dict[str, dict[str, Any]] = {}

    def _resource(self, rid: str) -> tuple[dict[str, Any], dict[str, Any]]:
        raise NotImplementedError

    def extensions(self) -> list[str]:
        return ["activity", "datastore"] if self.datastore else ["activity"]

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("_datastore_") and not object.__getattribute__(self, "datastore"):
            raise AttributeError(name)  # an unknown action, as without the plugin
        return object.__getattribute__(self, name)

    # helpers for assertions
    def table_rows(self, rid: str) -> list[dict[str, Any]]:
        """The rows as datastore_search returns them, without _id, in _id order."""
        t = self.tables[rid]
        return [
            {f["id"]: _out(f["type"], r.get(f["id"])) for f in t["fields"]}
            for r in sorted(t["rows"], key=lambda r: r["_id"])
        ]

    # actions
    def _table(self, data: dict[str, Any]) -> dict[str, Any]:
        rid = data.get("resource_id") or data.get("id")
        if rid not in self.tables:
            raise KeyError(rid)
        return self.tables[str(rid)]

    def _writable(self, data: dict[str, Any]) -> dict[str, Any]:
        _, r = self._resource(data["resource_id"])
        if r.get("url_type") not in (None, "", "datastore") and not data.get("force"):
            raise StatpubError(
                "the portal rejected datastore_create: read-only: Cannot edit read-only resource",
                code="portal-error",
            )
        return r

    def _datastore_info(self, data: dict[str, Any], _: Any) -> dict[str, Any]:
        t = self._table(data)
        fields = []
        for f in t["fields"]:
            out = {"id": f["id"], "type": "nested" if f["type"] == "json" else f["type"]}
            if f.get("info"):
                out["info"] = dict(f["info"])
            out["schema"] = {"is_index": f["id"] in t["key"], "uniquekey": False}
            fields.append(out)
        return {"meta": {"count": len(t["rows"])}, "fields": fields}

    def _datastore_create(self, data: dict[str, Any], _: Any) -> dict[str, Any]:
        r = self._writable(data)
        rid = data["resource_id"]
        t = self.tables.setdefault(rid, {"fields": [], "key": [], "rows": [], "next": 1})
        have = {f["id"]: f for f in t["fields"]}
        for f in data.get("fields") or []:
            if f["id"] in have:
                if "info" in f:
                    have[f["id"]]["info"] = dict(f["info"])
            else:
                t["fields"].append(dict(f))
        if "primary_key" in data:
            t["key"] = list(data["primary_key"])
        self._insert(t, data.get("records") or [])
        r["datastore_active"] = True
        return {"resource_id": rid}

    def _datastore_upsert(self, data: dict[str, Any], _: Any) -> dict[str, Any]:
        self._writable(data)
        t = self._table(data)
        if data.get("method") == "insert":
            self._insert(t, data["records"])
            return {}
        if not t["key"]:
            raise StatpubError("table: unique key must be passed for update/upsert", code="x")
        for rec in data["records"]:
            values = self._typed(t, rec)
            hit = [r for r in t["rows"] if all(r[k] == values[k] for k in t["key"])]
            if hit:
                hit[0].update(values)
            else:
                self._insert(t, [rec])
        return {}

    def _datastore_records_delete(self, data: dict[str, Any], _: Any) -> dict[str, Any]:
        self._writable(data)
        t = self._table(data)
        filters = data["filters"]
        if set(filters) == {"_id"}:  # the rows a release removes
            gone = set(filters["_id"])
            t["rows"] = [r for r in t["rows"] if r["_id"] not in gone]
        else:  # the lease (statpub.publish.lock): by equal values
            t["rows"] = [r for r in t["rows"] if not _matches(r, filters)]
        return {}

    def _datastore_delete(self, data: dict[str, Any], _: Any) -> dict[str, Any]:
        r = self._writable(data)
        self._table(data)
        assert "filters" not in data
        del self.tables[data["resource_id"]]
        r["datastore_active"] = False
        return {}

    def _datastore_search(self, data: dict[str, Any], _: Any) -> dict[str, Any]:
        t = self._table(data)
        types = {"_id": "int", **{f["id"]: f["type"] for f in t["fields"]}}
        ids = data.get("fields") or list(types)
        assert data.get("records_format") == "lists"
        assert data.get("sort") == "_id" or data.get("filters")
        rows = sorted(t["rows"], key=lambda r: r["_id"])
        rows = [r for r in rows if _matches(r, data.get("filters") or {})]
        offset = int(data.get("offset") or 0)
        limit = min(int(data.get("limit") or 100), self.rows_max)
        page = [[_out(types[i], r.get(i)) for i in ids] for r in rows[offset : offset + limit]]
        out: dict[str, Any] = {"records": page, "fields": [{"id": i} for i in ids]}
        if data.get("include_total", True):
            out["total"] = len(rows)
        return out

    def _insert(self, t: dict[str, Any], records: list[dict[str, Any]]) -> None:
        for rec in records:
            values = self._typed(t, rec)
            if t["key"] and any(all(r[k] == values[k] for k in t["key"]) for r in t["rows"]):
                raise StatpubError(
                    "records: duplicate key value violates unique", code="portal-error"
                )
            t["rows"].append({"_id": t["next"], **values})
            t["next"] += 1

    def _typed(self, t: dict[str, Any], rec: dict[str, Any]) -> dict[str, Any]:
        types = {f["id"]: f["type"] for f in t["fields"]}
        unknown = set(rec) - set(types)
        assert not unknown, f"fields {unknown} do not exist"
        return {k: _in(types[k], v) for k, v in rec.items()}


def _matches(row: dict[str, Any], filters: dict[str, Any]) -> bool:
    return all(str(row.get(k)) == str(v) for k, v in filters.items())


def _in(dstype: str, v: Any) -> Any:
    """A sent value as PostgreSQL stores it ('' is NULL except in text, as in CKAN)."""
    if v is None or (v == "" and dstype != "text"):
        return None
    if dstype in ("int8", "int4"):
        return int(v)
    if dstype == "numeric":
        return decimal.Decimal(str(v))
    if dstype == "bool":
        assert isinstance(v, bool)
        return v
    if dstype == "date":
        return dt.date.fromisoformat(str(v))
    if dstype == "timestamp":
        return dt.datetime.fromisoformat(str(v))
    return v


def _out(dstype: str, v: Any) -> Any:
    """A stored value as datastore_search returns it."""
    if v is None:
        return None
    if dstype == "numeric":
        if v.is_nan():
            return "NaN"
        return int(v) if v == v.to_integral_value() else float(v)
    if dstype == "date":
        return v.isoformat()
    if dstype == "timestamp":
        return v.replace(microsecond=0).isoformat()
    return v
