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

import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

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
