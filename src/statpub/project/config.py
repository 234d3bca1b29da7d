"""The project file ``statpub.yml``: package metadata, the tables and where things live."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statpub.errors import StatpubError
from statpub.inputs import InputSpec, format_of

PROJECT_FILE = "statpub.yml"
ADAPTERS = ("tables", "figures")
# Metadata copied to datapackage.json as written (Data Package v2 properties).
METADATA = (
    "name", "id", "title", "description", "homepage", "version", "keywords", "licenses",
    "contributors", "sources", "spatialCoverage", "temporalCoverage", "themes", "availability",
    "image", "languages", "translations",
)  # fmt: skip
# Texts a project file may translate, as ``title@kk`` beside ``title`` (docs/languages.md).
TRANSLATABLE = ("title", "description")
# Where things live, relative to the project folder: setting -> default.
LOCATIONS = {
    "out": "datapackage",
    "releases": "releases",
    "history": "releases.yml",
    "revisions": "revisions.csv",
    "schemas": "schemas",
    "figures": "figures",
}
TABLE_KEYS = {
    "name", "path", "format", "encoding", "dialect", "sheet", "schema", "title", "description",
    "sdmx",
}  # fmt: skip
SETTINGS = {"adapter", "tables", *LOCATIONS}


@dataclass
class TableConfig:
    """One table of a project: its name, its input and its Table Schema file."""

    name: str
    input: InputSpec
    schema: Path
    title: str | None = None
    description: str | None = None
    sdmx: dict[str, Any] | None = None  # field -> SDMX role (docs/sdmx.md)
    translations: dict[str, str] = field(default_factory=dict)  # "title@kk" -> text


@dataclass
class Project:
    """A statpub project: a folder with ``statpub.yml``, its inputs and schemas."""

    root: Path
    file: Path | None  # None: a project made from command-line flags
    adapter: str  # "tables" (the project's table files) or "figures" (this repository's model)
    out: Path  # the package folder `statpub build` writes
    releases: Path  # the archive of released versions
    history: Path  # releases.yml: released versions, oldest first
    revisions: Path  # revisions.csv: the revisions log
    schemas: Path  # folder of Table Schemas
    metadata: dict[str, Any] = field(default_factory=dict)
    tables: list[TableConfig] = field(default_factory=list)
    figures: Path | None = None  # the figures adapter: the folder of figure files

    @property
    def lock_dir(self) -> Path:
        """The folder a build or release holds while it writes (its journal lives there)."""
        return self.figures if self.figures is not None else self.root


RESERVED = {"revisions"}  # resources the build adds to a project's tables


def find_project(start: Path) -> Path | None:
    """``start/statpub.yml`` if there is one."""
    path = start / PROJECT_FILE
    return path if path.is_file() else None


def load_project(root: Path) -> Project:
    """Read ``root/statpub.yml`` (or the project file ``root`` names)."""
    import yaml

    path = root if root.is_file() else root / PROJECT_FILE
    folder = path.parent
    if not path.is_file():
        raise StatpubError(
            f"{path}: project file not found; create one with `statpub init {folder} --from "
            "TABLE.csv ...`, or run the command in the project folder",
            code="project-not-found",
            path=path,
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise StatpubError(
            f"{path}: not a readable YAML file: {str(exc).splitlines()[0]}",
            code="project-invalid",
            path=path,
        ) from exc
    if not isinstance(data, dict):
        raise _invalid(path, "the project file is a mapping of settings (name:, title:, tables:)")
    langs = project_languages(path, data)
    translated = translated_texts(path, data, "", langs)
    unknown = sorted(set(data) - set(METADATA) - SETTINGS - set(translated))
    if unknown:
        raise _invalid(
            path,
            f"unknown setting {unknown[0]!r}; the settings are {', '.join(sorted(SETTINGS))} "
            f"and the package metadata {', '.join(METADATA)}",
        )
    adapter = data.get("adapter", "tables")
    if adapter not in ADAPTERS:
        raise _invalid(path, f"adapter: {adapter!r} is not one of {', '.join(ADAPTERS)}")
    where = {}
    for key, default in LOCATIONS.items():
        value = data.get(key, default)
        if not isinstance(value, str) or not value:
            raise _invalid(path, f"{key}: is a folder or file path relative to the project")
        where[key] = folder / value
    metadata = {k: data[k] for k in METADATA if k in data} | translated
    project = Project(
        root=folder,
        file=path,
        adapter=adapter,
        out=where["out"],
        releases=where["releases"],
        history=where["history"],
        revisions=where["revisions"],
        schemas=where["schemas"],
        metadata=metadata,
        figures=where["figures"] if adapter == "figures" else None,
    )
    if adapter == "tables":
        if not metadata.get("name"):
            raise _invalid(path, "name: is required (lower case, digits, - _ .)")
        project.tables = _tables(path, data.get("tables"), project, langs)
    return project


def figures_project(figures: Path, schemas: Path, out: Path, releases: Path) -> Project:
    """This repository's layout, from the build and release flags (--figures, --schemas...)."""
    root = figures.parent
    return Project(
        root=root,
        file=None,
        adapter="figures",
        out=out,
        releases=releases,
        history=figures / "releases.yml",
        revisions=figures / "revisions.csv",
        schemas=schemas,
        figures=figures,
    )


def _tables(path: Path, entries: Any, project: Project, langs: list[str]) -> list[TableConfig]:
    if not isinstance(entries, list) or not entries:
        raise _invalid(path, "tables: is a list of tables, each with a name: and a path:")
    out: list[TableConfig] = []
    names: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"tables[{number}]"
        if not isinstance(entry, dict):
            raise _invalid(path, f"{where} is a mapping with name: and path:")
        translated = translated_texts(path, entry, f"{where} ({entry.get('name')}): ", langs)
        unknown = sorted(set(entry) - TABLE_KEYS - set(translated))
        if unknown:
            raise _invalid(
                path,
                f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(TABLE_KEYS))})",
            )
        name, rel = entry.get("name"), entry.get("path")
        if not isinstance(name, str) or not _is_name(name):
            raise _invalid(path, f"{where}: name: is lower case letters, digits, - _ . ({name!r})")
        if name in names:
            raise _invalid(path, f"{where}: a second table named {name!r}")
        if name in RESERVED:
            raise _invalid(
                path,
                f"{where}: {name!r} is the name of the published revisions log; give the "
                "table another name:",
            )
        names.add(name)
        if not isinstance(rel, str) or not rel:
            raise _invalid(path, f"{where} ({name}): path: names the table's file")
        file = project.root / rel
        dialect = entry.get("dialect") or {}
        if not isinstance(dialect, dict):
            raise _invalid(path, f"{where} ({name}): dialect: is a Table Dialect mapping")
        sheet = entry.get("sheet")
        sdmx = entry.get("sdmx")
        if sdmx is not None and not isinstance(sdmx, dict):
            raise _invalid(path, f"{where} ({name}): sdmx: maps field names to SDMX roles")
        spec = InputSpec(
            path=file,
            format=format_of(file, entry.get("format")),
            label=rel,
            encoding=str(entry.get("encoding") or "utf-8"),
            dialect=dialect,
            sheet=None if sheet is None else str(sheet),
        )
        schema = entry.get("schema")
        schema_path = project.root / schema if schema else project.schemas / f"{name}.json"
        out.append(
            TableConfig(
                name, spec, schema_path, entry.get("title"), entry.get("description"), sdmx,
                translated,
            )
        )  # fmt: skip
    return out


def project_languages(path: Path, data: dict[str, Any]) -> list[str]:
    """``languages:`` of the project file (BCP 47 tags, the default first); ``[]`` when
    the project declares none."""
    from statpub.package.languages import is_tag

    declared = data.get("languages")
    if declared is None:
        _check_translators(path, data.get("translations"), [])
        return []
    if not isinstance(declared, list) or not declared:
        raise _invalid(
            path,
            "languages: is a list of BCP 47 language tags, the default first "
            f"(e.g. [kk, ru, en]), not {declared!r}",
        )
    langs: list[str] = []
    for tag in declared:
        if not isinstance(tag, str) or not is_tag(tag):
            raise _invalid(
                path,
                f"languages: {tag!r} is not a BCP 47 language tag (e.g. kk, ru, en, kk-Cyrl); "
                "fix or remove it",
            )
        if tag.lower() in (x.lower() for x in langs):
            raise _invalid(path, f"languages: {tag!r} is listed twice")
        langs.append(tag)
    _check_translators(path, data.get("translations"), langs)
    return langs


def translated_texts(
    path: Path, mapping: dict[str, Any], where: str, langs: list[str]
) -> dict[str, str]:
    """The ``title@kk``-style keys of ``mapping`` (a project file or one of its tables),
    each a translation into a language ``languages:`` declares other than the default."""
    out: dict[str, str] = {}
    for key, value in mapping.items():
        text, sep, lang = str(key).partition("@")
        if not sep or text not in TRANSLATABLE:
            continue
        if lang not in langs[1:]:
            if not langs:
                hint = f"declare the languages first (languages: [{lang}, ...], default first)"
            elif lang == langs[0]:
                hint = f"{lang!r} is the default language: write the text as {text}:"
            else:
                hint = f"add {lang!r} to languages: or remove the translation"
            raise _invalid(
                path,
                f"{where}{key}: translates into {lang!r}, which the project's languages "
                f"{langs} do not list as a translation; {hint}",
            )
        if not isinstance(value, str) or not value.strip():
            raise _invalid(path, f"{where}{key}: is the {text} in {lang!r}, a text")
        out[str(key)] = value
    return out


def _check_translators(path: Path, entries: Any, langs: list[str]) -> None:
    """``translations:``, who translated: ``[{language, translator, official}]``, each
    language one ``languages:`` declares other than the default."""
    if entries is None:
        return
    if not isinstance(entries, list):
        raise _invalid(path, "translations: is a list of {language:, translator:, official:}")
    for number, entry in enumerate(entries, start=1):
        lang = entry.get("language") if isinstance(entry, dict) else None
        if lang not in langs[1:]:
            raise _invalid(
                path,
                f"translations[{number}]: language: {lang!r} is not one of the translated "
                f"languages {langs[1:]} (languages: lists them after the default)",
            )


def _is_name(name: str) -> bool:
    import re

    return re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name) is not None


def _invalid(path: Path, message: str) -> StatpubError:
    return StatpubError(f"{path}: {message}", code="project-invalid", path=path)
