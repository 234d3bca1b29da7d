"""This repository's package in every language its figure files declare."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from statpub.errors import InvalidInput
from statpub.figures.load import load_figures
from statpub.package import read_package
from statpub.package.languages import check
from statpub.validate import validate_package

ROOT = Path(__file__).resolve().parents[2]


def declared() -> list[str]:
    meta = yaml.safe_load((ROOT / "figures" / "package.yml").read_text(encoding="utf-8"))
    return list(meta.get("languages") or [])


def test_the_built_package_has_every_text_in_every_language(built_package: Path) -> None:
    pkg = read_package(built_package)
    assert pkg.descriptor["languages"] == declared() and len(declared()) > 1
    schemas = {r.name: r.schema for r in pkg.resources if r.name and r.schema}
    assert check(pkg.descriptor, schemas) == []
    lang_issues = [
        i for i in validate_package(pkg).issues if "language" in i.type or "translation" in i.type
    ]
    assert lang_issues == []


def test_translations_are_marked_as_the_maintainers(built_package: Path) -> None:
    pkg = read_package(built_package)
    notes = pkg.descriptor["translations"]
    assert [n["language"] for n in notes] == declared()[1:]
    assert all(n["official"] is False and n["translator"] for n in notes)


def test_every_indicator_is_translated(built_package: Path) -> None:
    pkg = read_package(built_package)
    indicators = yaml.safe_load((ROOT / "figures" / "indicators.yml").read_text("utf-8"))
    ids = {i["id"] for i in indicators["indicators"]}
    for res in pkg.resources:
        if not (res.name or "").startswith("indicators"):
            continue
        rows = res.descriptor["rowTranslations"]
        assert rows["key"] == "indicator_id"
        for lang in declared()[1:]:
            table = rows["languages"][lang]
            assert set(table) == ids
            assert all({"name", "definition", "unit_description"} <= set(t) for t in table.values())


def test_an_unknown_translated_field_is_reported(tmp_path: Path) -> None:
    figures = tmp_path / "figures"
    shutil.copytree(ROOT / "figures", figures)
    path = figures / "indicators.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["indicators"][0]["translations"]["kk"]["unit"] = "саны"  # a code, never translated
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    from statpub.project.adapters.figures.build import load_schemas

    with pytest.raises(InvalidInput) as err:
        load_figures(figures, load_schemas(ROOT / "schemas"))
    assert any(i.type == "figures-unknown-field" and i.field == "unit" for i in err.value.issues)
