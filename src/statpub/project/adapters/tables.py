"""The ``tables`` adapter: a project's tables named in ``statpub.yml``, each read from its
input file (CSV, Excel, Parquet: :mod:`statpub.inputs`) against its Table Schema, plus the
published revisions log."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statpub.builder.cardwords import CardWords
from statpub.builder.write import TableData, write_package
from statpub.errors import InvalidInput, StatpubError
from statpub.figures.records import Release
from statpub.inputs import InputSpec, format_of
from statpub.project.config import (
    RESERVED,
    Project,
    TableConfig,
    invalid,
    is_name,
    read_history,
    translated_texts,
)
from statpub.report import Issue, Report

if TYPE_CHECKING:
    import pyarrow as pa

LOG_TABLE = "revisions"  # the published revisions log; no project table may take the name
TABLE_KEYS = {
    "name", "path", "format", "encoding", "dialect", "sheet", "schema", "title", "description",
    "sdmx",
}  # fmt: skip


@dataclass
class ProjectBuild:
    """What ``statpub build`` made of a project of tables."""

    out_dir: Path
    version: str | None  # None before the first release
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows
    files: dict[str, str] = field(default_factory=dict)  # path -> sha256
    report: Report | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "out_dir": str(self.out_dir),
            "version": self.version,
            "rows": dict(self.rows),
            "files": dict(self.files),
            "validation": self.report.to_dict() if self.report else None,
        }


class TablesSource:
    """A project's table files as a :class:`~statpub.builder.write.PackageSource`."""

    def __init__(
        self, project: Project, releases: Sequence[Release], revisions: Sequence[dict[str, Any]]
    ) -> None:
        self.project = project
        self.releases = releases
        self.revisions = revisions
        langs = list(project.metadata.get("languages") or [])
        self.schemas = {t.name: table_schema(t, langs) for t in project.tables}
        self.rows: dict[str, int] = {}
        # Each table's rows' numbers in its input, where they are not 2, 3, ... (a CSV
        # with blank lines, a sheet starting lower down): issues point at the input.
        self.row_numbers: dict[str, pa.Array | None] = {}

    def tables(self) -> Iterator[TableData]:
        from statpub.inputs import read_input
        from statpub.project.rows import typed_rows

        for t in self.project.tables:
            raw = read_input(t.input)
            rows = typed_rows(raw, self.schemas[t.name], t.input.label)
            self.rows[t.name] = rows.num_rows
            numbers = raw.row_numbers
            plain = not len(numbers) or (
                numbers[0].as_py() == 2 and numbers[len(numbers) - 1].as_py() == len(numbers) + 1
            )
            self.row_numbers[t.name] = None if plain else numbers
            del raw
            yield TableData(t.name, self.schemas[t.name], rows)
        if self.logged:
            yield TableData(LOG_TABLE, log_schema(self.languages), log_table(self.revisions))

    @property
    def languages(self) -> list[str]:
        """The package's languages, the default first (none declared: ``[]``)."""
        return list(self.project.metadata.get("languages") or [])

    @property
    def logged(self) -> bool:
        """Whether the package publishes the revisions log: from the first release on (empty
        until a release revises something), so validate holds the log append-only and every
        change logged against the previous release, and the log appearing is never itself
        a change to release."""
        return bool(self.releases or self.revisions)

    def on_inputs(self, issues: list[Issue]) -> list[Issue]:
        """Issues about the built package's data files, told of the inputs the rows came
        from (file and row); an issue found in both the CSV and the Parquet copy once."""
        inputs = {t.name: t.input.label for t in self.project.tables}
        files = {f"data/{n}.{ext}": n for n in inputs for ext in ("csv", "parquet")}
        out: list[Issue] = []
        seen: set[tuple[Any, ...]] = set()
        for issue in issues:
            name = files.get(issue.path or "")
            if name is None:
                out.append(issue)
                continue
            row = issue.row
            numbers = self.row_numbers.get(name)
            if row is not None and numbers is not None and 0 <= row - 2 < len(numbers):
                row = numbers[row - 2].as_py()
            key = (issue.type, name, row, issue.field, issue.message)
            if key not in seen:
                seen.add(key)
                out.append(replace(issue, path=inputs[name], resource=name, row=row))
        return out

    def descriptor(self, resources: list[dict[str, Any]]) -> dict[str, Any]:
        from statpub.project.card import package_descriptor

        return package_descriptor(self.project.metadata, self.releases, resources)

    def datacard(self, descriptor: dict[str, Any], sizes: dict[str, int], words: CardWords) -> str:
        from statpub.project.card import render_datacard

        log = log_schema(self.languages)
        schemas = {**self.schemas, LOG_TABLE: log} if self.logged else self.schemas
        return render_datacard(descriptor, schemas, sizes, words)

    def changelog(self, descriptor: dict[str, Any]) -> str:
        from statpub.project.card import render_changelog

        title = descriptor.get("title") or descriptor["name"]
        return render_changelog(title, self.releases, self.revisions)


def log_schema(langs: Sequence[str] = ()) -> dict[str, Any]:
    """The Table Schema of the published revisions log; in a package of several
    ``langs`` (the default first), its title, description and field titles in each
    language the card's message tables have them in (docs/languages.md)."""
    import copy

    from statpub.package.languages import message_table
    from statpub.versioning.tablechanges import LOG_SCHEMA

    def say(lang: str, key: str) -> str | None:
        found = message_table("statpub.builder", lang).get(key)
        return found if isinstance(found, str) else None

    schema = copy.deepcopy(LOG_SCHEMA)
    texts = [(schema, "description", "log_description")]
    if len(langs) > 1:
        texts += [(f, "title", f"log_f_{f['name']}") for f in schema["fields"]]
    default = langs[0] if langs else "en"
    for obj, key, message in [(schema, "title", "log_title"), *texts]:
        obj[key] = say(default, message) or say("en", message)
        for lang in langs[1:]:
            text = say(lang, message)
            if text:
                obj[f"{key}@{lang}"] = text
    head = {k: schema.pop(k) for k in [k for k in schema if k.startswith(("title", "desc"))]}
    if len(langs) > 1:
        head = {"languages": list(langs), **head}
    return {**head, **schema}


def log_table(revisions: Sequence[dict[str, Any]]) -> pa.Table:
    """The revisions log's rows (text, or dates) as an Arrow table of :func:`log_schema`."""
    import datetime as dt

    import pyarrow as pa

    from statpub.versioning.tablechanges import LOG_FIELDS

    def cell(row: dict[str, Any], name: str) -> Any:
        value = row.get(name)
        if value is None or value == "":
            return None
        if name == "release_date":
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        return str(value)

    return pa.table(
        {
            name: pa.array(
                [cell(r, name) for r in revisions],
                type=pa.date32() if name == "release_date" else pa.string(),
            )
            for name in LOG_FIELDS
        }
    )


def table_schema(table: TableConfig, languages: Sequence[str] = ()) -> dict[str, Any]:
    """The table's Table Schema as published (categories mirrored in ``constraints.enum``);
    a project's ``languages`` (the default first) are the schema's when it declares none,
    so that a table validated alone with its schema knows them (docs/languages.md)."""
    from statpub.builder.schemas import published_schema
    from statpub.package.resolve import read_schema_file

    if not table.schema.is_file():
        raise StatpubError(
            f"{table.schema}: Table Schema of table {table.name!r} not found; write one, or "
            f"infer it with `statpub init . --from {table.input.label}`",
            code="schema-not-found",
            path=table.schema,
        )
    schema = published_schema(read_schema_file(table.schema), label=str(table.schema))
    for key in ("title", "description"):
        value = getattr(table, key)
        if value and key not in schema:
            schema[key] = value
    for key, value in table.translations.items():
        schema.setdefault(key, value)
    if len(languages) > 1 and "languages" not in schema:
        schema = {"languages": list(languages), **schema}
    return schema


class TablesAdapter:
    """Tables named in ``statpub.yml``, each read from its input file."""

    name = "tables"
    # The release options this adapter takes beyond the common ones (none).
    release_flags: frozenset[str] = frozenset()

    def configure(self, project: Project, data: dict[str, Any], path: Path) -> None:
        """Read the settings of ``statpub.yml`` only this adapter has (``tables:``)."""
        if not project.metadata.get("name"):
            raise invalid(path, "name: is required (lower case, digits, - _ .)")
        langs = list(project.metadata.get("languages") or [])
        project.tables = _tables(path, data.get("tables"), project, langs)

    def lock_dir(self, project: Project) -> Path:
        return project.root

    def read_log(self, project: Project) -> list[dict[str, Any]]:
        if not project.revisions.is_file():
            return []
        with project.revisions.open(encoding="utf-8", newline="") as fh:
            return [dict(row) for row in csv.DictReader(fh)]

    def source(
        self,
        project: Project,
        releases: Sequence[Release] | None,
        revisions: Sequence[dict[str, Any]],
    ) -> TablesSource:
        if releases is None:
            releases = read_history(project)
        return TablesSource(project, releases, revisions)

    def sdmx(self, project: Project) -> dict[str, dict[str, Any]]:
        return {t.name: t.sdmx for t in project.tables if t.sdmx is not None}

    def build(self, project: Project, sources_dir: Path | None, sources_from: str) -> ProjectBuild:
        from statpub.builder.staged import history_issues, validate_staged
        from statpub.package.atomic import staged_folder

        source = self.source(project, None, self.read_log(project))
        with staged_folder(project.out) as staging:
            files = write_package(staging, source)
            report = validate_staged(staging, label=str(project.out))
            if not report.valid:
                raise InvalidInput(
                    source.on_inputs(report.errors),
                    summary="the tables do not make a valid package; nothing was replaced",
                    code="package-invalid",
                    path=project.out,
                )
        # validate's history checks on the package in place (one verdict, as the figure
        # model's build gives): differing from a released version without a release is
        # written, and reported invalid.
        report.extend(history_issues(project.out), check="history")
        return ProjectBuild(
            out_dir=project.out,
            version=source.releases[-1].version if source.releases else None,
            rows=dict(source.rows),
            files=files,
            report=report,
        )


def _tables(path: Path, entries: Any, project: Project, langs: list[str]) -> list[TableConfig]:
    if not isinstance(entries, list) or not entries:
        raise invalid(path, "tables: is a list of tables, each with a name: and a path:")
    out: list[TableConfig] = []
    names: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"tables[{number}]"
        if not isinstance(entry, dict):
            raise invalid(path, f"{where} is a mapping with name: and path:")
        translated = translated_texts(path, entry, f"{where} ({entry.get('name')}): ", langs)
        unknown = sorted(set(entry) - TABLE_KEYS - set(translated))
        if unknown:
            raise invalid(
                path,
                f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(TABLE_KEYS))})",
            )
        name, rel = entry.get("name"), entry.get("path")
        if not isinstance(name, str) or not is_name(name):
            raise invalid(path, f"{where}: name: is lower case letters, digits, - _ . ({name!r})")
        if name in names:
            raise invalid(path, f"{where}: a second table named {name!r}")
        if name in RESERVED:
            raise invalid(
                path,
                f"{where}: {name!r} is the name of the published revisions log; give the "
                "table another name:",
            )
        names.add(name)
        if not isinstance(rel, str) or not rel:
            raise invalid(path, f"{where} ({name}): path: names the table's file")
        file = project.root / rel
        dialect = entry.get("dialect") or {}
        if not isinstance(dialect, dict):
            raise invalid(path, f"{where} ({name}): dialect: is a Table Dialect mapping")
        sheet = entry.get("sheet")
        sdmx = entry.get("sdmx")
        if sdmx is not None and not isinstance(sdmx, dict):
            raise invalid(path, f"{where} ({name}): sdmx: maps field names to SDMX roles")
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
