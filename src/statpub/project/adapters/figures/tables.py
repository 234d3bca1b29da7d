"""Rows of each published table, from a :class:`~statpub.figures.records.FigureSet`."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from statpub.figures.records import FigureSet

# Published tables, in descriptor order.
TABLES = ("observations", "indicators", "sources", "revisions")
# Published only when it has rows, after ``sources``: a package whose figures have no
# corroborating source is the same, byte for byte, as before the table existed.
CORROBORATIONS = "corroborations"


def published_tables(rows: dict[str, list[dict[str, Any]]]) -> tuple[str, ...]:
    """The tables to publish, in descriptor order."""
    if not rows.get(CORROBORATIONS):
        return TABLES
    return (*TABLES[:3], CORROBORATIONS, *TABLES[3:])


def table_rows(
    figset: FigureSet, revisions: list[dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    observations = sorted(
        (f.row() for f in figset.figures),
        key=lambda r: (r["indicator_id"], r["ref_area"], r["time_period"]),
    )
    indicators = sorted(
        (
            {
                "indicator_id": i.indicator_id,
                "name": i.name,
                "definition": i.definition,
                "unit": i.unit,
                "unit_description": i.unit_description,
                "topic": i.topic,
            }
            for i in figset.indicators
        ),
        key=lambda r: r["indicator_id"],
    )
    sources = sorted((asdict(s) for s in figset.sources), key=lambda r: r["source_id"])
    corroborations = sorted(
        (
            {
                "indicator_id": f.indicator_id,
                "ref_area": f.ref_area,
                "time_period": f.time_period,
                "source_id": c.source_id,
                "quote": c.quote,
                "paragraph": c.paragraph,
            }
            for f in figset.figures
            for c in f.also_reported_by
        ),
        key=lambda r: (r["indicator_id"], r["ref_area"], r["time_period"], r["source_id"]),
    )
    return {
        "observations": observations,
        "indicators": indicators,
        "sources": sources,
        CORROBORATIONS: corroborations,
        "revisions": list(revisions),
    }
