"""The release archive: every released package kept byte for byte, with its checksums.

Layout::

    releases/<version>/             the package files exactly as released
    releases/<version>/SHA256SUMS   "<sha256>  <path>" per file, sorted; `sha256sum -c` reads it
    releases/.gitattributes         "* -text": git must never rewrite line endings

Rebuilding an old version from its figure files would not do: a newer pyarrow
writes different Parquet bytes. So the published bytes themselves are kept, and
``checkout`` proves each file against the checksum recorded at release time.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statpub import semver
from statpub.errors import InvalidInput, StatpubError
from statpub.package.atomic import staged_folder, write_text
from statpub.package.files import MANIFEST, manifest_text, read_manifest, tree_digests
from statpub.report import Issue

GITATTRIBUTES = "* -text\n"
# Where `statpub release` journals a release in progress, in the figures folder
# (statpub.release.journal); git-ignored.
JOURNAL = ".statpub-release.json"


def package_files(folder: Path) -> dict[str, str]:
    """Relative POSIX path -> sha256 of every file under ``folder`` except the manifest."""
    return tree_digests(folder)


def archived_versions(releases_dir: Path) -> list[str]:
    """Versions archived under ``releases_dir``, oldest first."""
    if not releases_dir.is_dir():
        return []
    _refuse_link(releases_dir)
    found = [
        p.name
        for p in releases_dir.iterdir()
        if semver.is_version(p.name) and not p.is_symlink() and (p / MANIFEST).is_file()
    ]
    return sorted(found, key=semver.sort_key)


def unsealed_folders(releases_dir: Path) -> list[Path]:
    """Folders named as a version under ``releases_dir`` that have no manifest."""
    if not releases_dir.is_dir():
        return []
    _refuse_link(releases_dir)
    return sorted(
        p
        for p in releases_dir.iterdir()
        if p.is_dir() and semver.is_version(p.name) and not (p / MANIFEST).is_file()
    )


def _refuse_link(releases_dir: Path) -> None:
    """An archive folder that is a link would make statpub read (and a release write) another
    folder, maybe outside the repository, as this one's history."""
    if releases_dir.is_symlink():
        raise StatpubError(
            f"{releases_dir}: the release archive is a symbolic link; statpub reads an archive "
            "only where it is: replace the link by the folder",
            code="archive-unsafe",
            path=releases_dir,
        )


def unsealed_issues(releases_dir: Path, shown: Callable[[Path], str] | None = None) -> list[Issue]:
    """A ``manifest-missing`` issue for each folder named as a version that has no manifest."""
    return [_unsealed(folder, shown) for folder in unsealed_folders(releases_dir)]


def _unsealed(folder: Path, shown: Callable[[Path], str] | None) -> Issue:
    path = folder / MANIFEST
    return Issue(
        "manifest-missing",
        f"{folder.name} has no {MANIFEST}, so this release cannot be proven; restore the "
        "file from git",
        path=shown(path) if shown else f"{folder.parent.name}/{folder.name}/{MANIFEST}",
    )


def verify_all(releases_dir: Path) -> list[Issue]:
    """:func:`verify` of every archived version, and :func:`unsealed_issues`."""
    return unsealed_issues(releases_dir) + [
        i for v in archived_versions(releases_dir) for i in verify(releases_dir / v)
    ]


def release_folder(releases_dir: Path, version: str) -> Path:
    folder = releases_dir / version
    if folder.is_dir() and semver.is_version(version) and not (folder / MANIFEST).is_file():
        raise InvalidInput(
            [_unsealed(folder, None)],
            summary=f"release {version} in {releases_dir} cannot be proven",
            code="archive-checksums",
            path=folder,
        )
    if not (folder / MANIFEST).is_file():
        known = ", ".join(archived_versions(releases_dir)) or "none"
        raise StatpubError(
            f"version {version} is not in the release archive {releases_dir} (archived: {known})",
            code="version-not-found",
            path=releases_dir,
        )
    return folder


def verify(folder: Path, label: str | None = None) -> list[Issue]:
    """Every file listed in the manifest is present with its recorded sha256, and no other.

    Issues name each file as ``label/<path>`` (default ``releases/<version>/<path>``).
    """
    recorded = read_manifest(folder)
    actual = package_files(folder)
    label = label or f"{folder.parent.name}/{folder.name}"
    issues: list[Issue] = []
    for rel, digest in recorded.items():
        if rel not in actual:
            issues.append(
                Issue(
                    "archive-file-missing",
                    f"{rel} is listed in {label}/{MANIFEST} but missing; restore it from git",
                    path=f"{label}/{rel}",
                )
            )
        elif actual[rel] != digest:
            issues.append(
                Issue(
                    "checksum-mismatch",
                    f"sha256 is {actual[rel]}, the release recorded {digest}: the archived "
                    "file was changed after release; restore it from git",
                    path=f"{label}/{rel}",
                    field="sha256",
                )
            )
    for rel in sorted(set(actual) - set(recorded)):
        issues.append(
            Issue(
                "archive-file-unlisted",
                f"{rel} is not part of release {label} (not in {MANIFEST}); remove it",
                path=f"{label}/{rel}",
            )
        )
    return issues


@dataclass
class ArchiveResult:
    version: str
    folder: Path
    files: dict[str, str] = field(default_factory=dict)  # path -> sha256

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "folder": str(self.folder), "files": dict(self.files)}


def archive(package_dir: Path, releases_dir: Path, version: str) -> ArchiveResult:
    """Copy the package in ``package_dir`` to ``releases_dir/version`` with its manifest.

    A version is archived once: an existing folder for it is refused.
    """
    dest = releases_dir / version
    if dest.exists():
        raise InvalidInput(
            [
                Issue(
                    "version-exists",
                    f"version {version} is already released ({dest}); released versions never "
                    "change: release a new version instead",
                    path=str(dest),
                )
            ],
            summary=f"version {version} is already released",
        )
    releases_dir.mkdir(parents=True, exist_ok=True)
    attributes = releases_dir / ".gitattributes"
    if not attributes.exists():
        write_text(attributes, GITATTRIBUTES)
    with staged_folder(dest) as staging:
        files = copy_package(package_dir, staging)
        write_text(staging / MANIFEST, manifest_text(files))
    return ArchiveResult(version, dest, files)


def seal(package_dir: Path) -> dict[str, str]:
    """Write the manifest of ``package_dir`` into it, making it a staged archive folder;
    return path -> sha256 of the package files."""
    files = package_files(package_dir)
    write_text(package_dir / MANIFEST, manifest_text(files))
    return files


def place(staged: Path, releases_dir: Path, version: str) -> Path:
    """Move a sealed folder to ``releases_dir/version`` with one rename (the same file
    system); a version is archived once."""
    dest = releases_dir / version
    if dest.exists():
        raise StatpubError(
            f"{dest} exists: version {version} is already archived", code="version-exists"
        )
    attributes = releases_dir / ".gitattributes"
    if not attributes.exists():
        write_text(attributes, GITATTRIBUTES)
    os.chmod(staged, 0o755)
    staged.rename(dest)
    return dest


def copy_package(src: Path, dest: Path) -> dict[str, str]:
    """Copy every package file of ``src`` into ``dest``; return path -> sha256 of the copies."""
    files = package_files(src)
    for rel in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / rel, target)
    return package_files(dest)


@dataclass
class CheckoutResult:
    version: str
    out_dir: Path
    files: dict[str, str] = field(default_factory=dict)  # path -> sha256, each proven

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "out_dir": str(self.out_dir),
            "verified": True,
            "files": dict(self.files),
        }


def checkout(
    releases_dir: Path, version: str, out_dir: Path, *, force: bool = False
) -> CheckoutResult:
    """Write release ``version`` to ``out_dir``, every file proven against its recorded sha256.

    Raises InvalidInput (``checksum-mismatch`` and kin) when the archive was
    tampered with; ``out_dir`` is then left as it was.
    """
    folder = release_folder(releases_dir, version)
    if out_dir.exists() and not force and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise StatpubError(
            f"{out_dir} exists and is not empty; choose a new folder or pass --force to replace it",
            code="destination-exists",
            path=out_dir,
        )
    issues = verify(folder)
    if issues:
        raise InvalidInput(
            issues,
            summary=f"release {version} in {releases_dir} fails its checksums",
            code="archive-checksums",
            path=folder,
        )
    recorded = read_manifest(folder)
    with staged_folder(out_dir) as staging:
        written = copy_package(folder, staging)
        if written != recorded:
            bad = sorted(rel for rel in recorded if written.get(rel) != recorded[rel])
            raise InvalidInput(
                [
                    Issue(
                        "checksum-mismatch", "the copy does not match the recorded sha256", path=rel
                    )
                    for rel in bad
                ],
                summary="the copy could not be proven",
            )
    return CheckoutResult(version, out_dir, written)
