"""The changelog's words for a new figure, when the maintainer gives no reason for it.

A new observation needs no reason, but the changelog should still say what it
is: its wording, period and quoted phrase, whether it is a target, and the
figure of the same indicator and area published before it. The text is written
into the revisions log at release time, so a later version never rewrites it.
"""

from __future__ import annotations

from statpub.figures.periods import label
from statpub.figures.records import TARGET_STATUS, Figure, FigureSet

Key = tuple[str, str, str]


def new_figure_text(new: dict[str, str | None], figset: FigureSet, added: set[Key]) -> str:
    """ "New figure from <source>: 131 for 7 October 2025 ("<quote>", paragraph 4). ..."."""
    code = str(new.get("time_period") or "")
    if code.startswith("../") and new.get("period_type") == "stock":
        period = f"an unknown date no later than {label(code.removeprefix('../'))}"
    else:
        period = label(code, new.get("period_type"))
    where = f"\u201c{new.get('quote')}\u201d, paragraph {new.get('paragraph')}"
    wording = new.get("value_wording") or new.get("value") or ""
    if new.get("obs_status") == TARGET_STATUS:
        text = (
            f"New target from {new.get('source_id')}: {wording}, to be reached by {period} "
            f"({where}); a plan, not a measurement."
        )
    else:
        at = "at" if period.startswith("an unknown") else "for"
        text = f"New figure from {new.get('source_id')}: {wording} {at} {period} ({where})."
    key = (new.get("indicator_id"), new.get("ref_area"), new.get("time_period"))
    for fig in (f for f in figset.figures if f.key == key):
        for c in fig.also_reported_by:
            text += (
                f" Also reported by {c.source_id} (\u201c{c.quote}\u201d, paragraph {c.paragraph})."
            )
    target = new.get("obs_status") == TARGET_STATUS
    before = _published_before(new, figset, set() if target else added)
    if before is not None:
        lead = "Latest measured figure" if target else "Before it"
        # A newer count released together with the target is not "published earlier".
        when = "in this release" if before.key in added else "published earlier"
        text += (
            f" {lead}, {when}: {before.value_wording} for "
            f"{label(before.time_period, before.period_type)} (\u201c{before.quote}\u201d, "
            f"{before.source_id} paragraph {before.paragraph})."
        )
    return text


def _published_before(
    new: dict[str, str | None], figset: FigureSet, added: set[Key]
) -> Figure | None:
    """The latest measured figure of the same indicator and area, from an earlier version
    and for an earlier period; none when the new figure's own date is unknown."""
    from statpub.figures import periods

    period = str(new.get("time_period") or "")
    try:
        start, end = periods.resolve(period)
    except periods.PeriodError:
        return None
    if start is None and new.get("period_type") == "stock":
        return None  # a level at an unknown date comes after nothing in particular
    earlier = [
        f
        for f in figset.figures
        if (f.indicator_id, f.ref_area) == (new.get("indicator_id"), new.get("ref_area"))
        and f.key not in added
        and not f.is_target
        and f.period_end < end
        and not (f.period_start is None and f.period_type == "stock")
    ]
    return max(earlier, key=lambda f: f.period_end, default=None)
