"""The CKAN publisher's planning and applying, without a portal (an in-memory CKAN)."""

from __future__ import annotations

import json
import re
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest
from ckan_fake import FakeCKAN
from click.testing import CliRunner
from fake_helpers import TOKEN, assert_complete, expected_names, plan_for, publish

from statpub.cli import main
from statpub.errors import StatpubError
from statpub.package import Package
from statpub.publish.ckan import apply, read_portal
from statpub.publish.ckan_fields import OWN_EXTRAS, license_id, resource_specs, tag_name
from statpub.publish.local import publishable as read_package
from statpub.publish.plan import CREATE, PATCH, REORDER, SKIP, UPLOAD

# -- planning ---------------------------------------------------------------------------


def test_empty_portal_plans_the_dataset_and_every_file(package: Package) -> None:
    plan = plan_for(FakeCKAN(), package)
    assert [(a.verb, a.kind) for a in plan.actions[:1]] == [(CREATE, "dataset")]
    resources = [a for a in plan.actions if a.kind == "resource"]
    assert [a.name for a in resources] == expected_names(package)
    assert {a.verb for a in resources} == {CREATE}
    tables = [a.name for a in plan.actions if a.kind == "datastore"]
    assert tables == [Path(f.path).name for f in package.data_files() if f.path.endswith(".csv")]
    summary = plan.to_dict()["summary"]
    assert summary == {
        "create": 1 + len(resources),
        "patch": 0,
        "upload": len(resources),
        "load": len(tables),
        "update": 0,
        "delete": 0,
        "skip": 0,
        "stale": 0,
    }


def test_plan_to_dict_is_json_without_payloads(package: Package) -> None:
    d = plan_for(FakeCKAN(), package).to_dict()
    text = json.dumps(d)
    assert json.loads(text) == d
    # the notes (the whole data card) and the schemas are sent, not reported
    assert "How to cite" not in text and '"fields"' not in text
    first = next(a for a in d["actions"] if a["kind"] == "resource")
    local = package.data_files()[0]
    assert (first["path"], first["bytes"], first["sha256"]) == (
        local.path,
        local.bytes,
        local.sha256,
    )


def test_tables_carry_their_table_schema_and_the_others_none(package: Package) -> None:
    specs = {s.name: s for s in resource_specs(package)}
    for f in package.data_files():
        spec = specs[Path(f.path).name]
        assert f.resource is not None
        assert json.loads(spec.fields["schema"]) == f.resource.schema
    assert "schema" not in specs["datapackage.json"].fields
    assert "schema" not in specs["CHANGELOG.md"].fields


def test_planning_writes_nothing(package: Package, second_release: Path) -> None:
    fake = FakeCKAN()
    assert plan_for(fake, package).changes
    assert fake.writes() == []
    publish(fake, package)
    n = len(fake.writes())
    assert plan_for(fake, read_package(second_release)).changes
    assert len(fake.writes()) == n


def test_second_run_changes_nothing(package: Package) -> None:
    fake = FakeCKAN()
    publish(fake, package)
    first = assert_complete(fake, package)
    n = len(fake.writes())
    result = publish(fake, package)
    assert len(fake.writes()) == n, "a rerun with nothing changed sent something"
    assert {a.verb for a in result.done} == {SKIP}
    assert result.to_dict()["summary"]["uploaded"] == 0
    assert assert_complete(fake, package) == first


def test_new_release_keeps_ids_and_addresses(package: Package, second_release: Path) -> None:
    fake = FakeCKAN()
    publish(fake, package)
    before = {r["name"]: (r["id"], r["url"]) for r in fake.dataset(package.name)["resources"]}
    new = read_package(second_release)
    result = publish(fake, new)
    after = assert_complete(fake, new)
    assert {r["name"]: (r["id"], r["url"]) for r in after["resources"]} == before
    changed = {f.path for f in new.files() if package.file(f.path) != f}
    sent = {a.path for a in result.done if a.sends_file}
    assert sent == changed & {a.path for a in result.done if a.path}
    assert "data/observations.csv" not in sent  # unchanged between the two releases
    dataset = next(a for a in result.done if a.kind == "dataset" and a.verb == PATCH)
    assert "version" in dataset.changes and "extras" in dataset.changes


def test_resource_without_recorded_sha256_is_uploaded_into_the_same_resource(
    package: Package,
) -> None:
    fake = FakeCKAN()
    publish(fake, package)
    ds = fake._find(package.name)
    target = ds["resources"][0]
    target["sha256"] = ""
    plan = plan_for(fake, package)
    action = next(a for a in plan.actions if a.name == target["name"])
    assert (action.verb, action.id) == (UPLOAD, target["id"])
    assert "no sha256 recorded" in action.changes


def test_metadata_only_change_patches_without_upload(package: Package) -> None:
    fake = FakeCKAN()
    publish(fake, package)
    ds = fake._find(package.name)
    ds["resources"][1]["description"] = "edited on the portal"
    ds["extras"].append({"key": "theme", "value": "kept"})
    ds["title"] = "edited"
    plan = plan_for(fake, package)
    res = next(a for a in plan.actions if a.name == ds["resources"][1]["name"])
    assert (res.verb, res.changes, res.sends_file) == (PATCH, ("description",), False)
    dataset = plan.actions[0]
    assert (dataset.verb, dataset.changes) == (PATCH, ("title",))
    apply(plan, fake, package)
    extras = {e["key"]: e["value"] for e in fake.dataset(package.name)["extras"]}
    assert extras["theme"] == "kept", "extras statpub does not own must survive a patch"
    assert set(OWN_EXTRAS) >= set(extras) - {"theme"}
    assert_complete(fake, package)


def test_duplicates_on_the_portal_are_reported_never_added(package: Package) -> None:
    fake = FakeCKAN()
    publish(fake, package)
    ds = fake._find(package.name)
    dup = dict(ds["resources"][0], id="res-dup", position=len(ds["resources"]))
    ds["resources"].append(dup)
    plan = plan_for(fake, package)
    assert any("resources named" in w and dup["name"] in w for w in plan.warnings)
    assert not any(a.verb == CREATE for a in plan.actions)


def test_dataset_in_another_organization_is_not_moved(package: Package) -> None:
    fake = FakeCKAN()
    publish(fake, package)
    fake._find(package.name)["owner_org"] = "someone-else"
    with pytest.raises(StatpubError) as err:
        plan_for(fake, package)
    assert err.value.code == "portal-conflict"
    assert package.name in err.value.message


def test_resources_out_of_order_are_reordered_once(package: Package) -> None:
    fake = FakeCKAN()
    publish(fake, package)
    ds = fake._find(package.name)
    ds["resources"].reverse()
    for i, r in enumerate(ds["resources"]):
        r["position"] = i
    plan = plan_for(fake, package)
    assert [a.verb for a in plan.actions if a.verb != SKIP] == [REORDER]
    apply(plan, fake, package)
    assert_complete(fake, package)
    assert [a.verb for a in plan_for(fake, package).actions if a.verb != SKIP] == []


def test_token_without_rights_is_refused_before_any_write(package: Package) -> None:
    fake = FakeCKAN()
    fake.allowed = []
    with pytest.raises(StatpubError) as err:
        read_portal(fake, package.name, "statpub-test")
    assert err.value.code == "portal-auth"
    assert fake.writes() == []


def test_tag_names_follow_ckans_rule() -> None:
    ckan_rule = re.compile(r"^[\w \-.]{2,100}$")
    for keyword in ("children's rights", "Kazakhstan", "a/b: c", "x" * 300, "foster  care"):
        tag = tag_name(keyword)
        assert ckan_rule.match(tag), (keyword, tag)
    assert tag_name("children's rights") == "childrens rights"


def test_licence_matched_to_the_portals_list() -> None:
    portal = [{"id": "cc-by", "url": "http://www.opendefinition.org/licenses/cc-by"}]
    cc_by = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}
    assert license_id([cc_by], portal) == ("cc-by", None)
    lid, warning = license_id([{"name": "LicenseRef-custom"}], portal)
    assert lid == "LicenseRef-custom"
    assert warning is not None and "'LicenseRef-custom'" in warning
    # Matched by address when the name is not the portal's id or a known SPDX name.
    by_url = {"name": "Attribution", "path": "http://www.opendefinition.org/licenses/cc-by/"}
    assert license_id([by_url], portal) == ("cc-by", None)
    assert license_id([], portal)[0] == "notspecified"


# -- runs broken part-way ---------------------------------------------------------------


def full_run_calls(package: Package) -> int:
    fake = FakeCKAN()
    publish(fake, package)
    return len(fake.calls)


@pytest.mark.parametrize("answer_lost", [False, True], ids=["request-lost", "answer-lost"])
def test_a_run_cut_at_any_call_is_completed_by_a_rerun(package: Package, answer_lost: bool) -> None:
    """Cut the connection at each call in turn, before the portal acts or after it acted
    (the answer lost): the next run must complete the dataset without duplicates."""
    total = full_run_calls(package)
    assert total > 20
    for k in range(total):
        fake = FakeCKAN()
        fake.fail_at, fake.fail_after = k, answer_lost
        try:
            publish(fake, package)
        except StatpubError as err:
            assert err.code == "portal-unreachable"
            if fake.writes():
                assert "run the same command again" in err.message, k
        else:  # only a lost row insert is recovered in the same run (sent again as an upsert)
            assert fake.calls[k] == "datastore_upsert" and fake.calls[k + 1] == "datastore_upsert"
            assert_complete(fake, package)
        fake.fail_at = None
        publish(fake, package)
        assert_complete(fake, package)
        n = len(fake.writes())
        publish(fake, package)
        assert len(fake.writes()) == n, f"cut at call {k}: third run still changed something"


def test_a_new_release_cut_part_way_is_completed(package: Package, second_release: Path) -> None:
    new = read_package(second_release)
    for k in range(4, 14):
        fake = FakeCKAN()
        publish(fake, package)
        ids = {r["name"]: r["id"] for r in fake.dataset(package.name)["resources"]}
        fake.fail_at, fake.fail_after = len(fake.calls) + k, bool(k % 2)
        with pytest.raises(StatpubError) as err:
            publish(fake, new)
        assert err.value.code == "portal-unreachable"
        fake.fail_at = None
        publish(fake, new)
        ds = assert_complete(fake, new)
        assert {r["name"]: r["id"] for r in ds["resources"]} == ids


def test_an_upload_lost_after_the_portal_saved_its_fields_is_sent_again(
    package: Package, second_release: Path
) -> None:
    """The sha256 is recorded only once the file is stored, so no half-done upload is trusted."""
    new = read_package(second_release)
    probe = FakeCKAN()
    publish(probe, package)
    start = len(probe.calls)
    publish(probe, new)
    uploads = [i for i in probe.upload_calls if i >= start]
    assert uploads
    for k in uploads:
        fake = FakeCKAN()
        publish(fake, package)
        fake.fail_at, fake.lose_file = k, True
        with pytest.raises(StatpubError):
            publish(fake, new)
        fake.fail_at = None
        publish(fake, new)
        assert_complete(fake, new)


# -- the command line, without a portal -------------------------------------------------


def test_cli_needs_a_token_unless_dry_run(built_package: Path) -> None:
    args = ["publish", "ckan", str(built_package), "--url", "http://127.0.0.1:9", "--org", "o"]
    result = CliRunner().invoke(main, [*args, "--token-env", "STATPUB_TEST_NO_SUCH_TOKEN"])
    assert result.exit_code == 2
    assert "portal-auth" in result.stderr and "STATPUB_TEST_NO_SUCH_TOKEN" in result.stderr
    assert result.stdout == ""


def test_cli_unreachable_portal_exits_2_without_the_token(built_package: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = CliRunner().invoke(
        main,
        ["publish", "ckan", str(built_package), "--url", f"http://127.0.0.1:{port}", "--org", "o"],
        env={"CKAN_API_TOKEN": TOKEN},
    )
    assert result.exit_code == 2
    assert "portal-unreachable" in result.stderr
    assert TOKEN not in result.output and TOKEN not in result.stderr


def test_cli_refuses_a_package_whose_files_changed(package_dir_copy: Path) -> None:
    target = package_dir_copy / "data" / "observations.csv"
    target.write_bytes(target.read_bytes() + b"\n")
    result = CliRunner().invoke(
        main,
        ["publish", "ckan", str(package_dir_copy), "--url", "http://127.0.0.1:9", "--org", "o"],
        env={"CKAN_API_TOKEN": TOKEN},
    )
    assert result.exit_code == 1
    assert "hash-mismatch" in result.stderr and "observations.csv" in result.stderr


def test_missing_package_is_exit_2(tmp_path: Path) -> None:
    shutil.rmtree(tmp_path, ignore_errors=True)
    result = CliRunner().invoke(
        main,
        ["publish", "ckan", str(tmp_path / "nope"), "--url", "http://x.invalid", "--org", "o",
         "--dry-run"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "statpub build" in result.stderr


@pytest.fixture
def cli_fake(monkeypatch: pytest.MonkeyPatch) -> tuple[FakeCKAN, list[Any]]:
    """The CLI wired to one in-memory portal; ``results`` receives what apply returned."""
    import statpub.publish.ckan as ckan_module
    import statpub.publish.portal as portal_module
    import statpub.publish.session as session_module

    fake = FakeCKAN()
    results: list[Any] = []
    real_apply = ckan_module.apply

    def recording_apply(*args: Any, **kwargs: Any) -> Any:
        results.append(real_apply(*args, **kwargs))
        return results[-1]

    monkeypatch.setattr(portal_module, "Portal", lambda *a, **k: fake)
    monkeypatch.setattr(ckan_module, "apply", recording_apply)
    monkeypatch.setattr(session_module, "apply", recording_apply)
    return fake, results


def cli_run(package: Package, *extra: str) -> Any:
    args = ["publish", "ckan", str(package.root), "--url", FakeCKAN.url, "--org", "statpub-test"]
    return CliRunner().invoke(main, [*args, *extra], env={"CKAN_API_TOKEN": TOKEN})


def test_cli_json_is_the_result_and_the_plan(
    cli_fake: tuple[FakeCKAN, list[Any]], package: Package
) -> None:
    fake, results = cli_fake
    dry = cli_run(package, "--dry-run", "--json")
    assert dry.exit_code == 1, dry.output  # changes are pending
    assert json.loads(dry.stdout) == plan_for(fake, package).to_dict()
    assert fake.writes() == [] and results == []
    run = cli_run(package, "--json")
    assert run.exit_code == 0, run.output
    out = json.loads(run.stdout)
    assert out.pop("retries")["attempts"] == 0  # what was retried, beside the result
    assert out == results[0].to_dict()
    assert out["summary"]["created"] == len(package.data_files()) + 2 + 1  # and the dataset
    assert results[0].dataset["version"] == package.version
    assert_complete(fake, package)


def test_cli_text_lists_the_plan_on_stdout(
    cli_fake: tuple[FakeCKAN, list[Any]], package: Package
) -> None:
    files = len(expected_names(package))
    tables = sum(f.path.endswith(".csv") for f in package.data_files())
    rows = (package.root / "data/observations.csv").read_bytes().count(b"\r\n") - 1
    dry = cli_run(package, "--dry-run")
    assert dry.exit_code == 1
    lines = dry.stdout.splitlines()
    assert lines[0].startswith(f"plan for dataset {package.name}")
    assert sum(line.split()[:2] == ["create", "resource"] for line in lines) == files
    load = rf"^  load +datastore observations\.csv  \(new table, {rows} rows\)$"
    assert re.search(load, dry.stdout, re.M)
    want = f"would create {files + 1}, patch 0, upload {files}, load {tables}, update 0, delete 0;"
    assert lines[-1] == f"{want} skip 0, stale 0"
    assert "nothing was sent" in dry.stderr
    run = cli_run(package)
    assert run.exit_code == 0
    assert run.stdout.startswith(f"published {package.name} version {package.version}")
    done = f"created {files + 1}, patched 0, uploaded {files}, loaded {tables}, updated 0,"
    assert run.stdout.splitlines()[-1].startswith(done)
    assert re.search(r"create +resource +observations\.csv", run.stderr)  # progress: stderr
    again = cli_run(package, "--dry-run")
    assert again.exit_code == 0, again.output  # nothing pending
    unchanged = 1 + files + tables
    assert again.stdout.splitlines()[-1] == f"nothing would change; skip {unchanged}, stale 0"


# -- the plan's JSON contract ----------------------------------------------------------

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


@pytest.mark.parametrize(
    ("case", "before", "after"),
    [("publish-first", None, "1.0.0"), ("publish-next", "1.0.0", "1.1.0")],
)
def test_dry_run_json_matches_its_golden_file(
    cli_fake: tuple[FakeCKAN, list[Any]],
    repo_root: Path,
    case: str,
    before: str | None,
    after: str,
) -> None:
    """The verbs, kinds and keys of ``publish ckan --dry-run --json``, pinned on two
    archived (so byte-fixed) releases: a first publish, and the next release over it.
    Regenerate with ``STATPUB_GOLDEN=update`` like the other golden files."""
    import os

    fake, _ = cli_fake
    if before is not None:
        publish(fake, read_package(repo_root / "releases" / before))
    dry = cli_run(read_package(repo_root / "releases" / after), "--dry-run", "--json")
    assert dry.exit_code == 1, dry.output  # changes are pending
    got = json.loads(dry.stdout.replace(str(repo_root), "<repo>"))
    golden = GOLDEN / f"{case}.json"
    if os.environ.get("STATPUB_GOLDEN") == "update":
        golden.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden.name}: run with STATPUB_GOLDEN=update"
    assert got == json.loads(golden.read_text(encoding="utf-8"))
