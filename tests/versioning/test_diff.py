"""`statpub diff` on third-party-style packages: typed changes, the recipe's class, exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from versioning_helpers import FIXTURES

from statpub.cli import main
from statpub.package import open_package
from statpub.versioning.diff import DiffResult, diff

V1, V2 = FIXTURES / "trade-v1", FIXTURES / "trade-v2"


def run_diff(old: Path | str, new: Path | str, **kwargs: Any) -> DiffResult:
    with open_package(old) as a, open_package(new) as b:
        return diff(a, b, **kwargs)


def types(result: DiffResult) -> list[str]:
    return [c.type for c in result.changes]


def resource(result: DiffResult, name: str) -> dict[str, Any]:
    return next(r.to_dict() for r in result.resources if r.name == name)


def variant(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], csv: str | None = None
) -> Path:
    """A copy of trade-v1 whose flows schema (and data, if given) is changed."""
    dest = tmp_path / "variant"
    shutil.copytree(V1, dest)
    descriptor = json.loads((dest / "datapackage.json").read_text(encoding="utf-8"))
    change(descriptor["resources"][0]["schema"])
    (dest / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    if csv is not None:
        (dest / "data/flows.csv").write_text(csv, encoding="utf-8")
    return dest


def field(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in schema["fields"] if f["name"] == name)


def test_composite_keys_rows_and_cells(tmp_path: Path) -> None:
    result = run_diff(V1, V2)
    assert result.level == "minor"
    assert result.forced_by is not None
    assert (result.forced_by.type, result.forced_by.resource) == ("rows-added", "flows")
    flows = resource(result, "flows")
    assert flows["matched_by"] == ["reporter", "partner", "year", "flow"]
    assert flows["key_source"] == "primaryKey"
    key = {"reporter": "KZ", "partner": "CN", "year": "2023", "flow": "export"}
    # 1.50 and 1.5 are the same number: only the real correction is revised, the
    # rewritten number is a format-only change, counted apart.
    assert flows["revised"] == [{"key": key, "field": "value_usd", "old": "100.5", "new": "101"}]
    rewritten = {**key, "year": "2024"}
    assert flows["reformatted"] == [
        {"key": rewritten, "field": "value_usd", "old": "1.50", "new": "1.5"}
    ]
    assert (flows["cells_revised"], flows["cells_reformatted"]) == (1, 1)
    assert [r["year"] for r in flows["added"]] == ["2025"]
    assert [(r["year"], r["flow"]) for r in flows["removed"]] == [("2023", "import")]
    assert (flows["rows_old"], flows["rows_new"]) == (5, 5)
    countries = resource(result, "countries")
    assert countries["matched_by"] == ["code"] and countries["rows_added"] == 1
    # An inline schema moved to a file is the same schema: no schema change.
    assert not [t for t in types(result) if t.startswith("field") or t.startswith("schema")]


def test_identical_packages_have_no_difference() -> None:
    result = run_diff(V1, V1 / "datapackage.json")
    assert not result.different and result.level == "none" and result.forced_by is None


def test_without_primary_key_rows_are_matched_by_content() -> None:
    result = run_diff(FIXTURES / "nokey-v1", FIXTURES / "nokey-v2")
    readings = resource(result, "readings")
    assert readings["matched_by"] == "row content"
    assert readings["added"] == [{"station": "B", "reading": "2.5"}]
    assert readings["removed"] == [{"station": "B", "reading": "2"}]
    assert any("full content" in n for n in result.notes)


def test_renamed_field_is_major_and_its_values_are_still_compared(tmp_path: Path) -> None:
    text = (V1 / "data/flows.csv").read_text(encoding="utf-8").replace("value_usd", "value")
    pkg = variant(tmp_path, lambda s: field(s, "value_usd").update(name="value"), csv=text)
    result = run_diff(V1, pkg)
    assert result.level == "major"
    assert result.forced_by is not None and result.forced_by.type == "field-renamed"
    assert (result.forced_by.old, result.forced_by.new) == ("value_usd", "value")
    assert "fields-reordered" not in types(result) and "field-added" not in types(result)
    assert resource(result, "flows")["status"] == "same"


@pytest.mark.parametrize(
    ("change", "code", "level"),
    [
        (lambda s: field(s, "year").update(type="number"), "field-type-changed", "major"),
        (lambda s: field(s, "reporter").update(format="uri"), "field-format-changed", "major"),
        (
            lambda s: field(s, "value_usd")["constraints"].update(minimum=10),
            "constraint-tightened",
            "major",
        ),
        (
            lambda s: field(s, "value_usd")["constraints"].pop("minimum"),
            "constraint-loosened",
            "minor",
        ),
        (
            lambda s: field(s, "note").update(constraints={"required": True}),
            "constraint-tightened",
            "major",
        ),
        (
            lambda s: field(s, "flow").update(categories=["import", "export", "re-export"]),
            "categories-changed",
            "minor",
        ),
        (lambda s: field(s, "flow").update(categories=["export"]), "categories-changed", "major"),
        (
            lambda s: field(s, "note").update(description="Free text."),
            "field-metadata-changed",
            "patch",
        ),
        (lambda s: s["fields"].append({"name": "unit", "type": "string"}), "field-added", "major"),
        (lambda s: s["fields"].pop(), "field-removed", "major"),
        (lambda s: s["fields"].reverse(), "fields-reordered", "major"),
        (
            lambda s: s.update(primaryKey=["reporter", "partner", "year"]),
            "primary-key-changed",
            "major",
        ),
        (lambda s: s.pop("foreignKeys"), "foreign-keys-changed", "minor"),
    ],
)
def test_schema_changes_are_typed_and_classified(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], code: str, level: str
) -> None:
    result = run_diff(V1, variant(tmp_path, change))
    found = [c for c in result.changes if c.type == code]
    assert found, types(result)
    assert found[0].level == level
    assert result.level == level


@pytest.mark.parametrize(
    ("change", "code", "level"),
    [
        # The same codes written for v1 readers too: nothing reads differently.
        (
            lambda s: field(s, "flow").update(constraints={"enum": ["import", "export"]}),
            "constraint-restated",
            "patch",
        ),
        (
            lambda s: s.update(missingValues=[{"value": "", "label": "not stated"}]),
            "missing-values-restated",
            "patch",
        ),
        (lambda s: s.update(missingValues=["", "NA"]), "missing-values-changed", "major"),
        (
            lambda s: field(s, "note").update(missingValues=[{"value": ""}]),
            "missing-values-changed",
            "major",
        ),
        # An enum that allows less than the categories did, or codes on a free field.
        (
            lambda s: field(s, "flow").update(constraints={"enum": ["export"]}),
            "constraint-tightened",
            "major",
        ),
        (
            lambda s: field(s, "note").update(constraints={"enum": ["rounded"]}),
            "constraint-tightened",
            "major",
        ),
        # Categories dropped while the enum keeps the same codes: the same values allowed.
        (
            lambda s: field(s, "flow").update(
                constraints={"enum": ["export", "import"]}, categories=None
            ),
            "constraint-restated",
            "patch",
        ),
    ],
)
def test_codes_and_missing_values_are_judged_by_what_they_allow(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], code: str, level: str
) -> None:
    def apply(s: dict[str, Any]) -> None:
        change(s)
        for f in s["fields"]:
            if "categories" in f and f["categories"] is None:
                del f["categories"]

    result = run_diff(V1, variant(tmp_path, apply))
    found = [c for c in result.changes if c.type == code]
    assert found, types(result)
    assert found[0].level == level
    assert result.level == level


def test_the_same_codes_both_ways_round_is_a_patch(tmp_path: Path) -> None:
    """v2 categories restated as a v1 enum, the labels of missingValues dropped: a patch."""

    def v1_readable(s: dict[str, Any]) -> None:
        field(s, "flow")["constraints"] = {"enum": ["import", "export"]}
        s["missingValues"] = [""]

    old = variant(tmp_path, lambda s: s.update(missingValues=[{"value": "", "label": "none"}]))
    new = tmp_path / "new"
    shutil.copytree(old, new)
    descriptor = json.loads((new / "datapackage.json").read_text(encoding="utf-8"))
    v1_readable(descriptor["resources"][0]["schema"])
    descriptor["resources"][0]["profile"] = "tabular-data-resource"
    (new / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    result = run_diff(old, new)
    assert sorted(types(result)) == [
        "constraint-restated",
        "missing-values-restated",
        "resource-metadata-changed",
        "version-not-bumped",  # both say 3.1.0
    ]
    assert result.level == "patch"
    # An enum with a code the categories lack allows nothing more: still a patch.
    descriptor["resources"][0]["schema"]["fields"][3]["constraints"]["enum"].append("transit")
    (new / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert run_diff(old, new).level == "patch"


def test_parquet_copy_of_the_same_rows_is_no_data_change(tmp_path: Path) -> None:
    dest = tmp_path / "pq"
    shutil.copytree(V1, dest)
    table = pa.table(
        {
            "reporter": ["KZ", "KZ", "KZ", "KZ", "UZ"],
            "partner": ["CN", "CN", "CN", "RU", "KZ"],
            "year": pa.array([2023, 2023, 2024, 2024, 2024], pa.int64()),
            "flow": ["export", "import", "export", "import", "export"],
            "value_usd": [100.5, 80.0, 1.5, 200.0, 55.0],
            "note": [None, None, "rounded", None, None],
        }
    )
    pq.write_table(table, dest / "data/flows.parquet")
    descriptor = json.loads((dest / "datapackage.json").read_text(encoding="utf-8"))
    flows = descriptor["resources"][0]
    flows.update(path="data/flows.parquet", format="parquet")
    flows.pop("dialect")
    (dest / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    result = run_diff(V1, dest)
    assert resource(result, "flows")["status"] == "same"
    assert {c.type for c in result.changes} == {
        "resource-moved",
        "resource-format-changed",
        "version-not-bumped",  # the version stayed 3.1.0
    }
    assert result.level == "patch"


def test_resources_added_removed_and_referenced_rows_removed(tmp_path: Path) -> None:
    dest = tmp_path / "res"
    shutil.copytree(V1, dest)
    descriptor = json.loads((dest / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][1]["name"] = "nations"  # same path: a renamed resource
    (dest / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert "resource-renamed" in types(run_diff(V1, dest))
    descriptor["resources"] = descriptor["resources"][:1]
    (dest / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    removed = run_diff(V1, dest)
    assert removed.forced_by is not None and removed.forced_by.type == "resource-removed"
    assert run_diff(dest, V1).level == "minor"  # a resource added
    # countries is referenced by flows: deleting its rows breaks references.
    shutil.rmtree(dest)
    shutil.copytree(V1, dest)
    (dest / "data/countries.csv").write_text("code,name\nKZ,Kazakhstan\n", encoding="utf-8")
    result = run_diff(V1, dest)
    assert result.level == "major" and result.forced_by is not None
    assert (result.forced_by.type, result.forced_by.resource) == ("rows-removed", "countries")


def test_descriptive_metadata_is_a_patch_and_identity_a_major(tmp_path: Path) -> None:
    dest = tmp_path / "meta"
    shutil.copytree(V1, dest)
    descriptor = json.loads((dest / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["title"] = "Toy trade flows, corrected"
    descriptor["version"] = "9.9.9"  # which version it is says nothing about what changed
    (dest / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert [(c.type, c.field, c.level) for c in run_diff(V1, dest).changes] == [
        ("metadata-changed", "title", "patch")
    ]
    descriptor["name"] = "toy-trade-2"
    (dest / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert run_diff(V1, dest).level == "major"


def test_limit_caps_the_listing_not_the_counts() -> None:
    capped = resource(run_diff(V1, V2, limit=0), "flows")
    assert (capped["rows_added"], capped["rows_removed"], capped["cells_revised"]) == (1, 1, 1)
    assert capped["added"] == capped["removed"] == capped["revised"] == []
    assert capped["truncated"] is True
    assert resource(run_diff(V1, V2), "flows")["truncated"] is False


def test_cli_exit_codes_and_json() -> None:
    runner = CliRunner()
    same = runner.invoke(main, ["diff", str(V1), str(V1)])
    assert same.exit_code == 0 and "no differences" in same.stdout
    differ = runner.invoke(main, ["diff", str(V1), str(V2), "--json"])
    assert differ.exit_code == 1
    assert json.loads(differ.stdout) == run_diff(V1, V2, limit=1000).to_dict()
    text = runner.invoke(main, ["diff", str(V1), str(V2)])
    assert text.stdout.startswith("MINOR:")
    assert "value_usd: '100.5' -> '101'" in text.stdout
    assert runner.invoke(main, ["diff", str(V1), str(V2), "--fail-on", "major"]).exit_code == 0
    assert runner.invoke(main, ["diff", str(V1), str(V2), "--fail-on", "minor"]).exit_code == 1
    missing = runner.invoke(main, ["diff", str(V1), str(FIXTURES / "nope")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr


@pytest.mark.parametrize("filters", [True, False], ids=["tar-filters", "python-3.11.2"])
def test_a_git_ref_as_either_side(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, filters: bool
) -> None:
    """Also as on Debian 12's Python 3.11.2, whose tarfile has no extraction filters."""
    import tarfile

    if not filters:  # tarfile as in Python 3.11.2: no data_filter, no filter argument
        original = tarfile.TarFile.extractall

        import inspect

        # The real extractall, without the filter argument it would not have had.
        known = "filter" in inspect.signature(original).parameters
        fixed = {"filter": "tar"} if known else {}

        def extractall(self: tarfile.TarFile, path: str = ".", members: Any = None) -> None:
            original(self, path, members, **fixed)

        monkeypatch.delattr(tarfile, "data_filter", raising=False)
        monkeypatch.setattr(tarfile.TarFile, "extractall", extractall)
    repo = tmp_path / "repo"
    shutil.copytree(V1, repo / "pkg")

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=repo, check=True, capture_output=True,
        )  # fmt: skip

    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "v1")
    shutil.rmtree(repo / "pkg")
    shutil.copytree(V2, repo / "pkg")
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["diff", "HEAD:pkg", "pkg", "--json"])
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["changes"] == run_diff(V1, V2).to_dict()["changes"]
    by_descriptor = CliRunner().invoke(main, ["diff", "HEAD:pkg/datapackage.json", "pkg", "--json"])
    assert json.loads(by_descriptor.stdout)["changes"] == json.loads(result.stdout)["changes"]
    bad = CliRunner().invoke(main, ["diff", "no-such-ref:pkg", "pkg"])
    assert bad.exit_code == 2 and "git-ref-not-found" in bad.stderr
