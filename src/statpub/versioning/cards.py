"""The data cards beside two packages compared: ``README.md`` and ``README.<lang>.md``
(one per language the descriptor declares, :func:`statpub.package.files.datacard_names`).

A card is part of what a release publishes (it is in the release's ``SHA256SUMS``), so a
card that reads differently is a change, at patch level: its words changed, not the data.
"""

from __future__ import annotations

import hashlib

from statpub.package.files import datacard_names
from statpub.package.languages import languages
from statpub.package.model import Package
from statpub.package.paths import open_inside
from statpub.versioning.change import Change

CHUNK = 1 << 20


def card_changes(old: Package, new: Package) -> tuple[list[Change], list[str]]:
    """A ``datacard-changed`` change per card added, removed or changed; and a note per
    card that could not be read (it is then not compared)."""
    if old.descriptor_path is None or new.descriptor_path is None:
        return [], []  # a table wrapped on the fly has no card
    names = sorted(set(_names(old)) | set(_names(new)))
    changes: list[Change] = []
    notes: list[str] = []
    for name in names:
        before, why_old = _digest(old, name)
        after, why_new = _digest(new, name)
        why = why_old or why_new
        if why:
            notes.append(f"data card {name} not compared: {why}")
            continue
        if before == after:
            continue
        said = "added" if before is None else "removed" if after is None else "changed"
        changes.append(
            Change(
                "datacard-changed",
                "patch",
                f"the data card {name} was {said} (its words, not the data)",
                None,
                name,
            )
        )
    return changes, notes


def _names(pkg: Package) -> list[str]:
    langs = languages(pkg.descriptor)
    return datacard_names(langs if isinstance(pkg.descriptor.get("languages"), list) else [])


def _digest(pkg: Package, name: str) -> tuple[str | None, str | None]:
    """(sha256 of the card, None), (None, None) when there is none, (None, why) when it
    cannot be read."""
    if not (pkg.root / name).exists() and not (pkg.root / name).is_symlink():
        return None, None
    digest = hashlib.sha256()
    try:
        with open_inside(pkg.root, name) as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
    except OSError as exc:
        return None, f"{pkg.label}: {exc}"
    return digest.hexdigest(), None
