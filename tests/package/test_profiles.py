"""Descriptors against the official profiles: which profile, and what the errors say."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from statpub.package import profiles
from statpub.package.profiles import V1, V2, check, choose


@pytest.mark.parametrize(
    ("descriptor", "version", "noted"),
    [
        ({}, V2, False),
        ({"$schema": "https://datapackage.org/profiles/2.0/datapackage.json"}, V2, False),
        ({"$schema": "https://datapackage.org/profiles/1.0/datapackage.json"}, V1, False),
        ({"$schema": "https://datapackage.org/profiles/2.1/datapackage.json"}, V2, False),
        ({"profile": "tabular-data-package"}, V1, False),
        ({"profile": "data-package"}, V1, False),
        ({"profile": "https://specs.frictionlessdata.io/schemas/data-package.json"}, V1, False),
        ({"$schema": "https://example.org/profile.json"}, V2, True),
        ({"profile": "https://example.org/profile.json"}, V1, True),
    ],
)
def test_the_profile_is_chosen_by_schema_then_profile(
    descriptor: dict[str, Any], version: str, noted: bool
) -> None:
    choice = choose(descriptor, "package")
    assert choice.version == version
    assert (choice.note is not None) is noted


def test_a_level_without_its_own_profile_inherits_its_parents() -> None:
    assert choose({"name": "r"}, "resource", V1).version == V1
    assert choose({"profile": "tabular-data-resource"}, "resource", V2).version == V1


def test_errors_name_the_json_path_and_the_fix() -> None:
    schema = {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integr"}]}
    (problem,) = check(schema, "schema", V2, "resources[2].schema")
    assert problem.path == "resources[2].schema.fields[1].type"
    assert "'integr' is not one of" in problem.message and "integer" in problem.message


def test_a_field_is_checked_against_its_own_kind() -> None:
    schema = {"fields": [{"name": "a", "type": "integer", "constraints": {"minimum": True}}]}
    (problem,) = check(schema, "schema", V2)
    assert problem.path == "fields[0].constraints.minimum"
    assert problem.message.startswith("must be a string or an integer")


def test_fields_match_is_a_string_as_the_spec_says() -> None:
    """Erratum of the 2.0 profile file, which says array (fixed in 2.1)."""
    assert check({"fields": [{"name": "a"}], "fieldsMatch": "subset"}, "schema", V2) == []
    problems = check({"fields": [{"name": "a"}], "fieldsMatch": ["subset"]}, "schema", V2)
    assert {p.path for p in problems} == {"fieldsMatch"}


def test_a_v1_dialect_needs_no_delimiter() -> None:
    """The 1.0 package profile's inline CSV Dialect requires what CSV Dialect defaults."""
    assert check({"header": False}, "dialect", V1) == []


def test_path_or_data_in_words() -> None:
    (both,) = check({"name": "r", "path": "a.csv", "data": []}, "resource", V2)
    assert both.message == "has 'data' and 'path'; give only one of them"
    (neither,) = check({"name": "r"}, "resource", V2)
    assert neither.message == "needs 'data' or 'path'; add one"


def test_profiles_come_from_the_installed_dplib_package_which_is_not_imported() -> None:
    folder = profiles.profiles_dir()
    assert (folder / "1.0" / "tableschema.json").is_file()
    assert (folder / "2.0" / "tabledialect.json").is_file()
    assert "dplib" not in sys.modules
