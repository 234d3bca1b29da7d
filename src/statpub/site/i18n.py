"""The page's words in each language: message tables, numbers, periods, renderings.

UI strings are data: one message table per language in ``messages/<lang>.json``
(English, Kazakh, Russian; the Kazakh and Russian tables are the maintainers'
translation, not an official one). A language without a table falls back to
English for the words, and still gets its own page, texts and number format.

Numbers follow the language's convention: English groups thousands with a comma
and writes a decimal point (``250,000``, ``6.9``); Russian and Kazakh group
with a narrow no-break space and write a decimal comma (``250 000``, ``6,9``).

A *rendering* says in the page's language what a source's wording says, made
from the figure's qualifier and its value or bounds (``До 208`` on an English
page: "to 208"), never by translating the words. The wording itself is always
shown as the source wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from statpub.package.languages import (
    COMMA_DECIMAL,
    NNBSP,
    base,
    format_number,
    message_table,
    official_translator,
    period_words,
)

DEFAULT = "en"
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_KAZAKH = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
_LATIN = re.compile(r"[A-Za-z]")


def _table(lang: str) -> dict[str, Any]:
    return message_table("statpub.site", lang)


def has_table(lang: str) -> bool:
    return bool(_table(base(lang)))


@dataclass(frozen=True)
class Words:
    """One language's words, numbers and periods for a page."""

    lang: str = DEFAULT

    @property
    def code(self) -> str:
        return base(self.lang)

    def raw(self, key: str) -> Any:
        table = _table(self.code)
        return table[key] if key in table else _table(DEFAULT)[key]

    def __call__(self, key: str, **values: Any) -> str:
        text = str(self.raw(key))
        return text.format(**values) if values else text

    def number(self, x: float, percent: bool = False) -> str:
        text = format_number(x, self.code)
        if not percent:
            return text
        return text + (NNBSP + "%" if self.code in COMMA_DECIMAL else "%")

    def decimal(self, x: float, places: int) -> str:
        """``x`` with ``places`` decimals, kept ("12.0"), in the language's notation."""
        text = f"{x:.{places}f}"
        return text.replace(".", ",") if self.code in COMMA_DECIMAL else text

    def compact(self, x: float, percent: bool = False) -> str:
        """A number as a wording writes it: millions in words ("6.9 million")."""
        if not percent and abs(x) >= 1_000_000:
            return self("million", n=self.number(round(x / 1_000_000, 3)))
        return self.number(x, percent)

    def translation_note(self, descriptor: dict[str, Any], default: str) -> str:
        """Under the description of a page not in the default language: whose
        translation it is (official when the descriptor's ``translations`` says so)."""
        if self.lang == default:
            return ""
        translator = official_translator(descriptor, self.lang)
        if translator:
            return self("_translation_official", translator=translator)
        return self("_translation")

    def period(self, period: str, period_type: str | None = None) -> str:
        """The period in words: "June 2025", "июнь 2025", "2025 жылғы маусым"."""
        return period_words(period, period_type, self._entry)

    def _entry(self, key: str) -> Any:
        """The language's entry for ``key``, else English's, else None."""
        found = _table(self.code).get(key)
        return found if found is not None else _table(DEFAULT).get(key)


def wording_language(wording: str) -> str | None:
    """The language a wording is written in, from its letters: ``None`` for numbers only.

    Cyrillic with a letter only Kazakh has (ә, ғ, қ, ң, ө, ұ, ү, һ, і) is Kazakh,
    other Cyrillic Russian, Latin letters English: the languages of this
    toolkit's message tables. "33" or "85%" reads the same in every language.
    """
    if _KAZAKH.search(wording):
        return "kk"
    if _CYRILLIC.search(wording):
        return "ru"
    if _LATIN.search(wording):
        return "en"
    return None


def rendering(row: dict[str, Any], words: Words, target_status: str = "F") -> str:
    """What the wording says, in ``words``' language, from qualifier and value or bounds.

    Empty when the wording needs none on this page: it is in the page's language
    or is a number only.
    """
    wording = str(row.get("value_wording") or "")
    lang = wording_language(wording)
    if lang is None or lang == words.code:
        return ""
    percent = row.get("unit") == "percent"
    value, lo, hi = row.get("value"), row.get("lower_bound"), row.get("upper_bound")
    qualifier = str(row.get("qualifier") or "exact")
    stated = value if value is not None else lo if lo is not None else hi
    if qualifier == "order-of-magnitude" and lo is not None and hi is not None:
        return words(
            "q_order-of-magnitude", lo=words.compact(lo, percent), hi=words.compact(hi, percent)
        )
    if stated is None:
        return words("no_number")
    n = words.compact(stated, percent)
    if row.get("obs_status") == target_status and qualifier == "exact":
        return words("q_target", n=n)
    key = f"q_{qualifier}"
    return words(key, n=n) if key in _table(DEFAULT) else words("exactly", n=n)
