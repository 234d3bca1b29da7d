"""What the table page shows for each table of any package.

A package that does not follow the figure model (``observations`` and
``indicators``) gets one section per table: its data dictionary (every field
with type, constraints, codes; the key, foreign keys and missing-value
markers), a preview of its first rows, and a time chart when it has a time
field and a numeric measure (:mod:`statpub.site.timechart`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from statpub.package import Package, read_table
from statpub.package import languages as langs
from statpub.site import timechart
from statpub.site.dictionary import constraints_text, field_codes, parquet_type
from statpub.site.i18n import Words

if TYPE_CHECKING:
    import pyarrow as pa

PREVIEW_ROWS = 10


@dataclass
class TableSection:
    name: str
    title: str
    description: str
    path: str
    rows: int
    primary_key: list[str]
    foreign_keys: list[str]  # "district → districts.code"
    missing: list[str]  # how each missing-value marker reads
    fields: list[dict[str, Any]]
    columns: list[str]
    preview: list[list[str | None]]  # None: a missing value
    chart: timechart.TimeChart | None = None
    chart_svgs: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "rows": self.rows,
            "chart": None
            if self.chart is None
            else {"series": len(self.chart.series), "points": self.chart.points},
        }


def table_sections(pkg: Package, lang: str | None = None) -> list[TableSection]:
    """One section per tabular CSV resource with a schema, in descriptor order, its
    titles, descriptions and code labels in ``lang`` where translated (default: the
    package's default language)."""
    default = langs.languages(pkg.descriptor)[0]
    lang = lang or default
    sections = []
    read: dict[str, pa.Table] = {}
    for res in pkg.resources:
        if res.format == "csv" and res.schema is not None and res.paths:
            read[str(res.name)] = read_table(res)
    for res in pkg.resources:
        if str(res.name) not in read or res.schema is None:
            continue
        schema = res.schema
        table = read[str(res.name)]
        title = str(langs.text(res.descriptor, "title", lang, default) or res.name)
        names = _lookup_names(pkg, schema, read)
        chart = timechart.time_chart(
            str(res.name), title, schema, table, names, Words(lang), default
        )
        head = table.slice(0, PREVIEW_ROWS).to_pylist()
        columns = [f["name"] for f in schema["fields"]]
        sections.append(
            TableSection(
                name=str(res.name),
                title=title,
                description=str(langs.text(res.descriptor, "description", lang, default) or ""),
                path=str(res.paths[0]),
                rows=table.num_rows,
                primary_key=_list(schema.get("primaryKey")),
                foreign_keys=[
                    _foreign_key(str(res.name), fk) for fk in schema.get("foreignKeys") or []
                ],
                missing=_missing(schema, Words(lang)),
                fields=[_field(f, lang, default) for f in schema["fields"]],
                columns=columns,
                preview=[[_cell(row.get(c)) for c in columns] for row in head],
                chart=chart,
                chart_svgs=[]
                if chart is None
                else [
                    timechart.render_svg(chart, layout)
                    for layout in (timechart.WIDE, timechart.NARROW)
                ],
            )
        )
    return sections


def _lookup_names(
    pkg: Package, schema: dict[str, Any], read: dict[str, pa.Table]
) -> dict[str, dict[str, str]]:
    """Per single-field foreign key, each code's name in the table it points to: the
    first string field there outside its key ("0101" -> "Old Town")."""
    out: dict[str, dict[str, str]] = {}
    for fk in schema.get("foreignKeys") or []:
        here, ref = _list(fk.get("fields")), fk.get("reference", {})
        there, target = _list(ref.get("fields")), ref.get("resource")
        lookup = pkg.resource(target) if target else None
        if len(here) != 1 or len(there) != 1 or lookup is None or lookup.schema is None:
            continue
        name = next(
            (
                f["name"]
                for f in lookup.schema["fields"]
                if f.get("type", "string") == "string" and f["name"] not in there
            ),
            None,
        )
        table = read.get(str(lookup.name))
        if name is None or table is None:
            continue
        codes, labels = table.column(there[0]).to_pylist(), table.column(name).to_pylist()
        out[here[0]] = {str(c): str(n) for c, n in zip(codes, labels, strict=True) if n}
    return out


def _field(f: dict[str, Any], lang: str, default: str) -> dict[str, Any]:
    return {
        "name": f["name"],
        "title": langs.text(f, "title", lang, default) or "",
        "type": f.get("type", "string"),
        "format": f.get("format", "default"),
        "parquet": parquet_type(f),
        "constraints": constraints_text(f, Words(lang)).replace("`", ""),
        "description": langs.text(f, "description", lang, default) or "",
        "codes": [(str(v), str(label)) for v, label in field_codes(f, lang, default)],
    }


def _foreign_key(name: str, fk: dict[str, Any]) -> str:
    ref = fk.get("reference", {})
    target = ref.get("resource") or name
    here = ", ".join(_list(fk.get("fields")))
    there = ", ".join(f"{target}.{f}" for f in _list(ref.get("fields")))
    return f"{here} \u2192 {there}"


def _missing(schema: dict[str, Any], words: Words) -> list[str]:
    out = []
    for mv in schema.get("missingValues", [""]):
        value, label = (
            (mv.get("value", ""), mv.get("label")) if isinstance(mv, dict) else (mv, None)
        )
        shown = words("empty_cell") if value == "" else f"\u201c{value}\u201d"
        out.append(shown + (f" ({label})" if label else ""))
    return out


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])
