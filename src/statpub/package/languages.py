"""A package's languages and the translations of its texts, wherever they were declared.

Data Package's *Language Support* recipe: a descriptor's ``languages`` array names
the languages of its metadata, the first being the default; without one, the
default is English. Its translations cannot take the recipe's object form
(``"title": {"": ..., "kk": ...}``): every official profile, v1 and v2, says a
``title`` is a string. So a translation sits beside the text it translates, under
the key and the language joined by ``@`` (``"title@kk"``), the naming the
*Translation Support* recipe gives translated columns. The default text stays
where every reader looks for it; a reader that knows the convention finds the
others (docs/languages.md).

Translated texts: a package's, resource's and Table Schema's ``title`` and
``description``, each field's ``title`` and ``description``, each category's
``label``, and the rows of a table under a resource's ``rowTranslations``
(``{"key": field, "languages": {lang: {key value: {field: text}}}}``), for
tables whose cells are words (an indicator's name).

This module only reads descriptors: :func:`text` answers "this text in that
language", falling back to the default; :func:`check` lists what is wrong or
missing, for ``validate``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

SEP = "@"
DEFAULT = "en"  # the recipe's default when a descriptor declares no languages
TRANSLATED_KEYS = ("title", "description", "label")
ROWS = "rowTranslations"
# BCP 47 (RFC 5646) as letters, digits and hyphens; ``langcodes`` then checks the
# subtags against the IANA registry. ``en_US`` (POSIX) is not a language tag.
_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_KEY = re.compile(r"^(title|description|label)@(.*)$")


def languages(descriptor: dict[str, Any], parent: list[str] | None = None) -> list[str]:
    """The declared languages (strings only), else ``parent``'s, else ``[en]``."""
    declared = descriptor.get("languages")
    if isinstance(declared, list) and declared:
        return [x for x in declared if isinstance(x, str)]
    return list(parent) if parent else [DEFAULT]


def text(obj: dict[str, Any], key: str, lang: str, default: str) -> Any:
    """``obj[key]`` in ``lang``: its translation, else the default-language text."""
    if lang != default:
        found = obj.get(f"{key}{SEP}{lang}")
        if isinstance(found, str) and found.strip():
            return found
    return obj.get(key)


def translations(obj: dict[str, Any], key: str, langs: list[str]) -> dict[str, str]:
    """Every language's text of ``obj[key]`` that is written, default first."""
    out: dict[str, str] = {}
    for i, lang in enumerate(langs):
        value = obj.get(key) if i == 0 else obj.get(f"{key}{SEP}{lang}")
        if isinstance(value, str) and value.strip():
            out[lang] = value
    return out


def row_text(
    resource: dict[str, Any], key_value: str, column: str, lang: str, fallback: Any
) -> Any:
    """A cell's translation from the resource's ``rowTranslations``, else ``fallback``."""
    rows = resource.get(ROWS)
    if not isinstance(rows, dict):
        return fallback
    by_lang = (rows.get("languages") or {}).get(lang) or {}
    found = (by_lang.get(key_value) or {}).get(column) if isinstance(by_lang, dict) else None
    return found if isinstance(found, str) and found.strip() else fallback


def official_translator(descriptor: dict[str, Any], lang: str) -> str | None:
    """Who made ``lang``'s official translation, when the descriptor's ``translations``
    (``[{language, translator, official}]``) says it is one; else None."""
    for entry in descriptor.get("translations") or []:
        if (
            isinstance(entry, dict)
            and entry.get("language") == lang
            and entry.get("official") is True
            and isinstance(entry.get("translator"), str)
            and entry["translator"].strip()
        ):
            return str(entry["translator"])
    return None


def is_tag(tag: str) -> bool:
    """Whether ``tag`` is a well-formed, registered BCP 47 language tag."""
    if not _TAG.match(tag):
        return False
    import langcodes

    return bool(langcodes.tag_is_valid(tag))


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # "error" or "warning"
    where: str  # the item, as a reader finds it: "resource 'x' field 'y' title"
    message: str
    resource: str | None = None
    field: str | None = None


@dataclass(frozen=True)
class Item:
    """One translatable text: where it is, the object holding it and its key."""

    where: str
    obj: dict[str, Any]
    key: str
    resource: str | None = None
    field: str | None = None
    schema: dict[str, Any] | None = None  # the Table Schema it belongs to, if any


def _list(value: Any) -> list[Any]:
    """``value`` when it is a list: a descriptor read from a stranger may hold anything."""
    return value if isinstance(value, list) else []


def items(descriptor: dict[str, Any], schemas: dict[str, dict[str, Any]]) -> Iterator[Item]:
    """Every translatable text of the package; ``schemas``: each resource's Table Schema
    by resource name (a schema shared by several resources is listed once)."""
    for key in ("title", "description"):
        yield Item(f"package {key}", descriptor, key)
    seen: set[int] = set()
    for res in _list(descriptor.get("resources")):
        if not isinstance(res, dict):
            continue
        name = str(res.get("name"))
        for key in ("title", "description"):
            yield Item(f"resource {name!r} {key}", res, key, resource=name)
        schema = schemas.get(name)
        if not isinstance(schema, dict) or id(schema) in seen:
            continue
        seen.add(id(schema))
        yield from _schema_items(schema, name)


def _schema_items(schema: dict[str, Any], name: str) -> Iterator[Item]:
    for key in ("title", "description"):
        yield Item(f"schema of {name!r} {key}", schema, key, name, None, schema)
    for f in _list(schema.get("fields")):
        if not isinstance(f, dict):
            continue
        fname = str(f.get("name"))
        for key in ("title", "description"):
            yield Item(f"field {fname!r} of {name!r} {key}", f, key, name, fname, schema)
        for cat in _list(f.get("categories")):
            if isinstance(cat, dict):
                where = f"category {cat.get('value')!r} of field {fname!r} of {name!r} label"
                yield Item(where, cat, "label", name, fname, schema)


def check(descriptor: dict[str, Any], schemas: dict[str, dict[str, Any]]) -> list[Finding]:
    """What is wrong with the package's languages and translations.

    Errors: a ``languages`` that is not a list of distinct BCP 47 tags; a translation
    in a language the package does not declare. Warnings: a text with no
    translation in a declared language (the default-language text is shown instead).
    A package that declares no languages and translates nothing has nothing to check.
    """
    out: list[Finding] = []
    langs = _check_languages(descriptor, "package", None, out)
    for res in _list(descriptor.get("resources")):
        if isinstance(res, dict) and "languages" in res:
            _check_languages(res, f"resource {res.get('name')!r}", str(res.get("name")), out)
    checked: set[int] = set()
    for item in items(descriptor, schemas):
        res_langs, declared = langs, "languages" in descriptor
        if item.resource is not None:
            res_langs = _resource_langs(descriptor, item.resource, langs)
            declared = declared or _resource_declares(descriptor, item.resource)
        if item.schema is not None and "languages" in item.schema:
            # A Table Schema is a descriptor too: it may declare its own languages.
            if id(item.schema) not in checked:
                checked.add(id(item.schema))
                what = f"schema of {item.resource!r}"
                _check_languages(item.schema, what, item.resource, out)
            res_langs, declared = languages(item.schema, res_langs), True
        out.extend(_check_item(item, res_langs, declared))
    for res in _list(descriptor.get("resources")):
        if isinstance(res, dict) and ROWS in res:
            name = str(res.get("name"))
            out.extend(_check_rows(res, name, _resource_langs(descriptor, name, langs)))
    return out


def _resource_declares(descriptor: dict[str, Any], name: str) -> bool:
    return any(
        isinstance(res, dict) and res.get("name") == name and "languages" in res
        for res in _list(descriptor.get("resources"))
    )


def _resource_langs(descriptor: dict[str, Any], name: str, langs: list[str]) -> list[str]:
    for res in _list(descriptor.get("resources")):
        if isinstance(res, dict) and res.get("name") == name:
            return languages(res, langs)
    return langs


def _check_languages(
    obj: dict[str, Any], what: str, resource: str | None, out: list[Finding]
) -> list[str]:
    declared = obj.get("languages")
    if declared is None:
        return [DEFAULT]
    if not isinstance(declared, list) or not declared:
        out.append(Finding("languages-invalid", "error", f"{what} languages",
                           f"{what}: 'languages' must be a non-empty array of BCP 47 "
                           f"language tags, the default first (e.g. [\"en\", \"kk\"]), "
                           f"not {declared!r}", resource, "languages"))  # fmt: skip
        return [DEFAULT]
    good: list[str] = []
    for tag in declared:
        if not isinstance(tag, str) or not is_tag(tag):
            out.append(Finding("language-invalid", "error", f"{what} languages",
                               f"{what}: {tag!r} in 'languages' is not a BCP 47 language "
                               "tag (e.g. kk, ru, en, kk-Cyrl); fix or remove it",
                               resource, "languages"))  # fmt: skip
        elif tag.lower() in (g.lower() for g in good):
            out.append(Finding("language-duplicate", "error", f"{what} languages",
                               f"{what}: {tag!r} is listed twice in 'languages'",
                               resource, "languages"))  # fmt: skip
        else:
            good.append(tag)
    return good or [DEFAULT]


def _check_item(item: Item, langs: list[str], declared: bool) -> Iterator[Finding]:
    default = langs[0]
    for key in item.obj:
        m = _KEY.match(str(key))
        if not m or m.group(1) != item.key:
            continue
        lang = m.group(2)
        if lang not in langs[1:]:
            hint = (
                f"the default language {default!r} is written without a suffix"
                if lang == default
                else f"add {lang!r} to 'languages' or remove the translation"
            )
            yield Finding("translation-undeclared-language", "error", item.where,
                          f"{item.where}: {key!r} translates into {lang!r}, which the "
                          f"package's languages {langs} do not list; {hint}",
                          item.resource, item.field)  # fmt: skip
    source = item.obj.get(item.key)
    if not declared or not isinstance(source, str) or not source.strip():
        return
    for lang in langs[1:]:
        if f"{item.key}{SEP}{lang}" not in item.obj:
            yield Finding("translation-missing", "warning", item.where,
                          f"{item.where}: no {lang!r} translation ('{item.key}{SEP}{lang}'); "
                          f"the {default!r} text is shown in its place",
                          item.resource, item.field)  # fmt: skip


def _check_rows(res: dict[str, Any], name: str, langs: list[str]) -> Iterator[Finding]:
    rows = res.get(ROWS)
    where = f"resource {name!r} {ROWS}"
    if not (isinstance(rows, dict) and isinstance(rows.get("key"), str)
            and isinstance(rows.get("languages"), dict)):  # fmt: skip
        yield Finding("translations-invalid", "error", where,
                      f"{where} must be an object {{\"key\": field name, \"languages\": "
                      "{language: {key value: {field: text}}}}", name, ROWS)  # fmt: skip
        return
    by_lang: dict[str, Any] = rows["languages"]
    for lang in by_lang:
        if lang not in langs[1:]:
            yield Finding("translation-undeclared-language", "error", where,
                          f"{where}: translations into {lang!r}, which the package's "
                          f"languages {langs} do not list", name, ROWS)  # fmt: skip
    cells = {
        (k, c)
        for table in by_lang.values()
        if isinstance(table, dict)
        for k, cols in table.items()
        if isinstance(cols, dict)
        for c in cols
    }
    for lang in langs[1:]:
        found = by_lang.get(lang)
        table: dict[str, Any] = found if isinstance(found, dict) else {}
        for k, c in sorted(cells):
            row = table.get(k)
            if not (isinstance(row, dict) and isinstance(row.get(c), str)):
                yield Finding("translation-missing", "warning", where,
                              f"{where}: no {lang!r} translation of {c!r} for "
                              f"{rows['key']} {k!r}", name, c)  # fmt: skip


# Message tables and number notation per language, shared by the data card (builder)
# and the dataset page (site).
NNBSP = "\u202f"  # narrow no-break space: Russian and Kazakh thousands separator
COMMA_DECIMAL = frozenset({"ru", "kk"})


def base(lang: str) -> str:
    """``kk-Cyrl-KZ`` -> ``kk``: message tables and number formats are per language."""
    return lang.split("-")[0].lower()


def format_number(x: float, lang: str) -> str:
    """``x`` in the language's notation: ``250,000`` / ``6.9``; in Russian and Kazakh
    ``250\u202f000`` / ``6,9``. Integral values without decimals."""
    out = f"{int(x):,}" if float(x).is_integer() else f"{x:,}"
    if base(lang) in COMMA_DECIMAL:
        out = out.replace(",", NNBSP).replace(".", ",")
    return out


@cache
def message_table(package: str, lang: str) -> dict[str, Any]:
    """The message table ``messages/<lang>.json`` shipped in ``package`` (empty if none)."""
    path = resources.files(package) / "messages" / f"{base(lang)}.json"
    if not path.is_file():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


_POINT = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def period_words(period: str, period_type: str | None, raw: Callable[[str], Any]) -> str:
    """A reference period (``2025-06``, ``2023-06/2025-06``, ``../2025-10-07``) in words,
    from a language's message table: ``raw(key)`` is the table's entry, else English's.

    Keys: ``months`` (and ``months_day`` after a day, ``months_genitive`` where a
    preposition governs the case, when the language declines them), ``month_year``,
    ``day_month_year``, ``period_range`` (``{start}``, ``{end}``),
    ``period_open_stock`` and ``period_open_flow`` (``{end}``); ``{start_gen}`` and
    ``{end_gen}`` are the same points with ``months_genitive``: Russian "с июня 2023
    по июнь 2025", "до июня 2025"."""

    def say(key: str, **values: Any) -> str:
        return str(raw(key)).format(**values)

    def point(text: str, genitive: bool = False) -> str:
        m = _POINT.match(text)
        if not m:
            return text
        year, month, day = m.group(1), m.group(2), m.group(3)
        if month is None or not 1 <= int(month) <= 12:
            return year
        if day:
            names = raw("months_day") or raw("months")
            return say("day_month_year", day=int(day), month=names[int(month) - 1], year=year)
        names = (raw("months_genitive") if genitive else None) or raw("months")
        return say("month_year", month=names[int(month) - 1], year=year)

    if "/" not in period:
        return point(period)
    left, _, right = period.partition("/")
    ends = {"end": point(right), "end_gen": point(right, True)}
    if left == "..":
        return say("period_open_stock" if period_type == "stock" else "period_open_flow", **ends)
    return say("period_range", start=point(left), start_gen=point(left, True), **ends)
