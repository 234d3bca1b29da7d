"""The project file ``statpub.yml``: package metadata, the tables and where things live."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statpub.errors import StatpubError
from statpub.inputs import InputSpec

if TYPE_CHECKING:
    from statpub.figures.records import Release

PROJECT_FILE = "statpub.yml"
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
SETTINGS = {"adapter", "tables", "sdmx", *LOCATIONS}
SDMX_KEYS = {"agency"}  # the project-wide sdmx: settings (docs/sdmx.md)


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
    adapter: str  # its adapter's name (statpub.project.adapters): "tables" or "figures"
    out: Path  # the package folder `statpub build` writes
    releases: Path  # the archive of released versions
    history: Path  # releases.yml: released versions, oldest first
    revisions: Path  # revisions.csv: the revisions log
    schemas: Path  # folder of Table Schemas
    metadata: dict[str, Any] = field(default_factory=dict)
    tables: list[TableConfig] = field(default_factory=list)
    figures: Path | None = None  # the figures adapter: the folder of figure files
    sdmx: dict[str, str] = field(default_factory=dict)  # sdmx: {agency: ...}

    @property
    def lock_dir(self) -> Path:
        """The folder a build or release holds while it writes (its journal lives there)."""
        from statpub.project.adapters import adapter_of

        return adapter_of(self).lock_dir(self)


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
        raise invalid(path, "the project file is a mapping of settings (name:, title:, tables:)")
    langs = project_languages(path, data)
    translated = translated_texts(path, data, "", langs)
    unknown = sorted(set(data) - set(METADATA) - SETTINGS - set(translated))
    if unknown:
        raise invalid(
            path,
            f"unknown setting {unknown[0]!r}; the settings are {', '.join(sorted(SETTINGS))} "
            f"and the package metadata {', '.join(METADATA)}",
        )
    from statpub.project.adapters import ADAPTERS

    adapter = data.get("adapter", "tables")
    if not isinstance(adapter, str) or adapter not in ADAPTERS:
        raise invalid(path, f"adapter: {adapter!r} is not one of {', '.join(ADAPTERS)}")
    where = {}
    for key, default in LOCATIONS.items():
        value = data.get(key, default)
        if not isinstance(value, str) or not value:
            raise invalid(path, f"{key}: is a folder or file path relative to the project")
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
        sdmx=_sdmx(path, data.get("sdmx")),
    )
    ADAPTERS[adapter].configure(project, data, path)
    return project


def read_history(project: Project) -> list[Release]:
    """The project's released versions, oldest first (none before the first release)."""
    from statpub.figures.load import read_releases

    return read_releases(project.history) if project.history.is_file() else []


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


def project_languages(path: Path, data: dict[str, Any]) -> list[str]:
    """``languages:`` of the project file (BCP 47 tags, the default first); ``[]`` when
    the project declares none."""
    from statpub.package.languages import is_tag

    declared = data.get("languages")
    if declared is None:
        _check_translators(path, data.get("translations"), [])
        return []
    if not isinstance(declared, list) or not declared:
        raise invalid(
            path,
            "languages: is a list of BCP 47 language tags, the default first "
            f"(e.g. [kk, ru, en]), not {declared!r}",
        )
    langs: list[str] = []
    for tag in declared:
        if not isinstance(tag, str) or not is_tag(tag):
            raise invalid(
                path,
                f"languages: {tag!r} is not a BCP 47 language tag (e.g. kk, ru, en, kk-Cyrl); "
                "fix or remove it",
            )
        if tag.lower() in (x.lower() for x in langs):
            raise invalid(path, f"languages: {tag!r} is listed twice")
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
            raise invalid(
                path,
                f"{where}{key}: translates into {lang!r}, which the project's languages "
                f"{langs} do not list as a translation; {hint}",
            )
        if not isinstance(value, str) or not value.strip():
            raise invalid(path, f"{where}{key}: is the {text} in {lang!r}, a text")
        out[str(key)] = value
    return out


def _check_translators(path: Path, entries: Any, langs: list[str]) -> None:
    """``translations:``, who translated: ``[{language, translator, official}]``, each
    language one ``languages:`` declares other than the default."""
    if entries is None:
        return
    if not isinstance(entries, list):
        raise invalid(path, "translations: is a list of {language:, translator:, official:}")
    for number, entry in enumerate(entries, start=1):
        lang = entry.get("language") if isinstance(entry, dict) else None
        if lang not in langs[1:]:
            raise invalid(
                path,
                f"translations[{number}]: language: {lang!r} is not one of the translated "
                f"languages {langs[1:]} (languages: lists them after the default)",
            )


def _sdmx(path: Path, raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or set(raw) - SDMX_KEYS:
        raise invalid(path, f"sdmx: is a mapping with {', '.join(sorted(SDMX_KEYS))}:")
    for key, value in raw.items():
        if not isinstance(value, str) or not value:
            raise invalid(path, f"sdmx: {key}: is an SDMX id")
    return dict(raw)


def is_name(name: str) -> bool:
    import re

    return re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name) is not None


def invalid(path: Path, message: str) -> StatpubError:
    return StatpubError(f"{path}: {message}", code="project-invalid", path=path)
