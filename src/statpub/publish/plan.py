"""What a publisher will do (a :class:`Plan`) and what it did (a :class:`PublishResult`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CREATE = "create"  # a new dataset, or a new resource with its file
PATCH = "patch"  # metadata only
UPLOAD = "upload"  # a new file for an existing resource: id and address stay
SKIP = "skip"  # already as it should be
REORDER = "reorder"  # put the resources in the package's order

DATASET = "dataset"
RESOURCE = "resource"


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
    # what is sent, minus any file; left out of to_dict (notes and schemas are long)
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
        return out


def summarize(actions: list[Action]) -> dict[str, int]:
    """Counts by outcome; a new resource counts as created and as uploaded."""
    return {
        "created": sum(a.verb == CREATE for a in actions),
        "patched": sum(a.verb in (PATCH, REORDER) for a in actions),
        "uploaded": sum(a.sends_file for a in actions),
        "skipped": sum(a.verb == SKIP for a in actions),
    }


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
        return [a for a in self.actions if a.verb != SKIP]

    def to_dict(self) -> dict[str, Any]:
        return {
            "portal": self.portal,
            "dataset": self.dataset,
            "dataset_id": self.dataset_id,
            "organization": self.organization,
            "version": self.version,
            "summary": summarize(self.actions),
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
            "summary": summarize(self.done),
            "actions": [a.to_dict() for a in self.done],
            "resources": [dict(r) for r in self.resources],
            "warnings": [*self.plan.warnings, *self.warnings],
        }
