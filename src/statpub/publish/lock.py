"""One publisher at a time per dataset: a lease held in a DataStore table on the portal.

What CKAN makes atomic is PostgreSQL's: a DataStore table with a primary key
refuses a second row with the same key, whoever inserts it. So the lease is a
row with the key ``lease`` in the table of a resource named
:data:`LOCK_RESOURCE` on the dataset: a run holds the dataset while its row is
there, and another run's ``insert`` of the same key fails. The row says who
holds it (``holder``), since when and until when (``expires``). A lease past
its expiry is taken over by deleting that exact row (matched by its ``run``
id, so a fresh lease of a third run is never deleted) and inserting one's own.

Two runs that create the lock resource at the same moment make two of them
(CKAN does not refuse two resources of one name). Every run therefore takes
the lease in every lock resource of the dataset, in the order of their ids,
and checks afterwards that no new one appeared; a run that finds any of them
held gives back what it took. Two racing runs can both lose (each told so),
never both win.

The clock is the caller's: the library reads no wall clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from statpub.errors import StatpubError
from statpub.publish.portal import ActionAPI

LOCK_RESOURCE = "statpub-lock"
_KEY = "lease"
_FIELDS = [
    {"id": "key", "type": "text"},
    {"id": "run", "type": "text"},
    {"id": "holder", "type": "text"},
    {"id": "since", "type": "text"},
    {"id": "expires", "type": "numeric"},
]
_DESCRIPTION = (
    "Used by statpub so that one publisher at a time changes this dataset "
    "(a lease: who publishes, since when, until when). Do not delete it during a publish."
)
_ROUNDS = 8  # re-reads of the lock resources before giving up on a dataset that keeps changing


@dataclass
class Lease:
    dataset_id: str
    run: str
    holder: str
    since: str
    expires: float
    resources: list[str] = field(default_factory=list)  # lock resources whose row is ours
    taken_over: list[str] = field(default_factory=list)  # expired leases replaced, by holder


def is_lock(resource: dict[str, Any]) -> bool:
    return resource.get("name") == LOCK_RESOURCE


def _stamp(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def acquire(
    portal: ActionAPI,
    dataset_id: str,
    *,
    run: str,
    holder: str,
    now: float,
    ttl: float,
    force: bool = False,
) -> Lease:
    """Take the dataset's lease for ``ttl`` seconds from ``now`` (epoch seconds), or raise
    ``portal-locked`` naming who holds it and since when. With ``force``, a lease not
    yet expired is taken over too (its run is known to be dead)."""
    from statpub.publish.datastore import require_datastore

    require_datastore(portal)  # before anything is written: the lease lives there
    lease = Lease(dataset_id, run, holder, _stamp(now), now + ttl)
    try:
        for _ in range(_ROUNDS):
            locks = _lock_resources(portal, dataset_id)
            if not locks:
                _create_lock_resource(portal, dataset_id)
                continue
            todo = [rid for rid in locks if rid not in lease.resources]
            if not todo:
                return lease
            for rid in todo:
                _take(portal, rid, lease, now, force)
                lease.resources.append(rid)
        raise StatpubError(
            f"{portal.url}: the lock of dataset {dataset_id} kept changing while it was being "
            "taken; run the same command again",
            code="portal-locked",
        )
    except BaseException:
        release(portal, lease)
        raise


def release(portal: ActionAPI, lease: Lease) -> list[str]:
    """Give the lease back. Returns warnings (a lease not given back expires by itself)."""
    warnings = []
    for rid in reversed(lease.resources):
        try:
            portal.call(
                "datastore_records_delete",
                {"resource_id": rid, "force": True, "filters": {"key": _KEY, "run": lease.run}},
                missing_ok=True,
            )
        except StatpubError as exc:
            warnings.append(
                f"the lease on the dataset could not be given back ({exc.message}); it expires "
                f"at {_stamp(lease.expires)}"
            )
    lease.resources.clear()
    return warnings


def _lock_resources(portal: ActionAPI, dataset_id: str) -> list[str]:
    ds = portal.call("package_show", {"id": dataset_id})
    return sorted(str(r["id"]) for r in ds.get("resources") or [] if is_lock(r))


def _create_lock_resource(portal: ActionAPI, dataset_id: str) -> None:
    def found() -> dict[str, Any] | None:
        ids = _lock_resources(portal, dataset_id)
        return {"id": ids[0]} if ids else None

    portal.call(
        "resource_create",
        {"package_id": dataset_id, "name": LOCK_RESOURCE, "url": "", "format": "",
         "description": _DESCRIPTION},
        check=found,
    )  # fmt: skip


def _row(portal: ActionAPI, rid: str) -> dict[str, Any] | None:
    page = portal.call(
        "datastore_search",
        {"resource_id": rid, "filters": {"key": _KEY}, "limit": 1, "records_format": "lists",
         "fields": [f["id"] for f in _FIELDS]},
        missing_ok=True,
    )  # fmt: skip
    records = (page or {}).get("records") or []
    if not records or len(records[0]) != len(_FIELDS):
        return None
    return dict(zip([f["id"] for f in _FIELDS], records[0], strict=True))


def _take(portal: ActionAPI, rid: str, lease: Lease, now: float, force: bool) -> None:
    base = {"resource_id": rid, "force": True}
    row = {
        "key": _KEY, "run": lease.run, "holder": lease.holder, "since": lease.since,
        "expires": lease.expires,
    }  # fmt: skip
    for _ in range(2):
        held = _insert(portal, base, row, rid)
        if held is None or held.get("run") == lease.run:
            return
        try:
            expires = float(held.get("expires") or 0)
        except (TypeError, ValueError):
            expires = 0.0
        if expires > now and not force:
            raise StatpubError(
                f"{portal.url}: another publish of this dataset is running since "
                f"{_text(held.get('since'))}, by {_text(held.get('holder'))} (its lease expires "
                f"at {_stamp(expires)}); wait for it to finish, then run the same command again",
                code="portal-locked",
            )
        # expired: delete exactly that row, then try again
        portal.call(
            "datastore_records_delete",
            {**base, "filters": {"key": _KEY, "run": _text(held.get("run"))}},
        )
        lease.taken_over.append(f"{_text(held.get('holder'))} since {_text(held.get('since'))}")
    raise StatpubError(
        f"{portal.url}: the lease of this dataset was taken by another run at the same moment; "
        "run the same command again",
        code="portal-locked",
    )


def _insert(
    portal: ActionAPI, base: dict[str, Any], row: dict[str, Any], rid: str
) -> dict[str, Any] | None:
    """Insert the lease row: None when it went in, else the row that holds the key."""
    for _ in range(2):
        try:
            return _insert_once(portal, base, row, rid)
        except _Vanished:  # refused for the key, whose row was given back meanwhile
            continue
    return _insert_once(portal, base, row, rid)


class _Vanished(Exception):
    pass


def _insert_once(
    portal: ActionAPI, base: dict[str, Any], row: dict[str, Any], rid: str
) -> dict[str, Any] | None:
    try:
        got = _call_insert(portal, base, row, rid)
        if got is None:
            # no table yet (a new lock resource): make it, with the same fields and no
            # rows, which changes nothing when a racer made it a moment ago
            try:
                portal.call(
                    "datastore_create", {**base, "fields": _FIELDS, "primary_key": ["key"]},
                    idempotent=True,
                )  # fmt: skip
            except StatpubError as exc:
                # two runs creating one table at once: PostgreSQL refuses the second
                if exc.code != "portal-error":
                    raise
                got = _call_insert(portal, base, row, rid)
                if got is None:
                    raise
            else:
                got = _call_insert(portal, base, row, rid)
    except StatpubError as exc:
        if exc.code != "portal-error":
            raise
        held = _row(portal, rid)
        if held is None:
            if "duplicate key" in exc.message or "uniqueness" in exc.message:
                raise _Vanished from None
            raise  # not refused for the key: the portal's own failure
        return held
    # after a lost answer, check() found the row: ours (the insert went in) or another's
    if isinstance(got, dict) and "run" in got and got.get("run") != row["run"]:
        return got
    return None


def _call_insert(portal: ActionAPI, base: dict[str, Any], row: dict[str, Any], rid: str) -> Any:
    return portal.call(
        "datastore_upsert",
        {**base, "method": "insert", "records": [row]},
        check=lambda: _row(portal, rid),
        missing_ok=True,
    )


def _text(value: Any) -> str:
    text = " ".join(str(value if value is not None else "unknown").split())
    return text[:120]
