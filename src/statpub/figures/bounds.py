"""The qualifier and bounds rule of a quoted figure, shared by the figure loader and validate."""

from __future__ import annotations


def bounds_problem(
    qualifier: str, value: float | None, lower: float | None, upper: float | None
) -> str | None:
    """Why these bounds cannot go with this qualifier and value, or None if they can.

    Bounds are inclusive. ``exact``: lower = value = upper. ``more-than``/``over``:
    a lower bound at or above the value. ``nearly``: an upper bound at or below
    the value. ``about``/``rounded``: lower <= value <= upper. ``order-of-magnitude``:
    both bounds, the value (if any) between them.
    """
    if lower is not None and upper is not None and lower > upper:
        return f"lower_bound {_n(lower)} is above upper_bound {_n(upper)}"
    if qualifier != "order-of-magnitude" and value is None:
        return f"a {qualifier!r} figure needs a value"
    if qualifier == "exact":
        if lower != value or upper != value:
            return "an exact figure has lower_bound = value = upper_bound"
    elif qualifier in ("more-than", "over"):
        if lower is None or value is None or lower < value:
            return f"{qualifier!r} {_n(value)} needs a lower_bound at or above the value"
    elif qualifier == "nearly":
        if upper is None or value is None or upper > value:
            return f"'nearly' {_n(value)} needs an upper_bound at or below the value"
    elif qualifier in ("about", "rounded"):
        if lower is None or upper is None or value is None or not lower <= value <= upper:
            return f"{qualifier!r} {_n(value)} needs lower_bound <= value <= upper_bound"
    elif qualifier == "order-of-magnitude":
        if lower is None or upper is None:
            return "an order-of-magnitude figure ('hundreds') needs both bounds"
        if value is not None and not lower <= value <= upper:
            return "the value must lie between the bounds"
    return None


def _n(x: float | None) -> str:
    if x is None:
        return "(none)"
    return str(int(x)) if float(x).is_integer() else str(x)

