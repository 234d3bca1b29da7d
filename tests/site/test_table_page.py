"""``statpub site`` on a package outside the figure model: the table page.

The fixture is a hand-made two-table package (district codes with leading
zeros, ``..`` for a missing value, a ``districts`` lookup table referenced by a
foreign key); every expectation is read from its files.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import xml.etree.ElementTree as ET
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from click.testing import CliRunner

from statpub.cli import main
from statpub.site import render_site
from statpub.site.timechart import MAX_SERIES, time_chart

FIXTURE = Path(__file__).parent / "fixtures" / "population"


class Tables(HTMLParser):
    """Each table's caption-less cells, by its data-table and class, read with the stdlib."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[tuple[str, str], list[list[str]]] = {}
        self.missing: dict[tuple[str, str], int] = {}
        self.downloads: list[dict[str, str]] = []
        self._table: tuple[str, str] | None = None
        self._cell: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "table" and a.get("data-table"):
            self._table = (a["data-table"], a.get("class", "").split()[0])
            self.tables[self._table] = []
            self.missing[self._table] = 0
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._table and self._in_body:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table and self._in_body:
            self._cell = []
            if "missing" in a.get("class", "").split():
                self.missing[self._table] += 1
        elif tag == "a" and "download" in a.get("class", "").split():
            self.downloads.append(a)

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append(
                " ".join(s.strip() for s in self._cell if s.strip())
            )
            self._cell = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table":
            self._table = None


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def descriptor() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURE / "datapackage.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    out = tmp_path_factory.mktemp("tablepage") / "site"
    result = render_site(FIXTURE, out)
    return out, result


def parse(out: Path) -> tuple[str, Tables]:
    html = (out / "index.html").read_text(encoding="utf-8")
    parser = Tables()
    parser.feed(html)
    return html, parser


def test_a_section_per_table_with_its_first_rows(page: tuple[Path, Any]) -> None:
    out, result = page
    html, parsed = parse(out)
    resources = descriptor()["resources"]
    assert [t.name for t in result.tables] == [r["name"] for r in resources]
    headings = re.findall(r'<h2 id="table-([^"]+)">', html)
    assert headings == [r["name"] for r in resources]
    for res in resources:
        rows = csv_rows(FIXTURE / res["path"])
        shown = parsed.tables[(res["name"], "preview")]
        assert 0 < len(shown) <= min(10, len(rows))
        names = [f["name"] for f in res["schema"]["fields"]]
        missing = {
            mv["value"] if isinstance(mv, dict) else mv
            for mv in res["schema"].get("missingValues", [""])
        }
        for cells, row in zip(shown, rows, strict=False):
            expected = ["missing" if row[n] in missing else row[n] for n in names]
            assert cells == expected  # codes keep their leading zeros
        assert f"{len(rows):,} row" in html


def test_a_missing_value_is_shown_as_missing_not_as_zero(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    shutil.copytree(FIXTURE, pkg)
    rows = csv_rows(pkg / "data" / "population.csv")
    first_missing = next(i for i, r in enumerate(rows) if r["population"] == "..")
    reordered = [rows[first_missing]] + rows[:first_missing] + rows[first_missing + 1 :]
    with (pkg / "data" / "population.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(reordered)
    render_site(pkg, tmp_path / "site")
    _, parsed = parse(tmp_path / "site")
    assert parsed.missing[("population", "preview")] == 1
    assert parsed.tables[("population", "preview")][0][-1] == "missing"


def test_the_dictionary_names_key_foreign_key_codes_and_missing_markers(
    page: tuple[Path, Any],
) -> None:
    out, _ = page
    html, parsed = parse(out)
    text = unescape(re.sub(r"<[^>]+>", "", html))
    for res in descriptor()["resources"]:
        schema = res["schema"]
        fields = parsed.tables[(res["name"], "fields")]
        assert [row[0].split()[0] for row in fields] == [f["name"] for f in schema["fields"]]
        for row, f in zip(fields, schema["fields"], strict=True):
            assert row[1].startswith(f["type"])
            for cat in f.get("categories", []):
                assert f"{cat['value']} {cat['label']}" in row[3]
        keys = schema["primaryKey"]
        assert "Primary key: " + ", ".join(keys) in text
        for fk in schema.get("foreignKeys", []):
            ref = fk["reference"]
            expected = f"{fk['fields'][0]} \u2192 {ref['resource']}.{ref['fields'][0]}"
            assert f"Foreign key: {expected}" in text
        for mv in schema.get("missingValues", []):
            if isinstance(mv, dict) and mv["value"]:
                assert f"\u201c{mv['value']}\u201d ({mv['label']})" in text


def test_downloads_sizes_and_hashes_match_the_files(page: tuple[Path, Any]) -> None:
    out, _ = page
    _, parsed = parse(out)
    hrefs = {a["href"] for a in parsed.downloads}
    for res in descriptor()["resources"]:
        assert f"files/{res['path']}" in hrefs
    assert "files/datapackage.json" in hrefs and "files/CHANGELOG.md" in hrefs
    assert any(h.endswith(".zip") for h in hrefs)
    for a in parsed.downloads:
        data = (out / a["href"]).read_bytes()
        assert len(data) == int(a["data-bytes"])
        assert hashlib.sha256(data).hexdigest() == a["data-sha256"]


def test_changelog_and_metadata(page: tuple[Path, Any]) -> None:
    out, _ = page
    html, _ = parse(out)
    d = descriptor()
    changelog = (FIXTURE / "CHANGELOG.md").read_text(encoding="utf-8")
    for heading in re.findall(r"^## (.+)$", changelog, flags=re.M):
        assert f"<h3>{heading}</h3>" in html
    assert d["licenses"][0]["title"] in html
    assert d["contributors"][0]["title"] in html
    assert f"Version {d['version']}" in html


def test_a_chart_for_the_table_with_a_time_and_a_measure_only(page: tuple[Path, Any]) -> None:
    out, result = page
    html, _ = parse(out)
    svgs = {
        svg.get("id"): svg
        for svg in (ET.fromstring(m) for m in re.findall(r"<svg .*?</svg>", html, flags=re.S))
    }
    assert set(svgs) == {"chart-population-wide", "chart-population-narrow"}
    rows = csv_rows(FIXTURE / "data" / "population.csv")
    series = {(r["district"], r["sex"]) for r in rows}
    chart = next(t.chart for t in result.tables if t.name == "population")
    assert chart is not None and chart.total_series == len(series)
    assert len(chart.series) == min(MAX_SERIES, len(series))
    ns = "{http://www.w3.org/2000/svg}"
    for svg in svgs.values():
        groups = svg.findall(f".//{ns}g[@data-series]")
        assert len(groups) == len(chart.series)
        points = svg.findall(f".//{ns}circle")
        assert len(points) == chart.points
        assert all((c.find(f"{ns}title").text or "").strip() for c in points)  # type: ignore[union-attr]
    assert f"first {len(chart.series)} of {len(series)} series" in html
    assert next(t.chart for t in result.tables if t.name == "districts") is None


def test_a_missing_value_breaks_the_line() -> None:
    schema = {
        "fields": [
            {"name": "year", "type": "year"},
            {"name": "value", "type": "number"},
        ],
        "primaryKey": ["year"],
    }
    table = pa.table({"year": [2019, 2020, 2021, 2022, 2023], "value": [1.0, 2.0, None, 4.0, 5.0]})
    chart = time_chart("t", "T", schema, table)
    assert chart is not None and len(chart.series) == 1
    from statpub.site.timechart import WIDE, render_svg

    svg = render_svg(chart, WIDE)
    assert svg.count("<polyline") == 2  # 2019-2020 and 2022-2023, nothing across 2021
    assert svg.count("<circle") == 4


@pytest.mark.parametrize(
    "fields",
    [
        [{"name": "code", "type": "string"}, {"name": "value", "type": "number"}],
        [{"name": "year", "type": "year"}, {"name": "code", "type": "string"}],
    ],
    ids=["no-time", "no-measure"],
)
def test_no_chart_without_a_time_and_a_measure(fields: list[dict[str, str]]) -> None:
    table = pa.table({f["name"]: ([2020] if f["type"] == "year" else ["a"]) for f in fields})
    if any(f["type"] == "number" for f in fields):
        table = table.set_column(1, "value", pa.array([1.0]))
    assert time_chart("t", "T", {"fields": fields}, table) is None


def test_same_package_same_bytes(tmp_path: Path) -> None:
    render_site(FIXTURE, tmp_path / "a")
    render_site(FIXTURE, tmp_path / "b")
    assert (tmp_path / "a" / "index.html").read_bytes() == (
        tmp_path / "b" / "index.html"
    ).read_bytes()


def test_cli_json_is_the_result(tmp_path: Path) -> None:
    out = tmp_path / "site"
    run = CliRunner().invoke(main, ["site", "--package", str(FIXTURE), "--out", str(out), "--json"])
    assert run.exit_code == 0, run.output
    data = json.loads(run.stdout)
    assert data == render_site(FIXTURE, tmp_path / "again").to_dict() | {
        "out_dir": str(out),
        "index": str(out / "index.html"),
    }
    assert data["page"] == "tables"
    assert [t["name"] for t in data["tables"]] == [r["name"] for r in descriptor()["resources"]]


def test_series_are_labelled_with_the_lookup_table_names(page: tuple[Path, Any]) -> None:
    """district is a foreign key to districts.code: the chart says which district it is."""
    _, result = page
    chart = next(t.chart for t in result.tables if t.name == "population")
    assert chart is not None
    names = {r["code"]: r["name"] for r in csv_rows(FIXTURE / "data" / "districts.csv")}
    sexes = {
        c["value"]: c["label"]
        for f in descriptor()["resources"][0]["schema"]["fields"]
        if f["name"] == "sex"
        for c in f["categories"]
    }
    rows = csv_rows(FIXTURE / "data" / "population.csv")
    expected = sorted({(r["district"], r["sex"]) for r in rows})[: len(chart.series)]
    assert [s.label for s in chart.series] == [
        f"{code} {names[code]}, {sexes[sex]}" for code, sex in expected
    ]


def test_no_chart_when_each_series_has_one_time() -> None:
    """A date outside the key ("last updated") gives one point per row: no chart."""
    schema = {
        "fields": [
            {"name": "code", "type": "string"},
            {"name": "updated", "type": "date"},
            {"name": "value", "type": "number"},
        ],
        "primaryKey": ["code"],
    }
    import datetime as dt

    table = pa.table(
        {
            "code": ["a", "b"],
            "updated": [dt.date(2024, 1, 1), dt.date(2024, 2, 1)],
            "value": [1.0, 2.0],
        }
    )
    assert time_chart("t", "T", schema, table) is None


def test_a_time_field_of_the_key_is_preferred() -> None:
    from statpub.site.timechart import time_field

    fields = [
        {"name": "updated", "type": "date"},
        {"name": "period", "type": "yearmonth"},
        {"name": "value", "type": "number"},
    ]
    assert time_field({"fields": fields, "primaryKey": ["period"]}) == fields[1]
    assert time_field({"fields": fields}) == fields[0]
