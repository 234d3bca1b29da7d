"""``render_site()``: a built package -> one static, offline dataset page.

The page is ``index.html`` (styles and the chart inline, no script, nothing
fetched from the network) plus ``files/``, a copy of every file it links to, so
it reads the same from the file system, a static host or an archive.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from statpub.errors import StatpubError
from statpub.package import languages as langs
from statpub.package.atomic import staged_folder
from statpub.site import chart
from statpub.site.i18n import Words, rendering
from statpub.site.markdown import render as render_markdown
from statpub.site.markdown import safe_href
from statpub.site.reader import FileInfo, PageData, page_data
from statpub.site.schemaorg import page_dataset, script_json
from statpub.site.tablepage import TableSection, table_sections

FILES_DIR = "files"
BUNDLE_TITLE = "Bundle: the whole package in one zip, with SHA256SUMS"


@dataclass
class SiteResult:
    out_dir: Path
    version: str
    figures: int
    marks: int
    files: list[FileInfo] = field(default_factory=list)
    tables: list[TableSection] = field(default_factory=list)  # the table page's sections
    pages: dict[str, str] = field(default_factory=dict)  # language -> page file

    def to_dict(self) -> dict[str, Any]:
        return {
            "out_dir": str(self.out_dir),
            "index": str(self.out_dir / "index.html"),
            "version": self.version,
            "page": "tables" if self.tables else "figures",
            "figures": self.figures,
            "marks": self.marks,
            "tables": [t.to_dict() for t in self.tables],
            "files": [{**f.to_dict(), "href": f"{FILES_DIR}/{f.path}"} for f in self.files],
            "pages": self.pages,
        }


def page_files(languages: list[str]) -> dict[str, str]:
    """Each language's page: ``index.html`` for the default (the first), ``index.<lang>.html``
    for the others, side by side so that every page links the same ``files/``."""
    return {
        lang: "index.html" if i == 0 else f"index.{lang}.html" for i, lang in enumerate(languages)
    }


def render_site(
    package_dir: Path,
    out_dir: Path,
    *,
    bundle: Path | None = None,
    base_url: str = "",
) -> SiteResult:
    """Write the page for the package in ``package_dir`` to ``out_dir`` (replaced atomically).

    A package in statpub's figure model (observations and indicators) gets the
    figure page; any other package the table page (dictionary, preview and a
    time chart per table). The bundle offered for download is ``bundle`` when
    given, else one made here with ``statpub bundle``'s ``make_bundle``
    (deterministic, so the page stays byte-stable).
    """
    _check_out_dir(package_dir, out_dir)
    contents = page_data(package_dir)
    pages = page_files(langs.languages(contents.descriptor))
    default = next(iter(pages))
    panels = _panels(contents, Words(default)) if contents.figures else []
    tables = [] if contents.figures else table_sections(contents.package)
    with staged_folder(out_dir) as staging:
        for rel in contents.copied:
            dest = staging / FILES_DIR / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(contents.package.root / rel, dest)
        files = [*contents.files, _bundle(package_dir, staging / FILES_DIR, bundle)]
        for lang, name in pages.items():
            if contents.figures:
                html = render_html(contents, files, panels, base_url=base_url, lang=lang)
            else:
                shown = tables if lang == default else table_sections(contents.package, lang)
                html = render_tables_html(contents, files, shown, base_url=base_url, lang=lang)
            (staging / name).write_text(html, encoding="utf-8")
    return SiteResult(
        out_dir=out_dir,
        version=str(contents.descriptor.get("version", "")),
        figures=len(contents.observations),
        marks=sum(len(p.marks) for p in panels) + sum(t.chart.points for t in tables if t.chart),
        files=files,
        tables=tables,
        pages=pages,
    )


def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("statpub.site", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["href"] = safe_href
    return env


def _common(
    env: Any,
    contents: PageData,
    files: list[FileInfo],
    base_url: str,
    sources_are: str,
    lang: str | None = None,
) -> dict[str, Any]:
    """What both pages show: metadata, downloads, changelog, citation and JSON-LD,
    in ``lang`` (default: the package's default language)."""
    d = contents.descriptor
    pages = page_files(langs.languages(d))
    default = next(iter(pages))
    lang = lang or default
    words = Words(lang)
    css = env.loader.get_source(env, "site.css")[0] if env.loader else ""
    style = f"\n{css}\n"
    title = str(langs.text(d, "title", lang, default) or d.get("name") or "Data Package")
    description = str(langs.text(d, "description", lang, default) or "")
    return {
        "d": d,
        "t": words,
        "lang": lang,
        "default_lang": default,
        "alternates": [
            {"lang": code, "href": name, "name": Words(code)("_language"), "current": code == lang}
            for code, name in pages.items()
        ]
        if len(pages) > 1
        else [],
        "translation_note": words.translation_note(d, default),
        "number": words.number,
        "rows": lambda n: words("rows_one" if n == 1 else "rows_other", n=words.number(n)),
        "title": title,
        "description": description,
        "style": style,
        "csp": content_security_policy(style),
        "created": str(d.get("created", ""))[:10],
        "licence": (d.get("licenses") or [{}])[0],
        "files": [_download(f, d, lang, default) for f in files],
        "files_dir": FILES_DIR,
        "changelog_html": render_markdown(contents.changelog, shift=1, drop_title=True)
        if contents.changelog
        else "",
        "citation": citation({**d, "title": title}, words(sources_are), words),
        "jsonld": script_json(
            page_dataset(
                contents.package,
                [_localised(f, d, lang, default) for f in files],
                base_url=base_url,
                files_prefix=f"{FILES_DIR}/",
                language=lang,
            )
        ),
    }


def render_html(
    contents: PageData,
    files: list[FileInfo],
    panels: list[chart.Panel],
    *,
    base_url: str = "",
    lang: str | None = None,
) -> str:
    """The figure page: one mark per figure, the table of figures in words."""
    env = _environment()
    context = _common(env, contents, files, base_url, "sources_are", lang)
    title, words = context["title"], context["t"]
    if words.lang != next(iter(page_files(langs.languages(contents.descriptor)))):
        panels = _panels(contents, words)
    context |= {
        "chart_svgs": [
            chart.render_svg(panels, words("chart_title", title=title), layout, words)
            for layout in (chart.WIDE, chart.NARROW)
        ],
        "scale_note": scale_note(panels, words),
        "groups": _table_groups(panels, words, contents.corroborations),
        "targets": [
            words(
                "target_line",
                name=m.name,
                value=number(m.value, m.percent, words) if m.value is not None else m.wording,
                period=words.period(m.period, m.row.get("period_type")),
            )
            + f" (\u201c{m.wording}\u201d)"
            for p in panels
            for m in p.marks
            if m.is_target
        ],
    }
    return str(env.get_template("index.html").render(**context))


def render_tables_html(
    contents: PageData,
    files: list[FileInfo],
    tables: list[TableSection],
    *,
    base_url: str = "",
    lang: str | None = None,
) -> str:
    """The table page: per table its dictionary, first rows and time chart."""
    env = _environment()
    context = _common(env, contents, files, base_url, "sources", lang)
    context |= {
        "tables": tables,
        "contributors": [
            str(c["title"]) for c in contents.descriptor.get("contributors") or [] if c.get("title")
        ],
    }
    return str(env.get_template("tables.html").render(**context))


def content_security_policy(style: str) -> str:
    """The page's policy: nothing is loaded, nothing runs; only its own style block applies.

    The style is allowed by its hash, not by allowing inline styles in general.
    """
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
    return f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"


def _panels(contents: PageData, words: Words) -> list[chart.Panel]:
    """The chart's panels in ``words``' language: indicator names from the indicators'
    ``rowTranslations``, topic labels from the code list's ``label@<lang>``."""
    d = contents.descriptor
    default = langs.languages(d)[0]
    lang = words.lang
    res: dict[str, Any] = next(
        (r for r in d.get("resources") or [] if r.get("name") == "indicators"), {}
    )
    indicators = {
        r["indicator_id"]: {
            **r,
            "name": langs.row_text(res, str(r["indicator_id"]), "name", lang, r.get("name")),
        }
        for r in contents.indicators
    }
    fields: list[dict[str, Any]] = contents.schemas["indicators"]["fields"]
    topic_field = next((f for f in fields if f["name"] == "topic"), {})
    topics = {
        c["value"]: str(langs.text(c, "label", lang, default) or c["value"])
        for c in topic_field.get("categories") or []
        if isinstance(c, dict)
    }
    panels = chart.build_panels(
        contents.observations, indicators, topics, lambda row: describe(row, words), words
    )
    for panel in panels:
        panel.marks = [replace(m, rendering=rendering(m.row, words)) for m in panel.marks]
    return panels


def number(x: float, percent: bool = False, words: Words | None = None) -> str:
    return (words or Words()).number(x, percent)


def meaning(row: dict[str, Any], words: Words | None = None) -> str:
    """What the wording allows, in words: "at least 121", "between 200 and 999"."""
    words = words or Words()
    if row.get("obs_status") == chart.TARGET_STATUS:
        return words("target_meaning", allows=_allows(row, words))
    return _allows(row, words)


def _allows(row: dict[str, Any], words: Words) -> str:
    percent = row.get("unit") == "percent"
    lo, hi, value = row.get("lower_bound"), row.get("upper_bound"), row.get("value")
    n = words.number
    if lo is not None and hi is not None and lo != hi:
        return words("between", lo=n(lo, percent), hi=n(hi, percent))
    if lo is not None and hi is None:
        return words("at_least", n=n(lo, percent))
    if hi is not None and lo is None:
        return words("at_most", n=n(hi, percent))
    exact = lo if lo is not None else value
    return words("no_number") if exact is None else words("exactly", n=n(exact, percent))


def describe(row: dict[str, Any], words: Words | None = None) -> str:
    words = words or Words()
    said = str(row.get("value_wording", ""))
    shown = rendering(row, words)
    if shown:
        said += f" \u2013 {words('rendering')} {shown}"
    return f"{said} ({meaning(row, words)}), {row.get('time_period', '')}"


def scale_note(panels: list[chart.Panel], words: Words | None = None) -> str:
    words = words or Words()
    stated = [
        m.value if m.value is not None else m.lower if m.lower is not None else m.upper
        for p in panels
        if not p.percent
        for m in p.marks
    ]
    counts = [x for x in stated if x is not None and x > 0]
    note = words("scale_note")
    if counts:
        low, high = (chart.format_tick(x, False, words) for x in (min(counts), max(counts)))
        note += words("scale_counts", low=low, high=high)
    if any(p.percent for p in panels):
        note += words("scale_percent")
    return note + "."


def citation(
    d: dict[str, Any], sources_are: str = "Figures quoted from", words: Words | None = None
) -> str:
    words = words or Words()
    authors = ", ".join(c["title"] for c in d.get("contributors") or [] if c.get("title"))
    year = str(d.get("created", ""))[:4]
    sources = "; ".join(s["title"] for s in d.get("sources") or [] if s.get("title"))
    text = f"{authors} ({year}). " if year else f"{authors}. " if authors else ""
    text += f"{d.get('title') or d.get('name', '')}"
    if d.get("version"):
        text += f", {words('version_cite', version=d['version'])} {words('data_set')}."
    else:
        text += f" {words('data_set')}."
    if sources:
        text += f" {sources_are}: {sources}."
    if d.get("id"):
        text += f" {words('identifier')}: {d['id']}."
    return text


def human_size(n: int, words: Words | None = None) -> str:
    words = words or Words()
    if n < 1000:
        return words("bytes", n=n)
    for unit, size in (("MB", 1_000_000), ("kB", 1000)):
        if n >= size:
            return f"{words.decimal(n / size, 1)} {words(unit)}"
    return words("bytes", n=n)  # pragma: no cover - the loop always returns


# The titles of the files that are not resources, as message keys.
_FILE_TITLES = {
    "Package descriptor": "file_descriptor",
    "Data card": "file_datacard",
    "Changelog": "changelog",
    BUNDLE_TITLE: "bundle_title",
}


def _localised(f: FileInfo, d: dict[str, Any], lang: str, default: str) -> FileInfo:
    """``f`` with its resource's title in ``lang`` (other files keep theirs)."""
    res = next(
        (r for r in d.get("resources") or [] if f.path in _paths(r) and r.get("title")), None
    )
    if lang == default:
        return f
    if res is not None:
        title = str(langs.text(res, "title", lang, default))
    else:
        title = Words(lang)(_FILE_TITLES[f.title]) if f.title in _FILE_TITLES else f.title
    return FileInfo(f.path, title, f.format, f.bytes, f.sha256)


def _paths(res: dict[str, Any]) -> list[str]:
    path = res.get("path")
    return [path] if isinstance(path, str) else [str(p) for p in path or []]


def _download(f: FileInfo, d: dict[str, Any], lang: str, default: str) -> dict[str, Any]:
    shown = _localised(f, d, lang, default)
    return {
        **shown.to_dict(),
        "href": f"{FILES_DIR}/{f.path}",
        "size": human_size(f.bytes, Words(lang)),
        "grouped": Words(lang).number(f.bytes),
    }


def _table_groups(
    panels: list[chart.Panel],
    words: Words,
    also: dict[tuple[str, str, str], list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """Table rows in chart order, so the table reads as the chart's text version; each
    with the other sources that report its figure."""
    return [
        {
            "label": p.label,
            "rows": [
                {
                    "mark": m,
                    "row": m.row,
                    "meaning": meaning(m.row, words),
                    "rendering": rendering(m.row, words),
                    "period": words.period(m.period, m.row.get("period_type")),
                    "also": also.get(
                        (
                            str(m.row.get("indicator_id")),
                            str(m.row.get("ref_area")),
                            str(m.row.get("time_period")),
                        ),
                        [],
                    ),
                }
                for m in p.marks
            ],
        }
        for p in panels
    ]


def _bundle(package_dir: Path, folder: Path, given: Path | None) -> FileInfo:
    """Copy ``given`` into ``folder``, or make the bundle there; describe it for the page."""
    from statpub.package.files import sha256_file

    title = BUNDLE_TITLE
    if given is None:
        from statpub.publish.bundle import default_name, make_bundle
        from statpub.publish.local import publishable

        made = make_bundle(package_dir, folder / default_name(publishable(package_dir)))
        return FileInfo(made.path.name, title, "zip", made.bytes, made.sha256)
    if not given.is_file() or given.suffix.lower() != ".zip":
        raise StatpubError(
            f"{given}: no such zip file; make it with statpub bundle, or drop --bundle "
            "and the page makes one",
            code="file-not-found",
            path=given,
        )
    if (folder / given.name).exists():
        raise StatpubError(
            f"{given}: a package file is already named {given.name}; rename the bundle",
            code="bad-usage",
            path=given,
        )
    shutil.copyfile(given, folder / given.name)
    return FileInfo(given.name, title, "zip", given.stat().st_size, sha256_file(given))


def _check_out_dir(package_dir: Path, out_dir: Path) -> None:
    """Refuse to replace a folder that is not an earlier page: the swap deletes it."""
    out, pkg = out_dir.resolve(), package_dir.resolve()
    if out == pkg or out in pkg.parents or out.is_relative_to(pkg):
        raise StatpubError(
            f"{out_dir}: the page would replace the package's folder, a folder holding it "
            "or a folder inside it; choose an --out outside the package",
            code="bad-usage",
            path=out_dir,
        )
    if out.is_dir() and any(out.iterdir()) and not (out / "index.html").is_file():
        raise StatpubError(
            f"{out_dir}: exists and is not an earlier dataset page (no index.html); "
            "choose an empty or new --out folder",
            code="bad-usage",
            path=out_dir,
        )
