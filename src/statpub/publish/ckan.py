"""Publish a built package to CKAN: ``read_portal`` + ``prepare`` (plan) + ``apply``.

Idempotency rests on three rules:

* resources are found by name, never created when one of that name exists;
* each uploaded file's sha256 is recorded in the resource's ``sha256`` field,
  and only after the portal has confirmed the upload (the upload itself clears
  it), so a run cut off in between sends that file again next time rather than
  trusting a half-finished upload;
* the dataset is patched only when a field statpub owns differs.

So a rerun after any failure completes the work without duplicates, and a
rerun with nothing changed sends nothing. Each table's CSV is also loaded into
the DataStore (:mod:`statpub.publish.datastore`), by the same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from statpub.errors import StatpubError
from statpub.package import Package
from statpub.publish.archived import NEVER_PRUNED, is_archived
from statpub.publish.ckan_fields import (
    ResourceSpec,
    dataset_changes,
    dataset_fields,
    license_id,
    merged_extras,
    resource_changes,
    resource_specs,
)
from statpub.publish.datastore import DataStoreState, apply_table, plan_table
from statpub.publish.lock import is_lock
from statpub.publish.plan import (
    CREATE,
    DATASET,
    DATASTORE,
    DELETE,
    NOT_CHANGES,
    PATCH,
    REORDER,
    RESOURCE,
    SKIP,
    STALE,
    UPLOAD,
    Action,
    Plan,
    PublishResult,
)
from statpub.publish.portal import ActionAPI


@dataclass
class PortalState:
    """What ``prepare`` needs to know about the portal, read in one go."""

    url: str
    name: str  # the dataset name looked up
    organization: dict[str, Any]  # organization_show: at least id and name
    dataset: dict[str, Any] | None  # package_show, or None when absent
    licenses: list[dict[str, Any]] = field(default_factory=list)
    signed_in: bool = True
    # ckanext-fluent fields the portal's dataset schema declares (title_translated ...)
    translated: frozenset[str] = frozenset()


def read_portal(portal: ActionAPI, dataset: str, organization: str) -> PortalState:
    """Read the organization, the dataset (if any) and the licence list. Writes nothing."""
    org = portal.call("organization_show", {"id": organization}, missing_ok=True)
    if org is None:
        raise StatpubError(
            f"{portal.url}: there is no organization {organization!r}; create it on the portal "
            "or pass another --org",
            code="portal-error",
        )
    if portal.signed_in:
        # An unknown token is treated by CKAN as no token at all: reads still work and
        # only the first write fails. Asking what the token's user may publish to
        # catches that before anything is changed.
        allowed = portal.call("organization_list_for_user", {"permission": "create_dataset"})
        if org["id"] not in {o.get("id") for o in allowed or []}:
            raise portal.refused(
                "organization_list_for_user",
                f"no permission to create datasets in {org['name']!r}",
            )
    current = portal.call(
        "package_show", {"id": dataset, "include_plugin_data": False}, missing_ok=True
    )
    licenses = portal.call("license_list") or []
    return PortalState(
        portal.url, dataset, org, current, licenses, portal.signed_in, _translated(portal)
    )


def _translated(portal: ActionAPI) -> frozenset[str]:
    """The multilingual (ckanext-fluent) fields of the portal's dataset schema, if any.

    Only a portal running ckanext-scheming publishes its schema; without it the
    dataset gets the default language only.
    """
    from statpub.publish.ckan_fields import TRANSLATED_DATASET_FIELDS, TRANSLATED_RESOURCE_FIELDS

    status = portal.call("status_show") or {}
    if "scheming_datasets" not in (status.get("extensions") or []):
        return frozenset()
    schema = portal.call("scheming_dataset_schema_show", {"type": "dataset"}, missing_ok=True)
    names = {
        str(f.get("field_name"))
        for key in ("dataset_fields", "resource_fields")
        for f in (schema or {}).get(key) or []
        if isinstance(f, dict)
    }
    return frozenset(names & {*TRANSLATED_DATASET_FIELDS, *TRANSLATED_RESOURCE_FIELDS})


def prepare(
    package: Package,
    state: PortalState,
    *,
    private: bool = False,
    prune: bool = False,
    datastore: DataStoreState | None = None,
    allow_older: bool = False,
    archived: Sequence[ResourceSpec] = (),
) -> Plan:
    """The actions that make dataset ``state.name`` hold ``package``. Pure: no I/O.

    ``archived`` (from :func:`statpub.publish.archived.archived_specs`) adds one
    resource per archived release after the package's; those, and any resource
    named as an archived release, are never deleted, even with ``prune``.

    With ``datastore`` (from :func:`statpub.publish.datastore.read_datastore`),
    each table's CSV also goes into the DataStore. Resources on the portal that
    the package does not name are deleted with ``prune``, else listed as stale;
    second copies of ones it does (left by a past race) are always deleted.
    Refuses (``portal-newer``) a package older than the portal's version unless
    ``allow_older``.
    """
    name = state.name
    org = state.organization
    warnings: list[str] = []
    if not state.signed_in:
        warnings.append(
            "no API token: the portal was read anonymously, so a private dataset "
            "of that name would be invisible to this plan"
        )
    lic, warning = license_id(package.descriptor.get("licenses") or [], state.licenses)
    if warning:
        warnings.append(warning)
    desired = dataset_fields(
        package, name, str(org["id"]), private=private, license=lic, translated=state.translated
    )
    current = state.dataset
    actions: list[Action] = []
    if current is None:
        actions.append(Action(CREATE, DATASET, name, fields=desired))
        existing: dict[str, dict[str, Any]] = {}
        order: list[str] = []
    else:
        _check_version(state, package.version or "", allow_older, warnings)
        if current.get("owner_org") != org["id"]:
            raise StatpubError(
                f"{state.url}: dataset {name!r} exists but belongs to another organization "
                f"(id {current.get('owner_org')}), not {org['name']!r}; pass --dataset with "
                "another name or --org with its organization",
                code="portal-conflict",
            )
        changed = dataset_changes(current, desired)
        if changed:
            patch = {k: v for k, v in desired.items() if k != "name"}
            patch["extras"] = merged_extras(current, desired)
            patch["state"] = "active"
            actions.append(
                Action(PATCH, DATASET, name, current["id"], tuple(changed), fields=patch)
            )
        else:
            actions.append(Action(SKIP, DATASET, name, current["id"]))
        existing, order, dupes = _by_name(_own(current))
        warnings += [
            f"the portal has {n} resources named {r!r} (left by a past race or by hand); "
            "statpub keeps the first and deletes the others"
            for r, n in dupes.items()
        ]
    specs = [*resource_specs(package, state.translated), *archived]
    tables = datastore.tables if datastore is not None else {}
    for spec in specs:
        actions.append(_resource_action(spec, existing.get(spec.name)))
        if spec.name in tables:
            actions.append(plan_table(tables[spec.name]))
    wanted = [s.name for s in specs]
    others = _others(current, set(wanted))
    for r, why in others:
        verb = DELETE if prune or why == SECOND_COPY else STALE
        if why != SECOND_COPY and is_archived(str(r.get("name") or "")):
            verb, why = STALE, NEVER_PRUNED
        actions.append(Action(verb, RESOURCE, str(r.get("name") or ""), r["id"], (why,)))
    if prune:
        gone = {
            r["id"]
            for r, why in others
            if why == SECOND_COPY or not is_archived(str(r.get("name") or ""))
        }
        kept = sorted(
            (r for r in _own(current) if r["id"] not in gone),
            key=lambda r: r.get("position", 0),
        )
        order = [str(r.get("name") or "") for r in kept]
    # statpub's resources first, in package order; duplicates (warned about) do not count
    after = list(dict.fromkeys(order + wanted))
    if after[: len(wanted)] != wanted:
        actions.append(
            Action(REORDER, DATASET, name, current["id"] if current else None, ("resource order",))
        )
    return Plan(
        portal=state.url,
        dataset=name,
        organization=str(org["name"]),
        version=package.version or "",
        actions=actions,
        dataset_id=current["id"] if current else None,
        warnings=warnings,
    )


SECOND_COPY = "a second resource of this name"


def _own(current: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The dataset's resources, without the lock (:mod:`statpub.publish.lock`)."""
    return [r for r in (current or {}).get("resources") or [] if not is_lock(r)]


def _check_version(
    state: PortalState, version: str, allow_older: bool, warnings: list[str]
) -> None:
    """No silent rollback: a package older than the portal's version is refused."""
    from statpub import semver

    held = str((state.dataset or {}).get("version") or "")
    if not held or not version or held == version:
        return
    try:
        older = semver.sort_key(version) < semver.sort_key(held)
    except (ValueError, TypeError):
        warnings.append(
            f"the portal's dataset has version {held!r}, which cannot be compared with "
            f"{version!r}: check that this publish does not roll it back"
        )
        return
    if not older:
        return
    if allow_older:
        warnings.append(
            f"publishing version {version} over the portal's newer {held} (--allow-older)"
        )
        return
    raise StatpubError(
        f"{state.url}: dataset {state.name!r} holds version {held}, newer than this package's "
        f"{version}: publishing it would roll the portal back. Publish the newer release, or "
        "pass --allow-older if the rollback is meant",
        code="portal-newer",
    )


def _by_name(
    resources: list[dict[str, Any]],
) -> tuple[dict[str, dict[str, Any]], list[str], dict[str, int]]:
    by_name: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    counts: dict[str, int] = {}
    for r in sorted(resources, key=lambda r: r.get("position") or 0):
        n = str(r.get("name") or "")
        counts[n] = counts.get(n, 0) + 1
        if n not in by_name:
            by_name[n] = r
        order.append(n)
    return by_name, order, {n: c for n, c in counts.items() if c > 1}


def _others(current: dict[str, Any] | None, wanted: set[str]) -> list[tuple[dict[str, Any], str]]:
    """The portal's resources that are not statpub's, with why, in the portal's order."""
    out = []
    seen: set[str] = set()
    for r in sorted(_own(current), key=lambda r: r.get("position") or 0):
        name = str(r.get("name") or "")
        if name not in wanted:
            out.append((r, "not in the package"))
        elif name in seen:
            out.append((r, SECOND_COPY))
        seen.add(name)
    return out


def _resource_action(spec: ResourceSpec, current: dict[str, Any] | None) -> Action:
    f = spec.file
    if current is None:
        return Action(
            CREATE, RESOURCE, spec.name, None, ("new",), f.path, f.sha256, f.bytes,
            fields=spec.fields,
        )  # fmt: skip
    reasons, fields = resource_changes(current, spec)
    if reasons:
        why = (*reasons, *fields)
        return Action(
            UPLOAD, RESOURCE, spec.name, current["id"], why, f.path, f.sha256, f.bytes,
            fields=spec.fields,
        )  # fmt: skip
    if fields:
        patch = {k: spec.fields[k] for k in fields}
        return Action(PATCH, RESOURCE, spec.name, current["id"], tuple(fields), fields=patch)
    return Action(SKIP, RESOURCE, spec.name, current["id"])


def apply(
    plan: Plan,
    portal: ActionAPI,
    package: Package,
    *,
    on_action: Callable[[Action], None] | None = None,
) -> PublishResult:
    """Carry out ``plan``. On a failure part-way, the error says how far it got; rerun
    the same command (a new plan) to complete the rest."""
    dataset_id = plan.dataset_id
    # resource ids by name: the portal's, and those of resources this run creates
    ids: dict[str, str] = {
        a.name: a.id
        for a in plan.actions
        if a.kind == RESOURCE and a.id and a.verb not in (STALE, DELETE)
    }
    done: list[Action] = []
    todo = plan.changes
    for action in plan.actions:
        if action.verb not in NOT_CHANGES and on_action is not None:
            on_action(action)
        try:
            if action.kind == DATASTORE:
                apply_table(action, portal, ids[action.name])
            else:
                dataset_id = _run(action, portal, package, plan, dataset_id, ids)
        except StatpubError as exc:
            made = sum(a.verb not in NOT_CHANGES for a in done)
            raise StatpubError(
                f"{exc.message} [{made} of {len(todo)} changes were made before this one; "
                "run the same command again to complete the rest]",
                code=exc.code,
            ) from exc
        done.append(action)
    try:
        final = portal.call("package_show", {"id": dataset_id})
    except StatpubError as exc:
        raise StatpubError(
            f"{exc.message} [all {len(todo)} changes were made, but reading the dataset back "
            "failed; run the same command again to check]",
            code=exc.code,
        ) from exc
    return _result(plan, done, final)


def _run(
    action: Action,
    portal: ActionAPI,
    package: Package,
    plan: Plan,
    dataset_id: str | None,
    ids: dict[str, str],
) -> str | None:
    if action.verb in NOT_CHANGES:
        return dataset_id
    if action.kind == DATASET and action.verb == CREATE:
        return create_dataset(portal, action.fields)
    if action.kind == DATASET and action.verb == PATCH:
        portal.call("package_patch", {"id": dataset_id, **action.fields})
    elif action.verb == REORDER:
        _reorder(portal, plan, str(dataset_id))
    elif action.verb == PATCH:
        portal.call("resource_patch", {"id": action.id, **action.fields})
    elif action.verb == DELETE:
        portal.call("resource_delete", {"id": action.id}, missing_ok=True)
    else:
        ids[action.name] = _send(action, portal, package, str(dataset_id))
    return dataset_id


def create_dataset(portal: ActionAPI, fields: dict[str, Any]) -> str:
    """``package_create``, made safe to repeat: after a lost answer, a dataset of that name
    found on the portal is the one created."""
    name = fields["name"]

    def found() -> dict[str, Any] | None:
        return portal.call("package_show", {"id": name}, missing_ok=True)

    try:
        return str(portal.call("package_create", fields, check=found)["id"])
    except StatpubError as exc:
        # another run created it a moment ago: the lease decides who goes on
        existing = found() if exc.code == "portal-error" else None
        if existing is None:
            raise
        return str(existing["id"])


def _send(action: Action, portal: ActionAPI, package: Package, dataset_id: str) -> str:
    """Upload, then record the sha256: two calls, so a record always means a finished upload."""
    assert action.path is not None
    fields = {**action.fields, "name": action.name}

    def found() -> dict[str, Any] | None:
        """After a lost answer to resource_create: the resource, if it was made."""
        ds = portal.call("package_show", {"id": dataset_id})
        named = [r for r in _own(ds) if r.get("name") == action.name]
        return {"id": named[0]["id"], "recovered": True} if named else None

    with (package.root / action.path).open("rb") as fh:
        upload = (PurePosixPath(action.path).name, fh)
        if action.verb == CREATE:
            res = portal.call(
                "resource_create", {"package_id": dataset_id, **fields}, upload=upload,
                check=found,
            )  # fmt: skip
        if action.verb != CREATE or res.get("recovered"):
            rid = action.id if action.verb != CREATE else res["id"]
            # an upload to one resource, sent again, has the same effect: retried as such
            res = portal.call(
                "resource_patch", {"id": rid, **fields, "sha256": ""}, upload=upload,
                idempotent=True,
            )  # fmt: skip
    portal.call("resource_patch", {"id": res["id"], "sha256": action.sha256})
    return str(res["id"])


def _reorder(portal: ActionAPI, plan: Plan, dataset_id: str) -> None:
    current = portal.call("package_show", {"id": dataset_id})
    by_name, order, _ = _by_name(_own(current))
    wanted = [a.name for a in plan.actions if a.kind == RESOURCE and a.name in by_name]
    ids = [by_name[n]["id"] for n in wanted]
    # the others (not statpub's, and the lock) keep their relative order, after statpub's
    ids += [r["id"] for r in current.get("resources") or [] if r["id"] not in ids]
    portal.call("package_resource_reorder", {"id": dataset_id, "order": ids})


def _result(plan: Plan, done: list[Action], final: dict[str, Any]) -> PublishResult:
    mine = {a.name for a in plan.actions if a.kind == RESOURCE and a.verb not in (STALE, DELETE)}
    tables = {a.name for a in plan.actions if a.kind == DATASTORE}
    resources = []
    for r in sorted(_own(final), key=lambda r: r.get("position") or 0):
        if r.get("name") not in mine:
            continue
        entry = {k: r.get(k) for k in ("name", "id", "url", "sha256", "size")}
        if r.get("name") in tables:
            entry["datastore_active"] = bool(r.get("datastore_active"))
        resources.append(entry)
    _, _, dupes = _by_name(_own(final))
    warnings = [f"the portal now has {n} resources named {r!r}" for r, n in dupes.items()]
    dataset = {
        "id": final.get("id"),
        "name": final.get("name"),
        "version": final.get("version"),
        "url": f"{plan.portal}/dataset/{final.get('name')}",
    }
    return PublishResult(plan, done, dataset, resources, warnings)
