"""Read and check a figures folder.

Layout::

    figures/package.yml         package metadata (title, licences, ...)
    figures/indicators.yml      one entry per indicator
    figures/releases.yml        the released versions, oldest first
    figures/sources/<id>.yml    one file per source: the source record and its figures

Every problem is collected (not just the first) and raised together as
:class:`~statpub.errors.InvalidInput`, each naming the file, line and field.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from statpub.errors import InvalidInput, StatpubError
from statpub.figures import periods
from statpub.figures.bounds import bounds_problem
from statpub.figures.reader import FieldReader
from statpub.figures.records import Figure, FigureSet, Indicator, Release, Source
from statpub.report import Issue

ID = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")
SEMVER_CORE = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
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
}
INDICATOR_FIELDS = {"id", "name", "definition", "unit", "unit_description", "topic"}


def load_figures(folder: Path, schemas: dict[str, dict[str, Any]]) -> FigureSet:
    """Read ``folder``; raise InvalidInput listing every problem found."""
    if not folder.is_dir():
        raise StatpubError(f"{folder}: figures folder not found", code="file-not-found")
    vocab = _vocabularies(schemas)
    issues: list[Issue] = []

    package, p_issues = _read_package(folder)
    issues += p_issues
    indicators, i_issues = _read_indicators(folder, vocab)
    issues += i_issues
    releases, r_issues = _read_releases(folder)
    issues += r_issues

    sources: list[Source] = []
    figures: list[Figure] = []
    known = {i.indicator_id: i for i in indicators}
    files = sorted((folder / "sources").glob("*.yml"))
    if not files:
        issues.append(
            Issue(
                "figures-missing-file",
                "no source files: add figures/sources/<source-id>.yml",
                path=_display(folder, folder / "sources"),
            )
        )
    for path in files:
        source, figs, s_issues = _read_source_file(folder, path, known, vocab)
        issues += s_issues
        if source is not None:
            sources.append(source)
        figures += figs
    issues += _duplicates(figures, sources)
    if issues:
        raise InvalidInput(
            issues, summary=f"{folder}: the figure files have {len(issues)} problem(s)"
        )
    return FigureSet(
        package=package or {},
        indicators=indicators,
        sources=sources,
        figures=figures,
        releases=releases,
    )


def _display(folder: Path, path: Path) -> str:
    try:
        return str(Path(folder.name) / path.relative_to(folder))
    except ValueError:
        return str(path)


def _vocabularies(schemas: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    from statpub.tables.schema import category_values

    out: dict[str, list[str]] = {}
    for table in ("observations", "indicators"):
        for f in schemas.get(table, {}).get("fields", []):
            values = category_values(f)
            if values is not None:
                out[f"{table}.{f['name']}"] = [str(v) for v in values]
    return out


def _open(folder: Path, name: str) -> tuple[FieldReader | None, list[Issue]]:
    path = folder / name
    if not path.is_file():
        return None, [
            Issue(
                "figures-missing-file",
                f"{name} is missing from the figures folder",
                path=_display(folder, path),
            )
        ]
    try:
        return FieldReader(path, _display(folder, path)), []
    except InvalidInput as exc:
        return None, exc.issues


def _read_package(folder: Path) -> tuple[dict[str, Any] | None, list[Issue]]:
    reader, issues = _open(folder, "package.yml")
    if reader is None:
        return None, issues
    data = reader.mapping(
        reader.data,
        (),
        {
            "name",
            "id",
            "title",
            "description",
            "homepage",
            "licenses",
            "contributors",
            "keywords",
            "spatial",
            "caveats",
            "context",
            "themes",
            "availability",
        },
        "package",
    )
    if data is not None:
        for name in ("name", "id", "title", "description"):
            reader.text(data, (), name)
        if data.get("name") and not ID.match(str(data["name"])):
            reader.error(
                "figures-bad-id",
                "name must be lower-case letters, digits, '-' and '.'",
                ("name",),
                "name",
            )
    return data, reader.issues


def _read_indicators(
    folder: Path, vocab: dict[str, list[str]]
) -> tuple[list[Indicator], list[Issue]]:
    reader, issues = _open(folder, "indicators.yml")
    if reader is None:
        return [], issues
    out: list[Indicator] = []
    entries = reader.data.get("indicators") if isinstance(reader.data, dict) else None
    if not isinstance(entries, list):
        reader.error(
            "figures-structure", "indicators.yml needs a top-level 'indicators:' list", (), None
        )
        return [], reader.issues
    seen: set[str] = set()
    for n, entry in enumerate(entries):
        key = ("indicators", n)
        e = reader.mapping(entry, key, INDICATOR_FIELDS, "indicator")
        if e is None:
            continue
        ind_id = reader.text(e, key, "id")
        if ind_id and not ID.match(ind_id):
            reader.error(
                "figures-bad-id",
                f"indicator id {ind_id!r} must be lower-case letters, digits and '-'",
                (*key, "id"),
                "id",
            )
        if ind_id in seen:
            reader.error(
                "figures-duplicate", f"indicator {ind_id!r} is defined twice", (*key, "id"), "id"
            )
        values = [
            reader.text(e, key, "name"),
            reader.text(e, key, "definition"),
            reader.code(e, key, "unit", vocab.get("indicators.unit", [])),
            reader.text(e, key, "unit_description"),
            reader.code(e, key, "topic", vocab.get("indicators.topic", [])),
        ]
        if ind_id and all(v is not None for v in values) and ind_id not in seen:
            name, definition, unit, unit_description, topic = (str(v) for v in values)
            out.append(Indicator(ind_id, name, definition, unit, unit_description, topic))
        if ind_id:
            seen.add(ind_id)
    return out, reader.issues


def _read_releases(folder: Path) -> tuple[list[Release], list[Issue]]:
    reader, issues = _open(folder, "releases.yml")
    if reader is None:
        return [], issues
    entries = reader.data.get("releases") if isinstance(reader.data, dict) else None
    if not isinstance(entries, list) or not entries:
        reader.error(
            "figures-structure",
            "releases.yml needs a non-empty 'releases:' list, oldest first",
            (),
            None,
        )
        return [], reader.issues
    out: list[Release] = []
    for n, entry in enumerate(entries):
        key = ("releases", n)
        e = reader.mapping(entry, key, {"version", "date", "note"}, "release")
        if e is None:
            continue
        version = reader.text(e, key, "version")
        if version and not SEMVER_CORE.match(version):
            reader.error(
                "version-not-semver",
                f"version {version!r} is not MAJOR.MINOR.PATCH",
                (*key, "version"),
                "version",
            )
            version = None
        date = reader.date(e, key, "date", required=True)
        note = reader.text(e, key, "note")
        if version and date and note:
            out.append(Release(version, date, note))
    return out, reader.issues


def _read_source_file(
    folder: Path, path: Path, indicators: dict[str, Indicator], vocab: dict[str, list[str]]
) -> tuple[Source | None, list[Figure], list[Issue]]:
    try:
        reader = FieldReader(path, _display(folder, path))
    except InvalidInput as exc:
        return None, [], exc.issues
    data = reader.mapping(reader.data, (), {"source", "figures"}, "source file")
    if data is None:
        return None, [], reader.issues
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
    return source, figs, reader.issues


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
    )


def _duplicates(figures: list[Figure], sources: list[Source]) -> list[Issue]:
    issues: list[Issue] = []
    first: dict[tuple[str, str, str], Figure] = {}
    for fig in figures:
        if fig.key in first:
            other = first[fig.key]
            issues.append(
                Issue(
                    "figures-duplicate",
                    f"{fig.indicator_id} for {fig.ref_area}, {fig.time_period} is already "
                    f"recorded at {other.origin[0]}:{other.origin[1]}; keep one figure per "
                    "indicator, area and period",
                    path=fig.origin[0],
                    row=fig.origin[1],
                    field="indicator",
                )
            )
        else:
            first[fig.key] = fig
    ids = [s.source_id for s in sources]
    for sid in sorted({s for s in ids if ids.count(s) > 1}):
        issues.append(Issue("figures-duplicate", f"source {sid!r} is defined twice", field="id"))
    return issues
