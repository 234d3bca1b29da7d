"""Is a figure possible at all? Checks from its indicator's unit, its range and its wording.

* a count is a whole number, never below zero; a percentage lies between 0 and 100;
* an indicator may narrow that with ``minimum`` and ``maximum`` in indicators.yml;
* every number written in ``wording`` is the value or one of its bounds, and the
  value, when there is one, is written there: "112" cannot go with a value of 113,
  while "more than 120" goes with a value of 120 and a lower bound of 121;
* a measured figure cannot refer to a time after its source was published (a
  level planned for later is a target: ``obs_status: F``).

Each check returns ``(code, field, message)`` problems; the loader adds file and line.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from statpub.figures.records import TARGET_STATUS

Problem = tuple[str, str, str]

# Words that multiply the number before them, in the languages of the sources.
SCALES = {
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "тыс": 10**3,
    "тысяч": 10**3,
    "тысячи": 10**3,
    "тысяча": 10**3,
    "млн": 10**6,
    "миллион": 10**6,
    "миллиона": 10**6,
    "миллионов": 10**6,
    "млрд": 10**9,
    "миллиард": 10**9,
    "миллиарда": 10**9,
    "миллиардов": 10**9,
}
_SPACES = " \u00a0\u202f"
# English groups thousands with commas ("1,200") and writes decimals with a point;
# Russian (and most other languages) group with spaces ("250 000") and write "6,9".
_NUMBER = {
    "en": re.compile(r"(?<![\w.,])[-\u2212]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"),
    "other": re.compile(
        rf"(?<![\w.,])[-\u2212]?(?:\d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?:,\d+)?|\d+(?:,\d+)?)"
    ),
}
_SCALE_AFTER = re.compile(rf"[{_SPACES}]*([^\W\d_]+)\.?")


def wording_numbers(wording: str, language: str) -> list[Decimal]:
    """The numbers written in ``wording``, scaled by a following "million", "млн", ..."""
    english = language.lower().split("-")[0] == "en"
    pattern = _NUMBER["en" if english else "other"]
    out: list[Decimal] = []
    for m in pattern.finditer(wording):
        digits = m.group(0).replace("\u2212", "-")
        if english:
            digits = digits.replace(",", "")
        else:
            digits = "".join(ch for ch in digits if ch not in _SPACES).replace(",", ".")
        number = Decimal(digits)
        word = _SCALE_AFTER.match(wording, m.end())
        if word and word.group(1).lower() in SCALES:
            number *= SCALES[word.group(1).lower()]
        out.append(number)
    return out


def _same(a: Decimal, b: float) -> bool:
    return abs(a - Decimal(repr(float(b)))) <= Decimal("1e-9") * max(Decimal(1), abs(a))


def _n(x: float | Decimal) -> str:
    d = x if isinstance(x, Decimal) else Decimal(repr(float(x)))
    return f"{d.normalize():f}" if d != d.to_integral_value() else f"{int(d):,}"


def wording_problem(
    wording: str, language: str, value: float | None, lower: float | None, upper: float | None
) -> Problem | None:
    """Why the numbers in the wording disagree with the value and bounds, or None."""
    numbers = wording_numbers(wording, language)
    if not numbers:
        return None  # "hundreds": nothing written to compare
    allowed = [x for x in (value, lower, upper) if x is not None]
    stray = [n for n in numbers if not any(_same(n, x) for x in allowed)]
    if value is not None and not any(_same(n, value) for n in numbers):
        written = ", ".join(_n(n) for n in numbers)
        return (
            "figures-wording-mismatch",
            "value",
            f"wording {wording!r} writes {written} but the value is {_n(value)}; "
            "the value is the number as published: fix the value or the wording",
        )
    if stray:
        lo, hi = (_n(b) if b is not None else "…" for b in (lower, upper))
        bounds = f"{lo} to {hi}"
        return (
            "figures-wording-mismatch",
            "wording",
            f"wording {wording!r} writes {', '.join(_n(n) for n in stray)}, which is neither "
            f"the value ({'none' if value is None else _n(value)}) nor a bound ({bounds}); "
            "fix the wording or the bounds",
        )
    return None


def unit_problems(
    unit: str,
    numbers: dict[str, float | None],
    minimum: float | None = None,
    maximum: float | None = None,
) -> list[Problem]:
    """Values and bounds impossible in ``unit`` or outside the indicator's own range."""
    out: list[Problem] = []
    for name, x in numbers.items():
        if x is None:
            continue
        if unit == "count" and x < 0:
            out.append(
                (
                    "figures-negative-count",
                    name,
                    f"{name} {_n(x)} is negative; a count is 0 or more: fix the sign, or "
                    "record a decrease as the later, smaller count",
                )
            )
        elif unit == "count" and not float(x).is_integer():
            out.append(
                (
                    "figures-fractional-count",
                    name,
                    f"{name} {_n(x)} is not a whole number; a count is whole: write the number "
                    "as published (6.9 million is 6900000), or change the indicator's unit",
                )
            )
        elif unit == "percent" and not 0 <= x <= 100:
            out.append(
                (
                    "figures-percent-out-of-range",
                    name,
                    f"{name} {_n(x)} is outside 0-100 for a percentage: write the percentage "
                    "itself (85 for 85%), or change the indicator's unit",
                )
            )
        elif minimum is not None and x < minimum:
            out.append(
                (
                    "figures-out-of-range",
                    name,
                    f"{name} {_n(x)} is below the indicator's minimum {_n(minimum)} "
                    "(indicators.yml): fix the figure, or the indicator's minimum",
                )
            )
        elif maximum is not None and x > maximum:
            out.append(
                (
                    "figures-out-of-range",
                    name,
                    f"{name} {_n(x)} is above the indicator's maximum {_n(maximum)} "
                    "(indicators.yml): fix the figure, or the indicator's maximum",
                )
            )
    return out


def period_problem(
    period: str, end: dt.date, obs_status: str, published_end: dt.date | None, published: str
) -> Problem | None:
    """A measured figure whose period ends after its source's publication."""
    if obs_status == TARGET_STATUS or published_end is None or end <= published_end:
        return None
    return (
        "figures-period-after-publication",
        "period",
        f"period {period} ends after the source was published ({published}): a source cannot "
        "report a measurement of a time still to come. A planned level is a target: set "
        f"obs_status: {TARGET_STATUS}; otherwise give the period the source reports",
    )
