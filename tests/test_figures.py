"""Mistakes in the figure files get an error naming the file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from statpub.errors import InvalidInput
from statpub.figures.load import load_figures
from statpub.project.adapters.figures.build import load_schemas

SOURCE = "figures/sources/fixyanet-2025-06.yml"


def load(inputs: Path):
    return load_figures(inputs / "figures", load_schemas(inputs / "schemas"))


def edit(inputs: Path, old: str, new: str, rel: str = SOURCE, count: int = 1) -> int:
    """Replace ``old`` by ``new`` in a copied figure file; return the 1-based line edited."""
    path = inputs / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {rel}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def only_issue(inputs: Path):
    with pytest.raises(InvalidInput) as exc:
        load(inputs)
    assert len(exc.value.issues) == 1, [i.to_dict() for i in exc.value.issues]
    return exc.value.issues[0]


def test_repository_figures_load(inputs: Path) -> None:
    """Every entry of the figure files is loaded (counted from the files themselves, so a
    data release does not turn this test red)."""
    import yaml

    figset = load(inputs)
    files = sorted((inputs / "figures" / "sources").glob("*.yml"))
    entries = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in files]
    assert len(figset.figures) == sum(len(e["figures"]) for e in entries)
    assert {f.source_id for f in figset.figures} == {p.stem for p in files}
    targets = [str(f["period"]) for e in entries for f in e["figures"] if f["obs_status"] == "F"]
    assert [f.time_period for f in figset.figures if f.is_target] == targets


def test_unknown_indicator(inputs: Path) -> None:
    line = edit(inputs, "indicator: mentors-trained", "indicator: mentors-trainde")
    issue = only_issue(inputs)
    assert issue.type == "figures-unknown-indicator"
    assert (issue.path, issue.row, issue.field) == (SOURCE, line, "indicator")
    assert "indicators.yml" in issue.message


def test_value_not_a_number(inputs: Path) -> None:
    line = edit(inputs, "value: 330", "value: 330 mentors")
    issue = only_issue(inputs)
    assert (issue.type, issue.row, issue.field) == ("figures-not-a-number", line, "value")


def test_impossible_date(inputs: Path) -> None:
    line = edit(inputs, "period: 2024\n", "period: 2024-13\n")
    issue = only_issue(inputs)
    assert (issue.type, issue.row, issue.field) == ("figures-bad-period", line, "period")
    assert "2024-13" in issue.message


def test_impossible_release_date(inputs: Path) -> None:
    line = edit(inputs, "date: 2026-11-27", "date: 2024-24-10", rel="figures/releases.yml")
    issue = only_issue(inputs)
    assert (issue.type, issue.path, issue.row) == ("figures-bad-date", "figures/releases.yml", line)


@pytest.mark.parametrize("version", ["1.1", "1.1.0-rc.1", "1.1.0+build.5"])
def test_a_release_version_is_plain_major_minor_patch(inputs: Path, version: str) -> None:
    line = edit(inputs, "version: 1.1.0", f"version: {version}", rel="figures/releases.yml")
    issue = only_issue(inputs)
    assert (issue.type, issue.path, issue.row) == (
        "version-not-semver",
        "figures/releases.yml",
        line,
    )


def test_duplicate_figure(inputs: Path) -> None:
    # Give the settlements figure the regions figure's indicator: same key twice.
    edit(
        inputs, "indicator: monitoring-settlements-covered", "indicator: monitoring-regions-covered"
    )
    issue = only_issue(inputs)
    assert issue.type == "figures-duplicate"
    assert issue.path == SOURCE and issue.row is not None
    assert "monitoring-regions-covered" in issue.message


def test_unknown_code(inputs: Path) -> None:
    line = edit(inputs, "qualifier: nearly", "qualifier: almost")
    issue = only_issue(inputs)
    assert (issue.type, issue.row, issue.field) == ("figures-unknown-code", line, "qualifier")
    assert "nearly" in issue.message  # lists the allowed codes


def test_bounds_must_agree_with_qualifier(inputs: Path) -> None:
    edit(inputs, "lower_bound: 121", "lower_bound: 100")
    issue = only_issue(inputs)
    assert issue.type == "bounds-inconsistent"


def test_unknown_field(inputs: Path) -> None:
    line = edit(inputs, '    wording: "330"', '    wording: "330"\n    valeu: 3')
    issue = only_issue(inputs)
    assert (issue.type, issue.row, issue.field) == ("figures-unknown-field", line + 1, "valeu")


def test_yaml_syntax_error(inputs: Path) -> None:
    edit(inputs, "  - indicator: mentors-trained", "  - indicator: [mentors-trained")
    issue = only_issue(inputs)
    assert issue.type == "figures-syntax" and issue.path == SOURCE and issue.row is not None


def test_every_problem_is_reported_at_once(inputs: Path) -> None:
    edit(inputs, "value: 330", "value: lots")
    edit(inputs, "indicator: schoolchildren", "indicator: pupils")
    with pytest.raises(InvalidInput) as exc:
        load(inputs)
    assert {i.type for i in exc.value.issues} == {
        "figures-not-a-number",
        "figures-unknown-indicator",
    }


def test_vague_figure_has_no_value_but_bounds(inputs: Path) -> None:
    figset = load(inputs)
    (hundreds,) = [f for f in figset.figures if f.value_wording == "hundreds"]
    assert hundreds.value is None
    assert (hundreds.lower_bound, hundreds.upper_bound) == (200, 999)
    assert hundreds.qualifier == "order-of-magnitude" and hundreds.obs_status == "E"
