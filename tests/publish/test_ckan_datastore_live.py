"""The DataStore against a real CKAN 2.11 with the datastore plugin (scripts/ckan-stack start).

The stack also runs the same site without the plugin (``CKAN_PLAIN_URL``): a
real portal that has no DataStore.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import re
import secrets
from pathlib import Path
from typing import Any

import pytest
import requests
from datastore_oracle import assert_table_is_csv, csv_rows
from fake_helpers import dictionary_changed
from live_stack import Stack, assert_published, cli, read_stack, show
from scratch_release import scratch_release

from statpub import semver
from statpub.package import Package
from statpub.publish.archived import is_archived
from statpub.publish.ckan import apply, prepare, read_portal
from statpub.publish.datastore import read_datastore
from statpub.publish.local import publishable as read_package
from statpub.publish.portal import Portal

pytestmark = pytest.mark.ckan

ROOT = Path(__file__).resolve().parents[2]
SCRATCH = "next"  # the release after the archive's last, cut in a copy of the repository
# the reads the publisher may make in a run that has nothing to do
READS = {
    "organization_show", "organization_list_for_user", "package_show", "license_list",
    "status_show", "datastore_info", "datastore_search", "scheming_dataset_schema_show",
}  # fmt: skip


def archived() -> list[str]:
    folders = (ROOT / "releases").iterdir()
    versions = [p.name for p in folders if semver.is_version(p.name) and p.is_dir()]
    return sorted(versions, key=semver.sort_key)


def release_pairs() -> list[tuple[str, str]]:
    """Every pair of consecutive archived versions, and the last one before a scratch
    release: a new archived version is covered without editing the test."""
    versions = archived()
    return [*zip(versions, versions[1:], strict=False), (versions[-1], SCRATCH)]


@pytest.fixture(scope="module")
def ckan() -> Stack:
    return read_stack()


@pytest.fixture
def name() -> str:
    return f"statpub-ds-{secrets.token_hex(4)}"


@pytest.fixture(scope="module")
def outputs() -> list[str]:
    return []


def search_all(ckan: Stack, resource_id: str) -> dict[str, Any]:
    portal = Portal(ckan.url, ckan.token)
    return portal.call("datastore_search", {"resource_id": resource_id, "limit": 32000})


def tables_of(package: Package) -> list[tuple[str, Path, dict[str, Any]]]:
    """(resource name, CSV path in the package, Table Schema) of each table loaded."""
    out = []
    for res in package.resources:
        if res.format == "csv":
            assert res.schema is not None
            out.append((Path(res.paths[0]).name, Path(res.paths[0]), res.schema))
    return out


def assert_datastore_is_package(ckan: Stack, name: str, package: Package) -> dict[str, str]:
    """Every table's rows, read back with datastore_search, equal its CSV; returns the ids
    (of the package's resources: not the archived releases' zips)."""
    ids = {r["name"]: r["id"] for r in show(ckan, name)["resources"] if not is_archived(r["name"])}
    for resource, path, schema in tables_of(package):
        found = search_all(ckan, ids[resource])
        rows = [{k: v for k, v in r.items() if k != "_id"} for r in found["records"]]
        assert len(rows) == found["total"]
        assert_table_is_csv(rows, package.root / path, schema)
    return ids


class Recording(requests.Session):
    """Remembers the action of every request."""

    def __init__(self) -> None:
        super().__init__()
        self.actions: list[str] = []

    def post(self, url: Any, *args: Any, **kwargs: Any) -> requests.Response:
        self.actions.append(str(url).rsplit("/", 1)[-1])
        return super().post(url, *args, **kwargs)


def run_library(ckan: Stack, name: str, package: Package) -> list[str]:
    """One publish through the library, as the CLI makes it; returns every action called."""
    session = Recording()
    portal = Portal(ckan.url, ckan.token, session=session)
    state = read_portal(portal, name, ckan.org)
    tables = read_datastore(portal, state, package)
    apply(prepare(package, state, datastore=tables), portal, package)
    return session.actions


def test_tables_are_typed_queryable_and_described(
    ckan: Stack, outputs: list[str], name: str, package: Package
) -> None:
    first = cli(ckan, outputs, str(package.root), "--dataset", name, "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["summary"]["loaded"] == len(tables_of(package)) == 4
    ids = assert_datastore_is_package(ckan, name, package)
    active = {r["name"]: r.get("datastore_active") for r in json.loads(first.stdout)["resources"]}
    assert {n for n, a in active.items() if a} == {n for n, _, _ in tables_of(package)}

    obs = ids["observations.csv"]
    found = search_all(ckan, obs)
    types = {f["id"]: f["type"] for f in found["fields"]}
    assert (types["period_start"], types["period_end"], types["paragraph"]) == (
        "date", "date", "int8",
    )  # fmt: skip
    assert (types["value"], types["indicator_id"]) == ("numeric", "text")
    row = found["records"][0]
    assert isinstance(row["paragraph"], int) and not isinstance(row["paragraph"], bool)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["period_end"])
    dt.date.fromisoformat(row["period_end"])
    # a missing value is NULL, not an empty string
    assert any(r["period_wording"] is None for r in found["records"])

    portal = Portal(ckan.url, ckan.token)
    info = portal.call("datastore_info", {"id": obs})
    schema = next(s for n, _, s in tables_of(package) if n == "observations.csv")
    # (the same in the other languages: test_ckan_fluent_live.py)
    assert [(f["id"], {k: f["info"][k] for k in ("label", "notes")}) for f in info["fields"]] == [
        (f["name"], {"label": f["title"], "notes": f["description"]}) for f in schema["fields"]
    ]

    sql = f'SELECT paragraph, count(*) AS n FROM "{obs}" GROUP BY paragraph ORDER BY paragraph'
    answer = portal.call("datastore_search_sql", {"sql": sql})
    path = next(p for n, p, _ in tables_of(package) if n == "observations.csv")
    counts = collections.Counter(r["paragraph"] for r in csv_rows(package.root / path, schema))
    assert [(r["paragraph"], int(r["n"])) for r in answer["records"]] == sorted(counts.items())

    before = show(ckan, name)
    calls = run_library(ckan, name, package)
    assert set(calls) <= READS, f"a rerun with nothing changed wrote: {set(calls) - READS}"
    assert "datastore_info" in calls
    assert show(ckan, name)["metadata_modified"] == before["metadata_modified"]
    assert search_all(ckan, obs)["records"] == found["records"]


@pytest.mark.parametrize(("old", "new"), release_pairs(), ids=lambda v: v)
def test_a_release_over_the_one_before_keeps_ids_and_leaves_the_new_tables(
    ckan: Stack, outputs: list[str], name: str, tmp_path: Path, old: str, new: str
) -> None:
    before = read_package(ROOT / "releases" / old)
    if new == SCRATCH:
        after = read_package(scratch_release(ROOT, tmp_path / "repo"))
    else:
        after = read_package(ROOT / "releases" / new)
    assert cli(ckan, outputs, str(before.root), "--dataset", name).exit_code == 0
    ids = assert_datastore_is_package(ckan, name, before)
    rows_before = {r["_id"]: r for r in search_all(ckan, ids["observations.csv"])["records"]}

    result = cli(ckan, outputs, str(after.root), "--dataset", name, "--json")
    assert result.exit_code == 0, result.output
    assert assert_datastore_is_package(ckan, name, after) == ids
    assert_published(ckan, name, after)
    actions = json.loads(result.stdout)["actions"]
    tables = {a["name"]: a for a in actions if a["kind"] == "datastore"}
    described = dictionary_changed(before, after)
    for resource, path, _ in tables_of(after):
        same = (before.root / path).read_bytes() == (after.root / path).read_bytes()
        if same and resource not in described:
            assert tables[resource]["action"] == "skip", resource
        elif same:  # only the descriptions changed
            assert (tables[resource]["action"], tables[resource]["changes"]) == (
                "update", ["data dictionary"],
            ), resource  # fmt: skip
        else:
            assert tables[resource]["action"] in ("update", "reload"), resource
    if new == SCRATCH:  # one figure revised, one added, one removed
        obs = tables["observations.csv"]
        assert obs["action"] == "update"
        assert (obs["rows"]["revised"], obs["rows"]["added"], obs["rows"]["removed"]) == (1, 1, 1)
        rows_after = {r["_id"]: r for r in search_all(ckan, ids["observations.csv"])["records"]}
        kept = set(rows_before) & set(rows_after)
        assert len(kept) == len(rows_before) - 1, "unchanged rows keep their _id"

    calls = run_library(ckan, name, after)
    assert set(calls) <= READS, f"a rerun with nothing changed wrote: {set(calls) - READS}"


def test_a_portal_without_datastore_exits_2_and_leaves_the_files(
    ckan: Stack, outputs: list[str], name: str, package: Package
) -> None:
    assert ckan.plain_url, "the stack's env has no CKAN_PLAIN_URL: restart scripts/ckan-stack"
    args = (str(package.root), "--dataset", name)
    files = cli(ckan, outputs, *args, "--no-datastore", url=ckan.plain_url)
    assert files.exit_code == 0, files.output
    before = assert_published(ckan, name, package)

    refused = cli(ckan, outputs, *args, url=ckan.plain_url)
    assert refused.exit_code == 2, refused.output
    (line,) = refused.stderr.splitlines()
    assert line.startswith(f"error [portal-no-datastore]: {ckan.plain_url}: the portal has no ")
    assert "--no-datastore" in line and "<" not in line and len(line) < 400
    after = assert_published(ckan, name, package)
    assert after["metadata_modified"] == before["metadata_modified"]
    assert [r["metadata_modified"] for r in after["resources"]] == [
        r["metadata_modified"] for r in before["resources"]
    ]

    # the DataStore enabled later: the tables go into the resources that hold the files
    later = cli(ckan, outputs, *args, "--json")
    assert later.exit_code == 0, later.output
    summary = json.loads(later.stdout)["summary"]
    assert (summary["loaded"], summary["uploaded"], summary["created"]) == (4, 0, 0)
    assert assert_datastore_is_package(ckan, name, package) == {
        r["name"]: r["id"] for r in before["resources"]
    }

    fresh = f"{name}-new"
    new = cli(ckan, outputs, str(package.root), "--dataset", fresh, url=ckan.plain_url)
    assert new.exit_code == 2 and "portal-no-datastore" in new.stderr
    portal = Portal(ckan.url, ckan.token)
    assert portal.call("package_show", {"id": fresh}, missing_ok=True) is None


def test_an_error_page_is_reported_in_a_few_words(
    ckan: Stack, outputs: list[str], name: str, package: Package
) -> None:
    wrong = cli(ckan, outputs, str(package.root), "--dataset", name, url=f"{ckan.url}/wrong")
    assert wrong.exit_code == 2
    (line,) = wrong.stderr.splitlines()
    assert "[portal-error]" in line and "HTTP 405 Method Not Allowed" in line
    assert "<" not in line and len(line) < 400


def test_prune_deletes_what_the_package_no_longer_names(
    ckan: Stack, outputs: list[str], name: str, package: Package
) -> None:
    args = (str(package.root), "--dataset", name)
    assert cli(ckan, outputs, *args).exit_code == 0
    portal = Portal(ckan.url, ckan.token)
    ds = show(ckan, name)
    old = portal.call(
        "resource_create",
        {"package_id": ds["id"], "name": "observations-2024.csv", "url": "https://example.org/x"},
    )
    kept = cli(ckan, outputs, *args, "--json")
    assert kept.exit_code == 0
    stale = [a for a in json.loads(kept.stdout)["actions"] if a["action"] == "stale"]
    assert [(a["name"], a["id"]) for a in stale] == [("observations-2024.csv", old["id"])]
    assert old["id"] in {r["id"] for r in show(ckan, name)["resources"]}
    assert cli(ckan, outputs, *args, "--dry-run").exit_code == 0  # stale is not pending

    planned = cli(ckan, outputs, *args, "--prune", "--dry-run")
    assert planned.exit_code == 1
    assert re.search(r"^  delete +resource +observations-2024\.csv", planned.stdout, re.M)
    assert planned.stdout.splitlines()[-1].startswith("would create 0, patch 0, upload 0,")
    pruned = cli(ckan, outputs, *args, "--prune", "--json")
    assert pruned.exit_code == 0 and json.loads(pruned.stdout)["summary"]["deleted"] == 1
    assert old["id"] not in {r["id"] for r in show(ckan, name)["resources"]}
    assert_published(ckan, name, package)
    assert cli(ckan, outputs, *args, "--prune", "--dry-run").exit_code == 0


def test_token_in_no_output(ckan: Stack, outputs: list[str]) -> None:
    """Last in the module: nothing printed above carries the token."""
    assert outputs and not [o for o in outputs if ckan.token in o]
