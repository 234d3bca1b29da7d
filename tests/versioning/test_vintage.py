"""The vintage view: every value a figure has had across the released versions."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner
from versioning_helpers import add_centres_period, revise_centres

from statpub.cli import main
from statpub.release import Paths, release
from statpub.versioning.vintage import vintages

CENTRES = "family-support-centres"


def test_each_version_shows_what_consumers_saw(work: Paths) -> None:
    revise_centres(work, "115", "A test correction.")
    release(work, dt.date(2026, 12, 1))
    add_centres_period(work, "2025-05", "120")
    release(work, dt.date(2026, 12, 5))
    view = vintages(work.releases, where={"indicator_id": CENTRES})
    assert view.key_fields == ["indicator_id", "ref_area", "time_period"]
    assert [v for v, _ in view.versions] == ["1.0.0", "1.0.1", "1.1.0"]
    may, june = view.series
    assert may.key["time_period"] == "2025-05" and june.key["time_period"] == "2025-06"
    assert [(v.version, v.status, v.values["value"]) for v in june.vintages] == [
        ("1.0.0", "new", "112"),
        ("1.0.1", "revised", "115"),
        ("1.1.0", "same", "115"),
    ]
    assert [(v.version, v.release_date, v.status) for v in may.vintages] == [
        ("1.1.0", "2026-12-05", "new")
    ]


def test_removed_figures_show_as_removed(work: Paths) -> None:
    path = work.figures / "sources/fixyanet-2025-06.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  - indicator: {CENTRES}")
    end = text.index("  - indicator: children-population")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    (work.figures / "removals.yml").write_text(
        f"removals:\n  - indicator: {CENTRES}\n    ref_area: KZ\n    period: 2025-06\n"
        "    reason: Withdrawn in a test.\n",
        encoding="utf-8",
    )
    release(work, dt.date(2026, 12, 1))
    (series,) = vintages(work.releases, where={"indicator_id": CENTRES}).series
    assert [(v.status, v.values["value"]) for v in series.vintages] == [
        ("new", "112"),
        ("removed", None),
    ]


def test_cli_formats(work: Paths) -> None:
    revise_centres(work, "115", "A test correction.")
    release(work, dt.date(2026, 12, 1))
    args = ["vintage", "--releases", str(work.releases), "--where", f"indicator_id={CENTRES}"]
    runner = CliRunner()
    as_json = runner.invoke(main, [*args, "--json"])
    assert as_json.exit_code == 0, as_json.output
    expected = vintages(work.releases, where={"indicator_id": CENTRES}).to_dict()
    assert json.loads(as_json.stdout) == expected
    as_csv = runner.invoke(main, [*args, "--format", "csv", "--field", "value"])
    assert as_csv.exit_code == 0, as_csv.output
    assert as_csv.stdout.splitlines() == [
        "indicator_id,ref_area,time_period,version,release_date,status,value",
        f"{CENTRES},KZ,2025-06,1.0.0,2026-11-27,new,112",
        f"{CENTRES},KZ,2025-06,1.0.1,2026-12-01,revised,115",
    ]
    text = runner.invoke(main, args)
    assert text.exit_code == 0, text.output
    assert "revised" in text.stdout and "value=115" in text.stdout
    missing = runner.invoke(main, ["vintage", "--releases", str(work.figures / "nope")])
    assert missing.exit_code == 2


def test_misspelt_names_are_refused_with_the_valid_ones(work: Paths) -> None:
    runner = CliRunner()
    base = ["vintage", "--releases", str(work.releases)]
    where = runner.invoke(main, [*base, "--where", "indicator=family-support-centres"])
    assert where.exit_code == 2
    assert "--where names 'indicator'" in where.stderr and "indicator_id" in where.stderr
    field = runner.invoke(main, [*base, "--field", "valeu"])
    assert field.exit_code == 2
    assert "--field names 'valeu'" in field.stderr and "value_wording" in field.stderr
    assert runner.invoke(main, [*base, "--field", "value"]).exit_code == 0
