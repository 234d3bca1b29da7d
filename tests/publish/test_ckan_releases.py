"""Every archived release stays downloadable: one versioned zip resource per release."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from ckan_fake import FakeCKAN
from fake_helpers import plan_for

from statpub.errors import InvalidInput
from statpub.package import Package
from statpub.publish.archived import NEVER_PRUNED, archived_specs, resource_name
from statpub.publish.ckan import apply
from statpub.publish.local import publishable as read_package
from statpub.publish.plan import CREATE, DELETE, SKIP, STALE
from statpub.versioning.archive import archive, archived_versions


@pytest.fixture
def releases(built_package: Path, second_release: Path, tmp_path: Path) -> Path:
    """An archive of two releases: the built package's and the one after it."""
    folder = tmp_path / "releases"
    for pkg in (built_package, second_release):
        archive(pkg, folder, str(read_package(pkg).version))
    return folder


def _publish(fake: FakeCKAN, package: Package, releases: Path, work: Path, **kw: object) -> object:
    plan = plan_for(fake, package, archived=archived_specs(releases, work), **kw)
    apply(plan, fake, package)
    return plan


def _resources(fake: FakeCKAN, package: Package) -> dict[str, dict]:
    return {r["name"]: r for r in fake._find(package.name)["resources"]}


def test_each_archived_release_is_one_verified_zip(
    second_release: Path, releases: Path, tmp_path: Path
) -> None:
    fake = FakeCKAN()
    latest = read_package(second_release)
    _publish(fake, latest, releases, tmp_path / "w1")
    held = _resources(fake, latest)
    for version in archived_versions(releases):
        r = held[resource_name(version)]
        assert r["version"] == version
        data = fake.files[r["id"]]
        assert r["sha256"] == hashlib.sha256(data).hexdigest()
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            sums = [n for n in z.namelist() if n.endswith("/SHA256SUMS")]
            assert len(sums) == 1
            for line in z.read(sums[0]).decode().splitlines():
                digest, name = line.split(maxsplit=1)
                inner = sums[0].rsplit("/", 1)[0] + "/" + name.lstrip("*")
                assert hashlib.sha256(z.read(inner)).hexdigest() == digest
    # the DataStore and the dataset are the latest release's
    assert fake._find(latest.name)["version"] == latest.version


def test_rerun_sends_nothing_and_ids_stay(
    second_release: Path, releases: Path, tmp_path: Path
) -> None:
    fake = FakeCKAN()
    latest = read_package(second_release)
    _publish(fake, latest, releases, tmp_path / "w1")
    before = {n: r["id"] for n, r in _resources(fake, latest).items()}
    uploads = len(fake.upload_calls)
    plan = _publish(fake, latest, releases, tmp_path / "w2")
    assert {a.verb for a in plan.actions if a.kind == "resource"} == {SKIP}  # type: ignore[attr-defined]
    assert len(fake.upload_calls) == uploads
    assert {n: r["id"] for n, r in _resources(fake, latest).items()} == before


def test_a_new_release_adds_its_zip_and_keeps_the_earlier_ones(
    built_package: Path, second_release: Path, releases: Path, tmp_path: Path
) -> None:
    fake = FakeCKAN()
    first, latest = read_package(built_package), read_package(second_release)
    only_first = tmp_path / "only-first"
    archive(built_package, only_first, str(first.version))
    _publish(fake, first, only_first, tmp_path / "w1")
    old = _resources(fake, first)[resource_name(str(first.version))]
    plan = _publish(fake, latest, releases, tmp_path / "w2", prune=True)
    verbs = {a.name: a.verb for a in plan.actions if a.kind == "resource"}  # type: ignore[attr-defined]
    assert verbs[resource_name(str(first.version))] == SKIP
    assert verbs[resource_name(str(latest.version))] == CREATE
    held = _resources(fake, latest)
    assert held[resource_name(str(first.version))]["id"] == old["id"]


def test_prune_never_deletes_an_archived_release(
    second_release: Path, releases: Path, tmp_path: Path, package: Package
) -> None:
    fake = FakeCKAN()
    latest = read_package(second_release)
    _publish(fake, latest, releases, tmp_path / "w1")
    # published later without the archive at hand, and pruned: the zips stay
    plan = plan_for(fake, latest, prune=True)
    zips = [a for a in plan.actions if a.name.startswith("release-")]
    assert zips and {a.verb for a in zips} == {STALE}
    assert {a.changes for a in zips} == {(NEVER_PRUNED,)}
    assert not any(a.verb == DELETE for a in plan.actions)
    apply(plan, fake, latest)
    assert all(resource_name(v) in _resources(fake, latest) for v in archived_versions(releases))


def test_a_damaged_archive_is_refused_before_anything_is_sent(
    releases: Path, tmp_path: Path
) -> None:
    version = archived_versions(releases)[0]
    data = sorted((releases / version / "data").iterdir())[0]
    data.chmod(0o644)
    data.write_bytes(data.read_bytes() + b"\n")
    with pytest.raises(InvalidInput) as err:
        archived_specs(releases, tmp_path / "w")
    assert err.value.code == "archive-checksums"
