"""Find a package from what the user named: a folder, a descriptor, a table, or ``REF:PATH``.

* a folder holding ``datapackage.json`` (or ``datapackage.yaml``/``.yml``);
* a descriptor file, JSON or YAML;
* a single CSV or Parquet file with its Table Schema, wrapped into a
  one-resource package;
* a zipped package (what ``statpub bundle`` writes), with :func:`open_package`;
* ``REF:PATH``: a package folder (or descriptor) in a commit of the git
  repository the command runs in, extracted to a temporary folder.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from statpub.errors import StatpubError
from statpub.package import paths as policy
from statpub.package import zipped
from statpub.package.descriptor import YAML_SUFFIXES, read_descriptor
from statpub.package.model import DESCRIPTOR_NAMES, Package
from statpub.package.resolve import load_schema_file, resolve_resources
from statpub.report import WARNING, Issue

TABLE_SUFFIXES = (".csv", ".tsv", ".parquet")
GIT_ARCHIVE_LIMIT = 1 << 30  # bytes of a tar stream taken from git


def read_package(
    path: str | Path, *, schema: str | Path | None = None, label: str | None = None
) -> Package:
    """The package at ``path``, resolved. Raises StatpubError when there is none to read."""
    p = Path(path)
    shown = label or str(path)
    if not p.exists():
        raise StatpubError(f"{shown}: no such file or folder", code="file-not-found", path=p)
    if p.is_dir():
        for name in DESCRIPTOR_NAMES:
            if os.path.lexists(p / name):
                # The descriptor is held to the path policy too: a link out of the
                # folder, or a FIFO, is not read.
                found = policy.resolve_inside(p, name)
                if isinstance(found, policy.PathProblem):
                    raise StatpubError(f"{shown}: {name}: {found.reason}", code=found.code)
                return _from_descriptor(p / name, shown)
        raise StatpubError(
            f"{shown}: no datapackage.json (or datapackage.yaml) in this folder; pass a "
            "descriptor path, or a table with --schema",
            code="file-not-found",
            path=p,
        )
    if p.suffix.lower() in TABLE_SUFFIXES:
        return _from_table(p, schema, shown)
    if zipped.is_zip(p):
        raise StatpubError(
            f"{shown}: a zipped package; this command reads a folder or a descriptor: unzip "
            "it first (validate and diff read zips)",
            code="package-zipped",
            path=p,
        )
    return _from_descriptor(p, shown)


@contextmanager
def open_package(
    spec: str | Path, *, repo: Path | None = None, schema: str | Path | None = None
) -> Iterator[Package]:
    """The package at ``spec``: a path (a zipped package too, extracted for the time of the
    block), or ``REF:PATH`` in the git repository ``repo``."""
    path = Path(spec)
    if path.exists() or ":" not in str(spec):
        with open_local(path, schema=schema, label=str(spec)) as pkg:
            yield pkg
        return
    ref, _, inner = str(spec).partition(":")
    with git_checkout(ref, inner or ".", repo or Path.cwd()) as folder:
        yield read_package(folder, label=str(spec))


@contextmanager
def open_local(
    path: Path, *, schema: str | Path | None = None, label: str | None = None
) -> Iterator[Package]:
    """:func:`read_package`, and a zipped package too, extracted for the time of the block."""
    if zipped.is_zip(path):
        with zipped.extracted(path, label or str(path)) as folder:
            yield read_package(folder, label=label or str(path))
        return
    yield read_package(path, schema=schema, label=label)


def _from_descriptor(path: Path, label: str) -> Package:
    descriptor, warnings = read_descriptor(path, path.name)
    pkg = Package(
        descriptor=descriptor,
        root=path.parent,
        descriptor_path=path,
        label=label,
        issues=list(warnings),
    )
    resolve_resources(pkg)
    return pkg


def _from_table(path: Path, schema_path: str | Path | None, label: str) -> Package:
    """One table and the Table Schema ``--schema`` names, wrapped into a one-resource package.

    The schema is checked whole, as in a package (its profile and rules, foreign keys
    included: an invalid schema is a ``schema-error``); only the rows of a foreign key into
    another resource cannot be checked, as the table comes alone.
    """
    if schema_path is None:
        raise StatpubError(
            f"{label}: a single table needs its Table Schema: add --schema SCHEMA.json",
            code="missing-schema",
            path=path,
        )
    shown_schema = str(schema_path)
    loaded = load_schema_file(Path(schema_path))
    fmt = path.suffix.lower().lstrip(".")
    name = _resource_name(path.stem)
    resource: dict[str, Any] = {"name": name, "type": "table", "path": path.name, "format": fmt}
    if isinstance(loaded, dict):
        resource["schema"] = loaded
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": resource["name"],
        "resources": [resource],
    }
    pkg = Package(
        descriptor=descriptor,
        root=path.parent,
        descriptor_path=None,
        label=label,
        given_schema=shown_schema,
    )
    resolve_resources(pkg)
    res = pkg.resources[0]
    if isinstance(loaded, str):
        res.problems.append(
            Issue(
                "schema-error",
                f"cannot read the Table Schema: {loaded}",
                path=shown_schema,
                resource=name,
            )
        )
        res.spec = None
    elif res.spec is not None:
        res.spec.foreign_keys, unchecked = _keys_within(res.spec.foreign_keys, name, path.name)
        pkg.issues.extend(unchecked)
    return pkg


def _keys_within(
    keys: list[dict[str, Any]], name: str, shown: str
) -> tuple[list[dict[str, Any]], list[Issue]]:
    """A single table comes without the resources its foreign keys point to, so the rows of
    those keys cannot be checked: they are left out, with a warning each saying so. Keys
    within the table itself stay."""
    kept, warnings = [], []
    for fk in keys:
        other = fk["resource"]
        if other in ("", name):
            kept.append(fk)
            continue
        listed = fk["fields"]
        warnings.append(
            Issue(
                "foreign-key-not-checked",
                f"not checked: the foreign key ({', '.join(map(str, listed))}) points to "
                f"resource {other!r}, which a single table does not have; validate the whole "
                "package (its folder or datapackage.json) to check it",
                path=shown,
                field=str(listed[0]) if len(listed) == 1 else None,
                severity=WARNING,
            )
        )
    return kept, warnings


def _resource_name(stem: str) -> str:
    name = "".join(c if c.isalnum() or c in "-_." else "-" for c in stem.lower())
    return name or "table"


@contextmanager
def git_checkout(ref: str, inner: str, repo: Path) -> Iterator[Path]:
    """Extract ``inner`` as it is in commit ``ref`` of ``repo`` into a temporary folder.

    Symbolic links are extracted only when they stay inside the extracted tree
    (tarfile's ``data`` filter; on Pythons without filters, not at all); the path
    policy then judges what they point to.
    """

    def git(*args: str) -> bytes:
        try:
            done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
        except OSError as exc:
            raise StatpubError(f"cannot run git: {exc}", code="git-error") from exc
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise StatpubError(
                f"{ref}:{inner}: not a package in git ({message[0] if message else 'git failed'}); "
                "write REF:PATH with a commit, branch or tag of this repository and a path "
                "inside it",
                code="git-ref-not-found",
            )
        return done.stdout

    git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    prefix = git("rev-parse", "--show-prefix").decode().strip()
    inner_path = PurePosixPath(prefix) / inner if prefix else PurePosixPath(inner)
    # A descriptor needs the files beside it: take its whole folder.
    is_descriptor = inner_path.suffix in (".json", *YAML_SUFFIXES)
    folder = inner_path.parent if is_descriptor else inner_path
    # The size of what the archive would hold, from git's own record of each blob, before
    # any of it is read: ``git archive`` output is held in memory.
    if _tree_bytes(git("ls-tree", "-r", "-l", "-z", ref, "--", str(folder))) > GIT_ARCHIVE_LIMIT:
        raise StatpubError(
            f"{ref}:{inner}: over {GIT_ARCHIVE_LIMIT >> 30} GiB in git; check it out instead",
            code="git-error",
        )
    archive = git("archive", "--format=tar", ref, "--", str(folder))
    if len(archive) > GIT_ARCHIVE_LIMIT:
        raise StatpubError(
            f"{ref}:{inner}: over {GIT_ARCHIVE_LIMIT >> 30} GiB in git; check it out instead",
            code="git-error",
        )
    tmp = Path(tempfile.mkdtemp(prefix="statpub-git-"))
    try:
        try:
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                _extract(tar, tmp)
        except (tarfile.TarError, OSError) as exc:
            raise StatpubError(
                f"{ref}:{inner}: cannot extract from git ({type(exc).__name__}: a link or name "
                "that leaves the package?)",
                code="git-error",
            ) from exc
        yield tmp / inner_path
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _tree_bytes(listing: bytes) -> int:
    """The total size of the blobs in ``git ls-tree -r -l -z`` output."""
    total = 0
    for entry in listing.split(b"\0"):
        fields = entry.split(b"\t", 1)[0].split()
        if len(fields) == 4 and fields[1] == b"blob" and fields[3].isdigit():
            total += int(fields[3])
    return total


def _extract(tar: tarfile.TarFile, dest: Path) -> None:
    """Extract with tarfile's "data" filter. Pythons before 3.11.4 (Debian 12 has 3.11.2)
    have no filters: there only plain files and folders with relative paths are taken,
    and no links."""
    if hasattr(tarfile, "data_filter"):
        tar.extractall(dest, filter="data")
        return
    safe = [
        m
        for m in tar.getmembers()
        if (m.isfile() or m.isdir())
        and not m.name.startswith("/")
        and ".." not in PurePosixPath(m.name).parts
    ]
    tar.extractall(dest, members=safe)
