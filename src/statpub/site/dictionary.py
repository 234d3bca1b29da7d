"""``docs/data-dictionary.md``: every field of every table, generated from the Table Schemas.

The schemas are the one place a field is defined; the dictionary is derived
from them and a test fails when the committed copy no longer matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statpub.package import languages as langs
from statpub.package.atomic import write_text

COMMAND = "statpub docs dictionary"

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
    up_to_date: bool  # the file already held exactly the generated text
    written: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "tables": list(self.tables),
            "up_to_date": self.up_to_date,
            "written": self.written,
        }


def load_table_schemas(schemas_dir: Path) -> dict[str, dict[str, Any]]:
    """The tables' schemas: this repository's tables in package order when the folder
    holds them all, else every ``*.json`` in the folder, by name."""
    from statpub.builder.tables import TABLES
    from statpub.errors import StatpubError
    from statpub.package.resolve import read_schema_file

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
        title = first.descriptor.get("title")
        schemas.setdefault(name, {"title": title, **res.schema} if title else res.schema)
        paths.setdefault(name, []).extend(str(p) for p in res.paths)
    return schemas, paths


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
    text = render_data_dictionary(schemas, files)
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    up_to_date = current == text
    written = False
    if not up_to_date and not check:
        write_text(path, text)
        written = True
    return DictionaryResult(str(path), list(schemas), up_to_date, written)


def render_data_dictionary(
    schemas: dict[str, dict[str, Any]], files: dict[str, list[str]] | None = None
) -> str:
    """The dictionary; ``files`` (table -> its files) when read from a package, else each
    table is taken to be ``data/<table>.csv`` and ``data/<table>.parquet``."""
    if files is None:
        out = ["# Data dictionary", "", *SCHEMAS_INTRO]
    else:
        out = ["# Data dictionary", "", *PACKAGE_INTRO]
    out += [
        f"- [{s.get('title', name)}](#{_anchor(s.get('title', name))}) (`{name}`)"
        for name, s in schemas.items()
    ]
    for name, schema in schemas.items():
        paths = None if files is None else files.get(name, [])
        out += [""] + _table(name, schema, paths)
    return "\n".join(out).rstrip("\n") + "\n"


def _table(name: str, schema: dict[str, Any], paths: list[str] | None = None) -> list[str]:
    out = [f"## {schema.get('title', name)}", ""]
    if paths is None:
        paths = [f"data/{name}.csv", f"data/{name}.parquet"]
    out += [f"Table `{name}`: {', '.join(f'`{p}`' for p in paths)}.", ""]
    if schema.get("description"):
        out += [_oneline(schema["description"]), ""]
    keys = schema.get("primaryKey")
    if keys:
        keys = [keys] if isinstance(keys, str) else keys
        out.append(f"- Primary key: {', '.join(f'`{k}`' for k in keys)}")
    for fk in schema.get("foreignKeys") or []:
        ref = fk.get("reference", {})
        target = ref.get("resource") or name  # "" refers to the table itself
        here = ", ".join(f"`{f}`" for f in _list(fk.get("fields")))
        there = ", ".join(f"`{target}.{f}`" for f in _list(ref.get("fields")))
        out.append(f"- Foreign key: {here} → {there}")
    for mv in schema.get("missingValues", [""]):
        value, label = (
            (mv.get("value", ""), mv.get("label")) if isinstance(mv, dict) else (mv, None)
        )
        shown = "an empty cell" if value == "" else f"`{value}`"
        out.append(f"- Missing value: {shown}" + (f" means {_oneline(label)}" if label else ""))
    out += [
        "",
        "| Field | Title | Type | Format | Parquet type | Constraints | Description |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for f in schema["fields"]:
        out.append(
            "| "
            + " | ".join(
                _cell(c)
                for c in (
                    f"`{f['name']}`",
                    f.get("title", ""),
                    f.get("type", "string"),
                    f.get("format", "default"),
                    parquet_type(f),
                    constraints_text(f),
                    f.get("description", ""),
                )
            )
            + " |"
        )
    coded = [
        f for f in schema["fields"] if f.get("categories") or f.get("constraints", {}).get("enum")
    ]
    for f in coded:
        out += ["", f"### `{name}.{f['name']}` codes", "", "| Code | Label |", "| --- | --- |"]
        for value, label in field_codes(f):
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


def constraints_text(field: dict[str, Any]) -> str:
    parts = []
    for key, value in field.get("constraints", {}).items():
        if key in ("required", "unique"):
            if value:
                parts.append(key)
        elif key == "enum":
            parts.append("one of the codes below")
        elif key == "pattern":
            parts.append(f"pattern `{value}`")
        else:
            parts.append(f"{key} {value}")
    if field.get("categories") and "enum" not in field.get("constraints", {}):
        parts.append("one of the codes below")
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
