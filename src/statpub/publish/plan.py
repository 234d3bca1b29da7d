"""What a publisher will do (a :class:`Plan`) and what it did (a :class:`PublishResult`).

A plan counts its actions by verb (``create``, ``upload`` ...: what would be
done); a result counts what was done (``created``, ``uploaded`` ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CREATE = "create"  # a new dataset, or a new resource with its file
PATCH = "patch"  # metadata only
UPLOAD = "upload"  # a new file for an existing resource: id and address stay
SKIP = "skip"  # already as it should be
REORDER = "reorder"  # put the resources in the package's order
DELETE = "delete"  # a resource the package no longer names (--prune)
STALE = "stale"  # such a resource, left on the portal: reported, not a change
LOAD = "load"  # a DataStore table created with every row
RELOAD = "reload"  # a DataStore table dropped and loaded again (its definition changed)
UPDATE = "update"  # a DataStore table's rows upserted and deleted, or its data dictionary

DATASET = "dataset"
RESOURCE = "resource"
DATASTORE = "datastore"  # a resource's table in CKAN's DataStore
NOT_CHANGES = (SKIP, STALE)


@dataclass(frozen=True)
class Action:
    verb: str
    kind: str  # DATASET or RESOURCE
    name: str
    id: str | None = None  # the portal's id, when the object exists there
    changes: tuple[str, ...] = ()  # the fields that differ, or why a file is sent
    path: str | None = None  # the local file to send (resources)
    sha256: str | None = None
    bytes: int | None = None
    # DataStore tables: total rows in the CSV, and rows added, revised, removed
    rows: dict[str, int] | None = None
    # what is sent, minus any file; left out of to_dict (notes, schemas and rows are long)
    fields: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def sends_file(self) -> bool:
        return self.kind == RESOURCE and self.verb in (CREATE, UPLOAD)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.verb, "kind": self.kind, "name": self.name}
        if self.id is not None:
            out["id"] = self.id
        out["changes"] = list(self.changes)
        if self.path is not None:
            out["path"] = self.path
            out["bytes"] = self.bytes
            out["sha256"] = self.sha256
        if self.rows is not None:
            out["rows"] = dict(self.rows)
        return out


# summary keys: (what a plan would do, what a result did)
OUTCOMES = (
    ("create", "created"),
    ("patch", "patched"),
    ("upload", "uploaded"),
    ("load", "loaded"),
    ("update", "updated"),
    ("delete", "deleted"),
    ("skip", "skipped"),
    ("stale", "stale"),
)


def summarize(actions: list[Action], *, done: bool) -> dict[str, int]:
    """Counts by verb (a plan) or by outcome (``done``: a result).

    A new resource counts as created and as uploaded; ``load`` counts DataStore
    tables loaded or reloaded in full, ``update`` those changed row by row.
    """
    counts = {
        "create": sum(a.verb == CREATE for a in actions),
        "patch": sum(a.verb in (PATCH, REORDER) for a in actions),
        "upload": sum(a.sends_file for a in actions),
        "load": sum(a.verb in (LOAD, RELOAD) for a in actions),
        "update": sum(a.verb == UPDATE for a in actions),
        "delete": sum(a.verb == DELETE for a in actions),
        "skip": sum(a.verb == SKIP for a in actions),
        "stale": sum(a.verb == STALE for a in actions),
    }
    return {(past if done else verb): counts[verb] for verb, past in OUTCOMES}


@dataclass
class Plan:
    portal: str
    dataset: str
    organization: str
    version: str
    actions: list[Action]
    dataset_id: str | None = None  # None: the dataset is to be created
    warnings: list[str] = field(default_factory=list)

    @property
    def changes(self) -> list[Action]:
        """The actions that write to the portal (a dry run exits 1 when there are any)."""
        return [a for a in self.actions if a.verb not in NOT_CHANGES]

    def to_dict(self) -> dict[str, Any]:
        return {
            "portal": self.portal,
            "dataset": self.dataset,
            "dataset_id": self.dataset_id,
            "organization": self.organization,
            "version": self.version,
            "summary": summarize(self.actions, done=False),
            "actions": [a.to_dict() for a in self.actions],
            "warnings": list(self.warnings),
        }


@dataclass
class PublishResult:
    plan: Plan
    done: list[Action]
    dataset: dict[str, Any]  # id, name, version and address on the portal
    resources: list[dict[str, Any]]  # name, id, url, sha256, size, as the portal now has them
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "portal": self.plan.portal,
            "dataset": dict(self.dataset),
            "summary": summarize(self.done, done=True),
            "actions": [a.to_dict() for a in self.done],
            "resources": [dict(r) for r in self.resources],
            "warnings": [*self.plan.warnings, *self.warnings],
        }
