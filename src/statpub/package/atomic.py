"""Atomic writes: a file or a folder is replaced whole, or not at all.

Every command that writes goes through here. Temporary files and folders sit
beside their destination (a rename is atomic only on one file system) and are
named ``.statpub-tmp-*``, so one ignore rule covers them all and a crashed run's
leftovers are recognisable; :func:`sweep` removes them.

Each step of a write that a crash could interrupt is a named :func:`fault_point`:
with ``STATPUB_FAULT=<step>`` in the environment the process dies there
(``os._exit``, as a kill would leave it), or raises :class:`FaultInjected` with
``STATPUB_FAULT_MODE=raise``. The tests use them to prove that every interrupted
write is recovered; unset, they do nothing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from statpub.errors import StatpubError

PREFIX = ".statpub-tmp-"
FAULT_ENV = "STATPUB_FAULT"
FAULT_MODE_ENV = "STATPUB_FAULT_MODE"
FAULT_EXIT = 86  # the exit status of a process killed at a fault point


class FaultInjected(Exception):
    """Raised at the fault point named by ``STATPUB_FAULT`` when ``STATPUB_FAULT_MODE=raise``."""

    def __init__(self, step: str) -> None:
        super().__init__(f"fault injected at step {step!r}")
        self.step = step


def fault_point(step: str) -> None:
    """A step where a crash could interrupt a write; a test can make the process die here."""
    if os.environ.get(FAULT_ENV) != step:
        return
    if os.environ.get(FAULT_MODE_ENV) == "raise":
        raise FaultInjected(step)
    os._exit(FAULT_EXIT)


def refuse_links(path: Path) -> None:
    """Refuse to write ``path`` when it, or the folder it is written into, is a symbolic
    link: a committed ``dist/`` or ``_site/`` that is a link would send the write (and the
    removal of the old copy) wherever the link points."""
    for p in (path, path.parent):
        if p.is_symlink():
            raise StatpubError(
                f"{p}: is a symbolic link; statpub does not write through links (it would "
                "write outside this folder): remove the link or choose another output",
                code="output-unsafe",
                path=p,
            )


def write_bytes(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Replace ``path`` by ``data``: readers see the old file or the new one, never a part."""
    refuse_links(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{PREFIX}{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        fault_point(f"write:{path.name}")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


@contextmanager
def staged_file(path: Path, *, mode: int = 0o644) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on normal exit it replaces ``path``."""
    refuse_links(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f"{PREFIX}{path.name}.", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def temp_folder(parent: Path, name: str) -> Path:
    """A new empty folder ``parent/.statpub-tmp-<name>.<random>`` for a multi-step write."""
    refuse_links(parent)
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{name}.", dir=parent))


@contextmanager
def staged_folder(dest: Path) -> Iterator[Path]:
    """Yield an empty folder beside ``dest``; on normal exit it replaces ``dest``.

    On an exception the staged folder is removed and ``dest`` is untouched.
    """
    refuse_links(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{dest.name}.new-", dir=dest.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    fault_point(f"staged:{dest.name}")
    swap_in(staging, dest)


def swap_in(staging: Path, dest: Path) -> None:
    """Replace ``dest`` by ``staging`` with two renames on one file system."""
    os.chmod(staging, 0o755)
    if not dest.exists():
        staging.rename(dest)
        return
    old = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{dest.name}.old-", dir=dest.parent))
    old.rmdir()
    dest.rename(old)
    fault_point(f"swap:{dest.name}")
    try:
        staging.rename(dest)
    except BaseException:
        old.rename(dest)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def leftovers(folder: Path, name: str | None = None) -> list[Path]:
    """Temporary files and folders an interrupted run left directly in ``folder``; with
    ``name``, only those staged for ``folder/name``."""
    if not folder.is_dir():
        return []
    start = PREFIX if name is None else f"{PREFIX}{name}."
    return sorted(p for p in folder.iterdir() if p.name.startswith(start))


def sweep(folder: Path, name: str | None = None) -> list[Path]:
    """Remove :func:`leftovers` of ``folder`` (``name``: of ``folder/name`` only); return
    what was removed."""
    removed = leftovers(folder, name)
    for p in removed:
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
    return removed
