"""Files against their descriptor: each local file with its declared ``bytes`` and ``hash``.

One check for every command: validate reports what it finds, the publishers
refuse a package with errors, the page and the catalogue publish only what
was proven. Any supported algorithm is checked (a declared md5 is checked as
md5, not mistaken for a sha256 mismatch); the sha256 of every file is computed
as well, since that is what statpub publishes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statpub.errors import InvalidInput
from statpub.package.files import (
    CHANGELOG,
    DeclaredHash,
    Digest,
    datacard_names,
    digest,
    parse_hash,
)
from statpub.report import ERROR, WARNING, Issue

if TYPE_CHECKING:  # the model calls package_files(): the types only, to import no cycle
    from statpub.package.model import Package, Resource


@dataclass(frozen=True)
class PackageFile:
    """One file of the package; ``path`` is relative to the package folder, with ``/``."""

    path: str
    bytes: int
    sha256: str
    role: str  # descriptor, data, schema, dialect, datacard, changelog
    resource: Resource | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "bytes": self.bytes, "sha256": self.sha256}
        if self.resource is not None:
            out["resource"] = self.resource.name
        return out


def check_files(pkg: Package) -> list[Issue]:
    """Size and hash of every local resource, against what its descriptor declares."""
    issues: list[Issue] = []
    for res in pkg.resources:
        if not res.files:
            continue
        bare = pkg.descriptor_path is None
        declared = res.descriptor
        if bare and "hash" not in declared and "bytes" not in declared:
            continue  # a bare table has no descriptor to declare them in
        issues.extend(_check_resource(res, res.files))
    return issues


def require_intact(pkg: Package, doing: str) -> None:
    """Raise InvalidInput when a resource cannot be read or a file does not match its
    descriptor; ``doing`` says what was refused ("nothing sent")."""
    errors = pkg.problems() + [i for i in check_files(pkg) if i.severity == ERROR]
    if errors:
        raise InvalidInput(
            errors,
            summary=f"{pkg.label}: the files do not match the descriptor; {doing}",
            code="package-files-mismatch",
            path=pkg.label,
        )


def _check_resource(res: Resource, files: list[Path]) -> list[Issue]:
    issues: list[Issue] = []
    declared = res.descriptor.get("hash")
    wanted: DeclaredHash | None = None
    if declared is not None:
        parsed = parse_hash(declared)
        if isinstance(parsed, str):
            issues.append(Issue("hash-invalid", parsed, res.label, res.name, field="hash"))
        else:
            wanted = parsed
    sha = digest(files)
    if wanted is not None:
        actual = sha if wanted.algorithm == "sha256" else digest(files, wanted.algorithm)
        if actual.hex != wanted.hex:
            issues.append(
                Issue(
                    "hash-mismatch",
                    f"{wanted.algorithm} of the file is {actual.hex}, the descriptor says "
                    f"{wanted.hex}: the file changed after the descriptor was written: restore "
                    "the file, or update the descriptor (statpub build does, for the packages it "
                    "builds)",
                    res.label,
                    res.name,
                    field="hash",
                )
            )
    if declared is None:
        issues.append(
            Issue(
                "hash-missing",
                f'resource declares no \'hash\'; add "hash": "sha256:{sha.hex}" so consumers '
                "can check it",
                res.label,
                res.name,
                severity=WARNING,
            )
        )
    issues.extend(_check_bytes(res, sha))
    return issues


def _check_bytes(res: Resource, sha: Digest) -> list[Issue]:
    declared = res.descriptor.get("bytes")
    if declared is None:
        if res.format == "parquet":
            return []  # frictionless-py fails every Parquet resource that declares bytes
        return [
            Issue(
                "bytes-missing",
                f"resource declares no 'bytes'; add \"bytes\": {sha.bytes}",
                res.label,
                res.name,
                severity=WARNING,
            )
        ]
    if isinstance(declared, bool) or not isinstance(declared, int):
        return [
            Issue("bytes-invalid", "'bytes' must be an integer", res.label, res.name, field="bytes")
        ]
    if declared != sha.bytes:
        return [
            Issue(
                "bytes-mismatch",
                f"the file has {sha.bytes} bytes, the descriptor says {declared}: the file "
                "changed after the descriptor was written: restore the file, or update the "
                "descriptor (statpub build does, for the packages it builds)",
                res.label,
                res.name,
                field="bytes",
            )
        ]
    return []


def package_files(pkg: Package) -> list[PackageFile]:
    """Every file a copy of the package needs, sorted by path: the descriptor, each local
    resource, the schema and dialect files they point to, the data card and changelog.

    Only files the path policy allowed are listed (a resource with problems has none).
    """
    found: dict[str, PackageFile] = {}

    def add(path: Path, role: str, resource: Resource | None = None) -> None:
        rel = path.resolve().relative_to(pkg.root.resolve()).as_posix()
        if rel not in found:
            d = digest(path)
            found[rel] = PackageFile(rel, d.bytes, d.hex, role, resource)

    if pkg.descriptor_path is not None:
        add(pkg.descriptor_path, "descriptor")
    for res in pkg.resources:
        for f in res.files:
            add(f, "data", res)
        for ref, loaded, role in (
            (res.schema_path, res.schema, "schema"),
            (res.dialect_path, res.dialect, "dialect"),
        ):
            if ref is not None and loaded is not None:  # read under the path policy
                add(pkg.root / ref, role)
    from statpub.package.languages import languages

    langs = languages(pkg.descriptor) if isinstance(pkg.descriptor, dict) else []
    cards = [(name, "datacard") for name in datacard_names(langs)]
    for name, role in (*cards, (CHANGELOG, "changelog")):
        p = pkg.root / name
        if p.is_file() and not p.is_symlink():
            add(p, role)
    return sorted(found.values(), key=lambda f: f.path)
