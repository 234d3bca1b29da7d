"""``statpub catalog --releases``: the release archive as a DCAT-AP dataset series."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_dcat_shapes import graph, violations

from statpub.cli import main
from statpub.errors import InvalidInput
from statpub.package import Package
from statpub.package.files import read_manifest
from statpub.publish.catalog import catalog
from statpub.publish.local import publishable as read_package
from statpub.versioning.archive import archived_versions

BASE = "https://data.example.org/kz/latest/"
ARCHIVE = "https://data.example.org/kz/releases/"


@pytest.fixture
def archive(repo_root: Path, tmp_path: Path) -> Path:
    """A copy of this repository's release archive (never the archive itself)."""
    dest = tmp_path / "releases"
    shutil.copytree(repo_root / "releases", dest)
    return dest


@pytest.fixture
def two_releases(archive: Path, second_release: Path) -> tuple[Package, Path]:
    """The archive and a package released after its last version (not yet archived)."""
    return read_package(second_release), archive


def members(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in doc["@graph"] if n["@type"] == "dcat:Dataset"]


def test_every_release_is_a_member_in_order(two_releases: tuple[Package, Path]) -> None:
    pkg, archive = two_releases
    doc = catalog(pkg, "dcat", base_url=BASE, releases=archive, releases_url=ARCHIVE).document
    versions = [*archived_versions(archive), pkg.descriptor["version"]]
    found = members(doc)
    assert [m["dcat:version"] for m in found] == versions
    (series,) = [n for n in doc["@graph"] if n["@type"] == "dcat:DatasetSeries"]
    assert all(m["dcat:inSeries"] == {"@id": series["@id"]} for m in found)
    assert series["dcat:first"] == {"@id": found[0]["@id"]}
    assert series["dcat:last"] == {"@id": found[-1]["@id"]} == {"@id": BASE}
    assert "dcat:prev" not in found[0]
    for earlier, later in zip(found, found[1:], strict=False):
        assert later["dcat:prev"] == later["dcat:previousVersion"] == {"@id": earlier["@id"]}


def test_each_member_says_what_its_release_says(two_releases: tuple[Package, Path]) -> None:
    pkg, archive = two_releases
    doc = catalog(pkg, "dcat", base_url=BASE, releases=archive, releases_url=ARCHIVE).document
    for m in members(doc)[:-1]:
        version = m["dcat:version"]
        folder = archive / version
        released = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        assert m["@id"] == f"{ARCHIVE}{version}/"
        assert m["adms:versionNotes"] == released["versionNote"]
        assert m["dct:issued"]["@value"] == released["created"][:10]
        sums = read_manifest(folder)
        urls = {d["dcat:downloadURL"]["@id"]: d for d in m["dcat:distribution"]}
        expected = {
            f"{ARCHIVE}{version}/{r['path']}"
            for r in released["resources"]
            if isinstance(r.get("path"), str)
        }
        assert set(urls) == expected
        for url, d in urls.items():
            path = url.removeprefix(f"{ARCHIVE}{version}/")
            assert d["spdx:checksum"]["spdx:checksumValue"]["@value"] == sums[path]
    last = members(doc)[-1]
    assert last["adms:versionNotes"] == pkg.descriptor["versionNote"]


@pytest.mark.parametrize("urls", ["absolute", "relative"])
def test_the_series_conforms(two_releases: tuple[Package, Path], urls: str) -> None:
    pkg, archive = two_releases
    given = {"base_url": BASE, "releases_url": ARCHIVE} if urls == "absolute" else {}
    doc = catalog(pkg, "dcat", releases=archive, **given).document  # type: ignore[arg-type]
    assert violations(doc) == set()
    g = graph(doc)
    from rdflib import RDF, Namespace

    dcat = Namespace("http://www.w3.org/ns/dcat#")
    assert len(set(g.subjects(RDF.type, dcat.DatasetSeries))) == 1
    assert len(set(g.subjects(dcat.inSeries, None))) == len(archived_versions(archive)) + 1


def test_relative_archive_addresses_are_distinct(two_releases: tuple[Package, Path]) -> None:
    pkg, archive = two_releases
    result = catalog(pkg, "dcat", releases=archive)
    urls = [
        d["dcat:downloadURL"]["@id"]
        for m in members(result.document)
        for d in m["dcat:distribution"]
    ]
    assert len(urls) == len(set(urls))
    assert [w.type for w in result.warnings].count("catalog-relative-urls") == 2


def test_a_broken_shape_is_caught(two_releases: tuple[Package, Path]) -> None:
    pkg, archive = two_releases
    doc = catalog(pkg, "dcat", base_url=BASE, releases=archive, releases_url=ARCHIVE).document
    members(doc)[-1]["dcat:inSeries"] = {"@id": members(doc)[0]["@id"]}
    assert violations(doc) == {"http://www.w3.org/ns/dcat#inSeries"}


def test_a_tampered_release_is_refused(two_releases: tuple[Package, Path]) -> None:
    pkg, archive = two_releases
    first = archived_versions(archive)[0]
    card = archive / first / "README.md"
    card.write_bytes(card.read_bytes() + b"\n")
    with pytest.raises(InvalidInput) as caught:
        catalog(pkg, "dcat", releases=archive)
    assert caught.value.code == "archive-checksums"
    assert [i.type for i in caught.value.issues] == ["checksum-mismatch"]


def test_schemaorg_names_the_release_before(two_releases: tuple[Package, Path]) -> None:
    pkg, archive = two_releases
    doc = catalog(pkg, "schemaorg", base_url=BASE, releases=archive, releases_url=ARCHIVE).document
    datasets = doc["@graph"]
    assert [d["version"] for d in datasets] == [
        *archived_versions(archive),
        pkg.descriptor["version"],
    ]
    assert not any(b.get("@type") == "Dataset" for b in datasets[0].get("isBasedOn", []))
    for earlier, later in zip(datasets, datasets[1:], strict=False):
        before = later["isBasedOn"][0]
        assert before == {
            "@type": "Dataset",
            "@id": earlier["@id"],
            "version": earlier["version"],
            "url": earlier["@id"],
        }


def test_the_command_writes_the_series(two_releases: tuple[Package, Path], tmp_path: Path) -> None:
    pkg, archive = two_releases
    out = tmp_path / "series.jsonld"
    args = ["catalog", str(pkg.root), "--releases", str(archive), "--base-url", BASE]
    result = CliRunner().invoke(main, [*args, "--releases-url", ARCHIVE, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (
        json.loads(out.read_text(encoding="utf-8"))
        == catalog(pkg, "dcat", base_url=BASE, releases=archive, releases_url=ARCHIVE).document
    )
    missing = CliRunner().invoke(
        main, ["catalog", str(pkg.root), "--releases", str(tmp_path / "nowhere"), "--json"]
    )
    assert missing.exit_code == 2
    assert json.loads(missing.stdout)["error"]["type"] == "file-not-found"


def test_the_released_package_is_its_own_member(archive: Path, tmp_path: Path) -> None:
    """A package whose files are its archived release's stands for it, at --base-url."""
    last = archived_versions(archive)[-1]
    copy = tmp_path / "package"
    shutil.copytree(archive / last, copy)
    (copy / "SHA256SUMS").unlink()
    result = catalog(read_package(copy), "dcat", base_url=BASE, releases=archive)
    assert [w.type for w in result.warnings] == ["catalog-relative-urls"]
    newest = members(result.document)[-1]
    assert newest["@id"] == BASE and newest["dcat:version"] == last


def test_a_package_built_since_its_release_is_not_that_release(
    archive: Path, tmp_path: Path
) -> None:
    """Same version, other files: the series describes the archived release, and says so."""
    last = archived_versions(archive)[-1]
    copy = tmp_path / "package"
    shutil.copytree(archive / last, copy)
    (copy / "SHA256SUMS").unlink()
    card = copy / "README.md"
    card.write_text(card.read_text(encoding="utf-8") + "\nEdited after the release.\n")
    result = catalog(
        read_package(copy), "dcat", base_url=BASE, releases=archive, releases_url=ARCHIVE
    )
    assert "catalog-unreleased-package" in [w.type for w in result.warnings]
    found = members(result.document)
    assert [m["dcat:version"] for m in found] == archived_versions(archive)
    assert found[-1]["@id"] == f"{ARCHIVE}{last}/"


POPULATION = Path(__file__).parents[1] / "fixtures" / "projects" / "population"


@pytest.fixture
def population_releases(tmp_path: Path) -> Path:
    """The synthetic population project released twice: 1.0.0, then a year of rows more."""
    import csv

    import yaml

    project = tmp_path / "population"
    inputs = [str(POPULATION / "population_by_district.csv"), str(POPULATION / "districts.csv")]
    for args in (
        ["init", str(project), "--from", *inputs],
        ["build", "--project", str(project)],
        ["release", "--project", str(project), "--date", "2026-01-15"],
    ):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
    config = yaml.safe_load((project / "statpub.yml").read_text(encoding="utf-8"))
    (entry,) = [t for t in config["tables"] if t["name"] == "population_by_district"]
    table = project / str(entry["path"])
    with table.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    last = max(r["year"] for r in rows)
    added = [{**r, "year": str(int(last) + 1)} for r in rows if r["year"] == last]
    with table.open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n").writerows(added)
    result = CliRunner().invoke(
        main, ["release", "--project", str(project), "--date", "2026-06-01"]
    )
    assert result.exit_code == 0, result.output
    return project


def test_a_project_of_tables_released_twice_is_a_conforming_series(
    population_releases: Path,
) -> None:
    archive = population_releases / "releases"
    pkg = read_package(population_releases / "datapackage")
    versions = archived_versions(archive)
    assert len(versions) == 2 and versions[-1] == pkg.descriptor["version"]
    doc = catalog(pkg, "dcat", base_url=BASE, releases=archive, releases_url=ARCHIVE).document
    assert violations(doc) == set()
    found = members(doc)
    assert [m["dcat:version"] for m in found] == versions
    (series,) = [n for n in doc["@graph"] if n["@type"] == "dcat:DatasetSeries"]
    assert all(m["dcat:inSeries"] == {"@id": series["@id"]} for m in found)
    assert found[1]["dcat:prev"] == {"@id": found[0]["@id"]} and "dcat:prev" not in found[0]
    assert found[0]["@id"] == f"{ARCHIVE}{versions[0]}/" and found[1]["@id"] == BASE
    for m, version in zip(found, versions, strict=True):
        folder = archive / version
        released = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        assert m["adms:versionNotes"] == released["versionNote"]
        assert m["dct:issued"]["@value"] == released["created"][:10]
        sums = read_manifest(folder)
        base = BASE if m is found[-1] else f"{ARCHIVE}{version}/"
        checksums = {
            d["dcat:downloadURL"]["@id"].removeprefix(base): d["spdx:checksum"][
                "spdx:checksumValue"
            ]["@value"]
            for d in m["dcat:distribution"]
        }
        paths = {r["path"] for r in released["resources"] if isinstance(r.get("path"), str)}
        assert set(checksums) == paths
        assert checksums == {p: sums[p] for p in paths}
