"""The changelog's words: numbers formatted, and no "published earlier" for a figure of the
same release."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.test_figures import load

from statpub.release.describe import new_figure_text
from statpub.versioning.changelog import _value


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("7000000", "7,000,000"),
        ("131", "131"),
        ("-1200.5", "-1,200.5"),
        ("2025-06", "2025-06"),
        ("", "(none)"),
        (None, "(none)"),
    ],
)
def test_logged_values_are_formatted(raw: str | None, shown: str) -> None:
    assert _value(raw) == shown


def test_a_target_names_the_newer_count_released_with_it(inputs: Path) -> None:
    figset = load(inputs)
    targets = [f for f in figset.figures if f.is_target]
    assert targets, "the repository's figures have a target"
    target = targets[0]
    same = [
        f
        for f in figset.figures
        if (f.indicator_id, f.ref_area) == (target.indicator_id, target.ref_area)
        and not f.is_target
        and f.period_start is not None
    ]
    latest = max(same, key=lambda f: f.period_end)
    row = {k: (None if v is None else str(v)) for k, v in target.row().items()}
    # Released together with the latest count: that count is not "published earlier".
    text = new_figure_text(row, figset, {target.key, latest.key})
    assert f"Latest measured figure, in this release: {latest.value_wording}" in text
    assert "published earlier" not in text
    # Released after it: it is.
    text = new_figure_text(row, figset, {target.key})
    assert f"Latest measured figure, published earlier: {latest.value_wording}" in text
