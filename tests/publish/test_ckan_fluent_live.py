"""Multilingual metadata on a real CKAN 2.11 (scripts/ckan-stack start): the stack's
dataset schema (ckanext-scheming) has ckanext-fluent's fields; its second site has no
scheming and gets the default language only. See docs/publishing.md."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest
from live_stack import Stack, cli, read_stack, show

from statpub.package import Package
from statpub.package.languages import translations
from statpub.publish.portal import Portal

pytestmark = pytest.mark.ckan


@pytest.fixture(scope="module")
def ckan() -> Stack:
    return read_stack()


@pytest.fixture
def name() -> str:
    return f"statpub-test-{secrets.token_hex(4)}"


def texts(obj: dict[str, Any], key: str, langs: list[str]) -> dict[str, str]:
    return translations(obj, key, langs)


def test_title_notes_resources_and_labels_round_trip_in_every_language(
    ckan: Stack, name: str, package: Package
) -> None:
    langs = package.descriptor["languages"]
    assert len(langs) == 3, "the repository's package declares en, kk and ru"
    outputs: list[str] = []
    first = cli(ckan, outputs, str(package.root), "--dataset", name, "--json")
    assert first.exit_code == 0, first.output
    ds = show(ckan, name)
    assert ds["title"] == package.descriptor["title"]
    assert ds["title_translated"] == texts(package.descriptor, "title", langs)
    notes = ds["notes_translated"]
    assert list(notes) == langs and notes[langs[0]] == ds["notes"]
    for lang in langs[1:]:  # each language's own data card, as the plan sends it
        card = (package.root / f"README.{lang}.md").read_text(encoding="utf-8")
        assert notes[lang].strip() in card and not notes[lang].startswith("# ")
    by_name = {r["name"]: r for r in ds["resources"]}
    portal = Portal(ckan.url, ckan.token)
    for f in package.data_files():
        res = f.resource
        assert res is not None
        r = by_name[f.path.rsplit("/", 1)[-1]]
        assert r["description_translated"] == texts(res.descriptor, "description", langs)
        if res.format != "csv":
            continue
        info = portal.call("datastore_info", {"id": r["id"]})
        columns = {c["id"]: c.get("info") or {} for c in info["fields"]}
        for field in (res.schema or {})["fields"]:
            got = columns[field["name"]]
            assert got["label_translated"] == texts(field, "title", langs)
            assert got["notes_translated"] == texts(field, "description", langs)
            assert got["label"] == field["title"]

    again = cli(ckan, outputs, str(package.root), "--dataset", name, "--json")
    assert again.exit_code == 0, again.output
    summary = json.loads(again.stdout)["summary"]
    assert summary["patched"] == summary["uploaded"] == summary["updated"] == 0, summary
    assert show(ckan, name)["metadata_modified"] == ds["metadata_modified"]


def test_a_portal_without_fluent_gets_the_default_language(
    ckan: Stack, name: str, package: Package
) -> None:
    assert ckan.plain_url, "the stack's env has no CKAN_PLAIN_URL: restart scripts/ckan-stack"
    outputs: list[str] = []
    plain = cli(ckan, outputs, str(package.root), "--dataset", name, "--no-datastore",
                url=ckan.plain_url)  # fmt: skip
    assert plain.exit_code == 0, plain.output
    ds = Portal(ckan.plain_url, ckan.token).call("package_show", {"id": name})
    assert ds["title"] == package.descriptor["title"]
    stored = {*ds, *(e["key"] for e in ds.get("extras") or [])}
    for r in ds["resources"]:
        stored |= set(r)
    assert not {k for k in stored if k.endswith("_translated")}


def test_the_portal_checks_the_languages_with_fluents_own_validator(
    ckan: Stack, name: str, package: Package
) -> None:
    """The stack runs ckanext-fluent (ported to Python 3 at install): its fluent_text
    validator, not a plain JSON-object check, stores the fields, so a language code it
    does not accept is refused by the portal and what statpub sent is what fluent kept."""
    from statpub.errors import StatpubError

    plugins = Portal(ckan.url, ckan.token).call("status_show", {})["extensions"]
    assert "fluent" in plugins and "scheming_datasets" in plugins
    outputs: list[str] = []
    assert cli(ckan, outputs, str(package.root), "--dataset", name).exit_code == 0
    portal = Portal(ckan.url, ckan.token)
    with pytest.raises(StatpubError) as refused:
        portal.call("package_patch", {"id": name, "title_translated": {"English": "x"}})
    assert "invalid language code" in str(refused.value)
    # A JSON text is fluent's second accepted form; it is stored as the same object.
    langs = package.descriptor["languages"]
    given = {lang: f"{package.descriptor['title']} ({lang})" for lang in langs}
    portal.call("package_patch", {"id": name, "title_translated": json.dumps(given)})
    assert show(ckan, name)["title_translated"] == given
