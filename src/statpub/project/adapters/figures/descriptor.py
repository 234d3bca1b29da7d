"""``datapackage.json`` of the figure model: package metadata from figures/package.yml,
coverage from the figures, the sources in one sentence, the indicators' translations."""

from __future__ import annotations

from typing import Any

from statpub.builder.descriptor import PACKAGE_PROFILE
from statpub.figures.records import FigureSet, Source

SOURCES_SENTENCE = {
    "en": ("Quoted from one source: {items}.", "Quoted from {n} sources: {items}."),
    "kk": ("Бір дереккөзден алынған: {items}.", "{n} дереккөзден алынған: {items}."),
    "ru": ("Цитаты из одного источника: {items}.", "Цитаты из {n} источников: {items}."),
}


def package_descriptor(figset: FigureSet, resources: list[dict[str, Any]]) -> dict[str, Any]:
    meta = figset.package
    release = figset.current_release
    # Coverage is of what was measured: a target for 2027 does not stretch it to 2027.
    measured = [f for f in figset.figures if not f.is_target]
    ends = [f.period_end for f in measured]
    starts = [f.period_start for f in measured if f.period_start is not None]
    description = " ".join(str(meta["description"]).split())
    descriptor: dict[str, Any] = {
        "$schema": PACKAGE_PROFILE,
        "name": meta["name"],
        "id": meta["id"],
        "title": meta["title"],
        "description": f"{description} {sources_sentence(figset.sources)}".strip(),
    }
    descriptor.update(_package_translations(figset))
    descriptor |= {
        "version": release.version,
        "versionNote": release.note,
        "created": f"{release.date.isoformat()}T00:00:00Z",
    }
    if meta.get("homepage"):
        descriptor["homepage"] = meta["homepage"]
    descriptor["keywords"] = list(meta.get("keywords") or [])
    descriptor["licenses"] = list(meta.get("licenses") or [])
    descriptor["contributors"] = [_contributor(c) for c in meta.get("contributors") or []]
    descriptor["sources"] = [
        {k: v for k, v in (("title", s.title), ("path", s.url)) if v} for s in figset.sources
    ]
    spatial = meta.get("spatial") or {}
    if spatial:
        descriptor["spatialCoverage"] = {
            "iso3166": spatial.get("code"),
            "name": spatial.get("name"),
        }
    if ends:
        descriptor["temporalCoverage"] = {
            "start": min(starts).isoformat() if starts else None,
            "end": max(ends).isoformat(),
        }
    # Catalogue metadata, when the maintainer states it (see docs/publishing.md).
    for key in ("themes", "availability"):
        if meta.get(key):
            descriptor[key] = meta[key]
    descriptor["resources"] = [_with_rows(r, figset) for r in resources]
    return descriptor


def _languages(meta: dict[str, Any]) -> list[str]:
    return [str(x) for x in meta.get("languages") or []]


def _package_translations(figset: FigureSet) -> dict[str, Any]:
    """``languages``, the package's translated title and description, and who made them."""
    meta = figset.package
    langs = _languages(meta)
    if not langs:
        return {}
    out: dict[str, Any] = {"languages": langs}
    texts = meta.get("translations") or {}
    for lang in langs[1:]:
        own = texts.get(lang) or {}
        if own.get("title"):
            out[f"title@{lang}"] = own["title"]
        if own.get("description"):
            desc = " ".join(str(own["description"]).split())
            out[f"description@{lang}"] = f"{desc} {sources_sentence(figset.sources, lang)}"
    if meta.get("translated_by"):
        out["translations"] = [
            {"language": lang, "translator": meta["translated_by"], "official": False}
            for lang in langs[1:]
            if lang in texts
        ]
    return out


def _with_rows(resource: dict[str, Any], figset: FigureSet) -> dict[str, Any]:
    """The indicators' names and definitions in the other languages (docs/languages.md)."""
    if not resource["name"].startswith("indicators"):
        return resource
    by_lang: dict[str, dict[str, dict[str, str]]] = {}
    for ind in sorted(figset.indicators, key=lambda i: i.indicator_id):
        for lang, column, value in ind.translations:
            by_lang.setdefault(lang, {}).setdefault(ind.indicator_id, {})[column] = value
    if not by_lang:
        return resource
    rows = {"key": "indicator_id", "languages": dict(sorted(by_lang.items()))}
    return {**resource, "rowTranslations": rows}


def sources_sentence(sources: list[Source], lang: str = "en") -> str:
    """Every source in one sentence, so that the description stays true as sources are added.

    The titles stay in the sources' own words, in every language."""
    if not sources:
        return ""
    quotes = ("\u201c", "\u201d") if lang == "en" else ("\u00ab", "\u00bb")
    items = [
        f"{quotes[0]}{s.title}{quotes[1]} ({s.publisher}, {s.published})"
        for s in sorted(sources, key=lambda s: (s.published, s.source_id))
    ]
    one, many = SOURCES_SENTENCE.get(lang, SOURCES_SENTENCE["en"])
    return (one if len(items) == 1 else many).format(n=len(items), items="; ".join(items))


def _contributor(c: dict[str, Any]) -> dict[str, Any]:
    out = dict(c)
    roles = out.get("roles")
    if isinstance(roles, str):
        out["roles"] = [roles]
    return out
