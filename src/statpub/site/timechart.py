"""A line chart for any table with a time field and a numeric measure.

The table page (any package without the figure model) draws one chart per table
that has a time-like field (``date``, ``datetime``, ``year``, ``yearmonth``)
and a numeric measure outside its key: one line per series, a series being one
value of the key's other fields (a district and a sex, say). Times are placed
by their value, not their rank, so a gap of years reads as a gap. A missing
value breaks its line rather than being drawn as zero. At most ``MAX_SERIES``
lines, the first in key order, so the chart stays readable; the caption says
how many there are and the preview and downloads hold every row.

Two layouts, as for the figure chart: ``wide`` (760 px) and ``narrow`` (350 px,
legend wrapped) so that no text is scaled below its set size.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from statpub.site.chart import format_tick, nice_step, text_width, wrap
from statpub.site.i18n import Words

if TYPE_CHECKING:
    import pyarrow as pa

TIME_TYPES = ("date", "datetime", "year", "yearmonth")
NUMERIC_TYPES = ("integer", "number")
MAX_SERIES = 6
SEPARATOR = "\x1f"  # joins a series' key values; sorts before any printable character
FONT = 12  # chart text, px
TICK_FONT = 11


@dataclass(frozen=True)
class Layout:
    kind: str  # "wide" or "narrow": the CSS shows one of them
    width: int
    plot_h: int


WIDE = Layout("wide", 760, 260)
NARROW = Layout("narrow", 350, 220)


@dataclass(frozen=True)
class Point:
    x: float
    time: str
    value: float | None


@dataclass
class Series:
    label: str
    points: list[Point] = field(default_factory=list)


@dataclass
class TimeChart:
    table: str
    title: str
    time_field: str
    measure: str  # the measure's title (or name)
    series: list[Series]
    total_series: int
    words: Words = field(default_factory=Words)  # the language of its caption and ticks

    @property
    def points(self) -> int:
        return sum(1 for s in self.series for p in s.points if p.value is not None)

    @property
    def caption(self) -> str:
        shown, words = len(self.series), self.words
        text = words("tc_by", measure=self.measure, time=self.time_field)
        if self.total_series > shown:
            text += words("tc_first", n=shown, total=self.total_series)
        elif shown > 1:
            text += words("tc_series", n=shown)
        return text + words("tc_gap")


def time_field(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The first time-like field of the primary key, else the first time-like field."""
    times = [f for f in schema["fields"] if f.get("type") in TIME_TYPES]
    keyed = [f for f in times if f["name"] in _list(schema.get("primaryKey"))]
    return (keyed or times or [None])[0]


def measure_field(schema: dict[str, Any], time: str) -> dict[str, Any] | None:
    """The first integer or number field that is not part of a key, nor the time."""
    keyed = set(_list(schema.get("primaryKey")))
    for fk in schema.get("foreignKeys") or []:
        keyed.update(_list(fk.get("fields")))
    return next(
        (
            f
            for f in schema["fields"]
            if f.get("type") in NUMERIC_TYPES and f["name"] not in keyed and f["name"] != time
        ),
        None,
    )


def time_chart(
    name: str,
    title: str,
    schema: dict[str, Any],
    table: pa.Table,
    names: dict[str, dict[str, str]] | None = None,
    words: Words | None = None,
    default: str = "en",
) -> TimeChart | None:
    """The chart of ``table`` (read with ``schema``), or None when it has no time or measure.

    ``words``: the language of its caption and numbers (field titles translated into it
    where the schema has them; ``default`` is the schema's default language).

    ``names``: per field, a code's name from the lookup table its foreign key
    points to, shown after the code in the series' labels ("0101 Old Town").
    """
    words = words or Words()

    tf = time_field(schema)
    if tf is None:
        return None
    mf = measure_field(schema, tf["name"])
    if mf is None:
        return None
    fields = {f["name"]: f for f in schema["fields"]}
    split = [k for k in _list(schema.get("primaryKey")) if k != tf["name"] and k in fields]
    if not schema.get("primaryKey"):
        split = [
            f["name"]
            for f in schema["fields"]
            if f.get("type", "string") == "string" and f["name"] != tf["name"]
        ]
    needed = [*split, tf["name"], mf["name"]]
    if any(n not in table.column_names for n in needed):
        return None  # the file does not hold what its schema says (validate reports it)
    table, total = _first_series(table, split)
    columns = {n: table.column(n).to_pylist() for n in needed}
    labels = {n: _category_labels(fields[n], words, default) for n in split}
    for n, named in (names or {}).items():
        if n in labels:
            labels[n] = {code: f"{code} {label}" for code, label in named.items()} | labels[n]
    grouped: dict[tuple[str, ...], Series] = {}
    for i, when in enumerate(columns[tf["name"]]):
        if when is None:
            continue
        key = tuple("" if columns[n][i] is None else str(columns[n][i]) for n in split)
        series = grouped.get(key)
        if series is None:
            text = ", ".join(labels[n].get(v, v) for n, v in zip(split, key, strict=True))
            series = grouped[key] = Series(text or str(mf.get("title") or mf["name"]))
        value = columns[mf["name"]][i]
        series.points.append(
            Point(_position(when), _time_text(when), None if value is None else float(value))
        )
    if not any(p.value is not None for s in grouped.values() for p in s.points):
        return None
    if all(len(s.points) < 2 for s in grouped.values()):
        return None  # one time per series (a "last updated" date, say): nothing to draw over time
    ordered = [grouped[k] for k in sorted(grouped)]
    for s in ordered:
        s.points.sort(key=lambda p: p.x)
    return TimeChart(
        table=name,
        title=title,
        time_field=str(_text(tf, "title", words, default) or tf["name"]).lower(),
        measure=str(_text(mf, "title", words, default) or mf["name"]),
        series=ordered[:MAX_SERIES],
        total_series=total,
        words=words,
    )


def _category_labels(field: dict[str, Any], words: Words, default: str) -> dict[str, str]:
    """Code -> its label in the chart's language (else the default's, else the code)."""
    out: dict[str, str] = {}
    for c in _list(field.get("categories")):
        if isinstance(c, dict) and "value" in c:
            out[str(c["value"])] = str(_text(c, "label", words, default) or c["value"])
    return out


def _text(obj: dict[str, Any], key: str, words: Words, default: str) -> Any:
    from statpub.package.languages import text

    return text(obj, key, words.lang, default)


def _first_series(table: pa.Table, split: list[str]) -> tuple[pa.Table, int]:
    """Only the rows of the first :data:`MAX_SERIES` series in key order, and how many
    series there are: found with Arrow kernels, so a table of millions of rows is not
    turned into Python values."""
    import pyarrow as pa

    from statpub.tables import compute

    if not split:
        return table, 1
    texts = []
    for n in split:
        column = table.column(n).combine_chunks()
        if pa.types.is_dictionary(column.type):
            column = compute.dictionary_decode(column)
        texts.append(compute.fill_null(compute.cast(column, pa.string()), ""))
    joined = compute.binary_join_element_wise(*texts, SEPARATOR) if len(texts) > 1 else texts[0]
    keys = joined.unique()
    # UTF-8's byte order is its code points' order: Arrow sorts as Python would.
    order = compute.call_function("array_sort_indices", [keys])
    first = compute.take(keys, order.slice(0, MAX_SERIES))
    return table.filter(compute.is_in(joined, value_set=first)), len(keys)


def _position(value: Any) -> float:
    if isinstance(value, dt.datetime):
        return value.timestamp() / 86400
    if isinstance(value, dt.date):
        return float(value.toordinal())
    if isinstance(value, str):  # yearmonth
        year, _, month = value.partition("-")
        return int(year) + (int(month) - 1) / 12
    return float(value)


def _time_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def render_svg(chart: TimeChart, layout: Layout) -> str:
    svg_id = f"chart-{chart.table}-{layout.kind}"
    width = layout.width
    legend, top = _legend(chart, layout)
    values = [p.value for s in chart.series for p in s.points if p.value is not None]
    low, high = min(0.0, min(values)), max(values)
    step = nice_step(high - low) if high > low else 1.0
    y_max = math.ceil(high / step) * step if high > 0 else 0.0
    y_min = math.floor(low / step) * step
    ticks = [y_min + i * step for i in range(int(round((y_max - y_min) / step)) + 1)]
    left = 10 + max(text_width(format_tick(t, False, chart.words), TICK_FONT) for t in ticks)
    right = width - 24
    plot_bottom = top + 8 + layout.plot_h

    def y(v: float) -> float:
        return round(plot_bottom - (v - y_min) / ((y_max - y_min) or 1) * layout.plot_h, 2)

    times = sorted({(p.x, p.time) for s in chart.series for p in s.points})
    x_lo, x_hi = times[0][0], times[-1][0]

    def x(v: float) -> float:
        if x_hi == x_lo:
            return round((left + right) / 2, 2)
        return round(left + 12 + (v - x_lo) / (x_hi - x_lo) * (right - left - 24), 2)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{svg_id}" '
        f'class="chart chart-{layout.kind} timechart" role="img" '
        f'viewBox="0 0 {width} {plot_bottom + 40}" width="{width}" height="{plot_bottom + 40}" '
        f'aria-labelledby="{svg_id}-title {svg_id}-desc">'
        f'<title id="{svg_id}-title">{escape(chart.title)}: {escape(chart.caption)}</title>'
        f'<desc id="{svg_id}-desc">{escape(chart.words("tc_desc"))}</desc>',
        legend,
    ]
    for t in ticks:
        out.append(f'<line class="grid" x1="{left}" y1="{y(t)}" x2="{right}" y2="{y(t)}"/>')
        out.append(
            f'<text class="tick" x="{left - 6}" y="{y(t) + 4}" text-anchor="end">'
            f"{escape(format_tick(t, False, chart.words))}</text>"
        )
    for n, (pos, label) in enumerate(times):
        if n % _every(times, x, layout) == 0:
            out.append(
                f'<text class="tick" x="{x(pos)}" y="{plot_bottom + 20}" '
                f'text-anchor="{_anchor(x(pos), label, width)}">{escape(label)}</text>'
            )
    for i, s in enumerate(chart.series):
        out.append(f'<g class="series s{i}" data-series="{escape(s.label)}">')
        for run in _runs(s.points):
            coords = " ".join(f"{x(p.x)},{y(p.value or 0.0)}" for p in run)
            out.append(f'<polyline class="line" points="{coords}"/>')
        for p in s.points:
            if p.value is None:
                continue
            shown = format_tick(p.value, False, chart.words)
            out.append(
                f'<circle class="point" cx="{x(p.x)}" cy="{y(p.value)}" r="3">'
                f"<title>{escape(s.label)}, {escape(p.time)}: {escape(shown)}</title></circle>"
            )
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _runs(points: list[Point]) -> list[list[Point]]:
    """The stretches of a series without a missing value: a line never bridges a gap."""
    runs: list[list[Point]] = [[]]
    for p in points:
        if p.value is None:
            runs.append([])
        else:
            runs[-1].append(p)
    return [r for r in runs if len(r) > 1]


def _every(times: list[tuple[float, str]], x: Any, layout: Layout) -> int:
    """Label every n-th time so that the labels never touch."""
    widest = max(text_width(label, TICK_FONT) for _, label in times) + 8
    room = (x(times[-1][0]) - x(times[0][0])) / max(len(times) - 1, 1)
    return max(1, math.ceil(widest / room)) if room > 0 else 1


def _anchor(pos: float, label: str, width: int) -> str:
    half = text_width(label, TICK_FONT) / 2
    if pos - half < 2:
        return "start"
    return "end" if pos + half > width - 2 else "middle"


def _legend(chart: TimeChart, layout: Layout) -> tuple[str, float]:
    """One key per series (line and dash of its own), wrapped to the chart's width."""
    out = ['<g class="legend" aria-hidden="true">']
    x, y = 12.0, 18.0
    for i, s in enumerate(chart.series):
        lines = wrap(s.label, layout.width - 60, FONT)
        w = 34 + max(text_width(line, FONT) for line in lines)
        if x > 12 and x + w > layout.width - 12:
            x, y = 12.0, y + 20
        out.append(
            f'<g class="s{i}"><line class="line" x1="{x}" y1="{y - 4}" x2="{x + 26}" '
            f'y2="{y - 4}"/><text x="{x + 32}" y="{y}">{escape(lines[0])}</text></g>'
        )
        x += w + 16
        for extra in lines[1:]:
            y += 16
            out.append(f'<text x="44" y="{y}">{escape(extra)}</text>')
            x = float(layout.width)  # the next key starts a line of its own
    out.append("</g>")
    return "".join(out), y + 8


def _list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])
