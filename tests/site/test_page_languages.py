"""The dataset page in every language a package declares (docs/languages.md, docs/site.md).

Expectations come from the built package's own descriptor and rows: which
languages it declares, which texts it translates, which wordings are in which
language.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from html import escape, unescape
from pathlib import Path
from typing import Any

import pytest

from statpub.package import languages as langs
from statpub.site import render_site
from statpub.site.i18n import NNBSP, Words, rendering, wording_language
from statpub.site.page import page_files

MESSAGES = Path(__file__).resolve().parents[2] / "src" / "statpub" / "site" / "messages"
TABLES = Path(__file__).parent / "fixtures" / "population"


@pytest.fixture(scope="module")
def site(built_package: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site-languages") / "out"
    render_site(built_package, out)
    return out


def descriptor(package: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    return data


def rows(package: Path) -> list[dict[str, Any]]:
    with open(package / "data" / "observations.csv", encoding="utf-8", newline="") as f:
        out = list(csv.DictReader(f))
    for r in out:
        for k in ("value", "lower_bound", "upper_bound"):
            r[k] = float(r[k]) if r[k] != "" else None
    return out


def html_lang(html: str) -> str:
    m = re.search(r'<html lang="([^"]+)">', html)
    assert m
    return m.group(1)


def test_one_page_per_declared_language_with_switch_and_hreflang(
    site: Path, built_package: Path
) -> None:
    d = descriptor(built_package)
    declared = langs.languages(d)
    assert len(declared) > 1, "this repository's package declares several languages"
    pages = page_files(declared)
    assert sorted(p.name for p in site.glob("index*.html")) == sorted(pages.values())
    assert pages[declared[0]] == "index.html"
    for lang, name in pages.items():
        html = (site / name).read_text(encoding="utf-8")
        assert html_lang(html) == lang
        for other, href in pages.items():
            assert f'<link rel="alternate" hreflang="{other}" href="{href}">' in html
            if other != lang:
                assert f'<a href="{href}" hreflang="{other}" lang="{other}">' in html
        assert f'<span lang="{lang}" aria-current="page">' in html
        title = langs.text(d, "title", lang, declared[0])
        assert f"<h1>{escape(title)}</h1>" in html


def test_every_label_comes_from_the_page_language_table(site: Path, built_package: Path) -> None:
    declared = langs.languages(descriptor(built_package))
    for lang, name in page_files(declared).items():
        html = unescape((site / name).read_text(encoding="utf-8"))
        words = Words(lang)
        for key in ("about", "at_a_glance", "figures", "download", "cite", "footer", "as_stated"):
            assert words(key) in html, (lang, key)
        if lang != "en":
            for key in ("about", "download", "cite"):
                assert f">{Words('en')(key)}</h2>" not in html, (lang, key)


def test_numbers_follow_the_page_language(site: Path, built_package: Path) -> None:
    """Russian and Kazakh: narrow no-break space thousands, decimal comma."""
    big = [r for r in rows(built_package) if (r["lower_bound"] or 0) >= 1000]
    assert big, "the package has a figure of four digits or more"
    lo = big[0]["lower_bound"]
    for lang, name in page_files(langs.languages(descriptor(built_package))).items():
        html = (site / name).read_text(encoding="utf-8")
        grouped = f"{int(lo):,}"
        if lang in ("ru", "kk"):
            assert grouped.replace(",", NNBSP) in html
        else:
            assert grouped in html


def test_wordings_stay_verbatim_with_a_rendering_on_pages_in_other_languages(
    site: Path, built_package: Path
) -> None:
    observations = rows(built_package)
    foreign = [r for r in observations if wording_language(r["value_wording"]) not in (None, "en")]
    assert foreign, "the package quotes a source that is not in English"
    for lang, name in page_files(langs.languages(descriptor(built_package))).items():
        html = (site / name).read_text(encoding="utf-8")
        words = Words(lang)
        for r in observations:
            cell = f'data-label="{escape(words("as_stated"))}">{escape(r["value_wording"])}'
            assert cell in html, (lang, r["value_wording"])
            shown = rendering(r, words)
            said_in = wording_language(r["value_wording"])
            assert bool(shown) == (said_in is not None and said_in != lang)
            if shown:
                assert f'{cell}<span class="rendering"' in html
                assert f"{escape(words('rendering'))} {escape(shown)}</span>" in html


@pytest.mark.parametrize(
    ("row", "lang", "expected"),
    [
        ({"value_wording": "До 208", "value": 208.0, "qualifier": "exact", "obs_status": "F"},
         "en", "up to 208"),
        ({"value_wording": "порядка 7 млн", "value": 7e6, "qualifier": "about"},
         "en", "about 7 million"),
        ({"value_wording": "more than 3,000", "value": 3000.0, "lower_bound": 3001.0,
          "qualifier": "more-than"}, "ru", f"более 3{NNBSP}000"),
        ({"value_wording": "6.9 million", "value": 6.9e6, "qualifier": "rounded"},
         "kk", "6,9 млн"),
        ({"value_wording": "hundreds", "lower_bound": 200.0, "upper_bound": 999.0,
          "qualifier": "order-of-magnitude"}, "ru", "от 200 до 999"),
        ({"value_wording": "85%", "value": 85.0, "qualifier": "exact"}, "ru", ""),
        ({"value_wording": "more than 120", "value": 120.0, "qualifier": "more-than"},
         "en", ""),
    ],
)  # fmt: skip
def test_rendering_is_made_from_qualifier_and_number(
    row: dict[str, Any], lang: str, expected: str
) -> None:
    assert rendering(row, Words(lang)) == expected


def test_message_tables_have_every_key() -> None:
    tables = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in MESSAGES.glob("*.json")}
    assert {"en", "kk", "ru"} <= set(tables)
    for lang, table in tables.items():
        assert set(table) >= set(tables["en"]), (lang, set(tables["en"]) - set(table))
        assert len(table["months"]) == 12
        if lang != "en":
            assert table["_translation"], "a translation made for this project says so"


def test_periods_in_words() -> None:
    assert Words("en").period("2025-10-07") == "7 October 2025"
    assert Words("ru").period("2025-10-07") == "7 октября 2025"
    assert Words("kk").period("2025-06") == "2025 жылғы маусым"
    assert Words("en").period("../2025-06", "flow") == "up to June 2025, start unknown"


def test_a_single_language_package_gets_one_page_unchanged(tmp_path: Path) -> None:
    """The table fixture declares no languages: one index.html, no switch, lang en."""
    assert "languages" not in descriptor(TABLES)
    out = tmp_path / "out"
    result = render_site(TABLES, out)
    assert sorted(p.name for p in out.glob("*.html")) == ["index.html"]
    assert result.pages == {"en": "index.html"}
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html_lang(html) == "en"
    assert "hreflang" not in html and 'class="languages"' not in html


def test_table_page_in_each_language(tmp_path: Path) -> None:
    """A table package that declares languages gets its table page in each, with the
    translated table titles and code labels."""
    pkg = tmp_path / "pkg"
    shutil.copytree(TABLES, pkg)
    d = descriptor(pkg)
    d["languages"] = ["en", "ru"]
    res = d["resources"][0]
    res["title@ru"] = "Перевод заголовка таблицы"
    (pkg / "datapackage.json").write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    result = render_site(pkg, out)
    assert result.pages == {"en": "index.html", "ru": "index.ru.html"}
    ru = (out / "index.ru.html").read_text(encoding="utf-8")
    assert html_lang(ru) == "ru"
    assert "Перевод заголовка таблицы" in ru
    assert Words("ru")("first_rows") in ru and "First rows" not in ru
    en = (out / "index.html").read_text(encoding="utf-8")
    assert "Перевод заголовка таблицы" not in en
