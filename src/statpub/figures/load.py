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

import re
from pathlib import Path
from typing import Any

from statpub import semver
from statpub.errors import InvalidInput, StatpubError
from statpub.figures.reader import FieldReader
from statpub.figures.records import Figure, FigureSet, Indicator, Release, Source
from statpub.figures.sourcefile import read_source_file
from statpub.report import Issue

ID = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")

INDICATOR_FIELDS = {
    "id",
    "name",
    "definition",
    "unit",
    "unit_description",
    "topic",
    "minimum",  # plausible range of a value, checked on every figure; not published
    "maximum",
    "translations",  # {language: {name: ..., definition: ...}} (docs/languages.md)
}
TRANSLATED_INDICATOR_FIELDS = {"name", "definition", "unit_description"}


def load_figures(folder: Path, schemas: dict[str, dict[str, Any]]) -> FigureSet:
    """Read ``folder``; raise InvalidInput listing every problem found."""
    if not folder.is_dir():
        raise StatpubError(
            f"{folder}: figures folder not found", code="file-not-found", path=folder
        )
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
    origins: dict[str, tuple[str, int]] = {}
    for path in files:
        shown = _display(folder, path)
        source, figs, s_issues, line = read_source_file(shown, path, known, vocab)
        issues += s_issues
        if source is not None:
            sources.append(source)
            origins.setdefault(source.source_id, (shown, line))
        figures += figs
    issues += _duplicates(figures, sources)
    issues += _corroborating_sources(figures, sources)
    if issues:
        raise InvalidInput(
            issues,
            summary=f"{folder}: the figure files have {len(issues)} problem(s)",
            code="figures-invalid",
            path=folder,
        )
    return FigureSet(
        package=package or {},
        indicators=indicators,
        sources=sources,
        figures=figures,
        releases=releases,
        source_origins=origins,
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
            "sources",
            "languages",  # the first is the default (docs/languages.md)
            "translations",  # {language: {title: ..., description: ...}}
            "translated_by",  # who made the translations (never the sources)
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
        low, high = _range(reader, e, key)
        if ind_id and all(v is not None for v in values) and ind_id not in seen:
            name, definition, unit, unit_description, topic = (str(v) for v in values)
            out.append(
                Indicator(
                    ind_id,
                    name,
                    definition,
                    unit,
                    unit_description,
                    topic,
                    low,
                    high,
                    _translations(reader, e, key),
                )
            )
        if ind_id:
            seen.add(ind_id)
    return out, reader.issues


def _translations(
    reader: FieldReader, e: dict[str, Any], key: tuple[str | int, ...]
) -> tuple[tuple[str, str, str], ...]:
    """``translations: {kk: {name: ..., definition: ...}}`` as (language, field, text)."""
    raw = e.get("translations")
    if raw is None:
        return ()
    out: list[tuple[str, str, str]] = []
    if not isinstance(raw, dict):
        reader.error("figures-structure", "translations must map a language to its texts",
                     (*key, "translations"), "translations")  # fmt: skip
        return ()
    for lang, texts in raw.items():
        where = (*key, "translations", str(lang))
        t = reader.mapping(texts, where, TRANSLATED_INDICATOR_FIELDS, "translation")
        for name, value in sorted((t or {}).items()):
            if isinstance(value, str) and value.strip():
                out.append((str(lang), name, " ".join(value.split())))
            else:
                reader.error("figures-structure", f"translation {name!r} must be text",
                             (*where, name), name)  # fmt: skip
    return tuple(out)


def _range(
    reader: FieldReader, e: dict[str, Any], key: tuple[str | int, ...]
) -> tuple[float | None, float | None]:
    low = reader.number(e, key, "minimum", required=False)
    high = reader.number(e, key, "maximum", required=False)
    if low is not None and high is not None and low > high:
        reader.error(
            "figures-bad-range",
            f"minimum {low:g} is above maximum {high:g}; swap them or fix one",
            (*key, "minimum"),
            "minimum",
        )
        return None, None
    return low, high


def read_releases(path: Path) -> list[Release]:
    """The released versions listed in a ``releases.yml`` (any folder), oldest first;
    InvalidInput listing every problem."""
    releases, issues = _read_releases(path.parent, path.name)
    if issues:
        raise InvalidInput(issues, summary=f"{path}: invalid", code="history-invalid", path=path)
    return releases


def _read_releases(folder: Path, name: str = "releases.yml") -> tuple[list[Release], list[Issue]]:
    reader, issues = _open(folder, name)
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
        e = reader.mapping(entry, key, {"version", "date", "note", "unchecked_quotes"}, "release")
        if e is None:
            continue
        unchecked = e.get("unchecked_quotes") or []
        if not isinstance(unchecked, list) or not all(isinstance(x, str) for x in unchecked):
            reader.error(
                "figures-structure",
                "unchecked_quotes is a list of source ids (written by statpub release)",
                (*key, "unchecked_quotes"),
                "unchecked_quotes",
            )
            unchecked = []
        version = reader.text(e, key, "version")
        if version and not semver.is_release(version):
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
            out.append(Release(version, date, note, tuple(unchecked)))
    return out, reader.issues


def _corroborating_sources(figures: list[Figure], sources: list[Source]) -> list[Issue]:
    """Each corroborating source is defined, is not the figure's own, and is named once."""
    known = {s.source_id for s in sources}
    issues: list[Issue] = []
    for fig in figures:
        seen: set[str] = set()
        for c in fig.also_reported_by:
            problem = None
            if c.source_id not in known:
                problem = (
                    f"source {c.source_id!r} is not defined: add figures/sources/"
                    f"{c.source_id}.yml with its source record (its figures: list may be empty)"
                )
            elif c.source_id == fig.source_id:
                problem = "a figure's own source cannot also report it: name another source"
            elif c.source_id in seen:
                problem = f"source {c.source_id!r} is named twice for this figure; keep one"
            seen.add(c.source_id)
            if problem:
                issues.append(
                    Issue(
                        "figures-unknown-source",
                        f"also_reported_by: {problem}",
                        path=c.origin[0] or None,
                        row=c.origin[1] or None,
                        field="source",
                    )
                )
    return issues


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
