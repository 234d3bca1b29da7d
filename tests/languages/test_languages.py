"""A package's languages and translations: lookup with fallback, and validate's verdicts."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from statpub.package.languages import check, is_tag, row_text, text, translations
from statpub.validate import Options, validate


def package(**top: Any) -> dict[str, Any]:
    schema = {
        "fields": [
            {"name": "code", "type": "string", "title": "Code", "title@kk": "Код",
             "categories": [{"value": "KZ", "label": "Kazakhstan", "label@kk": "Қазақстан"}]},
            {"name": "n", "type": "integer", "title": "Number", "title@kk": "Саны"},
        ]
    }  # fmt: skip
    descriptor: dict[str, Any] = {
        "name": "tiny",
        "title": "Tiny",
        "title@kk": "Кішкентай",
        "languages": ["en", "kk"],
        "resources": [
            {"name": "t", "path": "t.csv", "title": "T", "title@kk": "Т", "schema": schema}
        ],
    }
    descriptor.update(top)
    return descriptor


def write(tmp_path: Path, descriptor: dict[str, Any]) -> Path:
    data = b"code,n\nKZ,1\n"
    (tmp_path / "t.csv").write_bytes(data)
    for res in descriptor.get("resources", []):  # so that strict judges the languages only
        res.setdefault("bytes", len(data))
        res.setdefault("hash", "sha256:" + hashlib.sha256(data).hexdigest())
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return tmp_path


def codes(report: Any, severity: str) -> list[str]:
    return [i.type for i in report.issues if i.severity == severity]


def test_text_falls_back_to_the_default_language() -> None:
    obj = {"title": "Schools", "title@ru": "Школы", "title@kk": "  "}
    assert text(obj, "title", "ru", "en") == "Школы"
    assert text(obj, "title", "kk", "en") == "Schools"  # blank is no translation
    assert text(obj, "title", "en", "en") == "Schools"
    assert translations(obj, "title", ["en", "kk", "ru"]) == {"en": "Schools", "ru": "Школы"}


def test_row_text_reads_row_translations() -> None:
    res = {"rowTranslations": {"key": "id", "languages": {"ru": {"a": {"name": "Школы"}}}}}
    assert row_text(res, "a", "name", "ru", "Schools") == "Школы"
    assert row_text(res, "b", "name", "ru", "Other") == "Other"
    assert row_text({}, "a", "name", "ru", "Schools") == "Schools"


@pytest.mark.parametrize(
    ("tag", "ok"),
    [("kk", True), ("ru", True), ("kk-Cyrl-KZ", True), ("en_US", False), ("xx-1", False),
     ("", False), ("kazakh", False)],
)  # fmt: skip
def test_language_tags_are_bcp47(tag: str, ok: bool) -> None:
    assert is_tag(tag) is ok


def test_a_complete_bilingual_package_is_valid_under_strict(tmp_path: Path) -> None:
    desc = package()
    desc["resources"][0]["schema"]["fields"][1]["title@kk"] = "Саны"
    report = validate(write(tmp_path, desc), options=Options(strict=True))
    lang = [i for i in report.issues if "translation" in i.type or "language" in i.type]
    assert lang == [] and report.valid


def test_a_missing_translation_is_a_warning_naming_the_item(tmp_path: Path) -> None:
    desc = package()
    del desc["resources"][0]["schema"]["fields"][1]["title@kk"]
    report = validate(write(tmp_path, desc))
    missing = [i for i in report.issues if i.type == "translation-missing"]
    assert len(missing) == 1 and missing[0].severity == "warning"
    assert "field 'n'" in missing[0].message and "'kk'" in missing[0].message
    assert missing[0].field == "n" and missing[0].resource == "t"
    assert report.valid
    strict = validate(write(tmp_path, desc), options=Options(strict=True))
    assert not strict.valid


def test_a_translation_into_an_undeclared_language_is_an_error(tmp_path: Path) -> None:
    report = validate(write(tmp_path, package(**{"title@ru": "Крошечный"})))
    assert "translation-undeclared-language" in codes(report, "error")
    assert not report.valid


def test_translations_without_languages_are_an_error(tmp_path: Path) -> None:
    desc = package()
    del desc["languages"]
    report = validate(write(tmp_path, desc))
    assert "translation-undeclared-language" in codes(report, "error")


@pytest.mark.parametrize(
    ("langs", "code"),
    [(["en", "en_US"], "language-invalid"), (["en", "kk", "KK"], "language-duplicate"),
     ("en", "languages-invalid"), ([], "languages-invalid")],
)  # fmt: skip
def test_bad_languages_are_errors(tmp_path: Path, langs: Any, code: str) -> None:
    report = validate(write(tmp_path, package(languages=langs)))
    assert code in codes(report, "error")


def test_a_single_language_package_has_nothing_to_check(tmp_path: Path) -> None:
    desc = {"name": "plain", "title": "Plain", "resources": [
        {"name": "t", "path": "t.csv", "schema": {"fields": [{"name": "code"}, {"name": "n"}]}}
    ]}  # fmt: skip
    report = validate(write(tmp_path, desc), options=Options(strict=True))
    assert "languages" not in report.to_dict().get("checks", {}) or report.valid
    assert not [i for i in report.issues if "translation" in i.type or "language" in i.type]


def test_row_translations_missing_in_one_language() -> None:
    desc = package(languages=["en", "kk", "ru"])
    desc["resources"][0]["rowTranslations"] = {
        "key": "code",
        "languages": {"kk": {"KZ": {"name": "Қазақстан"}}, "ru": {}},
    }
    found = [f for f in check(desc, {}) if f.where.endswith("rowTranslations")]
    assert [(f.code, f.severity) for f in found] == [("translation-missing", "warning")]
    assert "'ru'" in found[0].message and "'KZ'" in found[0].message


@pytest.mark.parametrize(
    "descriptor",
    [
        {"resources": 5, "languages": ["en", "kk"]},
        {"resources": "abc", "title@kk": 3},
        {"resources": [{"name": "t", "schema": {"fields": "x"}}], "languages": [1, None]},
        {"resources": [{"name": "t", "rowTranslations": {"key": "k", "languages": {"kk": 5}}}],
         "languages": ["en", "kk"]},
        {"resources": [{"name": "t", "rowTranslations": []}], "languages": {"en": 1}},
    ],
)  # fmt: skip
def test_a_strangers_odd_descriptor_is_reported_not_crashed_on(descriptor: Any) -> None:
    schemas = {"t": {"fields": [{"name": "a", "categories": "x", "title@zz": 1}]}}
    found = check(descriptor, schemas)
    assert all(f.severity in ("error", "warning") and f.message for f in found)
