"""The real CKAN of scripts/ckan-stack, as the live tests reach it.

The connection facts come from ``$STATPUB_CKAN_HOME/env`` (default
``~/.cache/statpub-ckan/env``). Without it the tests are skipped, or fail
when STATPUB_REQUIRE_SERVICES=1 (CI).
"""

from __future__ import annotations

import json
import os
import shlex
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from services import require_service
from statpub.cli import main
from statpub.package import Package
from statpub.publish.archived import is_archived
from statpub.publish.lock import LOCK_RESOURCE
from statpub.publish.portal import Portal


@dataclass(frozen=True)
class Stack:
    url: str
    org: str
    token: str = field(repr=False)  # kept out of pytest's failure reports
    log_dir: Path | None = None
    plain_url: str | None = None  # the same site without the datastore plugin


def read_stack() -> Stack:
    home = Path(os.environ.get("STATPUB_CKAN_HOME") or Path.home() / ".cache/statpub-ckan")
    path = home / "env"
    require_service("CKAN", path.is_file(), f"{path} not found: run scripts/ckan-stack start")
    env: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = shlex.split(value)[0] if value else ""
    try:
        with urllib.request.urlopen(env["CKAN_URL"] + "/api/3/action/status_show", timeout=10):
            pass
    except OSError as exc:
        require_service("CKAN", False, f"{env['CKAN_URL']} does not answer: {exc}")
    log_dir = Path(env["CKAN_LOG_DIR"]) if env.get("CKAN_LOG_DIR") else None
    return Stack(
        env["CKAN_URL"], env["CKAN_ORG"], env["CKAN_API_TOKEN"], log_dir, env.get("CKAN_PLAIN_URL")
    )


def cli(
    ckan: Stack, outputs: list[str], *args: str, token: str | None = None, url: str | None = None
) -> Result:
    env = {"CKAN_API_TOKEN": ckan.token if token is None else token}
    result = CliRunner().invoke(
        main, ["publish", "ckan", *args, "--url", url or ckan.url, "--org", ckan.org],
        env=env,
    )  # fmt: skip
    outputs.extend([result.stdout, result.stderr])
    return result


def show(ckan: Stack, name: str) -> dict[str, Any]:
    """The dataset, without the lease's resource (statpub's own, not the package's)."""
    portal = Portal(ckan.url, ckan.token)
    ds = portal.call("package_show", {"id": name})
    return dict(ds, resources=[r for r in ds["resources"] if r["name"] != LOCK_RESOURCE])


def download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read()


def assert_published(ckan: Stack, name: str, package: Package) -> dict[str, Any]:
    """Every file once, byte-identical when downloaded, sha256 recorded, schema attached."""
    ds = Portal(ckan.url, ckan.token).call("package_show", {"id": name})
    local = {Path(f.path).name: f for f in package.files()}
    wanted = [Path(f.path).name for f in package.data_files()]
    wanted += ["datapackage.json", "CHANGELOG.md"]
    own = [r for r in ds["resources"] if r["name"] != LOCK_RESOURCE]
    # the archived releases' zips (releases/ beside the package) come after the package's
    own = [r for r in own if not is_archived(r["name"])]
    assert [r["name"] for r in own] == wanted
    # the lease table is empty once the run is over
    for lock in [r for r in ds["resources"] if r["name"] == LOCK_RESOURCE]:
        held = Portal(ckan.url, ckan.token).call(
            "datastore_search", {"resource_id": lock["id"]}, missing_ok=True
        )
        assert held is None or held["records"] == []
    ds = dict(ds, resources=own)
    for r in ds["resources"]:
        f = local[r["name"]]
        assert download(r["url"]) == (package.root / f.path).read_bytes(), r["name"]
        assert r["sha256"] == f.sha256 and r["url_type"] == "upload"
        if f.resource is not None:
            assert json.loads(r["schema"]) == f.resource.schema
    assert ds["version"] == package.version
    return ds
