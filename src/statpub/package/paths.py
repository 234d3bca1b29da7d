"""The one path policy: every path taken from a descriptor is checked here before any file opens.

The Data Package spec says a path MUST be a relative POSIX path that does not
contain ``..``; statpub also refuses what would let a stranger's package make
it read outside its folder: absolute paths, backslashes and drive letters
(separators on Windows, and zip-slip in a bundle), NUL bytes, and symbolic
links that resolve outside the package. Only regular files are read: a FIFO
would hang, a device would never end.

Remote paths (``https://...``) are not an error of policy: the caller decides
what to do with them (statpub never fetches them).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_DRIVE = re.compile(r"^[A-Za-z]:")


def is_remote(path: object) -> bool:
    """A URL (``http://``, ``https://``, ``s3://`` ...), which statpub never fetches."""
    return isinstance(path, str) and _SCHEME.match(path) is not None


@dataclass(frozen=True)
class PathProblem:
    """Why a path is refused: ``code`` is the issue type, ``reason`` the words for it."""

    code: str  # path-unsafe, file-missing, file-not-regular
    reason: str


def check_relative(path: Any) -> str | None:
    """Why ``path`` breaks the spec's rules for a relative path; None when it keeps them."""
    if not isinstance(path, str):
        return f"a path must be a string, not {type(path).__name__}"
    if not path:
        return "a path must not be empty"
    if "\x00" in path:
        return "a path must not contain a NUL character"
    if "\\" in path:
        return "a path must use / as its separator (backslashes are not allowed)"
    if path.startswith("/") or _DRIVE.match(path):
        return "a path must be relative to the descriptor, not absolute"
    parts = PurePosixPath(path).parts
    if ".." in parts:
        return "a path must not contain '..'"
    if path.endswith("/"):
        return "a path must name a file, not a folder"
    return None


def resolve_inside(root: Path, path: str) -> Path | PathProblem:
    """The regular file ``path`` names under ``root``, after symbolic links, or the problem.

    ``path`` must already have passed :func:`check_relative`.
    """
    base = root.resolve()
    candidate = base / path
    try:
        real = candidate.resolve(strict=True)
    except FileNotFoundError:
        if _leaves(base, candidate):
            return PathProblem("path-unsafe", "it points outside the package folder")
        return PathProblem("file-missing", "it does not exist")
    except (OSError, RuntimeError) as exc:  # a symlink loop, a name too long
        return PathProblem("path-unsafe", f"it cannot be resolved ({type(exc).__name__})")
    if not real.is_relative_to(base):
        return PathProblem("path-unsafe", "it resolves (through a link) outside the package")
    try:
        mode = real.stat().st_mode
    except OSError:
        return PathProblem("file-missing", "it cannot be read")
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        return PathProblem("file-not-regular", f"it is {kind}; only regular files are read")
    return real


def _leaves(base: Path, candidate: Path) -> bool:
    """Whether a path that does not exist would resolve outside ``base`` (a dangling link)."""
    try:
        return not candidate.resolve(strict=False).is_relative_to(base)
    except (OSError, RuntimeError):
        return True


# Opening: the check and the open are one step. A path resolved and checked, then
# opened by name, can be swapped for a link in between (check-then-open race); so
# the checked, link-free path is opened one folder at a time from ``root``, each step
# refusing a link (O_NOFOLLOW), and the file's type is read from the open descriptor.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_FOLDER = os.O_RDONLY | _DIRECTORY | _CLOEXEC  # a FIFO swapped in must not block the open


class UnsafePath(OSError):
    """A file that the path policy refuses, found while opening it; ``problem`` says why."""

    def __init__(self, problem: PathProblem) -> None:
        super().__init__(problem.reason)
        self.problem = problem


def open_inside(root: Path, path: str | Path) -> BinaryIO:
    """The regular file ``path`` (relative to ``root``, or a path under it), open for reading.

    Links are followed only while they stay inside ``root``; the file is opened
    through descriptors the check was made on, so it cannot be swapped for a link,
    a FIFO or a device between the check and the read. Raises :class:`UnsafePath`
    (an ``OSError``) when the policy refuses it.
    """
    base = root.resolve()
    rel = str(path) if not Path(path).is_absolute() else _relative(base, Path(path))
    if rel is None:
        raise UnsafePath(PathProblem("path-unsafe", "it is outside the repository folder"))
    found = resolve_inside(base, rel)
    if isinstance(found, PathProblem):
        raise UnsafePath(found)
    fd = _open_no_links(base, found)
    return os.fdopen(fd, "rb")


def read_inside(root: Path, path: str | Path, limit: int) -> bytes:
    """The bytes of :func:`open_inside`; over ``limit`` bytes is :class:`UnsafePath`
    (``file-too-large``), decided from the open file before it is read."""
    with open_inside(root, path) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > limit:
            raise UnsafePath(
                PathProblem("file-too-large", f"it is {size:,} bytes, over the {limit:,} read")
            )
        data = fh.read(limit + 1)
    if len(data) > limit:  # it grew while being read
        raise UnsafePath(PathProblem("file-too-large", f"it is over the {limit:,} bytes read"))
    return data


def inside(root: Path, folder: Path) -> bool:
    """Whether ``folder`` (after links) is ``root`` or under it."""
    try:
        return folder.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


def _relative(base: Path, path: Path) -> str | None:
    """``path`` as a path relative to ``base`` (before links), or None when it is not under it."""
    absolute = Path(os.path.normpath(path.absolute()))
    for start in (base, Path(os.path.normpath(base.absolute()))):
        if absolute.is_relative_to(start) and absolute != start:
            return absolute.relative_to(start).as_posix()
    try:  # ``path`` may name ``base`` through a link (a symlinked temporary folder)
        parent = absolute.parent.resolve()
    except (OSError, RuntimeError):
        return None
    if parent.is_relative_to(base):
        return (parent / absolute.name).relative_to(base).as_posix()
    return None


def _open_no_links(base: Path, real: Path) -> int:
    """Open ``real`` (a link-free path under ``base``) refusing a link at every step."""
    parts = real.relative_to(base).parts
    flags = os.O_RDONLY | _NOFOLLOW | _CLOEXEC | _NONBLOCK
    try:
        if os.open not in os.supports_dir_fd or not _NOFOLLOW:
            fd = os.open(real, flags)
            same = os.stat(real, follow_symlinks=False)
            st = os.fstat(fd)
            if (st.st_dev, st.st_ino) != (same.st_dev, same.st_ino):
                os.close(fd)
                raise UnsafePath(PathProblem("path-unsafe", "it changed while being opened"))
        else:
            folder = os.open(base, _FOLDER)
            try:
                for part in parts[:-1]:
                    step = os.open(
                        part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=folder
                    )
                    os.close(folder)
                    folder = step
                fd = os.open(parts[-1], flags, dir_fd=folder)
            finally:
                os.close(folder)
    except UnsafePath:
        raise
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            raise UnsafePath(
                PathProblem("path-unsafe", "it was replaced by a link while being opened")
            ) from exc
        raise
    return _regular_only(fd)


def open_regular(path: Path, *, follow: bool = False) -> BinaryIO:
    """``path`` open for reading when it is a regular file, decided on the open descriptor.

    Without ``follow``, a link as the last part of ``path`` is refused (a file beside a
    package, such as an archive's manifest, is never a link out of it). The open does not
    block on a FIFO. Raises :class:`UnsafePath` (an ``OSError``) when refused.
    """
    flags = os.O_RDONLY | _CLOEXEC | _NONBLOCK | (0 if follow else _NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow:
            raise UnsafePath(
                PathProblem("path-unsafe", "it is a symbolic link; links are not followed here")
            ) from exc
        raise
    return os.fdopen(_regular_only(fd), "rb")


def _regular_only(fd: int) -> int:
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        raise UnsafePath(
            PathProblem("file-not-regular", f"it is {kind}; only regular files are read")
        )
    if _NONBLOCK:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~_NONBLOCK)
    return fd
