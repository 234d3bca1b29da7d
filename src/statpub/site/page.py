"""``render_site()``: a built package -> one static, offline dataset page.

The page is ``index.html`` (styles and the chart inline, no script, nothing
fetched from the network) plus ``files/``, a copy of every file it links to, so
it reads the same from the file system, a static host or an archive.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statpub.errors import StatpubError
from statpub.figures.periods import label as period_label
from statpub.package.atomic import staged_folder
from statpub.site import chart
from statpub.site.markdown import render as render_markdown
from statpub.site.markdown import safe_href
from statpub.site.reader import FileInfo, PageData, page_data
from statpub.site.schemaorg import page_dataset, script_json
from statpub.site.tablepage import TableSection, table_sections
from statpub.tables.schema import category_labels

FILES_DIR = "files"


@dataclass
class SiteResult:
    out_dir: Path
    version: str
    figures: int
    marks: int
    files: list[FileInfo] = field(default_factory=list)
    tables: list[TableSection] = field(default_factory=list)  # the table page's sections

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
    panels = _panels(contents) if contents.figures else []
    tables = [] if contents.figures else table_sections(contents.package)
    with staged_folder(out_dir) as staging:
        for rel in contents.copied:
            dest = staging / FILES_DIR / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(contents.package.root / rel, dest)
        files = [*contents.files, _bundle(package_dir, staging / FILES_DIR, bundle)]
        if contents.figures:
            html = render_html(contents, files, panels, base_url=base_url)
        else:
            html = render_tables_html(contents, files, tables, base_url=base_url)
        (staging / "index.html").write_text(html, encoding="utf-8")
    return SiteResult(
        out_dir=out_dir,
        version=str(contents.descriptor.get("version", "")),
        figures=len(contents.observations),
        marks=sum(len(p.marks) for p in panels) + sum(t.chart.points for t in tables if t.chart),
        files=files,
        tables=tables,
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
    env: Any, contents: PageData, files: list[FileInfo], base_url: str, sources_are: str
) -> dict[str, Any]:
    """What both pages show: metadata, downloads, changelog, citation and JSON-LD."""
    d = contents.descriptor
    css = env.loader.get_source(env, "site.css")[0] if env.loader else ""
    style = f"\n{css}\n"
    return {
        "d": d,
        "title": str(d.get("title") or d.get("name") or "Data Package"),
        "style": style,
        "csp": content_security_policy(style),
        "created": str(d.get("created", ""))[:10],
        "licence": (d.get("licenses") or [{}])[0],
        "files": [_download(f) for f in files],
        "files_dir": FILES_DIR,
        "changelog_html": render_markdown(contents.changelog, shift=1, drop_title=True)
        if contents.changelog
        else "",
        "citation": citation(d, sources_are),
        "jsonld": script_json(
            page_dataset(contents.package, files, base_url=base_url, files_prefix=f"{FILES_DIR}/")
        ),
    }


def render_html(
    contents: PageData,
    files: list[FileInfo],
    panels: list[chart.Panel],
    *,
    base_url: str = "",
) -> str:
    """The figure page: one mark per figure, the table of figures in words."""
    env = _environment()
    context = _common(env, contents, files, base_url, "Figures quoted from")
    title = context["title"]
    context |= {
        "chart_svgs": [
            chart.render_svg(panels, f"Chart of the figures in {title}", layout)
            for layout in (chart.WIDE, chart.NARROW)
        ],
        "scale_note": scale_note(panels),
        "groups": _table_groups(panels, contents.corroborations),
        "targets": [
            f"{m.name}: {number(m.value, m.percent) if m.value is not None else m.wording} "
            f"by {period_label(m.period, m.row.get('period_type'))} (\u201c{m.wording}\u201d)"
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
) -> str:
    """The table page: per table its dictionary, first rows and time chart."""
    env = _environment()
    context = _common(env, contents, files, base_url, "Sources")
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


def _panels(contents: PageData) -> list[chart.Panel]:
    indicators = {r["indicator_id"]: r for r in contents.indicators}
    fields: list[dict[str, Any]] = contents.schemas["indicators"]["fields"]
    topic_field = next((f for f in fields if f["name"] == "topic"), {})
    return chart.build_panels(
        contents.observations, indicators, category_labels(topic_field), describe
    )


def number(x: float, percent: bool = False) -> str:
    text = f"{int(x):,}" if float(x).is_integer() else f"{x:,}"
    return text + ("%" if percent else "")


def meaning(row: dict[str, Any]) -> str:
    """What the wording allows, in words: "at least 121", "between 200 and 999"."""
    if row.get("obs_status") == chart.TARGET_STATUS:
        return f"target: {_allows(row)} planned, not measured"
    return _allows(row)


def _allows(row: dict[str, Any]) -> str:
    percent = row.get("unit") == "percent"
    lo, hi, value = row.get("lower_bound"), row.get("upper_bound"), row.get("value")
    if lo is not None and hi is not None and lo != hi:
        return f"between {number(lo, percent)} and {number(hi, percent)}"
    if lo is not None and hi is None:
        return f"at least {number(lo, percent)}"
    if hi is not None and lo is None:
        return f"at most {number(hi, percent)}"
    exact = lo if lo is not None else value
    return "no number given" if exact is None else f"exactly {number(exact, percent)}"


def describe(row: dict[str, Any]) -> str:
    return f"{row.get('value_wording', '')} ({meaning(row)}), {row.get('time_period', '')}"


def scale_note(panels: list[chart.Panel]) -> str:
    stated = [
        m.value if m.value is not None else m.lower if m.lower is not None else m.upper
        for p in panels
        if not p.percent
        for m in p.marks
    ]
    counts = [x for x in stated if x is not None and x > 0]
    note = "Each topic has its own linear scale starting at zero"
    if counts:
        low, high = (chart.format_tick(x, False) for x in (min(counts), max(counts)))
        note += (
            f", because the counts run from {low} to {high}: "
            "compare bar lengths within a topic, not across topics"
        )
    if any(p.percent for p in panels):
        note += ". Percentages have their own 0\u2013100% scale"
    return note + "."


def citation(d: dict[str, Any], sources_are: str = "Figures quoted from") -> str:
    authors = ", ".join(c["title"] for c in d.get("contributors") or [] if c.get("title"))
    year = str(d.get("created", ""))[:4]
    sources = "; ".join(s["title"] for s in d.get("sources") or [] if s.get("title"))
    text = f"{authors} ({year}). " if year else f"{authors}. " if authors else ""
    text += f"{d.get('title') or d.get('name', '')}"
    text += f", version {d['version']} [data set]." if d.get("version") else " [data set]."
    if sources:
        text += f" {sources_are}: {sources}."
    if d.get("id"):
        text += f" Identifier: {d['id']}."
    return text


def human_size(n: int) -> str:
    if n < 1000:
        return f"{n} bytes"
    for unit, size in (("MB", 1_000_000), ("kB", 1000)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} bytes"  # pragma: no cover - the loop always returns


def _download(f: FileInfo) -> dict[str, Any]:
    return {**f.to_dict(), "href": f"{FILES_DIR}/{f.path}", "size": human_size(f.bytes)}


def _table_groups(
    panels: list[chart.Panel],
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
                    "meaning": meaning(m.row),
                    "period": period_label(m.period, m.row.get("period_type")),
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

    title = "Bundle: the whole package in one zip, with SHA256SUMS"
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
