"""This repository's archived releases on the real CKAN of scripts/ckan-stack: each one
downloadable as its zip, byte for byte the archive's files; a rerun sends nothing and
--prune keeps them. Every expectation is read from releases/."""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import zipfile
from pathlib import Path

import pytest
from live_stack import cli, download, read_stack, show

from statpub.package import read_package
from statpub.package.files import MANIFEST
from statpub.publish.archived import resource_name
from statpub.versioning.archive import CHAIN, archived_versions

pytestmark = pytest.mark.ckan


def test_every_archived_release_stays_downloadable(repo_root: Path, tmp_path: Path) -> None:
    ckan = read_stack()
    outputs: list[str] = []
    releases = repo_root / "releases"
    versions = archived_versions(releases)
    assert versions
    latest = releases / versions[-1]
    name = f"statpub-releases-{secrets.token_hex(4)}"
    args = (str(latest), "--dataset", name, "--releases", str(releases), "--json")
    first = cli(ckan, outputs, *args)
    assert first.exit_code == 0, first.output
    held = {r["name"]: r for r in show(ckan, name)["resources"]}
    for version in versions:
        r = held[resource_name(version)]
        assert r["version"] == version and r["url_type"] == "upload"
        data = download(r["url"])
        assert hashlib.sha256(data).hexdigest() == r["sha256"]
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            root = z.namelist()[0].split("/")[0]
            entries = {n.removeprefix(root + "/"): z.read(n) for n in z.namelist()}
        # the release's package files, byte for byte, and a SHA256SUMS that proves them
        # (the archive's chain file of earlier releases stays in the repository's archive)
        archived = {
            p.relative_to(releases / version).as_posix(): p.read_bytes()
            for p in (releases / version).rglob("*")
            if p.is_file() and p.name not in (".gitattributes", MANIFEST, CHAIN)
        }
        sums = entries.pop(MANIFEST).decode("utf-8").splitlines()
        assert entries == archived
        assert sorted(sums) == sorted(
            f"{hashlib.sha256(b).hexdigest()}  {n}" for n, b in entries.items()
        )
    # the dataset, and its DataStore tables, are the latest release's
    assert show(ckan, name)["version"] == read_package(latest).version

    # a rerun has nothing to send (a dry run exits 1 when anything would change)
    again = cli(ckan, outputs, *args, "--dry-run")
    assert again.exit_code == 0, again.output
    assert all(a["action"] == "skip" for a in json.loads(again.stdout)["actions"])
    assert cli(ckan, outputs, *args).exit_code == 0
    assert {r["name"]: r["id"] for r in show(ckan, name)["resources"]} == {
        n: r["id"] for n, r in held.items()
    }

    # published without the archive at hand, with --prune: the releases stay
    empty = tmp_path / "no-releases"
    empty.mkdir()
    pruned = cli(ckan, outputs, str(latest), "--dataset", name, "--releases", str(empty), "--prune")
    assert pruned.exit_code == 0, pruned.output
    kept = {r["name"] for r in show(ckan, name)["resources"]}
    assert {resource_name(v) for v in versions} <= kept
    assert ckan.token not in "".join(outputs)
