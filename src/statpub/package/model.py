"""A Data Package on disk, resolved: the one model every command works on.

:class:`Package` is the descriptor with every resource resolved once
(:mod:`statpub.package.resolve`): its files checked by the path policy, its
format, compression, encoding, dialect and Table Schema read. What stops a
resource from being read is kept on it as issues, never raised, so each
command decides what a problem means for it (validate reports it, a publisher
refuses the package, diff cannot compare).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statpub.package.files import CHANGELOG as CHANGELOG  # re-exported: the layout names
from statpub.package.files import DATACARD as DATACARD
from statpub.package.integrity import PackageFile, package_files
from statpub.report import ERROR, Issue

if TYPE_CHECKING:
    from statpub.tables.spec import TableSpec

TABULAR_FORMATS = ("csv", "tsv", "parquet")
ROW_FORMATS = ("ndjson", "jsonl")  # files of rows, tables whatever their descriptor says
READ_FORMATS = (*TABULAR_FORMATS, *ROW_FORMATS, "json", "inline")  # what the reader reads
# Tables statpub does not read: a resource of these formats is reported as not checked.
UNREAD_TABLE_FORMATS = ("xlsx", "xls", "xlsm", "ods", "sqlite", "sql", "dbf", "sav", "dta")
DESCRIPTOR_NAMES = ("datapackage.json", "datapackage.yaml", "datapackage.yml")


@dataclass
class Resource:
    """One entry of ``resources``, resolved."""

    index: int
    descriptor: dict[str, Any]  # as written ({} when the entry is not an object)
    name: str | None
    label: str  # for messages: the first path as written, else the name
    paths: list[str] = field(default_factory=list)  # as written
    files: list[Path] = field(default_factory=list)  # resolved, all local and safe; else empty
    remote: list[str] = field(default_factory=list)  # paths that are URLs
    inline: bool = False  # the rows are in ``data``
    format: str | None = None  # lower case, compression suffix removed (csv, parquet, json ...)
    compression: str | None = None  # gz, bz2, zst ... when the file is compressed
    encoding: str = "utf-8"
    schema: dict[str, Any] | None = None  # the Table Schema, inline or read from its path
    schema_path: str | None = None  # the path it was read from, when it has one
    dialect: dict[str, Any] | None = None  # the Table Dialect, inline or read from its path
    dialect_path: str | None = None
    problems: list[Issue] = field(default_factory=list)  # what stops it from being read
    profile: str = "2.0"  # the Data Package profile version it is checked against
    spec: TableSpec | None = None  # how to read its rows, when it is a readable table

    @property
    def declares_table(self) -> bool:
        """The descriptor says it is a table: ``type: table``, a tabular profile or a schema."""
        d = self.descriptor
        profile = d.get("profile")
        return (
            d.get("type") == "table"
            or (isinstance(profile, str) and "tabular-data-resource" in profile)
            or "schema" in d
        )

    @property
    def tabular(self) -> bool:
        """Read as a table: declared so, or of a tabular format."""
        return (
            self.declares_table
            or self.format in TABULAR_FORMATS
            or self.format in ROW_FORMATS
            or self.format in UNREAD_TABLE_FORMATS
            or (self.inline and _rows(self.descriptor.get("data")))
        )

    @property
    def readable(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)


def _rows(data: Any) -> bool:
    """Inline data shaped as rows (arrays or objects), which frictionless-py reads as a table."""
    return isinstance(data, list) and bool(data) and all(isinstance(r, (list, dict)) for r in data)


@dataclass
class Package:
    """A Data Package as found on disk (or in a git commit, extracted)."""

    descriptor: dict[str, Any]
    root: Path  # the folder resource paths are relative to
    descriptor_path: Path | None  # None for a table wrapped into a package on the fly
    label: str  # as the user named it, for messages
    resources: list[Resource] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # found reading the descriptor
    given_schema: str | None = None  # a wrapped table's --schema file, as named, for messages
    _files: list[PackageFile] | None = field(default=None, repr=False, compare=False)

    @property
    def descriptor_label(self) -> str:
        """The descriptor's file name in messages (the table's, for a wrapped table)."""
        return self.descriptor_path.name if self.descriptor_path is not None else self.label

    @property
    def name(self) -> str:
        name = self.descriptor.get("name")
        return name if isinstance(name, str) and name else self.root.name

    @property
    def version(self) -> str | None:
        v = self.descriptor.get("version")
        return v if isinstance(v, str) else None

    def resource(self, name: str) -> Resource | None:
        return next((r for r in self.resources if r.name == name), None)

    def problems(self) -> list[Issue]:
        """Every error that stops some resource from being read, in descriptor order."""
        out = [i for i in self.issues if i.severity == ERROR]
        for res in self.resources:
            out.extend(p for p in res.problems if p.severity == ERROR)
        return out

    def files(self) -> list[PackageFile]:
        """Every file a copy of the package needs, with its size and sha256, sorted by path
        (:func:`statpub.package.integrity.package_files`); hashed once."""
        if self._files is None:
            self._files = package_files(self)
        return self._files

    def file(self, path: str) -> PackageFile | None:
        return next((f for f in self.files() if f.path == path), None)

    def data_files(self) -> list[PackageFile]:
        """The resources' files, in descriptor order."""
        files = self.files()
        return [f for res in self.resources for f in files if f.resource is res]
