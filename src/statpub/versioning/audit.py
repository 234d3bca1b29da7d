"""The release history is tamper-evident: every archive, and what the figure files say of it.

* every archived version still holds what its ``SHA256SUMS`` recorded
  (``checksum-mismatch`` naming the file, ``archive-file-missing``,
  ``archive-file-unlisted``), and its descriptor says the version its folder is
  named after (``archive-version-mismatch``);
* every entry of the revisions log of each archived version is, unchanged, in
  the log of the next one, and the latest one's in ``figures/revisions.csv``
  (``revisions-log-edited``, ``revisions-log-deleted``);
* each archived version has its entry in ``figures/releases.yml`` with the date
  and note its descriptor carries (``created``, ``versionNote``):
  ``release-entry-edited`` names the field, ``release-entry-missing`` the
  version; a version listed between archived ones must be archived too
  (``release-entry-unarchived``; a version whose folder is there but fails its
  checks is reported for that, once, never as unarchived);
* each archive matches the hashes its own descriptor declares
  (``archive-descriptor-mismatch``), and every earlier archive's ``SHA256SUMS``
  the digest each later release recorded in its ``EARLIER-SHA256SUMS``
  (``archive-chain-broken``): see :mod:`statpub.versioning.archive`.

Issue paths are written as ``shown`` says (relative to the package a validation
reports on, or to the repository for ``statpub release``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statpub import semver
from statpub.errors import InvalidInput, StatpubError
from statpub.package.descriptor import MAX_DESCRIPTOR_BYTES
from statpub.package.paths import open_regular
from statpub.report import Issue
from statpub.versioning import archive
from statpub.versioning.log import kept_entries

RELEASES_FILE = "releases.yml"
REVISIONS_FILE = "revisions.csv"
LOG_PATH = "data/revisions.csv"
DESCRIPTOR = "datapackage.json"
MAX_LOG_BYTES = 1 << 30  # a revisions log larger than the biggest table statpub reads is not one
ENTRY_FIELDS = (("date", "created"), ("note", "versionNote"))

Shown = Callable[[Path], str]  # a path as messages show it


@dataclass(frozen=True)
class Archived:
    """What one archived version says of itself: its descriptor's version, date and note."""

    version: str
    folder: Path
    descriptor_version: str | None
    date: str | None  # the descriptor's created, YYYY-MM-DD
    note: str | None


def audit(releases_dir: Path, figures_dir: Path | None, shown: Shown) -> list[Issue]:
    """Every check of this module: the archive, then the figure files against it."""
    issues, archived = audit_archive(releases_dir, shown)
    if figures_dir is not None and archived:
        present = set(archive.archived_versions(releases_dir))
        issues += audit_releases_file(figures_dir / RELEASES_FILE, archived, shown, present)
        issues += audit_log_file(figures_dir / REVISIONS_FILE, archived[-1], shown)
    return issues


def audit_archive(releases_dir: Path, shown: Shown) -> tuple[list[Issue], list[Archived]]:
    """Checksums and descriptor of every archived version, and their logs against each other."""
    issues = archive.unsealed_issues(releases_dir, shown)
    archived: list[Archived] = []
    for version in archive.archived_versions(releases_dir):
        folder = releases_dir / version
        found = archive.verify(folder, label=shown(folder))
        issues += found
        if found:
            continue  # nothing read from an archive that fails its checksums
        entry = _describe(folder, version)
        if entry.descriptor_version != version:
            issues.append(
                Issue(
                    "archive-version-mismatch",
                    f"the archived descriptor says version {entry.descriptor_version!r}, but "
                    f"its folder is {version}: the archive was renamed or replaced; restore "
                    "it from git",
                    path=shown(folder / DESCRIPTOR),
                    field="version",
                )
            )
            continue  # what it holds is not that version's: compared with nothing
        archived.append(entry)
    for older, newer in zip(archived, archived[1:], strict=False):
        issues += kept_entries(
            _log_rows(older.folder / LOG_PATH),
            _log_rows(newer.folder / LOG_PATH),
            path=shown(newer.folder / LOG_PATH),
            released_in=shown(older.folder / LOG_PATH),
        )
    reported = {i.path for i in issues}
    issues += [i for i in archive.chain_issues(releases_dir, shown) if i.path not in reported]
    return issues, archived


def audit_log_file(path: Path, latest: Archived, shown: Shown) -> list[Issue]:
    """The maintainer's log starts with every entry the latest archive released."""
    released = _log_rows(latest.folder / LOG_PATH)
    if not path.is_file():
        if not released:
            return []
        return [
            Issue(
                "revisions-log-deleted",
                f"{path.name} is missing but {latest.version} released {len(released)} log "
                "entries; restore it from git",
                path=shown(path),
            )
        ]
    return kept_entries(
        released,
        _log_rows(path),
        path=shown(path),
        released_in=shown(latest.folder / LOG_PATH),
    )


def audit_releases_file(
    path: Path, archived: list[Archived], shown: Shown, present: set[str] | None = None
) -> list[Issue]:
    """Each archived version's entry in releases.yml says what its archive says;
    ``present``: every version with an archive folder, intact or not."""
    from statpub.figures import yamlfile

    if not path.is_file():
        return []
    try:
        data, lines = yamlfile.load(path, shown(path))
    except InvalidInput:
        return []  # the figure checks report an unreadable file
    entries = data.get("releases") if isinstance(data, dict) else None
    listed: dict[str, tuple[int, dict[str, Any]]] = {}
    for n, entry in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(entry, dict) and isinstance(entry.get("version"), str):
            listed.setdefault(entry["version"].strip(), (n, entry))
    issues: list[Issue] = []
    for a in archived:
        if a.version not in listed:
            issues.append(
                Issue(
                    "release-entry-missing",
                    f"version {a.version} is archived but has no entry in {path.name}: an "
                    "entry was removed or renamed; restore it "
                    f"(version: {a.version}, date: {a.date}, note: {json.dumps(a.note)})",
                    path=shown(path),
                    field="version",
                )
            )
            continue
        n, entry = listed[a.version]
        for name, prop in ENTRY_FIELDS:
            value = entry.get(name)
            ours = value.strip() if isinstance(value, str) else value
            theirs = getattr(a, name)
            if ours != theirs:
                issues.append(
                    Issue(
                        "release-entry-edited",
                        f"the {name} of release {a.version} is {json.dumps(ours)} here, but "
                        f"the archive released it with {json.dumps(theirs)} (its {prop}): a "
                        "past release's entry never changes; restore it",
                        path=shown(path),
                        row=lines.get(("releases", n, name)) or lines.get(("releases", n)),
                        field=name,
                    )
                )
    issues += _unarchived(path, listed, archived, lines, shown, present or set())
    return issues


def _unarchived(
    path: Path,
    listed: dict[str, tuple[int, dict[str, Any]]],
    archived: list[Archived],
    lines: dict[Any, int],
    shown: Shown,
    present: set[str],
) -> list[Issue]:
    first, last = (semver.sort_key(archived[i].version) for i in (0, -1))
    known = {a.version for a in archived} | present
    issues: list[Issue] = []
    for version, (n, _) in listed.items():
        if version in known or not semver.is_version(version):
            continue
        if first < semver.sort_key(version) < last:
            issues.append(
                Issue(
                    "release-entry-unarchived",
                    f"release {version} is listed between archived versions but is not in "
                    "the archive: an entry was added to the past; remove it",
                    path=shown(path),
                    row=lines.get(("releases", n)),
                    field="version",
                )
            )
    return issues


def _describe(folder: Path, version: str) -> Archived:
    try:
        with open_regular(folder / DESCRIPTOR) as fh:  # not a link out of the archive
            data = json.loads(fh.read(MAX_DESCRIPTOR_BYTES + 1).decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StatpubError(
            f"{folder / DESCRIPTOR}: the archived descriptor cannot be read ({exc})",
            code="archive-unreadable",
        ) from exc
    data = data if isinstance(data, dict) else {}

    def text(key: str) -> str | None:
        value = data.get(key)
        return value if isinstance(value, str) else None

    created = text("created")
    return Archived(
        version, folder, text("version"), created[:10] if created else None, text("versionNote")
    )


def _log_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a revisions log as written (text, with their line order); none if absent."""
    if not path.is_file() and not path.is_symlink():
        return []
    with open_regular(path) as fh:  # a link or a FIFO in its place is refused, not followed
        text = fh.read(MAX_LOG_BYTES + 1).decode("utf-8", errors="replace")
    if len(text) > MAX_LOG_BYTES:
        raise StatpubError(
            f"{path}: over the {MAX_LOG_BYTES:,} bytes a revisions log may have",
            code="file-too-large",
            path=path,
        )
    return list(csv.DictReader(io.StringIO(text, newline="")))
