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
