"""The upload set for Kazakhstan's open-data portal (data.egov.kz), from any package.

The portal has no write API: a publisher fills in its web form and uploads files,
which are moderated. Every dataset's name and description, the responsible person
and every field's label are mandatory in Kazakh, Russian and English; each field
also states its type, whether it is a key and, for dates, their format; a file is
at most 10 MB. docs/publishing.md says which parts of what is written here follow
the portal's format page and which are assumed.

One portal dataset per table (a CSV and Parquet pair is one table): its rows in
``<table>.json`` (an array of objects by field name, each cell the text the CSV
holds, a missing value ``null``), split into ``<table>.part-001.json`` ... when one
file would pass the size limit, and its metadata in ``<table>.meta.json``. A text
missing in one of the three languages is an error listing every one: the portal
refuses a form with an empty label, and an English label under ``labelKk`` would
be worse than none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statpub.errors import InvalidInput, StatpubError
from statpub.package import Package, Resource
from statpub.package.languages import languages, translations
from statpub.report import Issue

MAX_BYTES = 10 * 1000 * 1000  # the portal's 10 MB, read as the smaller (decimal) megabytes
LANGUAGES = {"kk": "Kk", "ru": "Ru", "en": "En"}  # the portal's suffix for each language
# Table Schema type -> the portal's field type, and the date format of a date-like
# type's values as statpub writes them (ISO 8601; Java pattern letters, as the
# portal's form asks for a pattern).
TYPES = {
    "string": "string",
    "integer": "integer",
    "year": "integer",
    "number": "number",
    "boolean": "boolean",
    "date": "date",
    "datetime": "datetime",
    "time": "time",
    "yearmonth": "date",
}
DATE_FORMATS = {
    "date": "yyyy-MM-dd",
    "datetime": "yyyy-MM-dd'T'HH:mm:ssXXX",
    "time": "HH:mm:ss",
    "yearmonth": "yyyy-MM",
    "year": "yyyy",
}


@dataclass
class EgovTable:
    name: str  # the resource's name
    meta: str  # the metadata file, relative to the output folder
    files: list[str]  # the data files, in order
    rows: int
    bytes: list[int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "meta": self.meta,
            "files": list(self.files),
            "rows": self.rows,
            "bytes": list(self.bytes),
            "split": len(self.files) > 1,
        }


@dataclass
class EgovResult:
    out_dir: Path
    tables: list[EgovTable] = field(default_factory=list)
    max_bytes: int = MAX_BYTES

    def to_dict(self) -> dict[str, Any]:
        return {
            "out_dir": str(self.out_dir),
            "max_bytes": self.max_bytes,
            "tables": [t.to_dict() for t in self.tables],
        }


def languages_of(pkg: Package) -> dict[str, str]:
    """The package's tag for each of the portal's languages (``kk-Cyrl`` serves kk)."""
    out: dict[str, str] = {}
    for tag in languages(pkg.descriptor):
        primary = tag.split("-")[0].lower()
        if primary in LANGUAGES and primary not in out:
            out[primary] = tag
    return out


def tables_of(pkg: Package) -> list[Resource]:
    """Each table once: of a CSV and Parquet pair, the CSV."""
    from statpub.package.copies import copy_pairs

    copies = {id(pq) for _, pq in copy_pairs(pkg)}
    return [r for r in pkg.resources if r.schema is not None and id(r) not in copies]


def egov_metadata(pkg: Package, res: Resource, files: list[str]) -> dict[str, Any]:
    """The portal's metadata of one table; raises InvalidInput listing every text missing."""
    langs = languages_of(pkg)
    default = languages(pkg.descriptor)[0]
    missing: list[Issue] = [
        Issue(
            "egov-language-missing",
            f"the package does not declare {code!r} in 'languages'; data.egov.kz needs every "
            "name, description and field label in Kazakh, Russian and English (see "
            "docs/languages.md)",
            path=pkg.descriptor_label,
            field="languages",
        )
        for code in LANGUAGES
        if code not in langs
    ]
    if missing:
        raise InvalidInput(missing, summary="a language data.egov.kz requires is missing",
                           code="egov-language-missing", path=pkg.descriptor_label)  # fmt: skip
    schema = res.schema or {}

    order = [default, *(t for t in langs.values() if t != default)]

    def texts(obj: dict[str, Any], key: str, prefix: str, where: str, **at: Any) -> dict[str, str]:
        written = translations(obj, key, order)
        out: dict[str, str] = {}
        for code, suffix in LANGUAGES.items():
            tag = langs[code]
            value = written.get(tag)
            if value is None:
                missing.append(Issue(
                    "egov-translation-missing",
                    f"{where}: no {code!r} text ({key if tag == default else f'{key}@{tag}'}); "
                    "data.egov.kz requires it in all three languages",
                    path=pkg.descriptor_label, **at))  # fmt: skip
                value = ""
            out[f"{prefix}{suffix}"] = " ".join(str(value).split())
        return out

    meta: dict[str, Any] = {}
    meta |= _joined(texts(pkg.descriptor, "title", "name", "package title"),
                    texts(res.descriptor, "title", "name", f"resource {res.name!r} title",
                          resource=res.name))  # fmt: skip
    meta |= texts(res.descriptor, "description", "description",
                  f"resource {res.name!r} description", resource=res.name)  # fmt: skip
    meta["responsible"] = _responsible(pkg, missing)
    keys = _primary_key(schema)
    fields = []
    for f in schema.get("fields") or []:
        name = str(f.get("name"))
        ftype = str(f.get("type") or "string")
        entry: dict[str, Any] = {
            "code": name,
            "type": TYPES.get(ftype, "string"),
            "isKey": name in keys,
        }
        entry |= texts(f, "title", "label", f"field {name!r} of {res.name!r} title",
                       resource=res.name, field=name)  # fmt: skip
        if ftype in DATE_FORMATS:
            entry["dateFormat"] = DATE_FORMATS[ftype]
        fields.append(entry)
    meta["fields"] = fields
    meta["files"] = files
    meta["source"] = {
        "package": pkg.name,
        "version": pkg.descriptor.get("version"),
        "resource": res.name,
        "languages": dict(langs),
    }
    if missing:
        raise InvalidInput(missing, summary="texts data.egov.kz requires are missing",
                           code="egov-translation-missing", path=pkg.descriptor_label)  # fmt: skip
    return meta


def _joined(package: dict[str, str], table: dict[str, str]) -> dict[str, str]:
    """A table's portal name: the package's title and the table's, in each language."""
    return {k: f"{package[k]}: {table[k]}" if table.get(k) else package[k] for k in package}


def _primary_key(schema: dict[str, Any]) -> set[str]:
    pk = schema.get("primaryKey")
    return {pk} if isinstance(pk, str) else {str(x) for x in pk} if isinstance(pk, list) else set()


def _responsible(pkg: Package, missing: list[Issue]) -> dict[str, Any]:
    """The contributor with the role ``contact``, else ``maintainer``, else ``publisher``."""
    people = [c for c in pkg.descriptor.get("contributors") or [] if isinstance(c, dict)]
    for role in ("contact", "maintainer", "publisher"):
        for c in people:
            roles = c.get("roles", c.get("role"))
            roles = [roles] if isinstance(roles, str) else roles or []
            if role in roles and c.get("title"):
                out = {"fullName": str(c["title"])}
                for key in ("email", "path", "organization"):
                    if c.get(key):
                        out[key] = str(c[key])
                return out
    missing.append(Issue(
        "egov-responsible-missing",
        "no contributor with the role contact, maintainer or publisher; data.egov.kz needs "
        "a responsible person: add one to 'contributors'", path=pkg.descriptor_label,
        field="contributors"))  # fmt: skip
    return {}


def data_parts(res: Resource, max_bytes: int) -> tuple[list[bytes], int]:
    """The table's rows as JSON arrays of objects, each part at most ``max_bytes``."""
    from statpub.package.tables import read_table
    from statpub.tables.csvio import format_cell

    table = read_table(res)
    fields = [f for f in (res.schema or {}).get("fields") or [] if isinstance(f, dict)]
    names = [str(f.get("name")) for f in fields]
    columns = {n: table.column(n).to_pylist() for n in names}
    parts: list[bytes] = []
    lines: list[bytes] = []
    size = 4  # "[\n" and "]\n"
    for i in range(table.num_rows):
        row = {
            n: None if columns[n][i] is None else format_cell(columns[n][i], f)
            for n, f in zip(names, fields, strict=True)
        }
        line = json.dumps(row, ensure_ascii=False).encode("utf-8")
        if len(line) + 6 > max_bytes:
            raise StatpubError(
                f"{res.label}: row {i + 2} alone is {len(line)} bytes in JSON, more than the "
                f"limit of {max_bytes}; it cannot be uploaded to data.egov.kz",
                code="egov-row-too-large",
            )
        if lines and size + len(line) + 2 > max_bytes:
            parts.append(_array(lines))
            lines, size = [], 4
        lines.append(line)
        size += len(line) + 2
    parts.append(_array(lines))
    return parts, table.num_rows


def _array(lines: list[bytes]) -> bytes:
    return b"[\n" + b",\n".join(lines) + (b"\n]\n" if lines else b"]\n")


def write_egov(pkg: Package, out_dir: Path, *, max_bytes: int = MAX_BYTES) -> EgovResult:
    """Write the upload set into ``out_dir`` (replaced whole, or left as it was on error)."""
    from statpub.package.atomic import staged_folder

    result = EgovResult(out_dir=out_dir, max_bytes=max_bytes)
    planned = []
    for res in tables_of(pkg):
        name = str(res.name)
        parts, rows = data_parts(res, max_bytes)
        files = (
            [f"{name}.json"]
            if len(parts) == 1
            else [f"{name}.part-{i:03d}.json" for i in range(1, len(parts) + 1)]
        )
        meta = egov_metadata(pkg, res, files)
        planned.append((res, parts, files, rows, meta))
    with staged_folder(out_dir) as staging:
        for res, parts, files, rows, meta in planned:
            for rel, data in zip(files, parts, strict=True):
                (staging / rel).write_bytes(data)
            meta_rel = f"{res.name}.meta.json"
            (staging / meta_rel).write_bytes(
                (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
            )
            result.tables.append(
                EgovTable(str(res.name), meta_rel, files, rows, [len(p) for p in parts])
            )
    return result
