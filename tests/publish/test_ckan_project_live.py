"""A project of tables (not figure files) published to the real CKAN of scripts/ckan-stack:
init, build, release 1.0.0, publish; revise and add rows, release 1.1.0 with a reason,
publish again. The portal keeps its resource ids and its DataStore tables hold the new
release's rows exactly, each archived release is kept as its zip; a rerun has nothing to do.

The tables are the synthetic population project (tests/fixtures/projects/population and
its later edition in population-revised); every expectation is read from the files.
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from datastore_oracle import assert_table_is_csv
from live_stack import Stack, cli, read_stack, show

from statpub.cli import main
from statpub.package import Package, read_package
from statpub.publish.archived import resource_name
from statpub.publish.portal import Portal
from statpub.versioning.archive import archived_versions

pytestmark = pytest.mark.ckan

FIXTURES = Path(__file__).parents[1] / "fixtures" / "projects"
TABLE = "population_by_district"


def run(*args: str, code: int = 0) -> Any:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, result.output
    return result


def datastore_equals_package(ckan: Stack, name: str, package: Package) -> dict[str, str]:
    """Every CSV table of ``package``, read back with datastore_search, equals its file;
    returns the resource ids by name."""
    portal = Portal(ckan.url, ckan.token)
    ids = {r["name"]: r["id"] for r in show(ckan, name)["resources"]}
    for res in package.resources:
        if res.format != "csv":
            continue
        assert res.schema is not None
        path = Path(res.paths[0])
        found = portal.call("datastore_search", {"resource_id": ids[path.name], "limit": 32000})
        rows = [{k: v for k, v in r.items() if k != "_id"} for r in found["records"]]
        assert len(rows) == found["total"]
        assert_table_is_csv(rows, package.root / path, res.schema)
    return ids


def test_a_project_of_tables_is_published_and_republished_after_a_revision(
    tmp_path: Path,
) -> None:
    ckan = read_stack()
    outputs: list[str] = []
    project = tmp_path / "population"
    run(
        "init", str(project),
        "--from", str(FIXTURES / "population" / f"{TABLE}.csv"),
        str(FIXTURES / "population" / "districts.csv"),
    )  # fmt: skip
    run("build", "--project", str(project))
    run("release", "--project", str(project), "--date", "2026-01-15")
    name = f"statpub-project-{secrets.token_hex(4)}"
    first = read_package(project / "datapackage")
    assert cli(ckan, outputs, str(project / "datapackage"), "--dataset", name).exit_code == 0
    ids = datastore_equals_package(ckan, name, first)
    assert f"{TABLE}.csv" in ids and "districts.csv" in ids

    # The table's later edition: revised 2023 values and a new year, copied over the input.
    (entry,) = [p for p in (project / "data").glob(f"{TABLE}.*")]
    shutil.copyfile(FIXTURES / "population-revised" / f"{TABLE}.csv", entry)
    run(
        "release", "--project", str(project), "--date", "2026-06-01",
        "--reason", "2023 values benchmarked to the census",
    )  # fmt: skip
    second = read_package(project / "datapackage")
    assert second.version != first.version
    assert cli(ckan, outputs, str(project / "datapackage"), "--dataset", name).exit_code == 0
    now = datastore_equals_package(ckan, name, second)
    assert {n: now[n] for n in ids} == ids, "resource ids moved"
    # releases/ beside the package: each archived release is kept as its zip
    versions = archived_versions(project / "releases")
    assert versions == [first.version, second.version]
    assert set(now) - set(ids) == {resource_name(str(second.version))}
    assert resource_name(str(first.version)) in ids
    assert show(ckan, name)["version"] == second.version

    rerun = cli(ckan, outputs, str(project / "datapackage"), "--dataset", name, "--dry-run")
    assert rerun.exit_code == 0, rerun.output
    assert ckan.token not in "".join(outputs)
