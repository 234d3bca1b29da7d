"""Checks on the package descriptor and on the files it points to (not their rows)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath
from typing import Any

from statpub.report import WARNING, Issue
from statpub.validate.target import Target

# Semantic Versioning 2.0.0, the official regular expression.
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_CHUNK = 1 << 20


def check_descriptor(target: Target) -> list[Issue]:
    d = target.descriptor
    where = _descriptor_label(target)
    issues: list[Issue] = []
    if not isinstance(d.get("resources"), list) or not d["resources"]:
        issues.append(
            Issue(
                "descriptor-error", "a Data Package needs a non-empty 'resources' list", path=where
            )
        )
    version = d.get("version")
    if version is not None and not (isinstance(version, str) and SEMVER.match(version)):
        issues.append(
            Issue(
                "version-not-semver",
                f"version {version!r} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0); "
                "the Data Package spec recommends semver so consumers can tell breaking changes",
                path=where,
                field="version",
            )
        )
    created = d.get("created")
    if created is not None and not (isinstance(created, str) and RFC3339.match(created)):
        issues.append(
            Issue(
                "created-not-datetime",
                f"created {created!r} is not an RFC 3339 date-time (e.g. 2025-06-01T00:00:00Z)",
                path=where,
                field="created",
            )
        )
    seen: set[str] = set()
    for res in target.resources:
        name = res.get("name") if isinstance(res, dict) else None
        if not isinstance(name, str):
            issues.append(Issue("descriptor-error", "every resource needs a 'name'", path=where))
            continue
        if name in seen:
            issues.append(
                Issue(
                    "resource-name-duplicate",
                    f"resource name {name!r} is used twice; names must be unique in a package",
                    path=where,
                    resource=name,
                )
            )
        seen.add(name)
    return issues


def _descriptor_label(target: Target) -> str:
    if target.descriptor_path is None:
        return target.label
    return target.descriptor_path.name


def resource_paths(resource: dict[str, Any]) -> list[str]:
    path = resource.get("path")
    if isinstance(path, str):
        return [path]
    if isinstance(path, list):
        return [p for p in path if isinstance(p, str)]
    return []


def is_remote(path: str) -> bool:
    return "://" in path


def check_files(target: Target) -> list[Issue]:
    """Every local file exists, stays inside the package, and matches its ``bytes`` and ``hash``."""
    issues: list[Issue] = []
    for res in target.resources:
        if not isinstance(res, dict) or "data" in res:
            continue
        name = res.get("name")
        paths = resource_paths(res)
        if not paths:
            issues.append(
                Issue("descriptor-error", "resource has neither 'path' nor 'data'", resource=name)
            )
            continue
        local = [p for p in paths if not is_remote(p)]
        unsafe = [
            p for p in local if PurePosixPath(p).is_absolute() or ".." in PurePosixPath(p).parts
        ]
        for p in unsafe:
            issues.append(
                Issue(
                    "path-unsafe",
                    f"path {p!r} must be relative and inside the package folder",
                    path=p,
                    resource=name,
                )
            )
        if unsafe or len(local) != len(paths):
            continue
        missing = [p for p in local if not (target.base_dir / p).is_file()]
        for p in missing:
            issues.append(
                Issue(
                    "file-missing",
                    f"resource {name!r} points to {p!r}, which does not exist",
                    path=p,
                    resource=name,
                )
            )
        if missing:
            continue
        if target.descriptor_path is None and "hash" not in res and "bytes" not in res:
            continue  # a bare table has no descriptor to declare them in
        issues.extend(_check_integrity(res, [target.base_dir / p for p in local], paths[0]))
    return issues


def file_digest(paths: list[Path], algorithm: str = "sha256") -> tuple[str, int]:
    h = hashlib.new(algorithm)
    size = 0
    for path in paths:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
                size += len(chunk)
    return h.hexdigest(), size


def _check_integrity(res: dict[str, Any], files: list[Path], label: str) -> list[Issue]:
    name = res.get("name")
    issues: list[Issue] = []
    declared_hash = res.get("hash")
    algorithm, expected = "md5", None
    if isinstance(declared_hash, str):
        algorithm, _, expected = declared_hash.rpartition(":")
        algorithm = algorithm or "md5"
        if algorithm not in hashlib.algorithms_available:
            issues.append(
                Issue(
                    "hash-algorithm",
                    f"unknown hash algorithm {algorithm!r}",
                    path=label,
                    resource=name,
                )
            )
            expected = None
    digest, size = file_digest(files, algorithm if expected else "sha256")
    if expected is not None and digest != expected.lower():
        issues.append(
            Issue(
                "hash-mismatch",
                f"{algorithm} of the file is {digest}, the descriptor says {expected}: the "
                "file changed after the descriptor was written; rebuild the package or "
                "restore the file",
                path=label,
                resource=name,
                field="hash",
            )
        )
    if declared_hash is None:
        issues.append(
            Issue(
                "hash-missing",
                f'resource declares no \'hash\'; add "hash": "sha256:{digest}" so '
                "consumers can check it",
                path=label,
                resource=name,
                severity=WARNING,
            )
        )
    declared_bytes = res.get("bytes")
    if declared_bytes is None and res.get("format") != "parquet":
        # Not for Parquet: frictionless-py fails every Parquet resource that declares bytes.
        issues.append(
            Issue(
                "bytes-missing",
                f"resource declares no 'bytes'; add \"bytes\": {size}",
                path=label,
                resource=name,
                severity=WARNING,
            )
        )
    elif declared_bytes is not None and declared_bytes != size:
        issues.append(
            Issue(
                "bytes-mismatch",
                f"the file has {size} bytes, the descriptor says {declared_bytes}: the file "
                "changed after the descriptor was written; rebuild the package or restore "
                "the file",
                path=label,
                resource=name,
                field="bytes",
            )
        )
    return issues
