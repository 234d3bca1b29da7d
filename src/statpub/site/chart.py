"""The figures as an inline SVG chart: one mark per observation, one panel per topic.

Counts in one package can run from tens to millions, so each panel has its own
linear scale from zero (a log scale would make bar lengths meaningless). Within
a panel bar lengths compare; across panels they do not, and the page says so.
Two layouts of the same marks: ``WIDE`` (760 px, the wording in a column to
the right of the bars) for screens that show it at full size, and ``NARROW``
(350 px, each figure's name and wording on a line above its bar, long labels
wrapped) for phones, so that no text is ever scaled below its set size; the
page's CSS shows one of them.

A figure that is only a bound must not look exact, so the mark depends on which
bounds the wording gives:

* exact      -- lower == upper (or no bounds): a solid bar from zero;
* lower-bound -- only a lower bound ("more than", "over"): a pale bar up to the
  bound, ending in an arrow that points on (the value is beyond it);
* upper-bound -- only an upper bound ("nearly"): a marker at the bound with an
  arrow pointing back (the value is a little below it), no bar;
* range      -- both bounds differ ("rounded", "hundreds"): a band between them,
  with a tick at the stated number when there is one;
* target     -- a target or plan (``obs_status`` F) is not a measurement, so it gets
  no bar at all: a hollow diamond at the planned level on a dotted guide, with its
  own legend entry.

Two figures of one indicator (a count in June and in October, or a count and its
target) are labelled with their periods, so no two rows read the same.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape
from typing import Any

from statpub.site.i18n import Words

EXACT, LOWER, UPPER, RANGE, NO_NUMBER = "exact", "lower-bound", "upper-bound", "range", "no-number"
TARGET = "target"
TARGET_STATUS = "F"  # SDMX "forecast value": statpub's code for targets and plans

ROW_H = 38  # wide layout: name line and bar
LINE_H = 15  # narrow layout: one wrapped line of 12 px text
BAR_H = 14
PANEL_HEAD = 46  # topic heading and tick labels
PANEL_GAP = 18
ARROW = 12  # px an open end pokes beyond its bound


@dataclass(frozen=True)
class Layout:
    id: str  # the svg's id; its title, description and pattern ids start with it
    width: int
    left: int
    plot_w: int
    stacked: bool  # wording above the bar (narrow) rather than in a right-hand column (wide)

    @property
    def value_x(self) -> int:
        return self.left + self.plot_w + 26  # wide: start of the column with the wording


WIDE = Layout("chart", 760, 16, 540, stacked=False)
NARROW = Layout("chart-narrow", 350, 12, 310, stacked=True)


@dataclass(frozen=True)
class Mark:
    indicator_id: str
    name: str
    kind: str
    value: float | None
    lower: float | None
    upper: float | None
    wording: str
    percent: bool
    title: str
    row: dict[str, Any] = field(compare=False, repr=False, default_factory=dict)
    period: str = ""  # the reference period code, e.g. 2025-06
    label: str = ""  # the row's label: the name, with the period when needed
    # On a page in another language than the wording's: what it says in the page's
    # language (statpub.site.i18n.rendering), drawn in its place; the tooltip and the
    # table give the wording verbatim beside it.
    rendering: str = ""

    @property
    def shown(self) -> str:
        return self.rendering or self.wording

    @property
    def is_target(self) -> bool:
        return self.kind == TARGET


@dataclass
class Panel:
    topic: str
    label: str
    percent: bool
    marks: list[Mark] = field(default_factory=list)
    words: Words = field(default_factory=Words)  # the language of its ticks

    @property
    def axis_max(self) -> float:
        if self.percent:
            return 100.0
        top = max(
            (x for m in self.marks for x in (m.value, m.lower, m.upper) if x is not None),
            default=0.0,
        )
        if top <= 0:
            return 1.0
        step = nice_step(top)
        return math.ceil(top / step) * step

    @property
    def ticks(self) -> list[float]:
        top = self.axis_max
        step = 25.0 if self.percent else nice_step(top)
        return [i * step for i in range(int(round(top / step)) + 1)]


def kind_of(value: float | None, lower: float | None, upper: float | None) -> str:
    if lower is not None and upper is not None:
        return EXACT if lower == upper else RANGE
    if lower is not None:
        return LOWER
    if upper is not None:
        return UPPER
    return EXACT if value is not None else NO_NUMBER


def nice_step(top: float, target: int = 4) -> float:
    """A round tick step giving about ``target`` intervals up to ``top``."""
    raw = top / target
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * magnitude >= raw:
            return m * magnitude
    return 10 * magnitude


def format_tick(x: float, percent: bool, words: Words | None = None) -> str:
    words = words or Words()
    if percent:
        return words.number(float(f"{x:g}"), percent=True)
    if x >= 1_000_000:
        return words("million", n=words.number(float(f"{x / 1_000_000:g}")))
    return words.number(x)


def build_panels(
    observations: list[dict[str, Any]],
    indicators: dict[str, dict[str, Any]],
    topic_labels: dict[str, str],
    describe: Any,
    words: Words | None = None,
) -> list[Panel]:
    """Group observations into panels by topic (and unit), in the topics' code-list order.

    ``describe(row)`` gives a mark's tooltip text (the same words as the table);
    ``words`` the language of the labels, the legend and the ticks.
    """
    words = words or Words()
    panels: dict[tuple[str, bool], Panel] = {}
    per_indicator: dict[str, int] = {}
    for row in observations:
        per_indicator[row["indicator_id"]] = per_indicator.get(row["indicator_id"], 0) + 1
    for row in observations:
        ind = indicators.get(row["indicator_id"], {})
        topic = str(ind.get("topic") or "other")
        percent = row.get("unit") == "percent"
        key = (topic, percent)
        if key not in panels:
            label = topic_labels.get(topic, topic)
            suffix = f" {words('percentage')}" if percent else ""
            panels[key] = Panel(topic, label + suffix, percent, words=words)
        name = str(ind.get("name") or row["indicator_id"])
        lower, upper, value = row.get("lower_bound"), row.get("upper_bound"), row.get("value")
        target = row.get("obs_status") == TARGET_STATUS
        several = per_indicator[row["indicator_id"]] > 1
        label = row_label(name, row, target, several, words)
        panels[key].marks.append(
            Mark(
                indicator_id=row["indicator_id"],
                name=name,
                kind=TARGET if target else kind_of(value, lower, upper),
                value=value,
                lower=lower,
                upper=upper,
                wording=str(row.get("value_wording") or ""),
                percent=percent,
                title=f"{label}: {describe(row)}",
                row=row,
                period=str(row.get("time_period") or ""),
                label=label,
            )
        )
    order = list(topic_labels)
    return sorted(
        panels.values(),
        key=lambda p: (
            order.index(p.topic) if p.topic in order else len(order),
            p.topic,
            p.percent,
        ),
    )


def row_label(
    name: str, row: dict[str, Any], target: bool, several: bool, words: Words | None = None
) -> str:
    """The indicator's name, with the period when the indicator has several figures."""
    words = words or Words()
    period = words.period(str(row.get("time_period") or ""), row.get("period_type"))
    if target:
        return words("target_by", name=name, period=period)
    return f"{name}, {period}" if several else name


def render_svg(
    panels: list[Panel], title: str, layout: Layout = WIDE, words: Words | None = None
) -> str:
    words = words or Words()
    body: list[str] = []
    targets = any(m.is_target for p in panels for m in p.marks)
    legend, y = _legend(layout, targets, words)
    body.append(legend)
    for panel in panels:
        svg, y = _panel(panel, y, layout)
        body.append(svg)
    height = y
    i = layout.id
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{i}" class="chart chart-{_kind(layout)}" '
        f'role="img" viewBox="0 0 {layout.width} {height}" width="{layout.width}" '
        f'height="{height}" aria-labelledby="{i}-title {i}-desc">'
        f'<title id="{i}-title">{escape(title)}</title>'
        f'<desc id="{i}-desc">{escape(words("chart_desc"))}</desc>'
        f'<defs><pattern id="{i}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" class="range-bg"/>'
        '<line x1="0" y1="0" x2="0" y2="6" class="range-line"/></pattern></defs>'
    )
    return head + "".join(body) + "</svg>"


def _kind(layout: Layout) -> str:
    return "narrow" if layout.stacked else "wide"


def text_width(text: str, size: float, bold: bool = False) -> float:
    """A generous estimate of ``text``'s width in px (DejaVu Sans, one of the widest)."""
    em = 0.0
    for c in text:
        if c in "il.,:;'|!()[] ":
            em += 0.34
        elif c.isupper() or c in "mw%":
            em += 0.8
        else:
            em += 0.62
    return em * size * (1.08 if bold else 1.0)


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` in lines that fit ``width`` px (a word longer than a line keeps its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size, bold) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]


def _lines(lines: list[str], x: float, y: float, cls: str, anchor: str = "start") -> str:
    """One <text> with a <tspan> per line, the first baseline at ``y``."""
    spans = "".join(
        f'<tspan x="{x}" dy="{0 if n == 0 else LINE_H}">{escape(line)}</tspan>'
        for n, line in enumerate(lines)
    )
    return f'<text class="{cls}" x="{x}" y="{y}" text-anchor="{anchor}">{spans}</text>'


def _x(v: float, top: float, layout: Layout) -> float:
    return round(layout.left + layout.plot_w * (v / top), 2)


def _legend(layout: Layout, targets: bool = False, words: Words | None = None) -> tuple[str, float]:
    words = words or Words()
    items = [
        (EXACT, words("legend_exact")),
        (LOWER, words("legend_lower")),
        (UPPER, words("legend_upper")),
        (RANGE, words("legend_range")),
    ]
    if targets:
        items.append((TARGET, words("legend_target")))
    left = layout.left
    text_x = left + 70
    out = ['<g class="legend" aria-hidden="true">']
    row_y = 6.0
    for kind, text in items:
        lines = wrap(text, layout.width - text_x - left, 12) if layout.stacked else [text]
        out.append(f'<g class="legend-key legend-{kind}">')
        lo = left + (30 if kind == LOWER else 8)
        point = left + 30 if kind in (RANGE, TARGET) else left + 40
        out.append(_shape(kind, left, lo, left + 44, point, row_y, 12, layout.id))
        out.append(_lines(lines, text_x, row_y + 10, "legend-text") + "</g>")
        row_y += 20 + LINE_H * (len(lines) - 1)
    out.append("</g>")
    return "".join(out), row_y + 14


def _panel(panel: Panel, y: float, layout: Layout) -> tuple[str, float]:
    top = panel.axis_max
    out = [f'<g class="panel" data-topic="{escape(panel.topic)}">']
    title = wrap(panel.label, layout.width - 2 * layout.left, 14, bold=True)
    if not layout.stacked:
        title = [panel.label]
    out.append(_lines(title, layout.left, y + 16, "panel-title"))
    y += LINE_H * (len(title) - 1)
    rows_top = y + PANEL_HEAD
    marks, row_y = [], rows_top
    for mark in panel.marks:
        svg, row_y = _mark(mark, row_y, top, layout)
        marks.append(svg)
    grid_top, grid_bottom = rows_top - 4, row_y
    ticks = panel.ticks
    labelled = _labelled_ticks(ticks, top, panel.percent, layout, panel.words)
    for n, t in enumerate(ticks):
        x = _x(t, top, layout)
        out.append(f'<line class="grid" x1="{x}" y1="{grid_top}" x2="{x}" y2="{grid_bottom}"/>')
        if n not in labelled:
            continue
        out.append(
            f'<text class="tick" x="{x}" y="{y + PANEL_HEAD - 10}" '
            f'text-anchor="{_tick_anchor(n, len(ticks), layout)}">'
            f"{escape(format_tick(t, panel.percent, panel.words))}</text>"
        )
    out.extend(marks)
    out.append("</g>")
    return "".join(out), grid_bottom + PANEL_GAP


def _tick_anchor(n: int, count: int, layout: Layout) -> str:
    if n == 0:
        return "start"
    return "end" if layout.stacked and n == count - 1 else "middle"  # narrow: stay inside


def _labelled_ticks(
    ticks: list[float], top: float, percent: bool, layout: Layout, words: Words | None = None
) -> set[int]:
    """Which ticks get a label: all, or every other one when the labels would touch."""
    spans = []
    for n, t in enumerate(ticks):
        x, w = _x(t, top, layout), text_width(format_tick(t, percent, words), 11)
        anchor = _tick_anchor(n, len(ticks), layout)
        lo = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
        spans.append((lo, lo + w))
    if all(b[0] - a[1] >= 6 for a, b in zip(spans, spans[1:], strict=False)):
        return set(range(len(ticks)))
    return set(range(0, len(ticks), 2))


def _wording_class(mark: Mark) -> str:
    return "rendering wording" if mark.rendering else "wording"


def _mark(mark: Mark, y: float, top: float, layout: Layout) -> tuple[str, float]:
    """One figure's row from ``y``; returns its svg and where the next row starts."""
    left = layout.left
    if layout.stacked:  # name (wrapped) and wording on the lines above the bar
        right = layout.width - left
        room = layout.width - 2 * left - text_width(mark.shown, 12, bold=True) - 12
        name = wrap(mark.label, room, 12)
        label = _lines(name, left, y + 12, "row-label")
        label += _lines([mark.shown], right, y + 12, _wording_class(mark), anchor="end")
        bar_y = y + 20 + LINE_H * (len(name) - 1)
        after = ""
        end = bar_y + BAR_H + 9
    else:
        label = f'<text class="row-label" x="{left}" y="{y + 12}">{escape(mark.label)}</text>'
        bar_y = y + 17
        after = (
            f'<text class="{_wording_class(mark)}" x="{layout.value_x}" y="{bar_y + 11}">'
            f"{escape(mark.shown)}</text>"
        )
        end = y + ROW_H

    def x(v: float | None) -> float | None:
        return None if v is None else _x(v, top, layout)

    point = mark.value if mark.kind != EXACT or mark.lower is None else mark.lower
    shape = _shape(mark.kind, left, x(mark.lower), x(mark.upper), x(point), bar_y, BAR_H, layout.id)
    svg = (
        f'<g class="mark mark-{mark.kind}" data-indicator="{escape(mark.indicator_id)}" '
        f'data-period="{escape(mark.period)}">'
        f"<title>{escape(mark.title)}</title>{label}{shape}"
        f"{after}</g>"
    )
    return svg, end


def _shape(
    kind: str,
    x0: float,
    lo: float | None,
    hi: float | None,
    point: float | None,
    y: float,
    h: float,
    svg_id: str,
) -> str:
    """One mark's drawing: ``x0`` is zero on the axis, the others are pixel positions."""
    mid = y + h / 2
    if kind == EXACT and point is not None:
        width = max(point - x0, 1)
        return f'<rect class="bar bar-exact" x="{x0}" y="{y}" width="{width:.2f}" height="{h}"/>'
    if kind == LOWER and lo is not None:
        return (
            f'<rect class="bar bar-lower" x="{x0}" y="{y}" '
            f'width="{max(lo - x0, 1):.2f}" height="{h}"/>'
            f'<polygon class="arrow" points="{lo},{y - 3} {lo + ARROW},{mid} {lo},{y + h + 3}"/>'
        )
    if kind == UPPER and hi is not None:
        tail = hi - 3 * ARROW
        return (
            f'<line class="reach" x1="{hi}" y1="{mid}" x2="{tail + 6}" y2="{mid}"/>'
            f'<polygon class="reach-head" '
            f'points="{tail + 7},{y + 1} {tail},{mid} {tail + 7},{y + h - 1}"/>'
            f'<rect class="marker" x="{hi - 3}" y="{y - 3}" width="6" height="{h + 6}"/>'
        )
    if kind == TARGET and point is not None:
        r = h / 2 + 1
        return (
            f'<line class="target-guide" x1="{x0}" y1="{mid}" x2="{point - r:.2f}" y2="{mid}"/>'
            f'<polygon class="target-mark" points="{point},{mid - r} {point + r},{mid} '
            f'{point},{mid + r} {point - r},{mid}"/>'
        )
    if kind == RANGE and lo is not None and hi is not None:
        if hi - lo < 6:  # a narrow range (6.85 to 6.95 million) must stay visible
            lo, hi = (lo + hi) / 2 - 3, (lo + hi) / 2 + 3
        out = (
            f'<rect class="band" x="{lo:.2f}" y="{y}" width="{hi - lo:.2f}" height="{h}" '
            f'fill="url(#{svg_id}-hatch)"/>'
        )
        if point is not None:
            out += (
                f'<line class="tick-value" x1="{point}" y1="{y - 4}" '
                f'x2="{point}" y2="{y + h + 4}"/>'
            )
        return out
    return f'<text class="no-number" x="{x0}" y="{y + h - 2}">no number given</text>'
