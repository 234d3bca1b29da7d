"""The release archive: every released package kept byte for byte, with its checksums.

Layout::

    releases/<version>/             the package files exactly as released
    releases/<version>/SHA256SUMS   "<sha256>  <path>" per file, sorted; `sha256sum -c` reads it
    releases/<version>/EARLIER-SHA256SUMS
                                    "<sha256>  <earlier version>/SHA256SUMS" per earlier
                                    archive: the hash chain (``cd releases; sha256sum -c``)
    releases/.gitattributes         "* -text": git must never rewrite line endings

Every reading of an archive goes through :func:`verify`: each file against its
SHA256SUMS, each data file against the hash its own ``datapackage.json``
declares, and every earlier archive's SHA256SUMS against the digests each later
release recorded. Rewriting a file and its SHA256SUMS line still disagrees with
the descriptor; rewriting the descriptor too still disagrees with the chain of
every later release.

Rebuilding an old version from its figure files would not do: a newer pyarrow
writes different Parquet bytes. So the published bytes themselves are kept, and
``checkout`` proves each file against the checksum recorded at release time.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statpub import semver
from statpub.errors import InvalidInput, StatpubError
from statpub.package.atomic import staged_folder, write_text
from statpub.package.files import (
    MANIFEST,
    DeclaredHash,
    digest,
    manifest_text,
    parse_manifest,
    read_manifest,
    sha256_file,
    tree_digests,
    tree_files,
)
from statpub.report import Issue

GITATTRIBUTES = "* -text\n"
# Where `statpub release` journals a release in progress, in the figures folder
# (statpub.release.journal); git-ignored.
JOURNAL = ".statpub-release.json"
# The digests of every earlier archive's SHA256SUMS, written by each release since the
# chain began; listed in the release's own SHA256SUMS, not part of the package.
CHAIN = "EARLIER-SHA256SUMS"
DESCRIPTOR = "datapackage.json"


def package_files(folder: Path) -> dict[str, str]:
    """Relative POSIX path -> sha256 of every package file under ``folder`` (not the
    manifest, not the chain)."""
    return tree_digests(folder, skip=(MANIFEST, CHAIN))


def archived_files(folder: Path) -> dict[str, str]:
    """:func:`package_files` and the chain file, if any: what SHA256SUMS lists."""
    files = package_files(folder)
    if (folder / CHAIN).is_file():
        files[CHAIN] = sha256_file(folder / CHAIN)
    return files


def released_files(folder: Path) -> dict[str, str]:
    """The package files an archived release's SHA256SUMS lists (not the chain file):
    what :func:`package_files` gives for a package that is that release."""
    return {k: v for k, v in read_manifest(folder).items() if k != CHAIN}


def chain_text(releases_dir: Path) -> str:
    """The chain file of the next release: the sha256 of every archived SHA256SUMS."""
    return "".join(
        f"{sha256_file(releases_dir / v / MANIFEST)}  {v}/{MANIFEST}\n"
        for v in archived_versions(releases_dir)
    )


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
    return (
        unsealed_issues(releases_dir)
        + [i for v in archived_versions(releases_dir) for i in verify(releases_dir / v)]
        + chain_issues(releases_dir)
    )


def require_intact_archive(folder: Path) -> None:
    """When ``folder`` is an archived release (it holds SHA256SUMS), raise InvalidInput
    unless it passes :func:`verify_release`; any other folder passes."""
    if not (folder / MANIFEST).is_file():
        return
    issues = verify_release(folder.parent, folder.name)
    if issues:
        raise InvalidInput(
            issues,
            summary=f"{folder} is an archived release that fails its checks; nothing was read",
            code="archive-checksums",
            path=folder,
        )


def verify_release(releases_dir: Path, version: str) -> list[Issue]:
    """:func:`verify` of one archived version and the chain's findings about it."""
    return verify(releases_dir / version) + chain_issues(releases_dir, only=version)


def chain_issues(
    releases_dir: Path, shown: Callable[[Path], str] | None = None, only: str | None = None
) -> list[Issue]:
    """Each earlier archive's SHA256SUMS against the digest every later release recorded
    (``only``: the findings about that version's SHA256SUMS)."""
    issues: list[Issue] = []
    name = shown or (lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name}")
    for v in archived_versions(releases_dir):
        path = releases_dir / v / CHAIN
        if not path.is_file():
            continue
        try:
            recorded = parse_manifest(path.read_text(encoding="utf-8"), name(path))
        except (OSError, UnicodeDecodeError, StatpubError):
            issues.append(
                Issue(
                    "archive-chain-invalid",
                    f"{CHAIN} of {v} is not '<sha256>  <version>/{MANIFEST}' lines; restore "
                    "it from git",
                    path=name(path),
                )
            )
            continue
        for rel, expected in recorded.items():
            if only is not None and rel != f"{only}/{MANIFEST}":
                continue
            earlier = releases_dir / rel
            if not earlier.is_file():
                issues.append(
                    Issue(
                        "archive-chain-broken",
                        f"release {v} records {rel}, which is missing; restore it from git",
                        path=name(earlier),
                    )
                )
            elif sha256_file(earlier) != expected:
                issues.append(
                    Issue(
                        "archive-chain-broken",
                        f"{rel} is not the file release {v} recorded in its {CHAIN}: that "
                        f"earlier archive was rewritten after {v} was released; restore "
                        f"{rel.split('/')[0]} from git (do not edit {CHAIN})",
                        path=name(earlier),
                        field="sha256",
                    )
                )
    return issues


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
    actual = archived_files(folder)
    label = label or f"{folder.parent.name}/{folder.name}"
    issues: list[Issue] = []
    for rel, recorded_sha in recorded.items():
        if rel not in actual:
            issues.append(
                Issue(
                    "archive-file-missing",
                    f"{rel} is listed in {label}/{MANIFEST} but missing; restore it from git",
                    path=f"{label}/{rel}",
                )
            )
        elif actual[rel] != recorded_sha:
            issues.append(
                Issue(
                    "checksum-mismatch",
                    f"sha256 is {actual[rel]}, the release recorded {recorded_sha}: the archived "
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
    reported = {i.path for i in issues}
    issues += [i for i in descriptor_issues(folder, label) if i.path not in reported]
    return issues


def descriptor_issues(folder: Path, label: str) -> list[Issue]:
    """Each data file against the hash the archive's own datapackage.json declares."""
    try:
        descriptor = json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return []  # a missing or broken descriptor is the manifest's finding
    from statpub.package.files import parse_hash

    issues: list[Issue] = []
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    for res in resources if isinstance(resources, list) else []:
        if not isinstance(res, dict) or not isinstance(res.get("path"), str):
            continue
        declared = parse_hash(res.get("hash")) if "hash" in res else None
        path = folder / res["path"]
        if not isinstance(declared, DeclaredHash) or not path.is_file():
            continue
        if digest(path, declared.algorithm).hex != declared.hex:
            issues.append(
                Issue(
                    "archive-descriptor-mismatch",
                    f"{res['path']} does not match the hash {label}/{DESCRIPTOR} declares for "
                    f"it, although it matches {MANIFEST}: the file and its {MANIFEST} line "
                    f"were rewritten after release; restore {label} from git",
                    path=f"{label}/{res['path']}",
                    field="hash",
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
        copy_package(package_dir, staging)
        files = seal(staging, releases_dir)
    return ArchiveResult(version, dest, files)


def seal(package_dir: Path, releases_dir: Path | None = None) -> dict[str, str]:
    """Write the manifest of ``package_dir`` into it, making it a staged archive folder,
    with the chain of the archives already in ``releases_dir``; return path -> sha256 of
    every file the manifest lists."""
    if releases_dir is not None and archived_versions(releases_dir):
        write_text(package_dir / CHAIN, chain_text(releases_dir))
    files = archived_files(package_dir)
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
    """Copy every package file of ``src`` into ``dest``; return path -> sha256 of the copies
    (hashed once they are written; the originals are copied, not hashed)."""
    for rel in tree_files(src, skip=(MANIFEST, CHAIN)):
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
    issues = verify_release(releases_dir, version)
    if issues:
        raise InvalidInput(
            issues,
            summary=f"release {version} in {releases_dir} fails its checksums",
            code="archive-checksums",
            path=folder,
        )
    recorded = {k: v for k, v in read_manifest(folder).items() if k != CHAIN}
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
