"""The package a publisher sends: read, proven against its descriptor, single local files."""

from __future__ import annotations

from pathlib import Path

from statpub.errors import StatpubError
from statpub.package import Package, read_package
from statpub.package.integrity import require_intact
from statpub.package.model import DESCRIPTOR_NAMES


def publishable(package_dir: Path, doing: str = "nothing sent") -> Package:
    """The package in ``package_dir``, once every file is proven against its descriptor.

    Raises StatpubError when there is no package or a resource is not one local
    file (publishers upload files), InvalidInput when a file is missing, unsafe
    or changed since the descriptor was written.
    """
    if not any((package_dir / name).is_file() for name in DESCRIPTOR_NAMES):
        raise StatpubError(
            f"{package_dir}: no datapackage.json here; build the package first (statpub build)",
            code="file-not-found",
            path=package_dir,
        )
    pkg = read_package(package_dir)
    for res in pkg.resources:
        if res.inline or res.remote or len(res.paths) != 1:
            raise StatpubError(
                f"{pkg.descriptor_label}: resource {res.name!r} is not one local file; the "
                "publishers only handle single-file local resources",
                code="unsupported-resource",
            )
    require_intact(pkg, doing)
    return pkg
