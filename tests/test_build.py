"""`statpub build`: deterministic, validated, atomic."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from statpub.cli import main
from statpub.errors import InvalidInput
from statpub.project.adapters.figures import build


def snapshot(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``folder``."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def build_into(inputs: Path, out: Path, **kwargs):
    return build(inputs / "figures", inputs / "schemas", out, **kwargs)


def test_two_builds_give_identical_bytes(inputs: Path, tmp_path: Path) -> None:
    build_into(inputs, tmp_path / "a")
    build_into(inputs, tmp_path / "b")
    a, b = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    assert a == b
    assert "data/observations.parquet" in a and "datapackage.json" in a


def test_package_layout_and_descriptor(
    built_package: Path, last_release: dict[str, str], measured_coverage: tuple[str, str]
) -> None:
    d = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    assert d["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert d["version"] == last_release["version"]
    assert d["created"] == f"{last_release['date']}T00:00:00Z"
    for key in (
        "name",
        "id",
        "title",
        "description",
        "licenses",
        "contributors",
        "sources",
        "keywords",
    ):
        assert d[key], key
    assert d["spatialCoverage"]["iso3166"] == "KZ"
    # Coverage is derived from the measured figures; a target does not stretch it.
    start, end = measured_coverage
    assert d["temporalCoverage"] == {"start": start, "end": end}
    names = [r["name"] for r in d["resources"]]
    assert names == [
        "observations",
        "observations-parquet",
        "indicators",
        "indicators-parquet",
        "sources",
        "sources-parquet",
        "revisions",
        "revisions-parquet",
    ]
    for res in d["resources"]:
        data = (built_package / res["path"]).read_bytes()
        assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        if res["format"] == "csv":
            assert res["bytes"] == len(data)
        assert (built_package / res["schema"]).is_file()


def test_parquet_keeps_the_schema(built_package: Path) -> None:
    table = pq.read_table(built_package / "data/observations.parquet")
    schema = json.loads((built_package / "schemas/observations.json").read_text(encoding="utf-8"))
    assert table.column_names == [f["name"] for f in schema["fields"]]
    types = {f.name: str(f.type) for f in table.schema}
    assert types["period_start"] == "date32[day]"
    assert types["paragraph"] == "int64"
    assert types["value"] == "double"
    assert types["qualifier"] == "dictionary<values=string, indices=int32, ordered=0>"
    embedded = json.loads(table.schema.metadata[b"table_schema"])
    assert embedded == schema
    value_field = table.schema.field("value")
    assert value_field.metadata[b"description"].decode().startswith("The number as published")


def test_parquet_dictionaries_are_the_schema_codes(built_package: Path) -> None:
    """Unused codes included, in the schema's order, not in order of first appearance."""
    checked = 0
    for name in ("observations", "indicators"):
        table = pq.ParquetFile(built_package / f"data/{name}.parquet").read()
        schema = json.loads((built_package / f"schemas/{name}.json").read_text(encoding="utf-8"))
        for field in schema["fields"]:
            if "categories" not in field:
                continue
            codes = [c["value"] for c in field["categories"]]
            column = table.column(field["name"])
            assert all(c.dictionary.to_pylist() == codes for c in column.chunks), field["name"]
            checked += 1
    assert checked == 7
    qualifiers = pq.ParquetFile(built_package / "data/observations.parquet").read()
    assert "about" not in qualifiers.column("qualifier").to_pylist()  # declared, yet unused
    # What a pandas user gets: the same categories, in the same order, every release.
    import pandas as pd

    frame = pd.read_parquet(built_package / "data/observations.parquet")
    assert list(frame["qualifier"].cat.categories) == [
        "exact", "more-than", "over", "nearly", "about", "rounded", "order-of-magnitude"
    ]  # fmt: skip


def test_csv_is_rfc4180(built_package: Path) -> None:
    raw = (built_package / "data/observations.csv").read_bytes()
    raw.decode("utf-8")
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)
    assert lines[0].startswith(b"indicator_id,ref_area,time_period,")


def test_every_figure_of_the_article_is_published(built_package: Path) -> None:
    import csv

    with (built_package / "data/observations.csv").open(encoding="utf-8", newline="") as fh:
        rows = {r["indicator_id"]: r for r in csv.DictReader(fh)}
    assert len(rows) == 16
    assert rows["legislative-amendments-proposed"]["value_wording"] == "more than 120"
    assert rows["schoolchildren"]["qualifier"] == "nearly"
    assert rows["monitoring-institutions-covered"]["value"] == ""
    assert rows["special-needs-children-with-educational-support"]["unit"] == "percent"
    assert rows["orphans-placed-in-families"]["period_start"] == ""


def test_committed_package_is_current(built_package: Path, repo_root: Path) -> None:
    """datapackage/ in the repository is exactly what the figure files build to."""
    committed = repo_root / "datapackage"
    assert snapshot(committed).keys() == snapshot(built_package).keys()
    for rel, digest in snapshot(built_package).items():
        if rel.endswith(".parquet"):
            # Parquet bytes carry the writer's version; compare the content.
            assert pq.read_table(committed / rel).equals(pq.read_table(built_package / rel)), rel
            continue
        assert snapshot(committed)[rel] == digest, f"{rel} is stale: run scripts/build and commit"


def test_invalid_figures_leave_the_previous_package_untouched(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "datapackage"
    build_into(inputs, out)
    before = snapshot(out)
    source = inputs / "figures/sources/fixyanet-2025-06.yml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("value: 330", "value: x"), encoding="utf-8"
    )
    with pytest.raises(InvalidInput):
        build_into(inputs, out)
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".datapackage")] == []


def test_invalid_result_leaves_the_previous_package_untouched(inputs: Path, tmp_path: Path) -> None:
    """A figure file that loads but builds an invalid package (a quote not in its source)."""
    out = tmp_path / "datapackage"
    texts = tmp_path / "texts"
    texts.mkdir()
    build_into(inputs, out)
    before = snapshot(out)
    article = "Headline\nIn this text, 330 mentors trained and nothing else.\n"
    (texts / "a.txt").write_text(article, encoding="utf-8")
    source = inputs / "figures/sources/fixyanet-2025-06.yml"
    digest = hashlib.sha256(article.encode()).hexdigest()
    text = source.read_text(encoding="utf-8")
    source.write_text(
        text.replace("f63ff4bbaf71a6c0055276862a8295c237ef65a7196d7e59558e1e36ebada05d", digest),
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput) as exc:
        build_into(inputs, out, sources_dir=texts)
    assert {i.type for i in exc.value.issues} == {"quote-not-found"}
    assert snapshot(out) == before


def test_build_cli_exit_codes(inputs: Path, tmp_path: Path, release_version: str) -> None:
    runner = CliRunner()
    args = ["build", "--figures", str(inputs / "figures"), "--schemas", str(inputs / "schemas")]
    ok = runner.invoke(main, [*args, "--out", str(tmp_path / "p"), "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["version"] == release_version
    missing = runner.invoke(
        main, ["build", "--figures", str(tmp_path / "nope"), "--out", str(tmp_path / "q")]
    )
    assert missing.exit_code == 2
    assert "figures folder not found" in missing.stderr
    (inputs / "figures/indicators.yml").write_text(
        "indicators:\n  - id: Bad Id\n", encoding="utf-8"
    )
    bad = runner.invoke(main, [*args, "--out", str(tmp_path / "r")])
    assert bad.exit_code == 1
    assert "figures/indicators.yml:2" in bad.stderr


def test_package_texts_name_every_source(inputs: Path, tmp_path: Path) -> None:
    """Title, description and data card stay true as sources are added."""
    from statpub.figures.load import load_figures
    from statpub.project.adapters.figures.build import load_schemas

    # One more source: the October report's file under another id, title and periods.
    before = len(list((inputs / "figures/sources").glob("*.yml")))
    text = (inputs / "figures/sources/zakon-2025-10-07.yml").read_text(encoding="utf-8")
    for old, new in (
        ("id: zakon-2025-10-07", "id: ministry-2026-01"),
        ("title: До 208", "title: A test report, до 208"),
        ("period: 2025-10-07", "period: 2025-10-06"),
        ("period: ../2025-10-07", "period: ../2025-10-06"),
        ('period: "2027"', 'period: "2028"'),
    ):
        text = text.replace(old, new)
    (inputs / "figures/sources/ministry-2026-01.yml").write_text(text, encoding="utf-8")
    build_into(inputs, tmp_path / "pkg")
    d = json.loads((tmp_path / "pkg/datapackage.json").read_text(encoding="utf-8"))
    card = (tmp_path / "pkg/README.md").read_text(encoding="utf-8")
    sources = load_figures(inputs / "figures", load_schemas(inputs / "schemas")).sources
    assert len(sources) == before + 1
    assert "(June 2025)" not in d["title"]
    assert f"Quoted from {before + 1} sources" in d["description"]
    listed = card[card.index("## Sources") :]
    for s in sources:
        assert f"\u201c{s.title}\u201d ({s.publisher}, {s.published})" in d["description"]
        assert f"**{s.title}**" in listed and s.source_id in card
        assert f"`{s.sha256}`" in listed
    assert "quoted by news reports" in card
