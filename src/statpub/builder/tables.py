"""Rows of each published table, from a :class:`~statpub.figures.records.FigureSet`."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from statpub.figures.records import FigureSet

# Published tables, in descriptor order.
TABLES = ("observations", "indicators", "sources", "revisions")


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
    return {
        "observations": observations,
        "indicators": indicators,
        "sources": sources,
        "revisions": list(revisions),
    }
