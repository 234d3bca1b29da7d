"""Read one source file, ``figures/sources/<id>.yml``: the source record and its figures.

Each figure is typed field by field and checked on its own: codes, period,
bounds against the qualifier, plausibility from the indicator's unit and range,
the wording's numbers against the value, and the period against the source's
publication date. Problems are collected with their file, line and field.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from statpub.errors import InvalidInput
from statpub.figures import periods, plausible, wording
from statpub.figures.bounds import bounds_problem
from statpub.figures.reader import FieldReader
from statpub.figures.records import Corroboration, Figure, Indicator, Source
from statpub.report import Issue

SHA256 = re.compile(r"^[0-9a-f]{64}$")

SOURCE_FIELDS = {
    "id",
    "title",
    "url",
    "publisher",
    "published",
    "accessed",
    "language",
    "sha256",
    "description",
}
FIGURE_FIELDS = {
    "indicator",
    "ref_area",
    "period",
    "period_type",
    "period_wording",
    "period_reading",
    "value",
    "qualifier",
    "lower_bound",
    "upper_bound",
    "obs_status",
    "wording",
    "quote",
    "paragraph",
    "note",
    "reason",  # why the figure changed since the last release; read by `statpub release`
    "also_reported_by",  # corroborating sources: [{source, quote, paragraph}]
}
CORROBORATION_FIELDS = {"source", "quote", "paragraph"}


def read_source_file(
    display: str, path: Path, indicators: dict[str, Indicator], vocab: dict[str, list[str]]
) -> tuple[Source | None, list[Figure], list[Issue], int]:
    """The source, its figures, the problems found and the line of the source's sha256."""
    try:
        reader = FieldReader(path, display)
    except InvalidInput as exc:
        return None, [], exc.issues, 0
    data = reader.mapping(reader.data, (), {"source", "figures"}, "source file")
    if data is None:
        return None, [], reader.issues, 0
    source = _read_source(reader, data.get("source"), path)
    figs: list[Figure] = []
    entries = data.get("figures")
    if not isinstance(entries, list):
        reader.error("figures-structure", "a source file needs a 'figures:' list", (), "figures")
        entries = []
    for n, entry in enumerate(entries):
        fig = _read_figure(reader, entry, ("figures", n), source, indicators, vocab)
        if fig is not None:
            figs.append(fig)
    return source, figs, reader.issues, reader.line("source", "sha256") or 0


def _read_source(reader: FieldReader, entry: Any, path: Path) -> Source | None:
    key: tuple[str | int, ...] = ("source",)
    e = reader.mapping(entry, key, SOURCE_FIELDS, "source")
    if e is None:
        return None
    sid = reader.text(e, key, "id")
    if sid and sid != path.stem:
        reader.error(
            "figures-bad-id",
            f"source id {sid!r} must match the file name {path.stem!r}",
            (*key, "id"),
            "id",
        )
    published = reader.text(e, key, "published")
    if published:
        try:
            periods.resolve(published)
            if "/" in published:
                raise periods.PeriodError("a publication date is a single date")
        except periods.PeriodError as exc:
            reader.error(
                "figures-bad-date",
                f"published: {exc}; write YYYY, YYYY-MM or YYYY-MM-DD",
                (*key, "published"),
                "published",
            )
            published = None
    sha = reader.text(e, key, "sha256", required=False)
    if sha and not SHA256.match(sha):
        reader.error(
            "figures-bad-hash",
            "sha256 must be 64 lower-case hex digits",
            (*key, "sha256"),
            "sha256",
        )
    values = [
        sid,
        reader.text(e, key, "title"),
        reader.text(e, key, "publisher"),
        published,
        reader.text(e, key, "language"),
        reader.text(e, key, "description"),
    ]
    url = reader.text(e, key, "url", required=False)
    accessed = reader.date(e, key, "accessed", required=False)
    if any(v is None for v in values):
        return None
    sid, title, publisher, published, language, description = (str(v) for v in values)
    return Source(sid, title, url, publisher, published, accessed, language, sha, description)


def _read_figure(
    reader: FieldReader,
    entry: Any,
    key: tuple[str | int, ...],
    source: Source | None,
    indicators: dict[str, Indicator],
    vocab: dict[str, list[str]],
) -> Figure | None:
    e = reader.mapping(entry, key, FIGURE_FIELDS, "figure")
    if e is None:
        return None
    before = len(reader.issues)
    ind_id = reader.text(e, key, "indicator")
    indicator = indicators.get(ind_id or "")
    if ind_id and indicator is None:
        reader.error(
            "figures-unknown-indicator",
            f"indicator {ind_id!r} is not defined in indicators.yml; add it there or fix the id",
            (*key, "indicator"),
            "indicator",
        )
    ref_area = reader.code(e, key, "ref_area", vocab.get("observations.ref_area", []))
    period = reader.text(e, key, "period")
    start: dt.date | None = None
    end: dt.date | None = None
    if period:
        try:
            start, end = periods.resolve(period)
        except periods.PeriodError as exc:
            reader.error(
                "figures-bad-period",
                f"period: {exc}; write e.g. 2024, 2025-06, 2025-01/2025-06 or ../2025-06",
                (*key, "period"),
                "period",
            )
    period_type = reader.code(e, key, "period_type", vocab.get("observations.period_type", []))
    qualifier = reader.code(e, key, "qualifier", vocab.get("observations.qualifier", []))
    obs_status = reader.code(e, key, "obs_status", vocab.get("observations.obs_status", []))
    value = reader.number(e, key, "value", required=qualifier != "order-of-magnitude")
    lower = reader.number(e, key, "lower_bound", required=False)
    upper = reader.number(e, key, "upper_bound", required=False)
    if qualifier == "exact" and value is not None:
        lower = value if lower is None else lower
        upper = value if upper is None else upper
    texts = {n: reader.text(e, key, n) for n in ("wording", "quote", "period_reading")}
    period_wording = reader.text(e, key, "period_wording", required=False)
    note = reader.text(e, key, "note", required=False)
    paragraph = reader.number(e, key, "paragraph", required=True)
    if paragraph is not None and (paragraph < 1 or not paragraph.is_integer()):
        reader.error(
            "figures-bad-paragraph",
            "paragraph must be a whole number from 1",
            (*key, "paragraph"),
            "paragraph",
        )
    if qualifier is not None and len(reader.issues) == before:
        problem = bounds_problem(qualifier, value, lower, upper)
        if problem:
            reader.error("bounds-inconsistent", problem, key, "lower_bound")
    if len(reader.issues) == before and indicator is not None and source is not None:
        # Bounds an exact figure takes from its value are checked as the value.
        given = {
            "value": value,
            "lower_bound": lower if e.get("lower_bound") is not None else None,
            "upper_bound": upper if e.get("upper_bound") is not None else None,
        }
        found: list[plausible.Problem | None] = [
            *plausible.unit_problems(indicator.unit, given, indicator.minimum, indicator.maximum),
            plausible.wording_problem(str(texts["wording"]), source.language, value, lower, upper),
        ]
        if end is not None and obs_status is not None:
            found.append(
                plausible.period_problem(
                    str(period), end, obs_status, _published_end(source), source.published
                )
            )
        # The words are compared once the numbers agree, so a mistake is named once.
        if qualifier is not None and obs_status is not None and not any(found):
            found += wording.problems(
                wording=str(texts["wording"]),
                quote=str(texts["quote"]),
                language=source.language,
                qualifier=qualifier,
                obs_status=obs_status,
            )
        for code, name, message in (p for p in found if p is not None):
            reader.error(code, message, (*key, name), name)
    also = _corroborations(reader, e, key)
    if len(reader.issues) > before or indicator is None or source is None:
        return None
    assert (
        end is not None
        and period
        and ref_area
        and period_type
        and qualifier
        and obs_status
        and paragraph
    )
    return Figure(
        indicator_id=indicator.indicator_id,
        ref_area=ref_area,
        time_period=period,
        period_type=period_type,
        period_start=start,
        period_end=end,
        value=value,
        unit=indicator.unit,
        qualifier=qualifier,
        lower_bound=lower,
        upper_bound=upper,
        obs_status=obs_status,
        value_wording=str(texts["wording"]),
        period_wording=period_wording,
        period_reading=str(texts["period_reading"]),
        note=note,
        source_id=source.source_id,
        quote=str(texts["quote"]),
        paragraph=int(paragraph),
        origin=(reader.display, reader.line(*key) or 0),
        quote_line=reader.line(*key, "quote") or 0,
        also_reported_by=also,
    )


def _corroborations(
    reader: FieldReader, e: dict[str, Any], key: tuple[str | int, ...]
) -> tuple[Corroboration, ...]:
    """The ``also_reported_by`` list of a figure: each source with its own quote and
    paragraph (whether the source exists is checked once every file is read)."""
    entries = e.get("also_reported_by")
    if entries is None:
        return ()
    if not isinstance(entries, list):
        reader.error(
            "figures-structure",
            "also_reported_by is a list of {source, quote, paragraph}",
            (*key, "also_reported_by"),
            "also_reported_by",
        )
        return ()
    out: list[Corroboration] = []
    for n, entry in enumerate(entries):
        k = (*key, "also_reported_by", n)
        c = reader.mapping(entry, k, CORROBORATION_FIELDS, "corroborating source")
        if c is None:
            continue
        sid, quote = reader.text(c, k, "source"), reader.text(c, k, "quote")
        paragraph = reader.number(c, k, "paragraph", required=True)
        if paragraph is not None and (paragraph < 1 or not paragraph.is_integer()):
            reader.error(
                "figures-bad-paragraph",
                "paragraph must be a whole number from 1",
                (*k, "paragraph"),
                "paragraph",
            )
            paragraph = None
        if sid and quote and paragraph is not None:
            line = reader.line(*k, "quote") or reader.line(*k) or 0
            out.append(Corroboration(sid, quote, int(paragraph), (reader.display, line)))
    return tuple(out)


def _published_end(source: Source) -> dt.date | None:
    try:
        return periods.resolve(source.published)[1]
    except periods.PeriodError:
        return None
