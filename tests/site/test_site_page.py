"""``statpub site``: what the page holds, how the chart draws bounds, and how it fails."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from statpub.cli import main
from statpub.errors import InvalidInput
from statpub.project.adapters.figures import build
from statpub.site import render_site

SVG = "{http://www.w3.org/2000/svg}"


class Links(HTMLParser):
    """The page's download links, headings and JSON-LD, read with the standard library."""

    def __init__(self) -> None:
        super().__init__()
        self.downloads: list[dict[str, str]] = []
        self.headings: list[str] = []
        self.resources: list[str] = []  # anything the browser would fetch
        self.jsonld = ""
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "download" in a.get("class", "").split():
            self.downloads.append(a)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(tag)
        if tag in ("img", "iframe", "audio", "video", "source") or (tag == "script" and "src" in a):
            self.resources.append(a.get("src", ""))
        if tag == "link" and a.get("rel") != "alternate":  # an alternate is not fetched
            self.resources.append(a.get("href", ""))
        self._in_jsonld = tag == "script" and a.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_jsonld = False


def parse(index: Path) -> tuple[str, Links, ET.Element]:
    html = index.read_text(encoding="utf-8")
    links = Links()
    links.feed(html)
    svg = ET.fromstring(html[html.index("<svg") : html.index("</svg>") + len("</svg>")])
    return html, links, svg


def charts(index: Path) -> dict[str, ET.Element]:
    """Both layouts of the chart, by id: "chart" (wide) and "chart-narrow" (phones)."""
    html = index.read_text(encoding="utf-8")
    found = [ET.fromstring(m) for m in re.findall(r"<svg .*?</svg>", html, flags=re.S)]
    return {svg.get("id", ""): svg for svg in found}


def observations(package: Path) -> list[dict[str, str]]:
    with (package / "data" / "observations.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def expected_kind(row: dict[str, str]) -> str:
    """The chart's rule, stated from the data model: a target (status F) is no measurement;
    otherwise, which bounds does the wording give?"""
    if row["obs_status"] == "F":
        return "target"
    lo, hi = row["lower_bound"], row["upper_bound"]
    if lo and hi:
        return "exact" if float(lo) == float(hi) else "range"
    if lo:
        return "lower-bound"
    if hi:
        return "upper-bound"
    return "exact"


def marks(svg: ET.Element) -> dict[tuple[str, str], ET.Element]:
    """Every mark of the chart by (indicator, period): an indicator can have several."""
    found = [g for g in svg.iter(f"{SVG}g") if "mark" in (g.get("class") or "").split()]
    out = {(g.get("data-indicator", ""), g.get("data-period", "")): g for g in found}
    assert len(out) == len(found), "two marks for one indicator and period"
    return out


def key(row: dict[str, str]) -> tuple[str, str]:
    return (row["indicator_id"], row["time_period"])


@pytest.fixture(scope="module")
def site(built_package: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "out"
    render_site(built_package, out)
    return out


@pytest.mark.parametrize("layout", ["chart", "chart-narrow"])
def test_one_mark_per_figure_drawn_by_its_bounds(
    site: Path, built_package: Path, layout: str
) -> None:
    svg = charts(site / "index.html")[layout]
    rows = observations(built_package)
    drawn = marks(svg)
    assert sorted(drawn) == sorted(key(r) for r in rows)
    kinds = set()
    for row in rows:
        g = drawn[key(row)]
        kind = expected_kind(row)
        kinds.add(kind)
        assert f"mark-{kind}" in g.get("class", "").split(), row["indicator_id"]
        title = g.find(f"{SVG}title")
        assert title is not None and row["value_wording"] in (title.text or "")
        shapes = {(e.get("class") or "").split()[-1] for e in g if e.tag != f"{SVG}title"}
        if kind == "lower-bound":
            assert "arrow" in shapes, "a lower bound must look open-ended"
        if kind == "upper-bound":
            assert "marker" in shapes and not {"bar-exact", "bar-lower"} & shapes
        if kind == "target":
            drawn_shapes = shapes - {"row-label", "wording"}
            assert drawn_shapes == {"target-guide", "target-mark"}, "a target is never a bar"
        if kind == "range":
            assert "band" in shapes
            assert ("tick-value" in shapes) == bool(row["value"]), (
                "a tick only where a number is stated"
            )
    # The repository's figures exercise every kind of mark.
    assert kinds == {"exact", "lower-bound", "upper-bound", "range", "target"}


@pytest.mark.parametrize("layout", ["chart", "chart-narrow"])
def test_bars_share_one_scale_within_a_topic(site: Path, built_package: Path, layout: str) -> None:
    svg = charts(site / "index.html")[layout]
    rows = {key(r): r for r in observations(built_package)}
    compared = 0
    for panel in svg.iter(f"{SVG}g"):
        if panel.get("class") != "panel":
            continue
        ratios = []
        for g in panel:
            if "mark" not in (g.get("class") or "").split():
                continue
            row = rows[(g.get("data-indicator", ""), g.get("data-period", ""))]
            bar = next((e for e in g if (e.get("class") or "").startswith("bar ")), None)
            if bar is None:
                continue
            end = float(row["lower_bound"] or row["value"])
            ratios.append(float(bar.get("width", 0)) / end)
        if len(ratios) > 1:
            assert max(ratios) - min(ratios) < 0.02 * max(ratios), panel.get("data-topic")
            compared += 1
    # Else a renamed class would leave nothing to compare and the test would pass unseen.
    assert compared >= 2, "no topic with two or more bars was found in the chart"


def test_two_layouts_draw_the_same_marks_with_their_own_ids(site: Path) -> None:
    """The narrow chart is the wide one laid out for phones: same marks, same shapes, and
    ids of its own (a pattern inside a hidden svg must not be the one the other uses)."""
    layouts = charts(site / "index.html")
    assert sorted(layouts) == ["chart", "chart-narrow"]
    wide, narrow = layouts["chart"], layouts["chart-narrow"]

    def drawn(svg: ET.Element) -> dict[str, tuple[str, list[str]]]:
        return {
            k: (g.get("class", ""), [e.get("class", "") for e in g if e.tag != f"{SVG}text"])
            for k, g in marks(svg).items()
        }

    assert drawn(wide) == drawn(narrow)
    for svg in (wide, narrow):
        i = svg.get("id")
        assert svg.get("aria-labelledby") == f"{i}-title {i}-desc"
        bands = [e for e in svg.iter(f"{SVG}rect") if e.get("class") == "band"]
        assert bands and {b.get("fill") for b in bands} == {f"url(#{i}-hatch)"}
        assert svg.find(f".//{SVG}pattern[@id='{i}-hatch']") is not None
    assert int(narrow.get("width", "0")) <= 358 < int(wide.get("width", "0"))


def test_narrow_chart_wraps_long_labels_inside_its_width(site: Path) -> None:
    from statpub.site.chart import NARROW, text_width

    svg = charts(site / "index.html")["chart-narrow"]
    for text in svg.iter(f"{SVG}text"):
        lines = [t.text or "" for t in text] or [text.text or ""]
        x = float(text.get("x", "0"))
        anchor = text.get("text-anchor", "start")
        for line in lines:
            w = text_width(line, 14 if text.get("class") == "panel-title" else 12)
            lo = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
            assert 0 <= lo and lo + w <= NARROW.width, (line, lo, w)
    assert any(len(list(t)) > 1 for t in svg.iter(f"{SVG}text")), "nothing was wrapped"


def test_table_downloads_and_jsonld(site: Path, built_package: Path) -> None:
    html, links, _ = parse(site / "index.html")
    rows = observations(built_package)
    descriptor = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    assert len(re.findall(r'<tr data-indicator="', html)) == len(rows)
    for row in rows:  # verbatim, then a rendering when it is not in English
        cell = f'<td class="wording" data-label="As stated">{row["value_wording"]}'
        assert f"{cell}</td>" in html or f'{cell}<span class="rendering"' in html
    assert "at least 121" in html  # "more than 120" as the bounds say it

    assert links.resources == [], "nothing may be fetched: styles and chart are inline"
    hrefs = {a["href"] for a in links.downloads}
    wanted = {f"files/{r['path']}" for r in descriptor["resources"]} | {"files/datapackage.json"}
    assert wanted <= hrefs
    for a in links.downloads:
        data = (site / a["href"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == a["data-sha256"]
        assert len(data) == int(a["data-bytes"])
    # The copied package is itself a package: its descriptor's files are all there.
    for res in descriptor["resources"]:
        assert (site / "files" / res["schema"]).is_file()

    jsonld = json.loads(links.jsonld)
    assert jsonld["@type"] == "Dataset"
    assert (jsonld["name"], jsonld["version"]) == (descriptor["title"], descriptor["version"])
    assert {d["contentUrl"] for d in jsonld["distribution"]} == hrefs
    assert jsonld["license"] == descriptor["licenses"][0]["path"]

    assert links.headings.count("h1") == 1 and links.headings[0] == "h1"
    for section in ("Changelog", "How to cite", "Download"):
        assert f">{section}</h2>" in html
    assert escape(descriptor["versionNote"]) in html
    assert 'role="img"' in html and "<caption>" in html and 'scope="col"' in html


def test_same_package_same_bytes(built_package: Path, tmp_path: Path) -> None:
    render_site(built_package, tmp_path / "a")
    render_site(built_package, tmp_path / "b")
    assert (tmp_path / "a" / "index.html").read_bytes() == (
        tmp_path / "b" / "index.html"
    ).read_bytes()


def test_markup_in_the_metadata_is_escaped(inputs: Path, tmp_path: Path) -> None:
    package_yml = inputs / "figures" / "package.yml"
    text = package_yml.read_text(encoding="utf-8")
    old = 'title: "Kazakhstan: child protection and education figures quoted from news reports"'
    assert old in text
    package_yml.write_text(
        text.replace(old, 'title: "Figures </script><b>bold</b> & more"'), encoding="utf-8"
    )
    build(inputs / "figures", inputs / "schemas", tmp_path / "pkg")
    render_site(tmp_path / "pkg", tmp_path / "site")
    html, links, _ = parse(tmp_path / "site" / "index.html")
    assert "<b>bold</b>" not in html
    assert json.loads(links.jsonld)["name"] == "Figures </script><b>bold</b> & more"


def test_about_and_order_of_magnitude(inputs: Path, tmp_path: Path) -> None:
    """A wording the repository does not use yet ("about 330", 300 to 360) is drawn as a range."""
    source = inputs / "figures" / "sources" / "fixyanet-2025-06.yml"
    text = source.read_text(encoding="utf-8")
    old = '    value: 330\n    qualifier: exact\n    obs_status: A\n    wording: "330"\n'
    assert old in text
    new = (
        "    value: 330\n    qualifier: about\n    lower_bound: 300\n    upper_bound: 360\n"
        "    obs_status: E\n    wording: about 330\n"
    )
    text = text.replace("quote: 330 mentors trained", "quote: about 330 mentors trained")
    source.write_text(text.replace(old, new), encoding="utf-8")
    build(inputs / "figures", inputs / "schemas", tmp_path / "pkg")
    render_site(tmp_path / "pkg", tmp_path / "site")
    html, _, svg = parse(tmp_path / "site" / "index.html")
    mentors = marks(svg)[("mentors-trained", "../2025-06")]
    assert "mark-range" in mentors.get("class", "")
    classes = [(e.get("class") or "") for e in mentors]
    assert "band" in classes and "tick-value" in classes
    assert "between 300 and 360" in html


def test_bundle_made_or_given(site: Path, built_package: Path, tmp_path: Path) -> None:
    _, links, _ = parse(site / "index.html")
    zips = [a["href"] for a in links.downloads if a["href"].endswith(".zip")]
    assert len(zips) == 1, "the page makes a bundle when none is given"
    with zipfile.ZipFile(site / zips[0]) as zf:
        names = zf.namelist()
    assert any(n.endswith("/datapackage.json") for n in names)
    assert any(n.endswith("/data/observations.parquet") for n in names)

    given = tmp_path / "package.zip"
    with zipfile.ZipFile(given, "w") as zf:
        zf.writestr("datapackage.json", "{}")
    result = render_site(built_package, tmp_path / "site", bundle=given)
    assert (tmp_path / "site" / "files" / "package.zip").read_bytes() == given.read_bytes()
    assert [f.path for f in result.files if f.format == "zip"] == ["package.zip"]
    assert result.files[-1].sha256 == hashlib.sha256(given.read_bytes()).hexdigest()
    missing = run(
        "--package",
        str(built_package),
        "--out",
        str(tmp_path / "s2"),
        "--bundle",
        str(tmp_path / "nope.zip"),
    )
    assert missing.exit_code == 2 and "statpub bundle" in missing.stderr


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["site", *args])


def test_cli_json_is_the_result(built_package: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    cli = run("--package", str(built_package), "--out", str(out), "--json")
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout) == render_site(built_package, out).to_dict()


def test_changed_file_is_refused(package_copy: Path, tmp_path: Path) -> None:
    with (package_copy / "data" / "observations.csv").open("ab") as fh:
        fh.write(b"\r\n")
    with pytest.raises(InvalidInput) as exc:
        render_site(package_copy, tmp_path / "site")
    assert [(i.type, i.path) for i in exc.value.issues] == [
        ("hash-mismatch", "data/observations.csv"),
        ("bytes-mismatch", "data/observations.csv"),
    ]
    cli = run("--package", str(package_copy), "--out", str(tmp_path / "site"))
    assert cli.exit_code == 1
    assert "hash-mismatch" in cli.stderr and "statpub build" in cli.stderr
    assert not (tmp_path / "site").exists()


def test_cannot_run(tmp_path: Path, built_package: Path) -> None:
    missing = run("--package", str(tmp_path / "nowhere"), "--out", str(tmp_path / "site"))
    assert missing.exit_code == 2 and "statpub build" in missing.stderr
    keep = tmp_path / "notes"
    keep.mkdir()
    (keep / "mine.txt").write_text("keep me", encoding="utf-8")
    refused = run("--package", str(built_package), "--out", str(keep))
    assert refused.exit_code == 2 and "not an earlier dataset page" in refused.stderr
    assert (keep / "mine.txt").read_text(encoding="utf-8") == "keep me"


def test_a_page_is_replaced_whole(built_package: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    render_site(built_package, out)
    (out / "files" / "stale.csv").write_text("old", encoding="utf-8")
    render_site(built_package, out)
    assert not (out / "files" / "stale.csv").exists()
    shutil.rmtree(out)


def test_base_url_makes_download_addresses_absolute(built_package: Path, tmp_path: Path) -> None:
    base = "https://data.example.org/kz/"
    result = run("--package", str(built_package), "--out", str(tmp_path / "s"), "--base-url", base)
    assert result.exit_code == 0, result.output
    _, links, _ = parse(tmp_path / "s" / "index.html")
    jsonld = json.loads(links.jsonld)
    assert jsonld["url"] == base
    assert {d["contentUrl"] for d in jsonld["distribution"]} == {
        base + a["href"] for a in links.downloads
    }
    bad = run("--package", str(built_package), "--out", str(tmp_path / "t"), "--base-url", "kz/")
    assert bad.exit_code == 2 and "http" in bad.stderr


def test_changelog_markdown() -> None:
    from statpub.site.markdown import render

    text = (
        "# Changelog: T\n\nIntro with `data/revisions.csv`.\n\n## 1.1.0 (2026-12-01)\n\n"
        "### Revised figures\n\n- `schools-built` KZ 2019/2025-06 value: 1200 → 1300.\n"
        "  Reason: <script>x</script> & **corrected**.\n"
    )
    html = render(text, shift=1, drop_title=True)
    assert "Changelog: T" not in html
    assert "<h3>1.1.0 (2026-12-01)</h3>" in html and "<h4>Revised figures</h4>" in html
    assert "<code>data/revisions.csv</code>" in html
    assert html.count("<li>") == 1 and "1200 → 1300. Reason:" in html
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html
    assert "<strong>corrected</strong>" in html


def test_figures_of_one_indicator_are_labelled_with_their_periods(site: Path, repo_figures) -> None:
    from statpub.site.chart import row_label

    _, _, svg = parse(site / "index.html")
    labels = [
        t.text or ""
        for t in svg.iter(f"{SVG}text")
        if "row-label" in (t.get("class") or "").split()
    ]
    assert len(labels) == len(set(labels)), "two rows of the chart read the same"
    centres = sorted(x for x in labels if x.startswith("Family support centres"))
    # Labelled with their periods, as the figure files give them (several figures).
    expected = sorted(
        row_label("Family support centres", f.row(), f.is_target, True)
        for f in repo_figures.figures
        if f.indicator_id == "family-support-centres"
    )
    assert centres == expected
    assert "Family support centres, target by 2027" in centres
    assert "Family support centres, unknown date, by 7 October 2025" in centres
    # An indicator with one figure keeps its plain name.
    assert "Mentors trained" in labels


def test_the_target_is_a_mark_of_its_own_outside_the_measured_coverage(
    site: Path, measured_coverage: tuple[str, str]
) -> None:
    html, _, svg = parse(site / "index.html")
    legend = [g for g in svg.iter(f"{SVG}g") if "legend-target" in (g.get("class") or "")]
    assert len(legend) == 1 and "not a measurement" in "".join(legend[0].itertext())
    target = marks(svg)[("family-support-centres", "2027")]
    assert "mark-target" in (target.get("class") or "")
    assert not [e for e in target.iter() if "bar" in (e.get("class") or "").split()]
    # The page's coverage is that of the measured figures; the target is listed apart.
    start, end = measured_coverage
    assert f"<dt>Periods covered</dt><dd>{start} to {end}" in html
    assert "<dt>Targets</dt><dd>Family support centres: 208 by 2027" in html
    assert '<span class="badge">target</span>' in html
