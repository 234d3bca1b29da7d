"""The data card in every language the package declares (docs/languages.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from statpub.builder.cardwords import CardWords, card_words
from statpub.package import read_package
from statpub.package.files import datacard_name, datacard_names
from statpub.package.languages import languages
from statpub.project.card import render_datacard

NOTE = {"kk": "ресми аударма емес", "ru": "не официальный перевод"}


def _descriptor(**extra: object) -> dict[str, object]:
    return {
        "name": "pop",
        "title": "Population",
        "description": "People by region.",
        "resources": [
            {"name": "pop", "path": "data/pop.csv", "format": "csv", "hash": "sha256:ab"},
        ],
        **extra,
    }


SCHEMAS = {
    "pop": {
        "title": "Population",
        "fields": [
            {"name": "region", "type": "string", "description": "Region", "description@kk": "Өңір"},
            {"name": "people", "type": "integer", "description": "People"},
        ],
        "primaryKey": ["region"],
    }
}


def test_single_language_card_has_no_header_and_no_other_cards() -> None:
    d = _descriptor()
    [words] = card_words(d)
    text = render_datacard(d, SCHEMAS, {"data/pop.csv": 1234567})
    assert text == render_datacard(d, SCHEMAS, {"data/pop.csv": 1234567}, words)
    assert text.startswith("# Population\n\nPeople by region.\n")
    assert "| `data/pop.csv` | 1,234,567 |" in text
    assert "README." not in text
    assert datacard_names(languages(d)) == ["README.md"]


def test_project_card_in_each_language() -> None:
    d = _descriptor(languages=["en", "kk", "ru"], **{"title@kk": "Халық саны"})
    cards = {
        w.lang: render_datacard(d, SCHEMAS, {"data/pop.csv": 1234567}, w) for w in card_words(d)
    }
    assert (
        cards["en"].splitlines()[0]
        == "**English** · [Қазақша](README.kk.md) · [Русский](README.ru.md)"
    )
    assert "# Population" in cards["en"] and NOTE["kk"] not in cards["en"]
    assert "# Халық саны" in cards["kk"] and NOTE["kk"] in cards["kk"]
    assert "| `region` | string | Өңір |" in cards["kk"]
    # No Russian title: the default text stands in; the note and the words are Russian.
    assert "# Population" in cards["ru"] and NOTE["ru"] in cards["ru"]
    assert "| `data/pop.csv` | 1\u202f234\u202f567 |" in cards["ru"]
    assert "## Файлы" in cards["ru"]


def test_numbers_per_locale() -> None:
    assert CardWords("en").number(250000) == "250,000"
    assert CardWords("ru").number(250000) == "250\u202f000"
    assert CardWords("kk").number(6.9) == "6,9"
    assert CardWords("ru").number(None) == ""


def test_a_language_that_is_not_a_tag_has_no_card_file() -> None:
    assert datacard_name("kk", "en") == "README.kk.md"
    assert datacard_names(["en", "../../x", "kk"]) == ["README.md", "README.kk.md"]
    d = _descriptor(languages=["en", "../../x", "kk"])
    assert [w.lang for w in card_words(d)] == ["en", "kk"]


def test_every_message_table_has_the_english_keys() -> None:
    folder = Path(__file__).resolve().parents[1] / "src" / "statpub" / "builder" / "messages"
    english = json.loads((folder / "en.json").read_text(encoding="utf-8"))
    for path in folder.glob("*.json"):
        table = json.loads(path.read_text(encoding="utf-8"))
        assert set(table) == set(english), path.name
        for key, text in table.items():
            if isinstance(text, list):  # month names
                assert len(text) == len(english[key]) == 12, (path.name, key)
                continue
            # ``{end_gen}`` is ``{end}`` in the case a preposition governs (Russian "до июня")
            fields = {f.removesuffix("_gen") for f in re.findall(r"\{(\w+)\}", text)}
            assert fields == set(re.findall(r"\{(\w+)\}", english[key])), (path.name, key)


def test_periods_are_in_the_card_language() -> None:
    cases = {
        "en": ("June 2023 to June 2025", "up to June 2025, start unknown", "7 October 2025"),
        "ru": ("с июня 2023 по июнь 2025", "до июня 2025, начало неизвестно", "7 октября 2025"),
        "kk": (
            "2023 жылғы маусым – 2025 жылғы маусым",
            "басы белгісіз, соңы 2025 жылғы маусым",
            "2025 жылғы 7 қазан",
        ),  # fmt: skip
    }
    for lang, (span, open_flow, day) in cases.items():
        w = CardWords(lang, ("en", "kk", "ru"))
        assert w.period("2023-06/2025-06") == span
        assert w.period("../2025-06", "flow") == open_flow
        assert w.period("2025-10-07") == day
    assert CardWords("de", ("en", "de")).period("2025-06") == "June 2025"  # no table: English


def test_this_repository_cards(built_package: Path) -> None:
    descriptor = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    langs = languages(descriptor)
    assert len(langs) > 1
    names = [datacard_name(lang, langs[0]) for lang in langs]
    for lang, name in zip(langs, names, strict=True):
        text = (built_package / name).read_text(encoding="utf-8")
        links = text.split("\n\n", 1)[0]
        for other in names:
            assert other == name or f"]({other})" in links, (name, other)
        title = descriptor["title"] if lang == langs[0] else descriptor[f"title@{lang}"]
        assert f"\n# {title}\n" in text
        if lang != langs[0]:
            assert NOTE[lang] in text
        # the figures' periods in the card's language, the code beside them
        periods = re.findall(r"\| ([^|]*) \(`([0-9./-]+)`\) \|", text)
        assert periods
        for code in periods:
            assert code[0] == CardWords(lang, tuple(langs)).period(code[1], None) or code[0] == (
                CardWords(lang, tuple(langs)).period(code[1], "stock")
            )
    listed = {f.path for f in read_package(built_package).files() if f.role == "datacard"}
    assert listed == set(names)  # integrity, bundle and site downloads list every card


def test_ckan_notes_leave_out_the_title_and_the_language_links(built_package: Path) -> None:
    from statpub.publish.ckan_fields import notes

    package = read_package(built_package)
    text = notes(package)
    card = (built_package / "README.md").read_text(encoding="utf-8")
    assert text.strip() and text.strip() in card
    assert "README." not in text and f"# {package.descriptor['title']}" not in text
