"""Impossible figures are refused: duplicate keys, values the unit or the indicator's range
rules out, wording that states another number, a measurement dated after its source."""

from __future__ import annotations

from pathlib import Path

import pytest

from statpub.figures.plausible import wording_numbers, wording_problem
from test_figures import SOURCE, edit, load, only_issue

ZAKON = "figures/sources/zakon-2025-10-07.yml"
INDICATORS = "figures/indicators.yml"


def line_of(inputs: Path, rel: str, text: str) -> int:
    content = (inputs / rel).read_text(encoding="utf-8")
    assert content.count(text) == 1, f"{text!r} is not once in {rel}"
    return content[: content.index(text)].count("\n") + 1


def test_a_key_written_twice_is_an_error_naming_both_lines(inputs: Path) -> None:
    first = edit(inputs, '    wording: "330"\n', '    value: 331\n    wording: "330"\n')
    issue = only_issue(inputs)
    assert (issue.type, issue.path, issue.field) == ("figures-duplicate-key", SOURCE, "value")
    # The second `value:` is the one named; the first (value: 330) is three lines above it.
    assert issue.row == first
    assert f"first at line {first - 3}" in issue.message and "delete" in issue.message


def test_a_duplicate_key_in_indicators_yml_is_caught_too(inputs: Path) -> None:
    mentors = "    unit_description: mentors\n"
    line = edit(inputs, mentors, mentors + "    unit: percent\n", rel=INDICATORS)
    issue = only_issue(inputs)
    assert (issue.type, issue.path, issue.row, issue.field) == (
        "figures-duplicate-key",
        INDICATORS,
        line + 1,
        "unit",
    )


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ('    value: 330\n    qualifier: exact\n    obs_status: A\n    wording: "330"\n',
         '    value: -330\n    qualifier: exact\n    obs_status: A\n    wording: "-330"\n',
         "figures-negative-count"),
        ('    value: 330\n    qualifier: exact\n    obs_status: A\n    wording: "330"\n',
         '    value: 330.5\n    qualifier: exact\n    obs_status: A\n    wording: "330.5"\n',
         "figures-fractional-count"),
        ("    value: 85\n    qualifier: exact\n    obs_status: A\n    wording: 85%\n",
         "    value: 185\n    qualifier: exact\n    obs_status: A\n    wording: 185%\n",
         "figures-percent-out-of-range"),
    ],
)  # fmt: skip
def test_values_the_unit_rules_out(inputs: Path, old: str, new: str, code: str) -> None:
    line = edit(inputs, old, new)
    issue = only_issue(inputs)
    assert (issue.type, issue.path, issue.row, issue.field) == (code, SOURCE, line, "value")
    assert "value" in issue.message and ("count" in issue.message or "0-100" in issue.message)


def test_131_point_5_centres_is_refused(inputs: Path) -> None:
    edit(inputs, "    value: 131\n", "    value: 131.5\n", rel=ZAKON)
    edit(inputs, '    wording: "131"\n', '    wording: "131,5"\n', rel=ZAKON)  # Russian decimal
    issue = only_issue(inputs)
    assert (issue.type, issue.path) == ("figures-fractional-count", ZAKON)
    assert issue.row == line_of(inputs, ZAKON, "    value: 131.5\n")


def test_a_bound_is_held_to_the_unit_too(inputs: Path) -> None:
    line = edit(inputs, "    lower_bound: 6850000\n", "    lower_bound: -5\n")
    issue = only_issue(inputs)
    assert (issue.type, issue.row, issue.field) == ("figures-negative-count", line, "lower_bound")


def test_the_indicators_own_range(inputs: Path) -> None:
    mentors = "    unit_description: mentors\n"
    edit(inputs, mentors, mentors + "    maximum: 300\n", rel=INDICATORS)
    issue = only_issue(inputs)
    assert (issue.type, issue.path, issue.field) == ("figures-out-of-range", SOURCE, "value")
    assert issue.row == line_of(inputs, SOURCE, "    value: 330\n")
    assert "maximum 300" in issue.message and "indicators.yml" in issue.message
    edit(inputs, "    maximum: 300\n", "    minimum: 400\n    maximum: 1000\n", rel=INDICATORS)
    issue = only_issue(inputs)
    assert issue.type == "figures-out-of-range" and "minimum 400" in issue.message
    line = edit(inputs, "    minimum: 400\n", "    minimum: 2000\n", rel=INDICATORS)
    issue = only_issue(inputs)
    assert (issue.type, issue.path, issue.row) == ("figures-bad-range", INDICATORS, line)


def test_wording_that_states_another_number(inputs: Path) -> None:
    line = edit(inputs, "    value: 112\n", "    value: 113\n")
    issue = only_issue(inputs)
    assert (issue.type, issue.path, issue.row, issue.field) == (
        "figures-wording-mismatch",
        SOURCE,
        line,
        "value",
    )
    assert "'112'" in issue.message and "113" in issue.message


def test_wording_with_a_number_that_is_neither_value_nor_bound(inputs: Path) -> None:
    line = edit(inputs, "    wording: over 170\n", "    wording: over 170 of 200\n")
    issue = only_issue(inputs)
    assert (issue.type, issue.row, issue.field) == ("figures-wording-mismatch", line, "wording")
    assert "200" in issue.message


@pytest.mark.parametrize(
    ("wording", "language", "value", "lower", "upper"),
    [
        ("more than 120", "en", 120, 121, None),
        ("nearly 4 million", "en", 4_000_000, None, 3_999_999),
        ("6.9 million", "en", 6_900_000, 6_850_000, 6_949_999),
        ("over 1,200", "en", 1200, 1201, None),
        ("85%", "en", 85, 85, 85),
        ("hundreds", "en", None, 200, 999),
        ("До 208", "ru", 208, 208, 208),
        ("6,9 млн", "ru", 6_900_000, 6_850_000, 6_949_999),
        ("более 250 000", "ru", 250_000, 250_001, None),
    ],
)
def test_wordings_that_agree(
    wording: str, language: str, value: float | None, lower: float | None, upper: float | None
) -> None:
    assert wording_problem(wording, language, value, lower, upper) is None


def test_numbers_are_read_by_the_sources_language() -> None:
    assert wording_numbers("over 1,200", "en") == [1200]
    assert wording_numbers("6,9 млн", "ru") == [6_900_000]
    assert wording_numbers("с 33 до 131", "ru") == [33, 131]
    problem = wording_problem("112", "en", 113, 113, 113)
    assert problem is not None and problem[0] == "figures-wording-mismatch"


def test_a_measurement_cannot_postdate_its_source(inputs: Path) -> None:
    """The 2027 plan recorded as an ordinary count is refused; as a target (F) it loads."""
    line = edit(inputs, "    obs_status: F\n", "    obs_status: A\n", rel=ZAKON)
    issue = only_issue(inputs)
    assert (issue.type, issue.path, issue.field) == (
        "figures-period-after-publication",
        ZAKON,
        "period",
    )
    assert issue.row == line_of(inputs, ZAKON, '    period: "2027"\n') and issue.row < line
    assert "obs_status: F" in issue.message


def test_the_earlier_count_keeps_an_unknown_date(inputs: Path) -> None:
    """ "From 33" has no date: recorded with an open start, ending at publication."""
    (earlier,) = [f for f in load(inputs).figures if f.value == 33]
    assert (earlier.time_period, earlier.period_type) == ("../2025-10-07", "stock")
    assert earlier.period_start is None and earlier.period_end.isoformat() == "2025-10-07"
    # A date the source does not allow (after its publication) is refused.
    edit(inputs, "    period: ../2025-10-07\n", "    period: ../2025-12\n", rel=ZAKON)
    assert only_issue(inputs).type == "figures-period-after-publication"
