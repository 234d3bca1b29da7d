"""The lease (statpub.publish.lock) against the in-memory CKAN: one holder at a time,
the loser told who and since when, expiry, take-over, give-back; and the plan's
version check and duplicate repair that the lease makes safe."""

from __future__ import annotations

import dataclasses

import pytest
from ckan_fake import FakeCKAN
from fake_helpers import assert_complete, plan_for, publish

from statpub.errors import StatpubError
from statpub.package import Package
from statpub.publish.lock import LOCK_RESOURCE, acquire, release
from statpub.publish.plan import DELETE, LOAD

NOW = 1_780_000_000.0  # any fixed epoch: the library reads no clock


def dataset_id(fake: FakeCKAN, package: Package) -> str:
    return str(fake.dataset(package.name)["id"])


def lease_rows(fake: FakeCKAN, package: Package) -> list[dict[str, object]]:
    locks = [r for r in fake.dataset(package.name)["resources"] if r["name"] == LOCK_RESOURCE]
    return [row for r in locks for row in fake.tables[r["id"]]["rows"]]


def test_one_holder_at_a_time_and_the_loser_is_told(package: Package) -> None:
    fake = FakeCKAN()
    publish(fake, package)
    ds = dataset_id(fake, package)
    first = acquire(fake, ds, run="run-a", holder="ci@a", now=NOW, ttl=600)
    assert [r["run"] for r in lease_rows(fake, package)] == ["run-a"]
    with pytest.raises(StatpubError) as err:
        acquire(fake, ds, run="run-b", holder="ci@b", now=NOW + 5, ttl=600)
    assert err.value.code == "portal-locked"
    msg = err.value.message
    assert "another publish of this dataset is running since 2026-05-28T20:26:40Z, by ci@a" in msg
    assert [r["run"] for r in lease_rows(fake, package)] == ["run-a"]  # untouched
    assert release(fake, first) == []
    assert lease_rows(fake, package) == []
    second = acquire(fake, ds, run="run-b", holder="ci@b", now=NOW + 5, ttl=600)
    assert [r["run"] for r in lease_rows(fake, package)] == ["run-b"]
    release(fake, second)


def test_an_expired_lease_is_taken_over_and_break_lease_takes_a_live_one(
    package: Package,
) -> None:
    fake = FakeCKAN()
    publish(fake, package)
    ds = dataset_id(fake, package)
    acquire(fake, ds, run="dead", holder="ci@dead", now=NOW, ttl=60)  # never given back
    later = acquire(fake, ds, run="next", holder="ci@next", now=NOW + 61, ttl=60)
    assert later.taken_over == ["ci@dead since 2026-05-28T20:26:40Z"]
    assert [r["run"] for r in lease_rows(fake, package)] == ["next"]
    forced = acquire(fake, ds, run="third", holder="me", now=NOW + 62, ttl=60, force=True)
    assert [r["run"] for r in lease_rows(fake, package)] == ["third"]
    release(fake, later)  # a stale holder giving back deletes only its own row
    assert [r["run"] for r in lease_rows(fake, package)] == ["third"]
    release(fake, forced)


def test_the_lock_resource_is_not_the_packages(package: Package) -> None:
    fake = FakeCKAN()
    publish(fake, package)
    lease = acquire(fake, dataset_id(fake, package), run="r", holder="h", now=NOW, ttl=60)
    release(fake, lease)
    plan = plan_for(fake, package, prune=True)
    assert plan.changes == []  # neither stale, nor pruned, nor reordered
    assert_complete(fake, package)


def test_two_lock_resources_from_a_race_are_both_taken(package: Package) -> None:
    fake = FakeCKAN()
    publish(fake, package)
    ds = dataset_id(fake, package)
    for _ in range(2):  # as two racing runs leave them
        fake.call("resource_create", {"package_id": ds, "name": LOCK_RESOURCE, "url": ""})
    lease = acquire(fake, ds, run="a", holder="h", now=NOW, ttl=60)
    assert len(lease.resources) == 2 and len(lease_rows(fake, package)) == 2
    with pytest.raises(StatpubError):
        acquire(fake, ds, run="b", holder="h2", now=NOW, ttl=60)
    assert [r["run"] for r in lease_rows(fake, package)] == ["a", "a"]  # b gave back its part


def test_an_older_version_is_refused_unless_allowed(package: Package) -> None:
    fake = FakeCKAN()
    publish(fake, package)
    fake._find(package.name)["version"] = "999.0.0"
    with pytest.raises(StatpubError) as err:
        plan_for(fake, package)
    assert err.value.code == "portal-newer" and "--allow-older" in err.value.message
    plan = plan_for(fake, package, allow_older=True)
    assert any("--allow-older" in w for w in plan.warnings)


def test_a_duplicate_left_by_a_race_is_deleted_without_prune(package: Package) -> None:
    fake = FakeCKAN()
    publish(fake, package)
    ds = fake._find(package.name)
    copy = dict(ds["resources"][0], id="res-copy", position=len(ds["resources"]))
    ds["resources"].append(copy)
    plan = plan_for(fake, package)
    assert [(a.verb, a.id) for a in plan.changes] == [(DELETE, "res-copy")]
    publish(fake, package)
    assert_complete(fake, package)
    assert plan_for(fake, package).changes == []


def test_a_new_tables_rows_are_not_held_by_the_plan(package: Package) -> None:
    fake = FakeCKAN()
    plan = plan_for(fake, package)
    loads = [a for a in plan.actions if a.verb == LOAD]
    assert loads and all("insert" not in a.fields and "source" in a.fields for a in loads)
    assert all(a.rows is not None and a.rows["total"] > 0 for a in loads)
    assert dataclasses.asdict(loads[0])["rows"]["added"] == loads[0].rows["total"]  # type: ignore[index]
