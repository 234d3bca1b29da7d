"""What a release did: the result ``statpub release --json`` prints, and a journal keeps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from statpub.release import journal
from statpub.versioning.change import Change
from statpub.versioning.kinds import KEY, FigureChange


@dataclass
class ReleaseResult:
    previous_version: str
    version: str
    date: dt.date
    level: str  # the bump made
    required: str  # the smallest bump the change allows
    forced_by: Change | None
    note: str
    changes: list[FigureChange] = field(default_factory=list)
    revisions: list[dict[str, Any]] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    dry_run: bool = False
    recovery: journal.Recovery | None = None  # an interrupted release found and dealt with
    unchecked_quotes: list[str] = field(default_factory=list)  # sources not quote-checked

    def to_dict(self) -> dict[str, Any]:
        return {
            "previous_version": self.previous_version,
            "version": self.version,
            "date": self.date.isoformat(),
            "level": self.level,
            "required": self.required,
            "forced_by": self.forced_by.to_dict() if self.forced_by else None,
            "note": self.note,
            "changes": [c.to_dict() for c in self.changes],
            "revisions": [
                {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()}
                for r in self.revisions
            ],
            "written": list(self.written),
            "dry_run": self.dry_run,
            "recovery": self.recovery.to_dict() if self.recovery else None,
            "unchecked_quotes": list(self.unchecked_quotes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReleaseResult:
        """A result as :meth:`to_dict` gave it (from a release journal)."""
        forced = data.get("forced_by")
        return cls(
            previous_version=data["previous_version"],
            version=data["version"],
            date=dt.date.fromisoformat(data["date"]),
            level=data["level"],
            required=data["required"],
            forced_by=Change(**forced) if forced else None,
            note=data["note"],
            changes=[
                FigureChange(
                    c["kind"], tuple(c["key"][k] for k in KEY), c["fields"], c["old"], c["new"]
                )
                for c in data["changes"]
            ],
            revisions=list(data["revisions"]),
            written=list(data["written"]),
            dry_run=False,
            unchecked_quotes=list(data.get("unchecked_quotes") or []),
        )
