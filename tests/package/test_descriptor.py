"""Reading descriptors: JSON and YAML alike, strictly, without crashing on odd input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from statpub.errors import StatpubError
from statpub.package import read_package

YAML = """\
name: country-codes
version: "2024"
created: 2023-03-30
resources:
  - name: codes
    path: data.csv
    schema:
      fields:
        - {name: code, type: string}
"""


def test_a_yaml_descriptor_reads_as_its_json(tmp_path: Path) -> None:
    (tmp_path / "datapackage.yaml").write_text(YAML, encoding="utf-8")
    (tmp_path / "data.csv").write_text("code\nKZ\n", encoding="utf-8")
    pkg = read_package(tmp_path)
    assert pkg.descriptor["created"] == "2023-03-30"  # a date stays the text it is
    assert pkg.descriptor["version"] == "2024"
    assert pkg.resources[0].spec is not None and pkg.descriptor_path is not None
    assert pkg.descriptor_path.name == "datapackage.yaml"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("a: &x [1]\nb: *x\nresources: []\n", "aliases"),
        ("1: x\nresources: []\n", "not a string"),
        ("resources: [\n", "not valid YAML"),
        ("- just\n- a list\n", "must be a JSON object"),
        ("when: !!binary aGk=\nresources: []\n", "no JSON equivalent"),
    ],
)
def test_yaml_that_is_not_json_data(tmp_path: Path, text: str, needle: str) -> None:
    (tmp_path / "datapackage.yml").write_text(text, encoding="utf-8")
    with pytest.raises(StatpubError) as err:
        read_package(tmp_path)
    assert needle in err.value.message and err.value.code.startswith("descriptor")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('{"resources": [}', "not valid JSON"),
        ('{"bytes": NaN, "resources": []}', "NaN is not a JSON value"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"name": "\\ud800", "resources": []}', "unpaired surrogate"),
        ("[]", "must be a JSON object"),
    ],
)
def test_json_that_cannot_be_a_descriptor(tmp_path: Path, text: str, needle: str) -> None:
    (tmp_path / "datapackage.json").write_text(text, encoding="utf-8")
    with pytest.raises(StatpubError) as err:
        read_package(tmp_path)
    assert needle in err.value.message
    assert err.value.code == "descriptor-json"


def test_a_key_given_twice_is_a_warning_naming_it(tmp_path: Path) -> None:
    (tmp_path / "datapackage.json").write_text(
        '{"name": "a", "name": "b", "resources": [{"name": "r", "data": []}]}', encoding="utf-8"
    )
    pkg = read_package(tmp_path)
    assert pkg.descriptor["name"] == "b"
    assert [(i.type, i.severity) for i in pkg.issues] == [("descriptor-duplicate-key", "warning")]
    assert "'name'" in pkg.issues[0].message


def test_resources_of_the_wrong_shape_become_problems(tmp_path: Path) -> None:
    descriptor = {"resources": [5, "x", {"name": "r"}, {"name": "s", "path": ""}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    pkg = read_package(tmp_path)
    kinds = [[p.type for p in r.problems] for r in pkg.resources]
    assert kinds == [
        ["descriptor-error"],
        ["descriptor-error"],
        ["descriptor-error"],
        ["path-unsafe"],
    ]
    assert "resources[1] must be an object" in pkg.resources[1].problems[0].message
