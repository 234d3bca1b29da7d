"""Publishing to the in-memory CKAN as the CLI does, and checking what it then holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ckan_fake import FakeCKAN
from datastore_oracle import assert_table_is_csv

from statpub.package import Package
from statpub.publish.ckan import apply, prepare, read_portal
from statpub.publish.datastore import read_datastore
from statpub.publish.lock import LOCK_RESOURCE

TOKEN = "tok-" + "s3cr3t" * 8


def plan_for(fake: FakeCKAN, package: Package, *, datastore: bool = True, **kw: Any) -> Any:
    """What the CLI plans: the DataStore read (unless ``datastore`` is off), then prepare."""
    state = read_portal(fake, package.name, "statpub-test")
    tables = read_datastore(fake, state, package) if datastore else None
    return prepare(package, state, datastore=tables, **kw)


def publish(fake: FakeCKAN, package: Package, **kw: Any) -> Any:
    return apply(plan_for(fake, package, **kw), fake, package)


def expected_names(package: Package) -> list[str]:
    """Every resource the issue asks for: each data file, the descriptor, the changelog."""
    return [Path(f.path).name for f in package.data_files()] + ["datapackage.json", "CHANGELOG.md"]


def assert_complete(fake: FakeCKAN, package: Package) -> dict[str, Any]:
    """The portal holds the package: every file once, its bytes, its sha256 recorded,
    and each table's CSV in the DataStore, row for row."""
    ds = fake.dataset(package.name)
    for lock in [r for r in ds["resources"] if r["name"] == LOCK_RESOURCE]:
        assert fake.tables[lock["id"]]["rows"] == [], "the lease was not given back"
    ds = dict(ds, resources=[r for r in ds["resources"] if r["name"] != LOCK_RESOURCE])
    names = [r["name"] for r in ds["resources"]]
    assert names == expected_names(package)
    local = {Path(f.path).name: f for f in package.files()}
    for r in ds["resources"]:
        f = local[r["name"]]
        assert fake.files[r["id"]] == (package.root / f.path).read_bytes(), r["name"]
        assert r["sha256"] == f.sha256
        if fake.datastore and f.resource is not None and f.resource.format == "csv":
            assert f.resource.schema is not None
            assert_table_is_csv(fake.table_rows(r["id"]), package.root / f.path, f.resource.schema)
    assert ds["version"] == package.version
    return ds


TEXTS = ("title", "description")  # and their translations: title@kk ...


def dictionary_changed(old: Package, new: Package) -> set[str]:
    """The tables whose fields' titles or descriptions differ between two packages."""

    def described(pkg: Package) -> dict[str, list[tuple[Any, ...]]]:
        return {
            Path(r.paths[0]).name: [
                (f["name"], *sorted((k, v) for k, v in f.items() if k.startswith(TEXTS)))
                for f in r.schema["fields"]
            ]
            for r in pkg.resources
            if r.format == "csv" and r.schema is not None
        }

    before, after = described(old), described(new)
    return {name for name in after if before.get(name) != after[name]}
