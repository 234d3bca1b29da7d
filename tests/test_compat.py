"""The package is readable by Data Package v1 readers, and ``--compat v1`` says when one is not."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from statpub.builder.schemas import published_schema
from statpub.cli import main
from statpub.errors import StatpubError
from statpub.report import ERROR, WARNING
from statpub.validate import Options, validate
from statpub.validate.compat import check_v1

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str):
    return CliRunner().invoke(main, ["validate", *args])


# -- what the build writes --------------------------------------------------------------


def test_built_package_has_nothing_v1_readers_cannot_read(built_package: Path) -> None:
    report = validate(built_package, options=Options(compat="v1"))
    assert "compat-v1" in report.checks
    assert report.issues == []


def test_the_check_runs_only_when_asked(built_package: Path) -> None:
    assert "compat-v1" not in validate(built_package).checks
    result = run(str(built_package), "--compat", "v1", "--json")
    assert result.exit_code == 0, result.output
    assert (
        json.loads(result.stdout) == validate(built_package, options=Options(compat="v1")).to_dict()
    )


def test_descriptor_names_each_resource_kind_for_v1_and_v2(built_package: Path) -> None:
    d = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    for res in d["resources"]:
        assert res["type"] == "table"
        # A v1 Tabular Data Resource is CSV: the Parquet copies are plain files to v1 readers.
        expected = "tabular-data-resource" if res["format"] == "csv" else "data-resource"
        assert res["profile"] == expected, res["name"]


def test_published_schemas_mirror_categories_in_enum(built_package: Path) -> None:
    for name in ("observations", "indicators", "sources", "revisions"):
        source = json.loads((ROOT / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
        published = json.loads(
            (built_package / "schemas" / f"{name}.json").read_text(encoding="utf-8")
        )
        assert all(isinstance(v, str) for v in published["missingValues"])
        for src, pub in zip(source["fields"], published["fields"], strict=True):
            if "categories" in src:
                assert pub["constraints"]["enum"] == [c["value"] for c in src["categories"]]
                assert pub["categories"] == src["categories"]
            else:
                assert pub == src


def test_an_enum_that_disagrees_with_the_categories_is_refused() -> None:
    schema = {
        "fields": [
            {
                "name": "q",
                "categories": [{"value": "a"}, {"value": "b"}],
                "constraints": {"enum": ["b", "a"]},
            }
        ]
    }
    with pytest.raises(StatpubError, match="lists the codes") as info:
        published_schema(schema, label="schemas/x.json")
    assert info.value.code == "schema-error"
    agreeing = copy.deepcopy(schema)
    agreeing["fields"][0]["constraints"]["enum"] = ["a", "b"]
    assert published_schema(agreeing) == agreeing


def test_a_code_outside_the_categories_is_one_error(package_copy: Path) -> None:
    """enum and categories list the same codes: a bad code is one error, as in frictionless."""
    import hashlib

    import frictionless

    path = package_copy / "data/observations.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",E,", ",Z,", 1), encoding="utf-8", newline="")
    data = path.read_bytes()
    d = json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in d["resources"] if r["name"] == "observations")
    res.update(hash="sha256:" + hashlib.sha256(data).hexdigest(), bytes=len(data))
    (package_copy / "datapackage.json").write_text(json.dumps(d), encoding="utf-8")
    report = validate(package_copy)
    bad = [
        i for i in report.errors if i.field == "obs_status" and i.path == "data/observations.csv"
    ]
    assert [(i.type, i.row) for i in bad] == [("constraint-error", bad[0].row)]
    # frictionless-py 5 ignores categories; with the enum it now rejects the code too.
    theirs = frictionless.validate(str(package_copy / "datapackage.json"))
    assert [(t.name, e.type) for t in theirs.tasks for e in t.errors] == [
        ("observations", "constraint-error")
    ]


# -- the rules, on any publisher's package ------------------------------------------------


def base() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A v2 package that v1 readers read fully: each case below breaks it in one way."""
    schema: dict[str, Any] = {
        "fields": [
            {"name": "id", "type": "integer", "constraints": {"required": True}},
            {
                "name": "code",
                "type": "string",
                "categories": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
                "constraints": {"enum": ["a", "b"]},
            },
        ],
        "missingValues": ["", "NA"],
        "primaryKey": ["id"],
        "foreignKeys": [{"fields": ["id"], "reference": {"resource": "", "fields": ["id"]}}],
    }
    descriptor: dict[str, Any] = {
        "name": "p",
        "resources": [
            {
                "name": "t",
                "type": "table",
                "profile": "tabular-data-resource",
                "path": "t.csv",
                "format": "csv",
                "schema": "t.json",
            },
            {
                "name": "t-parquet",
                "type": "table",
                "profile": "data-resource",
                "path": "t.parquet",
                "format": "parquet",
                "schema": "t.json",
            },
        ],
    }
    return descriptor, {"t": schema, "t-parquet": schema}


def _csv(d: dict[str, Any]) -> dict[str, Any]:
    return d["resources"][0]


CASES = [
    ("v1-profile-missing", ERROR, lambda d, s: _csv(d).pop("profile")),
    ("v1-profile-missing", ERROR, lambda d, s: _csv(d).update(profile="data-resource")),
    (
        "v1-profile-not-csv",
        WARNING,
        lambda d, s: d["resources"][1].update(profile="tabular-data-resource"),
    ),
    ("v1-dialect", ERROR, lambda d, s: _csv(d).update(dialect={"headerRows": [1, 2]})),
    ("v1-dialect", ERROR, lambda d, s: _csv(d).update(dialect={"commentRows": [1]})),
    (
        "v1-missing-values",
        ERROR,
        lambda d, s: s["t"].update(missingValues=[{"value": "", "label": "not stated"}]),
    ),
    (
        "v1-foreign-key-self",
        ERROR,
        lambda d, s: s["t"]["foreignKeys"][0]["reference"].pop("resource"),
    ),
    ("v1-fields-match", ERROR, lambda d, s: s["t"].update(fieldsMatch="subset")),
    ("v1-unique-keys", WARNING, lambda d, s: s["t"].update(uniqueKeys=[["id", "code"]])),
    ("v1-field-type", ERROR, lambda d, s: s["t"]["fields"][0].update(type="list")),
    (
        "v1-field-missing-values",
        ERROR,
        lambda d, s: s["t"]["fields"][1].update(missingValues=["-"]),
    ),
    ("v1-group-char", ERROR, lambda d, s: s["t"]["fields"][0].update(groupChar=",")),
    ("v1-categories", WARNING, lambda d, s: s["t"]["fields"][1]["constraints"].pop("enum")),
    (
        "v1-categories",
        WARNING,
        lambda d, s: s["t"]["fields"][1]["constraints"].update(enum=["a", "b", "c"]),
    ),
    (
        "v1-constraints",
        WARNING,
        lambda d, s: s["t"]["fields"][0]["constraints"].update(exclusiveMinimum=0),
    ),
]


def test_the_base_case_is_clean() -> None:
    descriptor, schemas = base()
    assert check_v1(descriptor, schemas) == []


@pytest.mark.parametrize(("code", "severity", "mutate"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_flags_what_v1_readers_cannot_read(code: str, severity: str, mutate) -> None:
    descriptor, schemas = base()
    mutate(descriptor, schemas)
    issues = check_v1(descriptor, schemas)
    assert [(i.type, i.severity) for i in issues] == [(code, severity)]
    issue = issues[0]
    # A schema shared by two resources is reported once, with the first of them.
    assert issue.resource == ("t-parquet" if code == "v1-profile-not-csv" else "t")
    assert issue.path in ("t.csv", "t.parquet", "t.json")
    assert "v1" in issue.message


def test_a_tabular_package_profile_needs_every_resource_tabular() -> None:
    descriptor, schemas = base()
    descriptor["profile"] = "tabular-data-package"
    issues = check_v1(descriptor, schemas)
    assert [i.type for i in issues] == ["v1-package-profile"]
    assert "t-parquet" in issues[0].message


def test_the_archived_release_is_flagged(tmp_path: Path) -> None:
    """1.0.0 was written for v2 readers only: the check names what broke the v1 readers."""
    pkg = tmp_path / "1.0.0"
    shutil.copytree(ROOT / "releases" / "1.0.0", pkg)
    result = run(str(pkg), "--compat", "v1", "--json", "--quiet")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    errors = {(e["type"], e.get("path")) for e in report["errors"]}
    assert ("v1-profile-missing", "data/observations.csv") in errors
    assert ("v1-missing-values", "schemas/observations.json") in errors
    assert {e["type"] for e in report["errors"]} == {"v1-profile-missing", "v1-missing-values"}
    assert {w["type"] for w in report["warnings"]} == {"v1-categories"}
    assert run(str(pkg), "--quiet").exit_code == 0
