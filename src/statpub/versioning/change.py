"""One difference between two versions of a package, with the level of change it needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    """A typed difference. ``level`` is the version bump it needs: major, minor, patch or none."""

    type: str
    level: str
    message: str
    resource: str | None = None
    field: str | None = None
    old: Any = None
    new: Any = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "level": self.level}
        for key in ("resource", "field"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.old is not None or self.new is not None:
            out["old"] = self.old
            out["new"] = self.new
        out["message"] = self.message
        return out

    def where(self) -> str:
        if self.resource and self.field:
            return f"{self.resource}.{self.field}"
        return self.resource or "<package>"
