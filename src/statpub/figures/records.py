"""The records a maintainer writes: sources, indicators, figures, releases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

TARGET_STATUS = "F"  # SDMX CL_OBS_STATUS "forecast value", used for targets and plans


@dataclass(frozen=True)
class Source:
    source_id: str
    title: str
    url: str | None
    publisher: str
    published: str  # ISO 8601 at the precision known: 2025, 2025-06 or 2025-06-01
    accessed: dt.date | None
    language: str
    sha256: str | None
    description: str


@dataclass(frozen=True)
class Indicator:
    indicator_id: str
    name: str
    definition: str
    unit: str  # "count" or "percent"
    unit_description: str  # a count of what
    topic: str
    # Plausible range of a value, beyond what the unit allows; figure files only, not published.
    minimum: float | None = None
    maximum: float | None = None
    # (language, field, text): name, definition, unit_description in other languages.
    translations: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Corroboration:
    """Another source that reports the same figure: its own quote, paragraph and date
    (the source's publication date). Published in the ``corroborations`` table."""

    source_id: str
    quote: str
    paragraph: int
    origin: tuple[str, int] = field(default=("", 0), compare=False)  # file, line of its quote


@dataclass(frozen=True)
class Figure:
    """One observation as quoted from one source."""

    indicator_id: str
    ref_area: str
    time_period: str
    period_type: str
    period_start: dt.date | None
    period_end: dt.date
    value: float | None
    unit: str
    qualifier: str
    lower_bound: float | None
    upper_bound: float | None
    obs_status: str
    value_wording: str
    period_wording: str | None
    period_reading: str
    note: str | None
    source_id: str
    quote: str
    paragraph: int
    origin: tuple[str, int] = field(default=("", 0), compare=False)  # file, line
    quote_line: int = field(default=0, compare=False)  # line of `quote:` in that file
    also_reported_by: tuple[Corroboration, ...] = ()

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.indicator_id, self.ref_area, self.time_period)

    @property
    def is_target(self) -> bool:
        """A level planned for the period, not a measurement (SDMX status F)."""
        return self.obs_status == TARGET_STATUS

    def row(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in OBSERVATION_FIELDS}
        return out


OBSERVATION_FIELDS = (
    "indicator_id",
    "ref_area",
    "time_period",
    "period_type",
    "period_start",
    "period_end",
    "value",
    "unit",
    "qualifier",
    "lower_bound",
    "upper_bound",
    "obs_status",
    "value_wording",
    "period_wording",
    "period_reading",
    "note",
    "source_id",
    "quote",
    "paragraph",
)


@dataclass(frozen=True)
class Release:
    version: str
    date: dt.date
    note: str
    # Sources whose quotes were not checked against their texts (--unchecked-quotes).
    unchecked_quotes: tuple[str, ...] = ()


@dataclass
class FigureSet:
    """Everything read from a figures folder."""

    package: dict[str, Any]
    indicators: list[Indicator]
    sources: list[Source]
    figures: list[Figure]
    releases: list[Release]
    # source id -> (figure file, line of its sha256, or of its source record)
    source_origins: dict[str, tuple[str, int]] = field(default_factory=dict)

    @property
    def current_release(self) -> Release:
        return self.releases[-1]
