"""The data card's words in each language: message tables, numbers, the header.

A package that declares several languages (docs/languages.md) gets one data card
per language: ``README.md`` in the default language, ``README.<lang>.md`` for the
others (:func:`statpub.package.files.datacard_name`). The labels and sentences the
generator writes are data, one table per language in ``messages/<lang>.json``
(English, Kazakh, Russian; the Kazakh and Russian tables are the maintainers'
translation, not an official one); a language without a table falls back to
English. The package's, tables' and fields' texts come from the descriptor's
translations; source quotes and wordings are never translated.

Numbers follow the language: English ``250,000`` and ``6.9``; Russian and Kazakh
``250 000`` (narrow no-break space) and ``6,9``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from statpub.package.files import datacard_name, datacard_names
from statpub.package.languages import base, format_number, message_table, period_words
from statpub.package.languages import text as translated

DEFAULT = "en"


def _table(lang: str) -> dict[str, Any]:
    return message_table("statpub.builder", lang)


@dataclass(frozen=True)
class CardWords:
    """One card's language: ``lang``, among the package's ``langs`` (default first)."""

    lang: str = DEFAULT
    langs: tuple[str, ...] = (DEFAULT,)
    # Languages the descriptor's ``translations`` marks official, with their translator.
    official: tuple[tuple[str, str], ...] = ()

    @property
    def code(self) -> str:
        return base(self.lang)

    @property
    def default(self) -> str:
        return self.langs[0]

    def __call__(self, message: str, /, **values: Any) -> str:
        found = _table(self.code).get(message)
        text = found if found is not None else _table(DEFAULT)[message]
        return text.format(**values) if values else text

    def number(self, x: float | None) -> str:
        if x is None:
            return ""
        return format_number(x, self.code)

    def period(self, period: str, period_type: str | None = None) -> str:
        """A reference period in words in the card's language ("June 2025",
        "с июня 2023 по июнь 2025", "2025 жылғы маусым")."""
        return period_words(period, period_type, self._entry)

    def _entry(self, key: str) -> Any:
        found = _table(self.code).get(key)
        return found if found is not None else _table(DEFAULT).get(key)

    def text(self, obj: dict[str, Any], key: str) -> Any:
        """``obj[key]`` in this card's language, else in the default language."""
        return translated(obj, key, self.lang, self.default)

    def header(self) -> list[str]:
        """The lines above the title: links to the other cards; on a card not in the
        default language, that its words are the maintainers' translation. None for a
        package in one language."""
        if len(self.langs) < 2:
            return []
        links = []
        for lang in self.langs:
            name = _table(base(lang)).get("language_name") or lang
            name = (
                f"**{name}**"
                if lang == self.lang
                else f"[{name}]({datacard_name(lang, self.default)})"
            )
            links.append(name)
        out = [" · ".join(links), ""]
        if self.lang != self.default:
            translator = dict(self.official).get(self.lang)
            note = (
                self("translation_official", translator=translator)
                if translator
                else self("translation_note")
            )
            out += [f"*{note}*", ""]
        return out


def card_words(descriptor: dict[str, Any]) -> list[CardWords]:
    """One :class:`CardWords` per language the package declares, default first; a
    language that is not tag-shaped gets no card (``validate`` reports it)."""
    from statpub.package.languages import languages

    declared = languages(descriptor) or [DEFAULT]
    names = set(datacard_names(declared))
    langs = tuple(x for x in declared if datacard_name(x, declared[0]) in names)
    from statpub.package.languages import official_translator

    official = tuple(
        (lang, who) for lang in langs if (who := official_translator(descriptor, lang))
    )
    return [CardWords(lang, langs, official) for lang in langs]
