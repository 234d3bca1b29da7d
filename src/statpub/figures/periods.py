"""Reference periods written as ISO 8601 dates or intervals at the precision known.

``2024`` is the calendar year, ``2025-06`` a month, ``2025-01/2025-06`` the
months January to June inclusive, ``../2025-06`` a period whose start the
source does not state. A period resolves to inclusive start and end dates.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_POINT = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# English month names, written out: calendar.month_name follows the process locale.
MONTHS = (
    "January February March April May June July August September October November December"
).split()


class PeriodError(ValueError):
    pass


def _bounds(text: str) -> tuple[dt.date, dt.date]:
    m = _POINT.match(text)
    if not m:
        raise PeriodError(f"{text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    try:
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
        d = dt.date(year, month, day)
    except ValueError as exc:
        raise PeriodError(f"{text!r} is not a real date ({exc})") from exc
    return d, d


def resolve(period: str) -> tuple[dt.date | None, dt.date]:
    """Inclusive (start, end) of ``period``; start is None for an open start."""
    if "/" not in period:
        return _bounds(period)
    left, _, right = period.partition("/")
    end = _bounds(right)[1]
    if left == "..":
        return None, end
    start = _bounds(left)[0]
    if start > end:
        raise PeriodError(f"{period!r} ends before it starts")
    return start, end


def _point_words(text: str) -> str:
    m = _POINT.match(text)
    if not m:
        return text
    year, month, day = m.group(1), m.group(2), m.group(3)
    if month is None:
        return year
    name = MONTHS[int(month) - 1] if 1 <= int(month) <= 12 else month
    return f"{int(day)} {name} {year}" if day else f"{name} {year}"


def label(period: str, period_type: str | None = None) -> str:
    """The period in words: "June 2025", "7 October 2025", "2019 to June 2025".

    An open start reads "up to June 2025, start unknown" for a flow and, for a
    stock (a level at an unknown date), "unknown date, by 7 October 2025".
    """
    if "/" not in period:
        return _point_words(period)
    left, _, right = period.partition("/")
    end = _point_words(right)
    if left == "..":
        return (
            f"unknown date, by {end}" if period_type == "stock" else f"up to {end}, start unknown"
        )
    return f"{_point_words(left)} to {end}"
