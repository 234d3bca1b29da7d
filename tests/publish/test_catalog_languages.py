"""Catalogue metadata in every language the package declares (docs/languages.md)."""

from __future__ import annotations

import copy
import dataclasses
import json
import warnings
from typing import Any

from statpub.package import Package
from statpub.package.languages import SEP
from statpub.publish.catalog import catalog, dcat_jsonld, schemaorg_dataset

BASE = "https://data.example.org/kz/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"


def graph(doc: dict[str, Any]) -> Any:
    from rdflib import Graph

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return Graph().parse(data=json.dumps(doc), format="json-ld")


def single_language(package: Package) -> Package:
    """The package as a project with one language writes it: no languages, no translations."""

    def strip(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {k: strip(v) for k, v in obj.items() if SEP not in k and k != "languages"}
        if isinstance(obj, list):
            return [strip(v) for v in obj]
        return obj

    return dataclasses.replace(package, descriptor=strip(copy.deepcopy(package.descriptor)))


def test_every_translated_text_is_a_language_tagged_literal(package: Package) -> None:
    from rdflib import URIRef
    from rdflib.namespace import DCAT, DCTERMS

    langs = package.descriptor["languages"]
    assert len(langs) > 1, "the repository's package declares its languages"
    g = graph(dcat_jsonld(package, base_url=BASE))
    dataset = URIRef(BASE)
    for prop, key in ((DCTERMS.title, "title"), (DCTERMS.description, "description")):
        tagged = {lit.language: str(lit) for lit in g.objects(dataset, prop)}
        assert set(tagged) == set(langs)
        assert tagged[langs[0]].startswith(package.descriptor[key][:40])
        for lang in langs[1:]:
            assert tagged[lang] == package.descriptor[f"{key}{SEP}{lang}"]
    expected = {URIRef(EU_LANGUAGE + c) for c in ("ENG", "KAZ", "RUS") if c}
    assert set(g.objects(dataset, DCTERMS.language)) == expected
    dists = list(g.objects(dataset, DCAT.distribution))
    assert dists
    for d in dists:
        assert set(g.objects(d, DCTERMS.language)) == expected
        assert {lit.language for lit in g.objects(d, DCTERMS.title)} == set(langs)


def test_a_single_language_package_keeps_plain_literals(package: Package) -> None:
    doc = dcat_jsonld(single_language(package), base_url=BASE)
    assert isinstance(doc["dct:title"], str) and "dct:language" not in doc
    assert all(isinstance(d["dct:title"], str) for d in doc["dcat:distribution"])
    for org in (
        schemaorg_dataset(single_language(package)),
        catalog(single_language(package), "schemaorg").document,
    ):
        assert isinstance(org["name"], str) and "inLanguage" not in org


def test_schemaorg_names_its_languages(package: Package) -> None:
    langs = package.descriptor["languages"]
    doc = catalog(package, "schemaorg").document
    assert doc["inLanguage"] == langs
    names = {v["@language"]: v["@value"] for v in doc["name"]}
    assert names[langs[0]] == package.descriptor["title"]
    assert names[langs[1]] == package.descriptor[f"title{SEP}{langs[1]}"]
    # A JSON-LD processor reads them as language-tagged names of the one dataset.
    from rdflib import URIRef

    g = graph({**doc, "@context": {"@vocab": "https://schema.org/"}})
    assert {lit.language for lit in g.objects(None, URIRef("https://schema.org/name"))} >= set(
        langs
    )


def test_a_page_gets_the_dataset_in_its_own_language(package: Package) -> None:
    langs = package.descriptor["languages"]
    page = schemaorg_dataset(package)  # the default language, as search engines read it
    assert (page["name"], page["inLanguage"]) == (package.descriptor["title"], langs[0])
    for lang in langs[1:]:
        page = schemaorg_dataset(package, language=lang)
        assert page["name"] == package.descriptor[f"title{SEP}{lang}"]
        assert page["description"] == package.descriptor[f"description{SEP}{lang}"]
        assert page["inLanguage"] == lang
        assert all(isinstance(d["name"], str) for d in page["distribution"])
