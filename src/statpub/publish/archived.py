"""Every archived release on the portal: one versioned zip resource per release.

CKAN keeps one set of resources per dataset and no version history, so the
latest release owns the dataset's resources and DataStore tables, and each
release archived in ``releases/<version>/`` is added beside them as the bundle
``statpub bundle`` makes of it (``release-<version>.zip``: every file of that
release and its SHA256SUMS). Its ``version`` field says which release it is and
its ``sha256`` field the zip's digest, recorded after the upload as for every
other resource; resources of this name are never pruned.
"""

from __future__ import annotations

import re
from pathlib import Path

from statpub.errors import InvalidInput
from statpub.package.integrity import PackageFile
from statpub.publish.ckan_fields import ResourceSpec

PREFIX = "release-"
NEVER_PRUNED = "an archived release: never deleted"
_NAME = re.compile(r"^release-[0-9A-Za-z][0-9A-Za-z.+_-]*\.zip$")


def resource_name(version: str) -> str:
    """``release-1.0.0.zip``: the resource of archived release ``version``."""
    return f"{PREFIX}{version}.zip"


def is_archived(name: str) -> bool:
    """Whether a portal resource of this name is an archived release's."""
    return bool(_NAME.match(name))


def archived_specs(releases_dir: Path, workdir: Path) -> list[ResourceSpec]:
    """One resource per archived release, oldest first, each verified, bundled into ``workdir``.

    Raises InvalidInput (``archive-checksums``) when a release fails its checks:
    nothing of a damaged archive is sent.
    """
    from statpub.publish.bundle import make_bundle
    from statpub.versioning.archive import archived_versions, release_folder, verify_release

    specs = []
    for version in archived_versions(releases_dir):
        issues = verify_release(releases_dir, version)
        if issues:
            raise InvalidInput(
                issues,
                summary=f"{releases_dir / version} fails its checks (statpub verify "
                "--releases); no release was sent",
                code="archive-checksums",
                path=releases_dir / version,
            )
        name = resource_name(version)
        made = make_bundle(release_folder(releases_dir, version), workdir / name)
        file = PackageFile(str(made.path.resolve()), made.bytes, made.sha256, "bundle")
        fields = {
            "description": f"Release {version} as archived: every file of that release "
            "and its SHA256SUMS (check with sha256sum -c SHA256SUMS).",
            "format": "ZIP",
            "mimetype": "application/zip",
            "version": version,
        }
        specs.append(ResourceSpec(name, file, fields))
    return specs
