"""A zipped Data Package, extracted under the path policy to a temporary folder.

The Data Package "files inside archives" recipe: a zip holding the descriptor
at its top, or in its one top folder (what ``statpub bundle`` writes:
``<name>-<version>/datapackage.json``). Every entry name is held to the path
policy (:mod:`statpub.package.paths`) before anything is written: no absolute
name, no ``..``, no backslash or drive letter (zip-slip), no symbolic link, no
entry given twice. The bytes written are counted as they are inflated, so a zip
bomb stops at the limit whatever its headers claim. The extracted folder is then
read like any other, under the same policy and the same table limits.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from statpub.errors import StatpubError
from statpub.package import paths as policy
from statpub.package.model import DESCRIPTOR_NAMES

MAX_ZIP_BYTES = 1 << 30  # inflated, in all: the same cap as a package taken from git
MAX_ZIP_ENTRIES = 100_000
_CHUNK = 1 << 20


def is_zip(path: Path) -> bool:
    """A zip file, by its name or its first bytes (a descriptor never starts so)."""
    if not path.is_file():
        return False
    if path.suffix.lower() == ".zip":
        return True
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


@contextmanager
def extracted(path: Path, label: str) -> Iterator[Path]:
    """The folder of the package zipped at ``path``, extracted to a temporary folder that is
    removed afterwards. Raises StatpubError when the zip is unsafe, too large or holds no
    package."""
    tmp = Path(tempfile.mkdtemp(prefix="statpub-zip-"))
    try:
        try:
            with zipfile.ZipFile(path) as zf:
                _extract(zf, tmp, label)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
            raise StatpubError(
                f"{label}: cannot read the zip ({type(exc).__name__}: {exc}); is it a "
                "complete zip file?",
                code="zip-error",
                path=path,
            ) from exc
        yield _package_folder(tmp, label)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _extract(zf: zipfile.ZipFile, dest: Path, label: str) -> None:
    entries = zf.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise StatpubError(
            f"{label}: {len(entries):,} entries, over the {MAX_ZIP_ENTRIES:,} statpub extracts",
            code="zip-too-large",
        )
    seen: set[str] = set()
    written = 0
    for info in entries:
        name = info.filename.rstrip("/") if info.is_dir() else info.filename
        reason = policy.check_relative(name)
        if reason is None and stat.S_ISLNK(info.external_attr >> 16):
            reason = "a symbolic link; statpub does not extract links"
        if reason is None and name in seen:
            reason = "given twice in the zip"
        if reason is None and info.flag_bits & 0x1:
            reason = "encrypted"
        if reason is not None:
            raise StatpubError(
                f"{label}: zip entry {name[:80]!r}: {reason}; nothing was extracted from "
                "this zip that a package could use",
                code="path-unsafe",
            )
        seen.add(name)
        target = dest.joinpath(*PurePosixPath(name).parts)
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(info) as src, target.open("xb") as out:
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                if written > MAX_ZIP_BYTES:
                    raise StatpubError(
                        f"{label}: over {MAX_ZIP_BYTES >> 30} GiB once inflated; unzip it "
                        "yourself and validate the folder",
                        code="zip-too-large",
                    )
                out.write(chunk)


def _package_folder(root: Path, label: str) -> Path:
    """Where the descriptor is: the zip's top, or its one top folder."""
    for folder in (root, *_only_child(root)):
        if any((folder / name).is_file() for name in DESCRIPTOR_NAMES):
            return folder
    raise StatpubError(
        f"{label}: no datapackage.json (or datapackage.yaml) at the top of the zip or in its "
        "one top folder; zip the package folder",
        code="file-not-found",
    )


def _only_child(root: Path) -> list[Path]:
    children = list(root.iterdir())
    return children if len(children) == 1 and children[0].is_dir() else []
