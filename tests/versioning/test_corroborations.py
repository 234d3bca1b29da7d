"""A second source for a figure already released: a metadata change, shown everywhere."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from versioning_helpers import SOURCE_FILE, edit, write_source_texts

from statpub.errors import InvalidInput
from statpub.release import Paths, release
from statpub.site import render_site
from statpub.validate import validate

DAY = dt.date(2026, 12, 1)
SECOND = """\
source:
  id: standin-2025-05
  title: A stand-in report of the same count
  publisher: Stand-in publisher
  published: 2025-05
  language: en
  description: A stand-in source for this test.
figures: []
"""
ALSO = (
    "    also_reported_by:\n"
    "      - source: standin-2025-05\n"
    "        quote: 112 family support centres operate\n"
    "        paragraph: 2\n"
)


def add_second_source(paths: Paths, also: str = ALSO) -> None:
    (paths.figures / "sources/standin-2025-05.yml").write_text(SECOND, encoding="utf-8")
    edit(paths.figures / SOURCE_FILE, "    paragraph: 6\n", "    paragraph: 6\n" + also)
    write_source_texts(paths.figures, paths.sources)


def log(paths: Paths) -> list[dict[str, str]]:
    with (paths.figures / "revisions.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_a_second_source_is_a_metadata_change_shown_in_card_page_and_changelog(
    work: Paths, tmp_path: Path
) -> None:
    add_second_source(work)
    result = release(work, DAY)
    assert result.changes == []  # no new observation, no revision of one
    (row,) = log(work)
    assert (row["change_kind"], row["field"], row["old_value"], row["new_value"]) == (
        "metadata",
        "also_reported_by",
        "",
        "standin-2025-05",
    )
    assert (row["indicator_id"], row["time_period"], row["source_id"]) == (
        "family-support-centres",
        "2025-06",
        "fixyanet-2025-06",
    )
    assert validate(work.out).valid, validate(work.out).to_dict()
    with (work.out / "data/corroborations.csv").open(encoding="utf-8", newline="") as fh:
        (published,) = list(csv.DictReader(fh))
    assert published["source_id"] == "standin-2025-05" and published["paragraph"] == "2"
    observations = (work.out / "data/observations.csv").read_text(encoding="utf-8")
    assert observations.count("family-support-centres") == 1  # still one observation
    card = (work.out / "README.md").read_text(encoding="utf-8")
    assert "also reported by standin-2025-05 ¶2 \u201c112 family support centres operate" in card
    changelog = (work.out / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "Also reported by standin-2025-05" in changelog and "Metadata changes" in changelog
    render_site(work.out, tmp_path / "site")
    html = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert "also reported by standin-2025-05, paragraph&nbsp;2" in html
    names = [
        r["name"] for r in json.loads((work.out / "datapackage.json").read_text())["resources"]
    ]
    assert names.index("corroborations") == names.index("sources-parquet") + 1


def test_each_corroborating_quote_is_checked(work: Paths) -> None:
    add_second_source(work)
    edit(
        work.figures / SOURCE_FILE,
        "quote: 112 family support centres operate",
        "quote: 112 family support centers operate",
    )
    with pytest.raises(InvalidInput) as exc:
        release(work, DAY)
    (issue,) = exc.value.issues
    assert (issue.type, issue.path, issue.field) == (
        "quote-not-found",
        f"figures/{SOURCE_FILE}",
        "quote",
    )
    assert "also reported by 'standin-2025-05'" in issue.message
    assert "the text has 'centres' where the quote has 'centers'" in issue.message


@pytest.mark.parametrize(
    ("source", "why"),
    [("nowhere-2025", "is not defined"), ("fixyanet-2025-06", "own source")],
)
def test_a_corroborating_source_must_be_another_defined_source(
    work: Paths, source: str, why: str
) -> None:
    add_second_source(work, ALSO.replace("standin-2025-05", source))
    with pytest.raises(InvalidInput) as exc:
        release(work, DAY)
    (issue,) = exc.value.issues
    assert (issue.type, issue.field) == ("figures-unknown-source", "source")
    assert why in issue.message and issue.row


def test_a_corroborating_quote_without_the_number_is_a_warning(work: Paths) -> None:
    from statpub.project.adapters.figures import build

    add_second_source(work, ALSO.replace("112 family support centres operate", "centres operate"))
    result = build(work.figures, work.schemas, work.out, sources_dir=work.sources)
    assert result.report is not None
    assert [w.type for w in result.report.warnings] == ["quote-without-number"]
