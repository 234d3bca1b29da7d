"""The DCAT output, read as RDF, meets the DCAT-AP 3.0.1 rules written in ``dcat_shapes.ttl``."""

from __future__ import annotations

import copy
import dataclasses
import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from statpub.package import Package
from statpub.publish.catalog import dcat_jsonld

SHAPES = Path(__file__).with_name("dcat_shapes.ttl")
BASE = "https://data.example.org/kz/"
DOCUMENT = "https://catalogue.example.org/kz/dcat.jsonld"  # where a harvester read it
KAZ = "http://publications.europa.eu/resource/authority/country/KAZ"


def graph(doc: dict[str, Any]) -> Any:
    from rdflib import Graph

    with warnings.catch_warnings():
        # rdflib 7's own JSON-LD parser builds the graph it deprecates.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return Graph().parse(data=json.dumps(doc), format="json-ld", publicID=DOCUMENT)


def violations(doc: dict[str, Any]) -> set[str]:
    """The properties (path IRIs) whose values break a shape."""
    from pyshacl import validate
    from rdflib import Graph, Namespace

    shapes = Graph().parse(SHAPES, format="turtle")
    conforms, results, _ = validate(graph(doc), shacl_graph=shapes, inference="none")
    sh = Namespace("http://www.w3.org/ns/shacl#")
    found = {str(path) for path in results.objects(None, sh.resultPath)}
    assert conforms == (not found)
    return found


def stated(package: Package) -> Package:
    """The package with a contact, themes and an availability, as a maintainer may state."""
    d = copy.deepcopy(package.descriptor)
    d["contributors"].append(
        {"title": "Data desk", "email": "data@example.org", "roles": ["contact"]}
    )
    d["themes"] = ["EDUC", "SOCI"]
    d["availability"] = "STABLE"
    return dataclasses.replace(package, descriptor=d)


@pytest.mark.parametrize("base_url", [BASE, None], ids=["base-url", "relative"])
def test_the_output_conforms(package: Package, base_url: str | None) -> None:
    assert violations(dcat_jsonld(package, base_url=base_url)) == set()
    assert violations(dcat_jsonld(stated(package), base_url=base_url)) == set()


def test_the_graph_says_what_dcat_ap_asks(package: Package) -> None:
    from rdflib import RDF, Literal, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, XSD

    g = graph(dcat_jsonld(stated(package), base_url=BASE))
    dataset = URIRef(BASE)
    assert (dataset, RDF.type, DCAT.Dataset) in g
    assert set(g.objects(dataset, DCTERMS.spatial)) == {URIRef(KAZ)}
    assert (URIRef(KAZ), RDF.type, DCTERMS.Location) in g
    sources = {URIRef(s["path"]) for s in package.descriptor["sources"]}
    assert set(g.objects(dataset, DCTERMS.relation)) == sources
    assert set(g.objects(dataset, DCTERMS.source)) == set()
    themes = {str(t).rsplit("/", 1)[1] for t in g.objects(dataset, DCAT.theme)}
    assert themes == {"EDUC", "SOCI"}
    vcard = Namespace("http://www.w3.org/2006/vcard/ns#")
    (contact,) = g.objects(dataset, DCAT.contactPoint)
    assert (contact, vcard.hasEmail, URIRef("mailto:data@example.org")) in g
    files = [
        f for f in package.data_files() if f.resource and f.resource.format in ("csv", "parquet")
    ]
    dists = list(g.objects(dataset, DCAT.distribution))
    assert len(dists) == len(files)
    sizes = {
        str(next(g.objects(d, DCAT.downloadURL))): next(g.objects(d, DCAT.byteSize)) for d in dists
    }
    for f in files:
        assert sizes[BASE + f.path] == Literal(str(f.bytes), datatype=XSD.nonNegativeInteger)
    availability = {
        str(a)
        for d in dists
        for a in g.objects(d, URIRef("http://data.europa.eu/r5r/availability"))
    }
    assert availability == {
        "http://publications.europa.eu/resource/authority/planned-availability/STABLE"
    }


def test_relative_addresses_resolve_against_the_document(package: Package) -> None:
    from rdflib.namespace import DCAT

    g = graph(dcat_jsonld(package))
    urls = {str(u) for u in g.objects(None, DCAT.downloadURL)}
    assert "https://catalogue.example.org/kz/data/observations.csv" in urls


def _untyped(key: str, where: str = "distribution") -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        for node in doc["dcat:distribution"] if where == "distribution" else [doc]:
            node[key].pop("@type")

    return change


def _algorithm(doc: dict[str, Any]) -> None:
    for d in doc["dcat:distribution"]:
        d["spdx:checksum"]["spdx:algorithm"].pop("@type")


def _as_source(doc: dict[str, Any]) -> None:
    doc["dct:source"] = doc.pop("dct:relation")


def _decimal_size(doc: dict[str, Any]) -> None:
    for d in doc["dcat:distribution"]:
        d["dcat:byteSize"]["@type"] = "xsd:decimal"


BROKEN = [
    ("dct:license untyped", _untyped("dct:license"), "http://purl.org/dc/terms/license"),
    ("dcat:mediaType untyped", _untyped("dcat:mediaType"), "http://www.w3.org/ns/dcat#mediaType"),
    ("dct:format untyped", _untyped("dct:format"), "http://purl.org/dc/terms/format"),
    ("spdx:algorithm untyped", _algorithm, "http://spdx.org/rdf/terms#algorithm"),
    ("dct:conformsTo untyped", _untyped("dct:conformsTo"), "http://purl.org/dc/terms/conformsTo"),
    (
        "dcat:landingPage untyped",
        _untyped("dcat:landingPage", "dataset"),
        "http://www.w3.org/ns/dcat#landingPage",
    ),
    ("dct:spatial untyped", _untyped("dct:spatial", "dataset"), "http://purl.org/dc/terms/spatial"),
    ("news article as dct:source", _as_source, "http://purl.org/dc/terms/source"),
    ("byteSize as xsd:decimal", _decimal_size, "http://www.w3.org/ns/dcat#byteSize"),
    (
        "theme untyped",
        lambda doc: [t.pop("@type") for t in doc["dcat:theme"]],
        "http://www.w3.org/ns/dcat#theme",
    ),
    (
        "contact point untyped",
        lambda doc: [c.pop("@type") for c in doc["dcat:contactPoint"]],
        "http://www.w3.org/ns/dcat#contactPoint",
    ),
    (
        "availability untyped",
        _untyped("dcatap:availability"),
        "http://data.europa.eu/r5r/availability",
    ),
]


@pytest.mark.parametrize(("what", "change", "path"), BROKEN, ids=[b[0] for b in BROKEN])
def test_the_shapes_catch_each_fault(
    package: Package, what: str, change: Callable[[dict[str, Any]], None], path: str
) -> None:
    """What the SEMIC shapes reported on 1.0.0's output is caught here too."""
    doc = dcat_jsonld(stated(package), base_url=BASE)
    change(doc)
    assert violations(doc) == {path}, what
