"""The data card: ``datapackage/README.md``, for people who download the data, and
``README.<lang>.md`` in each other language the package declares
(:mod:`statpub.builder.cardwords`)."""

from __future__ import annotations

from typing import Any

from statpub.builder.cardwords import CardWords
from statpub.figures.records import Figure, FigureSet, Indicator, Release

EN = CardWords()


def bounds_text(f: Figure, w: CardWords = EN) -> str:
    unit = "%" if f.unit == "percent" else ""
    if f.lower_bound is None and f.upper_bound is None:
        return ""
    if f.lower_bound == f.upper_bound:
        return w.number(f.lower_bound) + unit
    lo = w.number(f.lower_bound) + unit if f.lower_bound is not None else "…"
    hi = w.number(f.upper_bound) + unit if f.upper_bound is not None else "…"
    return w("bounds", lo=lo, hi=hi)


def unchecked_quotes_text(release: Release, w: CardWords = EN) -> str:
    """What a release made with --unchecked-quotes says about itself."""
    return w("unchecked_quotes", ids=", ".join(release.unchecked_quotes), version=release.version)


def _quote(text: str) -> str:
    return "\u201c" + text.replace("|", "\\|") + "\u201d"


def _figure_row(f: Figure, name: str, w: CardWords) -> str:
    unit = "%" if f.unit == "percent" else ""
    return (
        f"| {name} | {f.value_wording} | {w.number(f.value)}{unit} | {bounds_text(f, w)} | "
        f"{w.period(f.time_period, f.period_type)} (`{f.time_period}`) | {_quote(f.quote)} | "
        f"{f.source_id} ¶{f.paragraph}{also_text(f, w)} |"
    )


def also_text(f: Figure, w: CardWords = EN) -> str:
    """The corroborating sources of ``f``, each with its paragraph and quote; "" if none."""
    return "".join(
        w("also", source=c.source_id, paragraph=c.paragraph, quote=_quote(c.quote))
        for c in f.also_reported_by
    )


def _name(i: Indicator, w: CardWords) -> str:
    for lang, key, text in i.translations:
        if lang == w.lang and key == "name" and text.strip():
            return text
    return i.name


def render_datacard(
    figset: FigureSet, descriptor: dict[str, Any], sizes: dict[str, int], w: CardWords = EN
) -> str:
    """The card in ``w``'s language; quotes, wordings and the maintainer's caveats and
    context notes are written as they are."""
    names = {i.indicator_id: _name(i, w) for i in figset.indicators}
    # In the order the maintainer lists the indicators.
    order = {i.indicator_id: n for n, i in enumerate(figset.indicators)}
    release = figset.current_release
    title = w.text(descriptor, "title")
    out: list[str] = [*w.header(), f"# {title}", ""]
    date = release.date.isoformat()
    out += [w("version_released", version=release.version, date=date, note=release.note), ""]
    out += [w.text(descriptor, "description"), ""]
    out += [f"## {w('h_files')}", ""]
    out += [w("files_head"), "| --- | --- | ---: | --- |"]
    for res in descriptor["resources"]:
        size = sizes.get(res["path"], "")
        out.append(
            f"| `{res['path']}` | {res['format']} | {size} | `{res['hash'].split(':', 1)[1]}` |"
        )
    out += ["", w("files_text"), "", w("missing_text"), ""]
    ordered = sorted(figset.figures, key=lambda f: (order[f.indicator_id], f.time_period))
    out += [f"## {w('h_figures')}", "", w("figures_intro"), ""]
    out += [w("figures_head"), "| --- | --- | ---: | --- | --- | --- | --- |"]
    out += [_figure_row(f, names[f.indicator_id], w) for f in ordered if not f.is_target]
    targets = [f for f in ordered if f.is_target]
    if targets:
        out += ["", f"## {w('h_targets')}", "", w("targets_intro"), ""]
        out += [w("targets_head"), "| --- | --- | ---: | --- | --- | --- |"]
        for f in targets:
            unit = "%" if f.unit == "percent" else ""
            out.append(
                f"| {names[f.indicator_id]} | {f.value_wording} | {w.number(f.value)}{unit} | "
                f"{w.period(f.time_period, f.period_type)} | {_quote(f.quote)} | "
                f"{f.source_id} ¶{f.paragraph} |"
            )
    several = len(figset.sources) > 1
    out += ["", f"## {w('h_read')}", ""]
    out += [
        f"- {w('read_quoted_several' if several else 'read_quoted_one')}",
        f"- {w('read_vague')}",
        f"- {w('read_target')}",
        f"- {w('read_periods')}",
    ]
    if release.unchecked_quotes:
        out.append(f"- {unchecked_quotes_text(release, w)}")
    for caveat in figset.package.get("caveats") or []:
        out.append(f"- {' '.join(str(caveat).split())}")
    context = figset.package.get("context") or []
    if context:
        out += ["", f"## {w('h_context')}", ""]
        out += [w("context_several" if several else "context_one"), ""]
        out += [f"- {' '.join(str(c).split())}" for c in context]
    out += ["", f"## {w('h_sources')}", ""]
    for s in figset.sources:
        out.append(
            w(
                "source_line",
                title=s.title,
                publisher=s.publisher,
                published=s.published,
                language=s.language,
                where=f" <{s.url}>" if s.url else "",
                accessed=s.accessed.isoformat() if s.accessed else w("not_recorded"),
                sha=w("source_sha", sha=s.sha256) if s.sha256 else "",
            )
        )
    out += ["", f"## {w('h_cite')}", ""]
    authors = ", ".join(c.get("title", "") for c in descriptor.get("contributors", []))
    sources = "; ".join(s.title for s in figset.sources)
    out.append(
        w(
            "cite",
            authors=authors,
            year=release.date.year,
            title=title,
            version=release.version,
            sources=sources,
        )
    )
    licenses = descriptor.get("licenses") or []
    if licenses:
        licence = licenses[0].get("title") or licenses[0].get("name")
        out += ["", w("licence", licence=licence)]
    out += [
        "",
        f"## {w('h_load')}",
        "",
        "```python",
        "import pandas as pd",
        w("load_comment"),
        'obs = pd.read_parquet("data/observations.parquet")',
        "```",
        "",
        w("load_csv"),
        "",
        "```sql",
        "-- DuckDB",
        "SELECT indicator_id, value_wording, lower_bound, upper_bound",
        "FROM 'data/observations.parquet' ORDER BY indicator_id;",
        "```",
        "",
        w("load_recipes"),
        "",
    ]
    return "\n".join(out)
