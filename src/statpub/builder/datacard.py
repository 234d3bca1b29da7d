"""The data card: ``datapackage/README.md``, for people who download the data."""

from __future__ import annotations

from typing import Any

from statpub.figures.periods import label as period_label
from statpub.figures.records import Figure, FigureSet, Release


def number(x: float | None) -> str:
    if x is None:
        return ""
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,}"


def bounds_text(f: Figure) -> str:
    unit = "%" if f.unit == "percent" else ""
    if f.lower_bound is None and f.upper_bound is None:
        return ""
    if f.lower_bound == f.upper_bound:
        return number(f.lower_bound) + unit
    lo = number(f.lower_bound) + unit if f.lower_bound is not None else "…"
    hi = number(f.upper_bound) + unit if f.upper_bound is not None else "…"
    return f"{lo} to {hi}"


def unchecked_quotes_text(release: Release) -> str:
    """What a release made with --unchecked-quotes says about itself."""
    ids = ", ".join(release.unchecked_quotes)
    return (
        f"The quoted phrases of {ids} were not checked against the captured source texts "
        f"when version {release.version} was released (statpub release --unchecked-quotes)."
    )


def _quote(f: Figure) -> str:
    return "\u201c" + f.quote.replace("|", "\\|") + "\u201d"


def _figure_row(f: Figure, name: str) -> str:
    unit = "%" if f.unit == "percent" else ""
    return (
        f"| {name} | {f.value_wording} | {number(f.value)}{unit} | {bounds_text(f)} | "
        f"{period_label(f.time_period, f.period_type)} (`{f.time_period}`) | {_quote(f)} | "
        f"{f.source_id} ¶{f.paragraph}{also_text(f)} |"
    )


def also_text(f: Figure) -> str:
    """The corroborating sources of ``f``, each with its paragraph and quote; "" if none."""
    parts = []
    for c in f.also_reported_by:
        quote = "\u201c" + c.quote.replace("|", "\\|") + "\u201d"
        parts.append(f"; also reported by {c.source_id} ¶{c.paragraph} {quote}")
    return "".join(parts)


def render_datacard(figset: FigureSet, descriptor: dict[str, Any], sizes: dict[str, int]) -> str:
    names = {i.indicator_id: i for i in figset.indicators}
    # In the order the maintainer lists the indicators.
    order = {i.indicator_id: n for n, i in enumerate(figset.indicators)}
    release = figset.current_release
    out: list[str] = [f"# {descriptor['title']}", ""]
    out += [f"Version {release.version}, released {release.date.isoformat()}. {release.note}", ""]
    out += [descriptor["description"], ""]
    out += ["## Files", ""]
    out += ["| file | format | bytes | sha256 |", "| --- | --- | ---: | --- |"]
    for res in descriptor["resources"]:
        size = sizes.get(res["path"], "")
        out.append(
            f"| `{res['path']}` | {res['format']} | {size} | `{res['hash'].split(':', 1)[1]}` |"
        )
    out += [
        "",
        "Each table comes as CSV (UTF-8, RFC 4180) and as Parquet with the same rows;",
        "the Table Schemas in `schemas/` describe every field;",
        "`datapackage.json` ties them together.",
        "",
        "Missing values: only an empty cell is missing. It means that the source does not "
        "state the value or that it does not apply; each field's description in its Table "
        "Schema says which. Text such as `NA` is a value.",
        "",
    ]
    ordered = sorted(figset.figures, key=lambda f: (order[f.indicator_id], f.time_period))
    out += ["## The figures", ""]
    out += [
        "Measured figures (targets and plans are listed apart below), with the phrase of "
        "the source that states each.",
        "",
        "| indicator | as worded | value | bounds | period | quoted phrase | source |",
        "| --- | --- | ---: | --- | --- | --- | --- |",
    ]
    out += [_figure_row(f, names[f.indicator_id].name) for f in ordered if not f.is_target]
    targets = [f for f in ordered if f.is_target]
    if targets:
        out += ["", "## Targets and plans", ""]
        out += [
            "Levels the sources say are planned, not measurements (`obs_status` `F`). They are "
            "left out of the package's temporal coverage and should be left out of sums and "
            "trends of the measured figures.",
            "",
            "| indicator | as worded | target | by | quoted phrase | source |",
            "| --- | --- | ---: | --- | --- | --- |",
        ]
        for f in targets:
            unit = "%" if f.unit == "percent" else ""
            out.append(
                f"| {names[f.indicator_id].name} | {f.value_wording} | {number(f.value)}{unit} | "
                f"{period_label(f.time_period, f.period_type)} | {_quote(f)} | "
                f"{f.source_id} ¶{f.paragraph} |"
            )
    several = len(figset.sources) > 1
    out += ["", "## Read before use", ""]
    out += [
        f"- These figures are quoted by {'news reports' if several else 'a news article'}. "
        "They are not official statistics released by a statistical office, and "
        f"{'the sources give' if several else 'the article gives'} no method or definitions.",
        "- Vague wordings are kept as such. `qualifier` says how the source qualified a number "
        '("more than", "over", "nearly", rounded, or only an order of magnitude such as '
        '"hundreds"), `lower_bound` and `upper_bound` give the inclusive range the wording '
        "allows, and `obs_status` is `E` whenever `value` is not an exact count. Where only "
        "an order of magnitude is given, `value` is empty.",
        "- `obs_status` `F` marks a target or plan: the level a source says is to be reached "
        "by the end of the period. It is not a measurement.",
        '- Periods such as "this year" are relative to the publication date of their source; '
        "`period_reading` says how each was read. A period whose start the source does not "
        "state has an empty `period_start`; for a level (a stock) that means its date is "
        "unknown, only that it is no later than `period_end`.",
    ]
    if release.unchecked_quotes:
        out.append(f"- {unchecked_quotes_text(release)}")
    for caveat in figset.package.get("caveats") or []:
        out.append(f"- {' '.join(str(caveat).split())}")
    context = figset.package.get("context") or []
    if context:
        out += [
            "",
            "## Statements without figures",
            "",
            f"The {'sources also report' if several else 'source also reports'} the following, "
            "with no number to record (paraphrased):",
            "",
        ]
        out += [f"- {' '.join(str(c).split())}" for c in context]
    out += ["", "## Sources", ""]
    for s in figset.sources:
        where = f" <{s.url}>" if s.url else ""
        accessed = s.accessed.isoformat() if s.accessed else "not recorded"
        sha = f" sha256 of the captured text: `{s.sha256}`." if s.sha256 else ""
        out.append(
            f"- **{s.title}**, {s.publisher}, {s.published}, language {s.language}.{where} "
            f"Accessed: {accessed}.{sha}"
        )
    out += ["", "## How to cite", ""]
    authors = ", ".join(c.get("title", "") for c in descriptor.get("contributors", []))
    out.append(
        f"{authors} ({release.date.year}). *{descriptor['title']}*, version {release.version} "
        f"[data set]. Figures quoted from: {'; '.join(s.title for s in figset.sources)}."
    )
    licenses = descriptor.get("licenses") or []
    if licenses:
        out += ["", f"Licence: {licenses[0].get('title') or licenses[0].get('name')}."]
    out += [
        "",
        "## How to load",
        "",
        "```python",
        "import pandas as pd",
        "# The Parquet copy carries the types: dates, integers and codes arrive typed.",
        'obs = pd.read_parquet("data/observations.parquet")',
        "```",
        "",
        "Reading the CSV, take the types from `schemas/observations.json` rather than letting "
        "a reader guess them (a guessing reader may take text such as `NA` for a missing value, "
        "and leave dates as text).",
        "",
        "```sql",
        "-- DuckDB",
        "SELECT indicator_id, value_wording, lower_bound, upper_bound",
        "FROM 'data/observations.parquet' ORDER BY indicator_id;",
        "```",
        "",
        "Recipes for pandas, polars, DuckDB and frictionless-py (CSV and Parquet; run by the "
        "project's tests), and for R, are in the project's `docs/consumers.md`.",
        "",
    ]
    return "\n".join(out)
