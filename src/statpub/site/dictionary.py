"""``docs/data-dictionary.md``: every field of every table, generated from the Table Schemas.

The schemas are the one place a field is defined; the dictionary is derived
from them and a test fails when the committed copy no longer matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statpub.package import languages as langs
from statpub.package.atomic import write_text

COMMAND = "statpub docs dictionary"
DEFAULT_NAME = (
    "data-dictionary.md"  # the links between languages' files name it when no path is given
)

SCHEMAS_INTRO = (
    f"<!-- Generated from schemas/*.json by `{COMMAND}`. "
    "Do not edit: change the schema and rerun. -->",
    "",
    "Every field of every table in the package, from its Table Schema. Each table is published",
    "as CSV (`data/<table>.csv`) and as Parquet (`data/<table>.parquet`) with the same rows;",
    "the *Parquet type* column is what a Parquet reader gets. Coded fields list their codes",
    "and labels below their table. How to load the tables: [consumers.md](consumers.md).",
    "",
)
PACKAGE_INTRO = (
    f"<!-- Generated from the package's Table Schemas by `{COMMAND} --package`. "
    "Do not edit: change the schema and rerun. -->",
    "",
    "Every field of every table in the package, from its Table Schema. The *Parquet type*",
    "column is what a Parquet reader gets (statpub's Parquet copies use it). Coded fields",
    "list their codes and labels below their table.",
    "",
)


@dataclass
class DictionaryResult:
    path: str
    tables: list[str]
    up_to_date: bool  # every file already held exactly the generated text
    written: bool
    paths: dict[str, str] = field(default_factory=dict)  # language -> file, when several

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "tables": list(self.tables),
            "up_to_date": self.up_to_date,
            "written": self.written,
            "paths": dict(self.paths),
        }


def load_table_schemas(schemas_dir: Path) -> dict[str, dict[str, Any]]:
    """The tables' schemas: this repository's tables in package order when the folder
    holds them all, else every ``*.json`` in the folder, by name."""
    from statpub.errors import StatpubError
    from statpub.package.resolve import read_schema_file
    from statpub.project.adapters.figures.tables import TABLES

    if all((schemas_dir / f"{name}.json").is_file() for name in TABLES):
        return {name: read_schema_file(schemas_dir / f"{name}.json") for name in TABLES}
    found = sorted(schemas_dir.glob("*.json")) if schemas_dir.is_dir() else []
    if not found:
        raise StatpubError(
            f"{schemas_dir}: no Table Schema (*.json) here; pass --schemas FOLDER, or "
            "--package FOLDER for a built package",
            code="file-not-found",
            path=schemas_dir,
        )
    return {p.stem: read_schema_file(p) for p in found}


def package_tables(package_dir: Path) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]]]:
    """Each table of the package in ``package_dir``: its schema and the files holding it.

    A CSV table and its Parquet copy are one table; tables in descriptor order.
    """
    from statpub.errors import InvalidInput
    from statpub.package import read_package
    from statpub.package.copies import copy_pairs

    pkg = read_package(package_dir)
    if pkg.problems():
        raise InvalidInput(pkg.problems(), summary=f"{pkg.descriptor_label}: not a valid package")
    copy_of = {parquet.name: csv for csv, parquet in copy_pairs(pkg)}
    schemas: dict[str, dict[str, Any]] = {}
    paths: dict[str, list[str]] = {}
    for res in pkg.resources:
        if res.schema is None or not res.paths:
            continue
        first = copy_of.get(res.name) or res
        name = str(first.name)
        if name not in schemas:
            schemas[name] = _as_described(first.descriptor, res.schema, pkg.descriptor)
        paths.setdefault(name, []).extend(str(p) for p in res.paths)
    return schemas, paths


def _as_described(
    resource: dict[str, Any], schema: dict[str, Any], package: dict[str, Any]
) -> dict[str, Any]:
    """A table's schema with the resource's title (and its translations) where the schema
    has none, and the languages the resource or package declares where the schema
    declares none: a package's languages are its tables' (docs/languages.md)."""
    out = dict(schema)
    if resource.get("title") and "title" not in out:
        titles = {k: v for k, v in resource.items() if k == "title" or k.startswith("title@")}
        out = {**titles, **out}
    if "languages" not in out and ("languages" in resource or "languages" in package):
        out = {"languages": langs.languages(resource, langs.languages(package)), **out}
    return out


def update_dictionary(
    schemas_dir: Path, path: Path, *, check: bool = False, package_dir: Path | None = None
) -> DictionaryResult:
    """Regenerate ``path`` from the schemas in ``schemas_dir``, or from the package in
    ``package_dir`` when given; with ``check`` only compare (the caller reports a stale file)."""
    files: dict[str, list[str]] | None = None
    if package_dir is not None:
        schemas, files = package_tables(package_dir)
    else:
        schemas = load_table_schemas(schemas_dir)
    paths = language_paths(path, schema_languages(schemas))
    up_to_date, written = True, False
    for lang, where in paths.items():
        text = render_data_dictionary(schemas, files, lang=lang, paths=paths)
        current = where.read_text(encoding="utf-8") if where.is_file() else None
        if current != text:
            up_to_date = False
            if not check:
                write_text(where, text)
                written = True
    shown = {lang: str(p) for lang, p in paths.items()} if len(paths) > 1 else {}
    return DictionaryResult(str(path), list(schemas), up_to_date, written, shown)


def schema_languages(schemas: dict[str, dict[str, Any]]) -> list[str]:
    """The languages the tables' schemas declare (the first table's; docs/languages.md)."""
    first = next(iter(schemas.values()), {})
    return langs.languages(first)


def language_paths(path: Path, languages: list[str]) -> dict[str, Path]:
    """``data-dictionary.md`` for the default language, ``data-dictionary.<tag>.md`` beside
    it for each other one."""
    return {
        lang: path if i == 0 else path.with_name(f"{path.stem}.{lang}{path.suffix}")
        for i, lang in enumerate(languages)
    }


def render_data_dictionary(
    schemas: dict[str, dict[str, Any]],
    files: dict[str, list[str]] | None = None,
    *,
    lang: str | None = None,
    paths: dict[str, Path] | None = None,
) -> str:
    """The dictionary; ``files`` (table -> its files) when read from a package, else each
    table is taken to be ``data/<table>.csv`` and ``data/<table>.parquet``.

    In ``lang`` (default: the schemas' default language): headings and labels from the
    page's message tables, titles, descriptions and code labels from the schemas'
    translations. With ``paths`` (language -> file) of more than one language, a line
    under the heading links the other languages' files."""
    from statpub.site.i18n import Words

    languages = schema_languages(schemas)
    default = languages[0]
    lang = lang or default
    if paths is None:
        paths = language_paths(Path(DEFAULT_NAME), languages)
    words = Words(lang)
    comment = SCHEMAS_INTRO[0] if files is None else PACKAGE_INTRO[0]
    intro = words.raw("dict_intro_schemas" if files is None else "dict_intro_package")
    out = [f"# {words('dict_title')}", ""]
    if paths and len(paths) > 1:
        out += [_language_line(paths, lang), ""]
    out += [comment, "", *intro, ""]
    if lang != default:
        out += [f"*{words('_translation')}*", ""]
    titles = {
        name: str(langs.text(s, "title", lang, default) or name) for name, s in schemas.items()
    }
    out += [f"- [{titles[name]}](#{_anchor(titles[name])}) (`{name}`)" for name in schemas]
    for name, schema in schemas.items():
        where = None if files is None else files.get(name, [])
        out += [""] + _table(name, schema, where, words, default)
    return "\n".join(out).rstrip("\n") + "\n"


def _language_line(paths: dict[str, Path], lang: str) -> str:
    from statpub.site.i18n import Words

    items = [
        f"**{Words(code)('_language')}**"
        if code == lang
        else f"[{Words(code)('_language')}]({p.name})"
        for code, p in paths.items()
    ]
    return " · ".join(items)


def _table(
    name: str,
    schema: dict[str, Any],
    paths: list[str] | None = None,
    words: Any = None,
    default: str = "en",
) -> list[str]:
    from statpub.site.i18n import Words

    words = words or Words()
    lang = words.lang

    def text(obj: dict[str, Any], key: str) -> str:
        return str(langs.text(obj, key, lang, default) or "")

    out = [f"## {text(schema, 'title') or name}", ""]
    if paths is None:
        paths = [f"data/{name}.csv", f"data/{name}.parquet"]
    out += [words("dict_table", name=name, paths=", ".join(f"`{p}`" for p in paths)), ""]
    if schema.get("description"):
        out += [_oneline(text(schema, "description")), ""]
    keys = schema.get("primaryKey")
    if keys:
        keys = [keys] if isinstance(keys, str) else keys
        out.append(f"- {words('primary_key')}: {', '.join(f'`{k}`' for k in keys)}")
    for fk in schema.get("foreignKeys") or []:
        ref = fk.get("reference", {})
        target = ref.get("resource") or name  # "" refers to the table itself
        here = ", ".join(f"`{f}`" for f in _list(fk.get("fields")))
        there = ", ".join(f"`{target}.{f}`" for f in _list(ref.get("fields")))
        out.append(f"- {words('foreign_key')}: {here} → {there}")
    for mv in schema.get("missingValues", [""]):
        value, label = (
            (mv.get("value", ""), mv.get("label")) if isinstance(mv, dict) else (mv, None)
        )
        shown = words("empty_cell") if value == "" else f"`{value}`"
        out.append(
            f"- {words('missing_value')}: {shown}"
            + (f" {words('means')} {_oneline(label)}" if label else "")
        )
    heads = ("field", "title", "type", "format", "parquet_type", "constraints", "description")
    out += [
        "",
        "| " + " | ".join(words(h) for h in heads) + " |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for f in schema["fields"]:
        out.append(
            "| "
            + " | ".join(
                _cell(c)
                for c in (
                    f"`{f['name']}`",
                    text(f, "title"),
                    f.get("type", "string"),
                    f.get("format", "default"),
                    parquet_type(f),
                    constraints_text(f, words),
                    text(f, "description"),
                )
            )
            + " |"
        )
    coded = [
        f for f in schema["fields"] if f.get("categories") or f.get("constraints", {}).get("enum")
    ]
    for f in coded:
        ref = f"{name}.{f['name']}"
        out += ["", f"### {words('codes_of', ref=ref)}", ""]
        out += [f"| {words('code')} | {words('label')} |", "| --- | --- |"]
        for value, label in field_codes(f, lang, default):
            out.append(f"| `{_cell(str(value))}` | {_cell(label)} |")
    return out


def field_codes(
    field: dict[str, Any], lang: str | None = None, default: str | None = None
) -> list[tuple[Any, str]]:
    """Each code and its label (in ``lang`` when translated: ``label@<lang>``)."""
    cats = field.get("categories")
    if cats:
        return [
            (c["value"], _label(c, lang, default)) if isinstance(c, dict) else (c, "") for c in cats
        ]
    return [(v, "") for v in field.get("constraints", {}).get("enum", [])]


def _label(category: dict[str, Any], lang: str | None, default: str | None) -> str:
    if lang and default and lang != default:
        return str(langs.text(category, "label", lang, default) or "")
    return str(category.get("label", ""))


def constraints_text(field: dict[str, Any], words: Any = None) -> str:
    """The field's constraints in words (``words``: a :class:`statpub.site.i18n.Words`)."""
    from statpub.site.i18n import Words

    words = words or Words()
    parts = []
    for key, value in field.get("constraints", {}).items():
        if key in ("required", "unique"):
            if value:
                parts.append(words(key))
        elif key == "enum":
            parts.append(words("one_of_codes"))
        elif key == "pattern":
            parts.append(f"{words('pattern')} `{value}`")
        else:
            parts.append(f"{key} {value}")
    if field.get("categories") and "enum" not in field.get("constraints", {}):
        parts.append(words("one_of_codes"))
    return "; ".join(parts)


def parquet_type(field: dict[str, Any]) -> str:
    import pyarrow as pa

    from statpub.tables.schema import arrow_type

    t = arrow_type(field)
    if pa.types.is_dictionary(t):
        return f"dictionary of {t.value_type}"
    return str(t)


def _cell(text: str) -> str:
    return _oneline(text).replace("|", "\\|")


def _oneline(text: str) -> str:
    return " ".join(str(text).split())


def _list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _anchor(title: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    kept = "".join(ch for ch in title.lower() if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")
