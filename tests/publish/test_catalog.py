"""Catalogue metadata: DCAT-AP and schema.org JSON-LD from one record."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from statpub.cli import main
from statpub.errors import InvalidInput, StatpubError
from statpub.package import Package, read_package
from statpub.publish.catalog import catalog, dcat_jsonld, schemaorg_dataset
from statpub.publish.dcat import DCAT_CONTEXT

BASE = "https://data.example.org/kz/"
# The vocabularies DCAT-AP asks for; every other absolute address must come from the package.
VOCABULARIES = (
    "http://publications.europa.eu/resource/authority/file-type/",
    "http://publications.europa.eu/resource/authority/country/",
    "http://publications.europa.eu/resource/authority/language/",
    "https://www.iana.org/assignments/media-types/",
    "https://schema.org",
)


def default(value: Any) -> Any:
    """A text in the default language: the text itself, or the first language-tagged
    value (the package's default language comes first; docs/languages.md)."""
    return value[0]["@value"] if isinstance(value, list) else value


def walk(node: Any) -> Any:
    yield node
    if isinstance(node, dict):
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def urls(doc: Any) -> set[str]:
    return {s for s in walk(doc) if isinstance(s, str) and re.match(r"https?://", s)}


def tabular(package: Package) -> list[Any]:
    return [
        f for f in package.data_files() if f.resource and f.resource.format in ("csv", "parquet")
    ]


@pytest.fixture
def dcat(package: Package) -> dict[str, Any]:
    return dcat_jsonld(package)


@pytest.fixture
def schemaorg(package: Package) -> dict[str, Any]:
    return schemaorg_dataset(package)


def test_dcat_ap_mandatory_and_recommended_properties(
    dcat: dict[str, Any], package: Package
) -> None:
    d = package.descriptor
    assert dcat["@type"] == "dcat:Dataset"
    # mandatory for a Dataset in DCAT-AP: title and description
    assert default(dcat["dct:title"]) == d["title"]
    assert default(dcat["dct:description"]) == d["description"]
    assert dcat["dcat:version"] == d["version"] == dcat["owl:versionInfo"]
    assert dcat["dct:identifier"] == d["id"]
    assert dcat["dcat:keyword"] == d["keywords"]
    assert dcat["dct:issued"] == {"@value": d["created"][:10], "@type": "xsd:date"}
    temporal = dcat["dct:temporal"]
    assert temporal["@type"] == "dct:PeriodOfTime"
    assert temporal["dcat:startDate"]["@value"] == d["temporalCoverage"]["start"]
    assert temporal["dcat:endDate"]["@value"] == d["temporalCoverage"]["end"]
    assert d["spatialCoverage"]["iso3166"] == "KZ"
    assert dcat["dct:spatial"] == {
        "@id": "http://publications.europa.eu/resource/authority/country/KAZ",
        "@type": "dct:Location",
    }
    assert dcat["dct:publisher"]["@type"] == "foaf:Agent"
    # The article the figures are quoted from is related, not the dataset's source.
    assert "dct:source" not in dcat
    assert [r["@id"] for r in dcat["dct:relation"]] == [s["path"] for s in d["sources"]]
    assert dcat["dct:conformsTo"] == {"@id": d["$schema"], "@type": "dct:Standard"}
    # The package states no contact, theme or availability: none is made up.
    assert "dcat:contactPoint" not in dcat and "dcat:theme" not in dcat


def test_dcat_distributions_carry_size_and_checksum_of_the_files(
    dcat: dict[str, Any], package: Package
) -> None:
    dists = dcat["dcat:distribution"]
    files = tabular(package)
    assert len(dists) == len(files)
    formats = set()
    for dist, f in zip(dists, files, strict=True):
        data = (package.root / f.path).read_bytes()
        assert dist["@type"] == "dcat:Distribution"
        assert dist["dcat:accessURL"] == {"@id": f.path}  # mandatory in DCAT-AP
        assert dist["dcat:downloadURL"] == {"@id": f.path}
        assert dist["dcat:byteSize"]["@value"] == str(len(data))
        assert dist["spdx:checksum"]["spdx:checksumValue"]["@value"] == (
            hashlib.sha256(data).hexdigest()
        )
        assert dist["spdx:checksum"]["spdx:algorithm"] == {
            "@id": "spdx:checksumAlgorithm_sha256",
            "@type": "spdx:ChecksumAlgorithm",
        }
        assert dist["dct:license"] == {
            "@id": package.descriptor["licenses"][0]["path"],
            "@type": "dct:LicenseDocument",
        }
        assert dist["dcat:mediaType"]["@id"].endswith("/" + f.resource.descriptor["mediatype"])
        assert dist["dcat:mediaType"]["@type"] == "dct:MediaType"
        assert dist["dct:format"]["@type"] == "dct:MediaTypeOrExtent"
        assert dist["dct:conformsTo"] == {
            "@id": f.resource.descriptor["schema"],
            "@type": "dct:Standard",
        }
        assert "dcatap:availability" not in dist
        formats.add(dist["dct:format"]["@id"].rsplit("/", 1)[1])
    assert formats == {"CSV", "PARQUET"}


def test_parquet_size_comes_from_the_file(dcat: dict[str, Any], package: Package) -> None:
    parquet = [f for f in tabular(package) if f.path.endswith(".parquet")]
    assert parquet and all("bytes" not in f.resource.descriptor for f in parquet)
    sizes = {
        d["dcat:downloadURL"]["@id"]: d["dcat:byteSize"]["@value"]
        for d in dcat["dcat:distribution"]
    }
    for f in parquet:
        assert sizes[f.path] == str((package.root / f.path).stat().st_size)


def test_every_prefix_is_declared(dcat: dict[str, Any]) -> None:
    used = set()
    for node in walk(dcat):
        if isinstance(node, dict):
            for key, value in node.items():
                if not key.startswith("@"):
                    used.add(key.split(":", 1)[0])
                if key == "@type" or (key == "@id" and ":" in value and "//" not in value):
                    used.add(value.split(":", 1)[0])
    assert used <= set(DCAT_CONTEXT), used - set(DCAT_CONTEXT)
    assert dcat["@context"] == DCAT_CONTEXT


def test_schemaorg_dataset_properties(schemaorg: dict[str, Any], package: Package) -> None:
    d = package.descriptor
    assert schemaorg["@context"] == "https://schema.org" and schemaorg["@type"] == "Dataset"
    assert default(schemaorg["name"]) == d["title"]
    assert default(schemaorg["description"]) == d["description"]
    assert (
        50 <= len(default(schemaorg["description"])) <= 5000
    )  # what dataset search engines accept
    assert schemaorg["version"] == d["version"]
    assert schemaorg["license"] == d["licenses"][0]["path"]
    assert schemaorg["temporalCoverage"] == (
        f"{d['temporalCoverage']['start']}/{d['temporalCoverage']['end']}"
    )
    assert schemaorg["spatialCoverage"]["name"] == d["spatialCoverage"]["name"]
    assert [s["url"] for s in schemaorg["isBasedOn"]] == [s["path"] for s in d["sources"]]
    assert schemaorg["citation"] == schemaorg["isBasedOn"]
    assert schemaorg["isAccessibleForFree"] is True  # CC-BY-4.0
    for dist, f in zip(schemaorg["distribution"], tabular(package), strict=True):
        assert dist["@type"] == "DataDownload"
        assert dist["contentUrl"] == f.path
        assert dist["encodingFormat"] == f.resource.descriptor["mediatype"]
        assert dist["sha256"] == f.sha256
        assert dist["contentSize"] == f"{f.bytes} B"


def test_both_formats_say_the_same(dcat: dict[str, Any], schemaorg: dict[str, Any]) -> None:
    a = [
        (d["dcat:downloadURL"]["@id"], int(d["dcat:byteSize"]["@value"]),
         d["spdx:checksum"]["spdx:checksumValue"]["@value"], default(d["dct:title"]))
        for d in dcat["dcat:distribution"]
    ]  # fmt: skip
    b = [
        (d["contentUrl"], int(d["contentSize"].split()[0]), d["sha256"], d["name"])
        for d in schemaorg["distribution"]
    ]
    assert a == b
    assert dcat["dcat:version"] == schemaorg["version"]
    assert dcat["dcat:keyword"] == schemaorg["keywords"]


def test_no_address_is_made_up(
    dcat: dict[str, Any], schemaorg: dict[str, Any], package: Package
) -> None:
    known = urls(package.descriptor)
    for doc in (dcat, schemaorg):
        extra = {u for u in urls(doc) - known if not u.startswith(VOCABULARIES)}
        extra -= set(DCAT_CONTEXT.values())
        assert extra == set(), extra
    assert "@id" not in dcat and "dcat:landingPage" not in dcat and "url" not in schemaorg
    for d in schemaorg["distribution"]:
        assert (package.root / d["contentUrl"]).is_file()


def test_base_url_makes_addresses_absolute(package: Package) -> None:
    dcat = dcat_jsonld(package, base_url=BASE.rstrip("/"))
    org = schemaorg_dataset(package, base_url=BASE)
    assert dcat["@id"] == dcat["dcat:landingPage"]["@id"] == BASE == org["url"]
    assert dcat["dcat:landingPage"]["@type"] == "foaf:Document"
    for d in dcat["dcat:distribution"]:
        assert d["dcat:downloadURL"]["@id"].startswith(BASE)
        assert d["dct:conformsTo"]["@id"].startswith(BASE + "schemas/")
    assert all(d["contentUrl"].startswith(BASE) for d in org["distribution"])
    with pytest.raises(StatpubError) as err:
        dcat_jsonld(package, base_url="data.example.org")
    assert err.value.code == "bad-usage"


def test_changed_file_is_not_advertised(package_dir_copy: Path) -> None:
    target = package_dir_copy / "data" / "observations.parquet"
    target.write_bytes(target.read_bytes() + b"\0")
    with pytest.raises(InvalidInput) as err:
        schemaorg_dataset(read_package(package_dir_copy))
    assert [(i.type, i.path) for i in err.value.issues] == [
        ("hash-mismatch", "data/observations.parquet")
    ]


@pytest.mark.parametrize("fmt", ["dcat", "schemaorg"])
def test_cli_prints_or_writes_the_document(fmt: str, package: Package, tmp_path: Path) -> None:
    # the catalogue's document: every language (schemaorg_dataset is a page's, in one)
    expected = catalog(package, fmt, base_url=BASE).document
    args = ["catalog", str(package.root), "--format", fmt, "--base-url", BASE]
    run = CliRunner().invoke(main, args)
    assert run.exit_code == 0, run.output
    assert json.loads(run.stdout) == expected
    out = tmp_path / "meta" / f"{fmt}.jsonld"
    run = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert run.exit_code == 0 and run.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8")) == expected


def with_descriptor(package: Package, **props: Any) -> Package:
    d = json.loads(json.dumps(package.descriptor))
    d.update(props)
    return dataclasses.replace(package, descriptor=d)


def test_variable_measured_lists_every_field_once(
    schemaorg: dict[str, Any], package: Package
) -> None:
    variables = {v["name"]: v for v in schemaorg["variableMeasured"]}
    expected: list[str] = []
    for res in package.descriptor["resources"]:
        schema = json.loads((package.root / res["schema"]).read_text(encoding="utf-8"))
        expected += [f["name"] for f in schema["fields"] if f["name"] not in expected]
    assert list(variables) == expected
    value = variables["value"]
    assert value["@type"] == "PropertyValue" and value["alternateName"] == "Value"
    assert value["description"].startswith("The number as published")


def test_without_base_url_the_result_warns(package: Package) -> None:
    result = catalog(package, "dcat")
    assert [w.type for w in result.warnings] == ["catalog-relative-urls"]
    assert result.to_dict()["warnings"][0]["severity"] == "warning"
    assert result.document == dcat_jsonld(package)
    assert catalog(package, "dcat", base_url=BASE).warnings == []
    run = CliRunner().invoke(main, ["catalog", str(package.root)])
    assert run.exit_code == 0
    assert "catalog-relative-urls" in run.stderr and "--base-url" in run.stderr
    assert json.loads(run.stdout) == result.document


def test_contact_theme_and_availability_when_the_package_states_them(package: Package) -> None:
    contact = {"title": "Data desk", "email": "data@example.org", "roles": ["contact"]}
    stated = with_descriptor(
        package,
        contributors=[*package.descriptor["contributors"], contact],
        themes=["EDUC", "soci", "http://example.org/theme/x", "CHILD"],
        availability="stable",
    )
    result = catalog(stated, "dcat", base_url=BASE)
    doc = result.document
    assert doc["dcat:contactPoint"] == [
        {
            "@type": "vcard:Kind",
            "vcard:fn": "Data desk",
            "vcard:hasEmail": {"@id": "mailto:data@example.org"},
        }
    ]
    theme = "http://publications.europa.eu/resource/authority/data-theme/"
    assert doc["dcat:theme"] == [
        {"@id": theme + "EDUC", "@type": "skos:Concept"},
        {"@id": theme + "SOCI", "@type": "skos:Concept"},
        {"@id": "http://example.org/theme/x", "@type": "skos:Concept"},
    ]
    assert [w.type for w in result.warnings] == ["catalog-unknown-code"]
    assert "CHILD" in result.warnings[0].message
    for dist in doc["dcat:distribution"]:
        assert dist["dcatap:availability"] == {
            "@id": "http://publications.europa.eu/resource/authority/planned-availability/STABLE",
            "@type": "skos:Concept",
        }


def test_a_place_without_a_country_code_is_described(package: Package) -> None:
    doc = dcat_jsonld(with_descriptor(package, spatialCoverage={"name": "Almaty region"}))
    assert doc["dct:spatial"] == {"@type": "dct:Location", "skos:prefLabel": "Almaty region"}
