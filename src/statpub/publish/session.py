"""A whole CKAN publish, as a run does it unattended: create the dataset if absent,
take the lease, read and plan under it, apply, give the lease back.

The plan is made only once the lease is held, from what the portal holds at
that moment, so runs that waited for each other never act on a stale plan.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from statpub.errors import StatpubError
from statpub.package import Package
from statpub.publish.ckan import apply, create_dataset, prepare, read_portal
from statpub.publish.ckan_fields import ResourceSpec
from statpub.publish.datastore import read_datastore, require_datastore
from statpub.publish.lock import acquire, release
from statpub.publish.plan import CREATE, DATASET, REORDER, Action, PublishResult
from statpub.publish.portal import ActionAPI


@dataclass(frozen=True)
class Lease:
    """Who takes the lease, and for how long (the caller's clock: epoch seconds)."""

    run: str
    holder: str
    now: float
    ttl: float
    force: bool = False  # --break-lease


def publish(
    portal: ActionAPI,
    package: Package,
    name: str,
    organization: str,
    lease: Lease,
    *,
    private: bool = False,
    prune: bool = False,
    datastore: bool = True,
    allow_older: bool = False,
    strict: bool = False,
    on_action: Callable[[Action], None] | None = None,
    archived: Sequence[ResourceSpec] = (),
) -> tuple[PublishResult, list[str]]:
    """Publish ``package`` as dataset ``name``; returns the result and the run's warnings."""
    warnings: list[str] = []
    state = read_portal(portal, name, organization)
    # refuse a rollback before writing anything (checked again under the lease)
    first = prepare(package, state, private=private, allow_older=allow_older)
    created = state.dataset is None
    if created:
        if datastore:  # a portal without one is refused before anything is made
            require_datastore(portal)
        create_dataset(portal, first.actions[0].fields)
        state = read_portal(portal, name, organization)
    if state.dataset is None:
        raise StatpubError(
            f"{portal.url}: dataset {name!r} was created but the portal does not show it; "
            "run the same command again",
            code="portal-error",
        )
    held = None
    try:
        try:
            held = acquire(
                portal, str(state.dataset["id"]), run=lease.run, holder=lease.holder,
                now=lease.now, ttl=lease.ttl, force=lease.force,
            )  # fmt: skip
            warnings += [f"took over an expired lease of {t}" for t in held.taken_over]
        except StatpubError as exc:
            if exc.code != "portal-no-datastore" or strict:
                raise
            warnings.append(
                "the portal has no DataStore, where statpub keeps its lease: this run does "
                "not keep other publishes of the dataset out (an error with --strict)"
            )
        # read and plan again under the lease: what another run did before it is seen
        state = read_portal(portal, name, organization)
        tables = read_datastore(portal, state, package) if datastore else None
        plan = prepare(
            package, state, private=private, prune=prune, datastore=tables,
            allow_older=allow_older, archived=archived,
        )  # fmt: skip
        result = apply(plan, portal, package, on_action=on_action)
    finally:
        if held is not None:
            warnings += release(portal, held)
    if created:  # made before the lease was taken: counted as this run's
        result.done = [_as_created(a) for a in result.done]
    return result, warnings


def _as_created(action: Action) -> Action:
    if action.kind != DATASET or action.verb == REORDER:
        return action
    return dataclasses.replace(action, verb=CREATE)
