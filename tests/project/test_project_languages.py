"""A project of tables in several languages: statpub.yml's ``languages`` and ``title@ru``
keys, through build, validate, the data cards, the dictionary, the page and data.egov.kz."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from statpub.cli import main

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures/projects/population-languages"


def run(args: list[str], cwd: Path) -> Result:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, args)
    finally:
        os.chdir(old)


def config() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((FIXTURE / "statpub.yml").read_text("utf-8"))
    return data


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "pop"
    shutil.copytree(FIXTURE, folder)
    return folder


def edit(project: Path, change: Any) -> None:
    data = config()
    change(data)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    (project / "statpub.yml").write_text(text, encoding="utf-8")


def strip_schemas(project: Path, langs: str) -> None:
    """Remove the Table Schemas' translations into ``langs`` (a regex alternative)."""
    pattern = rf',\s*"(title|label|description)@({langs})": "[^"]*"'
    for path in (project / "schemas").glob("*.json"):
        path.write_text(re.sub(pattern, "", path.read_text("utf-8")), encoding="utf-8")


def build(project: Path) -> dict[str, Any]:
    result = run(["build", "--json"], project)
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def descriptor(project: Path) -> dict[str, Any]:
    text = (project / "datapackage" / "datapackage.json").read_text("utf-8")
    out: dict[str, Any] = json.loads(text)
    return out


def test_build_writes_the_languages_and_translations(project: Path) -> None:
    given = config()
    langs = given["languages"]
    build(project)
    d = descriptor(project)
    assert d["languages"] == langs
    assert d["title"] == given["title"]
    for lang in langs[1:]:
        assert d[f"title@{lang}"] == given[f"title@{lang}"]
        assert d[f"description@{lang}"] == " ".join(given[f"description@{lang}"].split())
    assert d["translations"] == given["translations"]
    tables = {t["name"]: t for t in given["tables"]}
    for res in d["resources"]:
        table = tables[res["name"].removesuffix("-parquet")]
        for lang in langs[1:]:
            # the Parquet copy's title says so, in every language
            assert res[f"title@{lang}"].startswith(table[f"title@{lang}"])
        schema = json.loads((project / "datapackage" / res["schema"]).read_text("utf-8"))
        written = json.loads((project / res["schema"]).read_text("utf-8"))
        assert schema["fields"][0]["title@ru"] == written["fields"][0]["title@ru"]


def test_each_language_gets_its_data_card(project: Path) -> None:
    given = config()
    default, *others = given["languages"]
    doc = build(project)
    schema = json.loads((project / "schemas/population_by_district.json").read_text("utf-8"))
    sex = next(f for f in schema["fields"] if f["name"] == "sex")
    for lang in given["languages"]:
        name = "README.md" if lang == default else f"README.{lang}.md"
        assert name in doc["files"]
        card = (project / "datapackage" / name).read_text("utf-8")
        title = given["title"] if lang == default else given[f"title@{lang}"]
        assert f"# {title}\n" in card
        for table in given["tables"]:
            heading = table["title"] if lang == default else table[f"title@{lang}"]
            assert f"## {heading}\n" in card
        for cat in sex["categories"]:
            label = cat["label"] if lang == default else cat[f"label@{lang}"]
            assert f"{cat['value']} ({label})" in card
        for other in others:
            assert f"(README.{other}.md)" in card or lang == other
    english = (project / "datapackage" / "README.en.md").read_text("utf-8")
    assert "\n**\n" not in english  # the translated card says it is one


def test_validate_strict_passes_with_every_translation(project: Path) -> None:
    doc = build(project)
    assert doc["validation"]["warnings"] == []
    result = run(["validate", "datapackage", "--strict", "--json"], project)
    assert result.exit_code == 0, result.output


def test_a_table_validated_alone_knows_the_languages(project: Path) -> None:
    """The published schemas declare the project's languages, as the recipe allows
    on any descriptor: a table checked with its schema alone is in them too."""
    build(project)
    package = project / "datapackage"
    for table in config()["tables"]:
        schema = json.loads((package / f"schemas/{table['name']}.json").read_text("utf-8"))
        assert schema["languages"] == config()["languages"]
        args = ["validate", f"data/{table['name']}.csv", "--schema"]
        result = run([*args, f"schemas/{table['name']}.json", "--json"], package)
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        # a foreign key cannot be checked on one table; nothing about languages
        assert {w["type"] for w in report["warnings"]} <= {"foreign-key-not-checked"}


def test_a_missing_translation_warns_and_fails_strict(project: Path) -> None:
    def drop(data: dict[str, Any]) -> None:
        del data["tables"][1]["title@en"]

    edit(project, drop)
    build(project)
    result = run(["validate", "datapackage", "--json"], project)
    assert result.exit_code == 0, result.output
    warnings = json.loads(result.stdout)["warnings"]
    assert {w["type"] for w in warnings} == {"translation-missing"}
    name = config()["tables"][1]["name"]
    assert any(f"resource {name!r} title" in w["message"] and "'en'" in w["message"]
               for w in warnings)  # fmt: skip
    strict = run(["validate", "datapackage", "--strict", "--json"], project)
    assert strict.exit_code == 1, strict.output


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda d: d.update({"title@de": "Bevölkerung"}), "title@de"),
        (lambda d: d["tables"][0].update({"description@fr": "Population"}), "description@fr"),
        (lambda d: d.update({"title@kk": "екінші"}), "title@kk"),  # the default language
        (lambda d: (d.pop("languages"), d.pop("translations")), "title@ru"),  # none declared
        (lambda d: d.update({"languages": ["kk", "ru", "en_US"]}), "en_US"),
        (lambda d: d.update({"languages": ["kk", "ru", "ru", "en"]}), "'ru'"),
        (lambda d: d["translations"].append({"language": "de", "translator": "x"}), "'de'"),
    ],
    ids=[
        "undeclared",
        "undeclared-table",
        "default",
        "no-languages",
        "bad-tag",
        "twice",
        "translator",
    ],  # fmt: skip
)
def test_an_undeclared_language_is_refused(project: Path, change: Any, key: str) -> None:
    edit(project, change)
    result = run(["build", "--json"], project)
    assert result.exit_code == 2, result.output
    error = json.loads(result.stdout)["error"]
    assert error["type"] == "project-invalid"
    assert "statpub.yml" in error["message"] and key in error["message"]
    assert not (project / "datapackage").exists()


def test_the_dictionary_and_page_come_in_each_language(project: Path) -> None:
    given = config()
    default = given["languages"][0]
    build(project)
    out = project / "docs" / "data-dictionary.md"
    result = run(["docs", "dictionary", "--package", "datapackage", "--out", str(out), "--json"],
                 project)  # fmt: skip
    assert result.exit_code == 0, result.output
    paths = json.loads(result.stdout)["paths"]
    assert list(paths) == given["languages"]
    for lang, path in paths.items():
        text = Path(path).read_text("utf-8") if Path(path).is_absolute() else (
            project / path).read_text("utf-8")  # fmt: skip
        for table in given["tables"]:
            assert (table["title"] if lang == default else table[f"title@{lang}"]) in text

    site = run(["site", "--out", "_site", "--json"], project)
    assert site.exit_code == 0, site.output
    schema = json.loads((project / "schemas/population_by_district.json").read_text("utf-8"))
    sex = next(f for f in schema["fields"] if f["name"] == "sex")
    for lang in given["languages"]:
        page = project / "_site" / ("index.html" if lang == default else f"index.{lang}.html")
        series = set(re.findall(r'data-series="[^"]*, ([^",]*)"', page.read_text("utf-8")))
        labels = {c["label"] if lang == default else c[f"label@{lang}"] for c in sex["categories"]}
        assert series and series <= labels


def test_publish_egov_writes_the_three_languages(project: Path) -> None:
    given = config()
    build(project)
    result = run(["publish", "egov", "datapackage", "--out", "egov", "--json"], project)
    assert result.exit_code == 0, result.output
    langs = dict(zip(given["languages"], ["", *given["languages"][1:]], strict=True))
    for table in given["tables"]:
        meta = json.loads((project / "egov" / f"{table['name']}.meta.json").read_text("utf-8"))
        for lang, suffix in langs.items():
            key = "title" if not suffix else f"title@{suffix}"
            portal = "name" + lang.capitalize()
            assert meta[portal].endswith(table[key])
            assert meta[portal].startswith(given[key])
        assert all(f["labelKk"] and f["labelRu"] and f["labelEn"] for f in meta["fields"])


def test_publish_egov_refuses_a_project_without_a_language(project: Path) -> None:
    def english_out(data: dict[str, Any]) -> None:
        data["languages"] = ["kk", "ru"]
        data["translations"] = [t for t in data["translations"] if t["language"] != "en"]
        for obj in (data, *data["tables"]):
            for key in [k for k in obj if k.endswith("@en")]:
                del obj[key]

    edit(project, english_out)
    strip_schemas(project, "en")
    build(project)
    assert run(["validate", "datapackage", "--strict"], project).exit_code == 0
    result = run(["publish", "egov", "datapackage", "--out", "egov", "--json"], project)
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["error"]["type"] == "egov-language-missing"


def test_a_project_without_languages_writes_none(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    shutil.copytree(FIXTURE, folder)
    data = config()
    for obj in (data, *data["tables"]):
        for key in [k for k in obj if "@" in k]:
            del obj[key]
    del data["languages"], data["translations"]
    (folder / "statpub.yml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    strip_schemas(folder, "ru|en")
    doc = build(folder)
    d = descriptor(folder)
    assert "languages" not in d and "translations" not in d
    assert not any("@" in k for k in d)
    assert [f for f in doc["files"] if f.startswith("README")] == ["README.md"]


def test_a_released_project_keeps_every_language(project: Path) -> None:
    """From the first release the package carries the revisions log: its texts come in
    each language too, so --strict and data.egov.kz still pass."""
    given = config()
    released = run(["release", "--date", "2026-01-15", "--json"], project)
    assert released.exit_code == 0, released.output
    d = descriptor(project)
    log = next(r for r in d["resources"] if r["name"] == "revisions")
    schema = json.loads((project / "datapackage" / log["schema"]).read_text("utf-8"))
    for lang in given["languages"][1:]:
        assert log[f"title@{lang}"] and log[f"description@{lang}"]
        assert all(f[f"title@{lang}"] for f in schema["fields"])
    assert run(["validate", "datapackage", "--strict"], project).exit_code == 0
    egov = run(["publish", "egov", "datapackage", "--out", "egov", "--json"], project)
    assert egov.exit_code == 0, egov.output


def test_the_catalogue_carries_every_language(project: Path) -> None:
    given = config()
    build(project)
    result = run(["catalog", "datapackage", "--format", "dcat"], project)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    text = json.dumps(doc, ensure_ascii=False)
    for i, lang in enumerate(given["languages"]):
        title = given["title"] if i == 0 else given[f"title@{lang}"]
        assert json.dumps({"@value": title, "@language": lang}, ensure_ascii=False) in text


def test_an_official_translation_is_said_to_be_one(project: Path) -> None:
    from statpub.package.languages import message_table

    def official(data: dict[str, Any]) -> None:
        data["translations"][0] |= {"official": True, "translator": "Test Statistics Office"}

    edit(project, official)
    build(project)
    assert run(["site", "--out", "_site"], project).exit_code == 0
    lang, other = (t["language"] for t in config()["translations"][:2])
    card = message_table("statpub.builder", lang)["translation_official"]
    page = message_table("statpub.site", lang)["_translation_official"]
    said = {
        f"datapackage/README.{lang}.md": card.format(translator="Test Statistics Office"),
        f"_site/index.{lang}.html": page.format(translator="Test Statistics Office"),
    }
    for path, note in said.items():
        assert note in (project / path).read_text("utf-8"), path
    unofficial = message_table("statpub.builder", other)["translation_note"]
    card_other = (project / f"datapackage/README.{other}.md").read_text("utf-8")
    assert unofficial in card_other
