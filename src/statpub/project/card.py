"""A project's ``datapackage.json``, data card and changelog, from its metadata and history.

The descriptor follows the conventions of :mod:`statpub.builder.descriptor`
(Data Package v2, readable by v1 readers); the version, its note and the
``created`` date are those of the last entry of the project's ``releases.yml``
(none before the first release).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from statpub.builder.cardwords import CardWords, card_words
from statpub.builder.descriptor import PACKAGE_PROFILE
from statpub.figures.records import Release

# Package properties in the order they are written, after name/id/title/description.
_ORDER = (
    "homepage", "keywords", "licenses", "contributors", "sources", "spatialCoverage",
    "temporalCoverage", "themes", "availability", "image",
)  # fmt: skip


def package_descriptor(
    metadata: dict[str, Any], releases: Sequence[Release], resources: list[dict[str, Any]]
) -> dict[str, Any]:
    out: dict[str, Any] = {"$schema": PACKAGE_PROFILE, "name": metadata["name"]}
    for key in ("id", "title"):
        if metadata.get(key):
            out[key] = metadata[key]
    if metadata.get("description"):
        out["description"] = " ".join(str(metadata["description"]).split())
    out.update(_languages(metadata))
    if releases:
        last = releases[-1]
        out["version"] = last.version
        out["versionNote"] = last.note
        out["created"] = f"{last.date.isoformat()}T00:00:00Z"
    for key in _ORDER:
        if metadata.get(key) is not None:
            out[key] = _contributors(metadata[key]) if key == "contributors" else metadata[key]
    out["resources"] = resources
    return out


def _languages(metadata: dict[str, Any]) -> dict[str, Any]:
    """``languages``, the package's translated title and description and who translated,
    in the figure model's order (:mod:`statpub.builder.descriptor`)."""
    langs = metadata.get("languages")
    if not langs:
        return {}
    out: dict[str, Any] = {"languages": list(langs)}
    for lang in langs[1:]:
        for key in ("title", "description"):
            value = metadata.get(f"{key}@{lang}")
            if value and key == "description":
                value = " ".join(str(value).split())
            if value:
                out[f"{key}@{lang}"] = value
    if metadata.get("translations"):
        out["translations"] = metadata["translations"]
    return out


def _contributors(items: Any) -> Any:
    if not isinstance(items, list):
        return items
    out = []
    for c in items:
        c = dict(c) if isinstance(c, dict) else {"title": str(c)}
        if isinstance(c.get("roles"), str):
            c["roles"] = [c["roles"]]
        out.append(c)
    return out


def render_datacard(
    descriptor: dict[str, Any],
    schemas: dict[str, dict[str, Any]],
    sizes: dict[str, int],
    w: CardWords | None = None,
) -> str:
    """The data card in ``w``'s language (default: the package's default language):
    what the package holds, its files with sizes and hashes, each field."""
    w = w or card_words(descriptor)[0]
    title = w.text(descriptor, "title") or descriptor["name"]
    lines = [*w.header(), f"# {title}", ""]
    description = w.text(descriptor, "description")
    if description:
        lines += [description, ""]
    version = descriptor.get("version")
    if version:
        date, note = descriptor["created"][:10], descriptor["versionNote"]
        lines += [w("p_version", version=version, date=date, note=note), ""]
    else:
        lines += [w("p_unreleased"), ""]
    licenses = [lic.get("title") or lic.get("name") for lic in descriptor.get("licenses") or []]
    if licenses:
        lines += [w("licence", licence=", ".join(str(x) for x in licenses if x)), ""]
    sources = [s.get("title") or s.get("path") for s in descriptor.get("sources") or []]
    if sources:
        lines += [w("p_sources", sources="; ".join(str(s) for s in sources if s)), ""]
    lines += [f"## {w('h_files')}", "", w("p_files_head"), "|---|---:|---|"]
    for res in descriptor["resources"]:
        digest = str(res.get("hash", "")).removeprefix("sha256:")
        lines.append(f"| `{res['path']}` | {w.number(sizes.get(res['path'], 0))} | `{digest}` |")
    lines += ["", w("p_files_text"), ""]
    for name, schema in schemas.items():
        lines += _table_section(name, schema, w)
    return "\n".join(lines).rstrip("\n") + "\n"


def _table_section(name: str, schema: dict[str, Any], w: CardWords) -> list[str]:
    lines = [f"## {w.text(schema, 'title') or name}", ""]
    description = w.text(schema, "description")
    if description:
        lines += [str(description), ""]
    key = schema.get("primaryKey")
    if key:
        shown = ", ".join(key) if isinstance(key, list) else str(key)
        lines += [w("p_one_row", key=shown), ""]
    missing = [m["value"] if isinstance(m, dict) else m for m in schema.get("missingValues", [""])]
    if missing != [""]:
        lines += [w("p_missing", values=", ".join(f"`{m}`" for m in missing)), ""]
    lines += [w("p_fields_head"), "|---|---|---|"]
    for f in schema.get("fields", []):
        text = str(w.text(f, "description") or w.text(f, "title") or "")
        codes = f.get("categories")
        if codes:
            values = [_code(c, w) for c in codes]
            text = (text + " " if text else "") + w("p_codes", codes=", ".join(values))
        lines.append(f"| `{f['name']}` | {f.get('type', 'string')} | {_cell(text)} |")
    lines.append("")
    return lines


def _code(category: Any, w: CardWords) -> str:
    """A code, with its label in the card's language when the schema gives one."""
    if not isinstance(category, dict):
        return str(category)
    label = w.text(category, "label")
    value = str(category["value"])
    return f"{value} ({label})" if label and label != value else value


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render_changelog(
    title: str, releases: Sequence[Release], revisions: Sequence[dict[str, Any]]
) -> str:
    """Newest release first: its note, then its revised values, removed and added rows,
    summarised with counts when there are many (:mod:`statpub.versioning.tablechanges`)."""
    from statpub.versioning.tablechanges import render_changelog as render

    return render(title, releases, revisions)
