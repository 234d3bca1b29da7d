"""``make_bundle()``: one deterministic zip of the package, for portals that take files.

Same package, same bytes: entries are sorted, every timestamp is the release
date from the descriptor, permissions and the creating system are fixed, and
the compression level is pinned. (Deflate output can still differ between zlib
builds; the bundle is byte-stable on one installation, and SHA256SUMS inside
lets anyone check the contents whatever the zip bytes.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statpub.errors import StatpubError
from statpub.package import Package, PackageFile
from statpub.package.atomic import staged_file
from statpub.package.files import CHUNK, manifest_text, sha256_file
from statpub.package.paths import open_inside
from statpub.publish.local import publishable

SUMS = "SHA256SUMS"
DEFAULT_DIR = Path("dist")  # where a bundle goes without --out: an ignored output folder
ZipTime = tuple[int, int, int, int, int, int]
_EPOCH: ZipTime = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
_UNIX = 3
_FILE_MODE = 0o100644


@dataclass
class BundleResult:
    path: Path
    root: str  # the folder every entry sits in: ``<name>-<version>/``
    version: str
    bytes: int
    sha256: str
    files: list[PackageFile] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "root": self.root,
            "version": self.version,
            "bytes": self.bytes,
            "sha256": self.sha256,
            "files": [f.to_dict() for f in self.files],
        }


def default_name(package: Package) -> str:
    """``<name>-<version>.zip``, from the descriptor's words made safe for a file name."""
    name = _safe_part(package.name) or "package"
    version = _safe_part(package.version or "")
    return f"{name}-{version}.zip" if version else f"{name}.zip"


def _safe_part(text: str) -> str:
    """Letters, digits, ``.``, ``_`` and ``-`` only, never leading dots: a name from a stranger's
    descriptor cannot put a ``/``, ``..`` or drive into a file or zip entry name."""
    kept = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "-" for c in text)
    return kept.lstrip(".-")[:100]


def make_bundle(package_dir: Path, out_path: Path | None = None) -> BundleResult:
    """Zip the package at ``package_dir`` into ``out_path`` (replaced atomically).

    The zip holds one folder, ``<name>-<version>/``, with the descriptor, the
    data files, the Table Schemas, the data card, the changelog and SHA256SUMS
    (``sha256sum -c SHA256SUMS`` checks it). Without ``out_path`` the zip is
    written to ``dist/<name>-<version>.zip`` under the current folder.
    """
    package = publishable(package_dir, "nothing written")
    files = package.files()
    if out_path is None:
        out_path = DEFAULT_DIR / default_name(package)
    out_path = Path(out_path)
    if out_path.resolve().is_relative_to(package_dir.resolve()):
        raise StatpubError(
            f"{out_path}: write the bundle outside the package folder {package_dir}",
            code="bad-output",
            path=out_path,
        )
    root = default_name(package).removesuffix(".zip") + "/"
    stamp = _timestamp(package.descriptor.get("created"))
    sums = manifest_text({f.path: f.sha256 for f in files}).encode("utf-8")

    _refuse_colliding_names([f.path for f in files] + [SUMS])
    with staged_file(out_path) as tmp, zipfile.ZipFile(tmp, "w") as zf:
        for f in files:
            _add_file(zf, root + f.path, package.root, f.path, f.sha256, stamp)
        _add(zf, root + SUMS, sums, stamp)
    return BundleResult(
        path=out_path,
        root=root,
        version=package.version or "",
        bytes=out_path.stat().st_size,
        sha256=sha256_file(out_path),
        files=files,
    )


def _info(name: str, stamp: ZipTime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.create_system = _UNIX
    info.external_attr = _FILE_MODE << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _add(zf: zipfile.ZipFile, name: str, data: bytes, stamp: ZipTime) -> None:
    zf.writestr(_info(name, stamp), data, compresslevel=9)


def _add_file(
    zf: zipfile.ZipFile, name: str, root: Path, path: str, sha256: str, stamp: ZipTime
) -> None:
    """Stream the package file ``path`` into the zip (never whole in memory), through the
    path policy, and check it still has the sha256 the manifest gives it."""
    digest = hashlib.sha256()
    info = _info(name, stamp)
    with open_inside(root, path) as src:
        # As ``writestr`` does it, so the bytes are the same: the size known before (it
        # decides zip64), the compression level on the entry.
        info.file_size = os.fstat(src.fileno()).st_size
        info._compresslevel = 9  # type: ignore[attr-defined]
        with zf.open(info, "w") as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
    if digest.hexdigest() != sha256:
        raise StatpubError(
            f"{path}: the file changed while the bundle was written; run bundle again",
            code="file-changed",
            path=path,
        )


def _refuse_colliding_names(names: list[str]) -> None:
    """Two entries that one file system would write to one file (``Data.csv`` and
    ``data.csv`` on a case-insensitive one, ``é`` composed and decomposed on a normalising
    one) would have one overwrite the other when the zip is unpacked."""
    seen: dict[str, str] = {}
    for name in names:
        key = unicodedata.normalize("NFC", name).casefold()
        key = unicodedata.normalize("NFC", key)
        if key in seen and seen[key] != name:
            raise StatpubError(
                f"{name!r} and {seen[key]!r} name the same file on a case-insensitive or "
                "normalising file system (macOS, Windows): rename one of them",
                code="bundle-names-collide",
                path=name,
            )
        seen[key] = name


def _timestamp(created: Any) -> ZipTime:
    """The release date as a zip time: an input of the build, not the clock."""
    try:
        day = dt.date.fromisoformat(str(created)[:10])
    except ValueError:
        return _EPOCH
    if day.year < 1980 or day.year > 2107:  # outside what a zip header can hold
        return _EPOCH
    return (day.year, day.month, day.day, 0, 0, 0)
