"""A table's comparison reused: the same two files, read the same way, compare the same.

A release diffs the package its inputs give against the last release to decide
the bump and the reasons, then validates the new version against that release,
which diffs again: the new version holds the same tables (only its version, its
history and its log differ), so the second diff would read and match every row
a second time. :func:`fingerprint` names everything one table's comparison
depends on: both resources' descriptors and Table Schemas, the sha256 of both
sides' files (their bytes, not a declared hash), the key given, the fields other
tables reference, the row limit, and the new version where the table is a log
keyed by version. ``diff(..., remember=True)`` keeps each comparison with its
fingerprint; ``diff(..., reuse=earlier)`` takes the earlier comparison of a pair
with the same fingerprint instead of reading the rows again, and compares every
other pair as usual.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statpub.versioning.schemadiff import as_list

if TYPE_CHECKING:
    from statpub.package import Package, Resource
    from statpub.versioning.change import Change
    from statpub.versioning.diff import ResourceDiff


# A file as the system describes it: path, device, inode, size, modification time (ns).
Stat = tuple[str, int, int, int, int]


@dataclass(frozen=True)
class Kept:
    """A comparison as ``diff`` made it, before twins were folded: what a reuse gives back."""

    fingerprint: str
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    digests: dict[Stat, str] = field(default_factory=dict)  # the files hashed for it


@dataclass
class Memo:
    """Whether one diff fingerprints its comparisons, and the earlier ones it may reuse.

    ``digests``: the sha256 of files an earlier diff hashed, by :data:`Stat`; a file
    not touched since (the archived release both diffs compare with) is not read again,
    as git's index and make tell an unchanged file by its metadata.
    """

    on: bool
    earlier: dict[str, ResourceDiff]  # fingerprint -> an earlier diff's resource
    digests: dict[Stat, str] = field(default_factory=dict)

    @classmethod
    def of(cls, on: bool, earlier: list[ResourceDiff]) -> Memo:
        kept = [rd.kept for rd in earlier if rd.kept is not None]
        digests = {stat: hex for k in kept for stat, hex in k.digests.items()}
        return cls(on, {k.fingerprint: rd for rd in earlier if (k := rd.kept)}, digests)

    def digest(self, path: Path) -> tuple[Stat, str]:
        from statpub.package.files import digest

        st = path.stat()
        stat = (str(path.resolve()), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        if stat not in self.digests:
            self.digests[stat] = digest(path).hex
        return stat, self.digests[stat]


def fingerprint(
    memo: Memo,
    old: Package,
    new: Package,
    o: Resource,
    n: Resource,
    *,
    limit: int | None,
    key: list[str] | None,
    referenced: set[str],
) -> tuple[str, dict[Stat, str]]:
    """What the comparison of ``o`` (of ``old``) with ``n`` (of ``new``) depends on, hashed;
    and the files' digests it was made of."""
    used: dict[Stat, str] = {}

    def files(res: Resource) -> list[str]:
        out = []
        for path in res.files:
            stat, hex = memo.digest(path)
            used[stat] = hex
            out.append(hex)
        return out

    versioned = "version" in as_list((n.schema or {}).get("primaryKey"))
    parts: dict[str, Any] = {
        "old": [o.descriptor, o.schema, files(o)],
        "new": [n.descriptor, n.schema, files(n)],
        "limit": limit,
        "key": key,
        "referenced": sorted(referenced),
        "version": new.version if versioned else None,  # a log's own entries: see row_changes
    }
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest(), used
