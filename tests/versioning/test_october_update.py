"""The first real update, rehearsed: the October 2025 report released over 1.0.0.

A copy of the repository's figure files, reset to the 1.0.0 history, is released
with the real captured texts: the new figures are updates (a newer period of the
same indicator is not a revision), the bump is MINOR, and the changelog, data card
and page show the June 2025 count, the October 2025 count and the 2027 target,
each with its quoted phrase.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
from versioning_helpers import ROOT

from statpub.release import Paths, ReleaseResult, release
from statpub.site import render_site
from statpub.validate import validate
from statpub.versioning.vintage import vintages

QUOTES = {
    "112": "112 family support centers",
    "131": "к сегодняшнему дню количество ЦПС выросло с 33 до 131",
    "208": "До 208 к 2027 году",
}


@pytest.fixture(scope="module")
def released(
    tmp_path_factory: pytest.TempPathFactory, sources_dir: Path
) -> tuple[Paths, ReleaseResult]:
    root = tmp_path_factory.mktemp("october") / "repo"
    for name in ("figures", "schemas"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copytree(ROOT / "releases" / "1.0.0", root / "releases" / "1.0.0")
    # The sources as they stood at 1.1.0: those its archive lists, whatever came since.
    with (ROOT / "releases/1.1.0/data/sources.csv").open(encoding="utf-8", newline="") as fh:
        kept = {row["source_id"] for row in csv.DictReader(fh)}
    for path in (root / "figures/sources").glob("*.yml"):
        if path.stem not in kept:
            path.unlink()
    # The history as it stood at 1.0.0, whatever the repository holds now.
    text = (root / "figures/releases.yml").read_text(encoding="utf-8")
    cut = text.find("  - version: 1.1.0")
    (root / "figures/releases.yml").write_text(text if cut < 0 else text[:cut], encoding="utf-8")
    (root / "figures/revisions.csv").unlink(missing_ok=True)
    (root / "figures/removals.yml").unlink(missing_ok=True)
    paths = Paths(
        root / "figures", root / "schemas", root / "datapackage", root / "releases", sources_dir
    )
    return paths, release(paths, dt.date(2026, 12, 1))


def test_the_new_figures_are_updates_and_the_bump_is_minor(
    released: tuple[Paths, ReleaseResult],
) -> None:
    paths, result = released
    assert (result.previous_version, result.version, result.level) == ("1.0.0", "1.1.0", "minor")
    assert result.required == "minor" and result.unchecked_quotes == []
    assert [(c.kind, c.key[2]) for c in result.changes] == [
        ("update", "../2025-10-07"),
        ("update", "2025-10-07"),
        ("update", "2027"),
    ]
    report = validate(paths.out)
    assert report.valid, report.to_dict()
    (june,) = [
        s for s in vintages(paths.releases, where={"time_period": "2025-06"}).series
        if s.key["indicator_id"] == "family-support-centres"
    ]  # fmt: skip
    assert [(v.version, v.status, v.values["value"]) for v in june.vintages] == [
        ("1.0.0", "new", "112"),
        ("1.1.0", "same", "112"),
    ]


def test_changelog_data_card_and_page_show_each_figure_with_its_quote(
    released: tuple[Paths, ReleaseResult], tmp_path: Path
) -> None:
    paths, _ = released
    changelog = (paths.out / "CHANGELOG.md").read_text(encoding="utf-8")
    entry = changelog[changelog.index("## 1.1.0") : changelog.index("## 1.0.0")]
    assert "131 for 7 October 2025" in entry and "112 for June 2025" in entry
    assert "New target from zakon-2025-10-07: До 208, to be reached by 2027" in entry
    card = (paths.out / "README.md").read_text(encoding="utf-8")
    targets = card[card.index("## Targets and plans") : card.index("## Read before use")]
    measured = card[card.index("## The figures") : card.index("## Targets and plans")]
    assert "| Family support centres | До 208 | 208 | 2027 |" in targets
    assert "June 2025 (`2025-06`)" in measured and "7 October 2025 (`2025-10-07`)" in measured
    assert "208" not in measured
    render_site(paths.out, tmp_path / "site")
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    for value, quote in QUOTES.items():
        assert quote in entry and quote in card and quote in page, value
    assert "Family support centres, target by 2027" in page
    assert "Family support centres, June 2025" in page
    assert "Family support centres, 7 October 2025" in page
