"""The multilingual fields a CKAN plan writes, against the fake portal (no network)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ckan_fake import FakeCKAN
from fake_helpers import plan_for, publish

from statpub.package import Package
from statpub.publish.plan import CREATE, SKIP


class FluentCKAN(FakeCKAN):
    """A portal whose dataset schema (ckanext-scheming) has ckanext-fluent's fields."""

    def extensions(self) -> list[str]:
        return [*super().extensions(), "scheming_datasets"]

    def _scheming_dataset_schema_show(self, data: dict[str, Any], _: Any) -> dict[str, Any]:
        assert data == {"type": "dataset"}
        return {
            "dataset_fields": [{"field_name": n} for n in ("title", "title_translated",
                                                            "notes", "notes_translated")],
            "resource_fields": [{"field_name": n} for n in ("name", "description_translated")],
        }  # fmt: skip


def test_fluent_fields_carry_every_language(package: Package) -> None:
    langs = package.descriptor["languages"]
    plan = plan_for(FluentCKAN(), package)
    (dataset,) = [a for a in plan.actions if a.kind == "dataset"]
    assert dataset.verb == CREATE
    title = dataset.fields["title_translated"]
    assert title == {
        lang: package.descriptor["title" if i == 0 else f"title@{lang}"]
        for i, lang in enumerate(langs)
    }
    notes = dataset.fields["notes_translated"]
    assert notes[langs[0]] == dataset.fields["notes"] and list(notes) == langs
    # Each other language's notes are its own data card, without the title line.
    for lang in langs[1:]:
        card = (package.root / f"README.{lang}.md").read_text(encoding="utf-8")
        assert notes[lang] != package.descriptor[f"description@{lang}"]
        assert notes[lang].strip() in card and not notes[lang].startswith("# ")
    creates = [a for a in plan.actions if a.kind == "resource" and a.path]
    tables = [a for a in creates if a.path.startswith("data/")]
    assert tables and all(
        set(json.loads(a.fields["description_translated"])) == set(langs) for a in tables
    )


def test_a_rerun_on_a_fluent_portal_changes_nothing(package: Package) -> None:
    fake = FluentCKAN()
    publish(fake, package)
    again = plan_for(fake, package)
    assert {a.verb for a in again.actions} == {SKIP}


def test_a_portal_without_the_fields_gets_the_default_language(package: Package) -> None:
    plan = plan_for(FakeCKAN(), package)
    for a in plan.actions:
        assert not [k for k in a.fields or {} if k.endswith("_translated")]


def test_a_data_card_that_links_out_of_the_package_is_refused(
    package: Package, tmp_path: Path
) -> None:
    """The cards are sent as the dataset's notes: one that is a link out of the package
    is refused by the path policy, and what it points to is never read or shown."""
    import shutil

    import pytest

    from statpub.errors import StatpubError
    from statpub.package import read_package

    copy = tmp_path / "pkg"
    shutil.copytree(package.root, copy)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN-123\n", encoding="utf-8")
    lang = package.descriptor["languages"][1]
    (copy / f"README.{lang}.md").unlink()
    (copy / f"README.{lang}.md").symlink_to(secret)
    with pytest.raises(StatpubError) as refused:
        plan_for(FluentCKAN(), read_package(copy))
    assert refused.value.code == "path-unsafe"
    assert f"README.{lang}.md" in str(refused.value) and "TOKEN-123" not in str(refused.value)
