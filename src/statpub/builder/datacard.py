"""The data card: ``datapackage/README.md``, for people who download the data."""

from __future__ import annotations

from typing import Any

from statpub.figures.records import Figure, FigureSet

QUALIFIER_WORDS = {
    "exact": "",
    "more-than": "more than ",
    "over": "over ",
    "nearly": "nearly ",
    "about": "about ",
    "rounded": "",
    "order-of-magnitude": "",
}


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
    out += ["## The figures", ""]
    out += [
        "| indicator | as worded | value | bounds | period | source paragraph |",
        "| --- | --- | ---: | --- | --- | ---: |",
    ]
    for f in sorted(figset.figures, key=lambda f: (order[f.indicator_id], f.time_period)):
        unit = "%" if f.unit == "percent" else ""
        out.append(
            f"| {names[f.indicator_id].name} | {f.value_wording} | {number(f.value)}{unit} | "
            f"{bounds_text(f)} | {f.time_period} | {f.source_id} ¶{f.paragraph} |"
        )
    out += ["", "## Read before use", ""]
    out += [
        "- These figures are quoted by a news article. They are not official statistics "
        "released by a statistical office, and the article gives no method or definitions.",
        "- Vague wordings are kept as such. `qualifier` says how the source qualified a number "
        '("more than", "over", "nearly", rounded, or only an order of magnitude such as '
        '"hundreds"), `lower_bound` and `upper_bound` give the inclusive range the wording '
        "allows, and `obs_status` is `E` whenever `value` is not an exact count. Where only "
        "an order of magnitude is given, `value` is empty.",
        '- Periods such as "this year" are relative to the article\'s publication month; '
        "`period_reading` says how each was read. A period whose start the source does not "
        "state has an empty `period_start`.",
    ]
    for caveat in figset.package.get("caveats") or []:
        out.append(f"- {' '.join(str(caveat).split())}")
    context = figset.package.get("context") or []
    if context:
        out += [
            "",
            "## Statements without figures",
            "",
            "The source also reports the following, with no number to record (paraphrased):",
            "",
        ]
        out += [f"- {' '.join(str(c).split())}" for c in context]
    out += ["", "## Sources", ""]
    for s in figset.sources:
        where = f" <{s.url}>" if s.url else ""
        accessed = s.accessed.isoformat() if s.accessed else "not recorded"
        out.append(f"- **{s.title}**, {s.publisher}, {s.published}.{where} Accessed: {accessed}.")
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
