"""Quotes are always checked at release: a wrong quote, a missing text or a missing folder is
refused, unless --unchecked-quotes, and then the version says its quotes were not checked."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from versioning_helpers import ROOT, cli_paths, edit, snapshot, write_source_texts

from statpub.cli import main
from statpub.errors import InvalidInput, StatpubError
from statpub.project.adapters.figures import build
from statpub.release import Paths, archive_current, release
from statpub.validate import validate

DAY = dt.date(2026, 12, 1)
ZAKON = "sources/zakon-2025-10-07.yml"
# A slip in copying: a double space. The wording ("131") is still in the quote.
WRONG = "    quote: к сегодняшнему дню количество ЦПС  выросло с 33 до 131\n"


@pytest.fixture
def october(work: Paths) -> Paths:
    """The work fixture (1.0.0 archived) with the October 2025 source added, unreleased."""
    shutil.copy(ROOT / "figures" / ZAKON, work.figures / ZAKON)
    write_source_texts(work.figures, work.sources)
    return work


def line_of(path: Path, text: str) -> int:
    content = path.read_text(encoding="utf-8")
    assert content.count(text) == 1, text
    return content[: content.index(text)].count("\n") + 1


def plant_wrong_quote(paths: Paths) -> int:
    edit(paths.figures / ZAKON, WRONG.replace("ЦПС  ", "ЦПС "), WRONG)
    return line_of(paths.figures / ZAKON, WRONG)


def test_a_wrong_quote_is_refused_at_its_figure_file_and_line(october: Paths) -> None:
    line = plant_wrong_quote(october)
    before = snapshot(october.figures.parent)
    with pytest.raises(InvalidInput) as exc:
        release(october, DAY)
    (issue,) = exc.value.issues
    assert (issue.type, issue.path, issue.row, issue.field) == (
        "quote-not-found",
        f"figures/{ZAKON}",
        line,
        "quote",
    )
    assert "ЦПС  выросло с 33 до 131" in issue.message and "paragraph 4" in issue.message
    assert "the closest passage is" in issue.message and "(differs: space)" in issue.message
    cli = CliRunner().invoke(main, ["release", *cli_paths(october), "--date", "2026-12-01"])
    assert cli.exit_code == 1
    assert f"figures/{ZAKON}:{line} [quote]" in cli.stderr
    assert "data/observations.csv" not in cli.stderr
    # --unchecked-quotes does not let a quote checked and not found through.
    flagged = CliRunner().invoke(
        main, ["release", *cli_paths(october), "--date", "2026-12-01", "--unchecked-quotes"]
    )
    assert flagged.exit_code == 1 and "quote-not-found" in flagged.stderr
    assert snapshot(october.figures.parent) == before


def test_no_folder_of_texts_is_refused(october: Paths, tmp_path: Path) -> None:
    """Neither --sources nor $STATPUB_SOURCES, and the package.yml setting points nowhere."""
    edit(october.figures / "package.yml", "sources: ../shared/sources\n", "sources: texts-gone\n")
    before = snapshot(october.figures.parent)
    paths = Paths(october.figures, october.schemas, october.out, october.releases)
    with pytest.raises(StatpubError) as exc:
        release(paths, DAY)
    assert exc.value.code == "source-texts-not-found"
    assert "figures/package.yml" in exc.value.message and "does not exist" in exc.value.message
    assert "--unchecked-quotes" in exc.value.message
    # A setting naming a folder outside the repository is not followed, even when it exists.
    for outside in ("../shared/sources", str(tmp_path), "/etc", "texts/../.."):
        edit(october.figures / "package.yml", "sources: texts-gone\n", f"sources: {outside}\n")
        with pytest.raises(StatpubError) as exc:
            release(paths, DAY)
        assert "outside the repository" in exc.value.message, outside
        edit(october.figures / "package.yml", f"sources: {outside}\n", "sources: texts-gone\n")
    args = [a for a in cli_paths(october)]
    args = args[: args.index("--sources")]
    cli = CliRunner().invoke(
        main, ["release", *args, "--date", "2026-12-01"], env={"STATPUB_SOURCES": None}
    )
    assert cli.exit_code == 2 and "source-texts-not-found" in cli.stderr
    missing = CliRunner().invoke(
        main, ["release", *args, "--sources", str(tmp_path / "nope"), "--date", "2026-12-01"]
    )
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
    assert snapshot(october.figures.parent) == before


def test_a_missing_text_is_refused_at_the_sources_sha256(october: Paths) -> None:
    assert october.sources is not None
    (october.sources / "zakon-2025-10-07.txt").unlink()
    with pytest.raises(InvalidInput) as exc:
        release(october, DAY)
    (issue,) = exc.value.issues
    assert (issue.type, issue.severity, issue.path, issue.field) == (
        "source-text-missing",
        "error",
        f"figures/{ZAKON}",
        "sha256",
    )
    assert issue.row == line_of(october.figures / ZAKON, "  sha256: ")
    assert "zakon-2025-10-07" in issue.message


def test_unchecked_quotes_are_said_in_the_note_changelog_and_data_card(october: Paths) -> None:
    assert october.sources is not None
    (october.sources / "zakon-2025-10-07.txt").unlink()
    cli = CliRunner().invoke(
        main,
        ["release", *cli_paths(october), "--date", "2026-12-01", "--unchecked-quotes", "--json"],
    )
    assert cli.exit_code == 0, cli.output
    result = json.loads(cli.stdout)
    assert result["version"] == "1.1.0" and result["unchecked_quotes"] == ["zakon-2025-10-07"]
    assert "quotes not checked for zakon-2025-10-07" in cli.stderr
    releases = (october.figures / "releases.yml").read_text(encoding="utf-8")
    assert 'unchecked_quotes: ["zakon-2025-10-07"]' in releases
    descriptor = json.loads((october.out / "datapackage.json").read_text(encoding="utf-8"))
    assert "Quotes not checked" in descriptor["versionNote"]
    changelog = (october.out / "CHANGELOG.md").read_text(encoding="utf-8")
    section = changelog[changelog.index("## 1.1.0") : changelog.index("## 1.0.0")]
    assert "Quotes not checked" in section and "zakon-2025-10-07" in section
    card = (october.out / "README.md").read_text(encoding="utf-8")
    read_before_use = card[card.index("## Read before use") :]
    assert "were not checked against the captured source texts" in read_before_use
    # The fixyanet source's text was at hand: its quotes were checked, and are not named.
    assert "fixyanet-2025-06 were not checked" not in card
    # What the release wrote reads back: a rebuild gives the same package.
    rebuilt = october.figures.parent / "rebuilt"
    build(october.figures, october.schemas, rebuilt, sources_dir=october.sources)
    assert snapshot(rebuilt) == snapshot(october.out)


def test_the_texts_folder_comes_from_the_environment_or_package_yml(october: Paths) -> None:
    args = cli_paths(october)
    args = args[: args.index("--sources")]
    dry = ["release", *args, "--date", "2026-12-01", "--dry-run", "--json"]
    from_env = CliRunner().invoke(main, dry, env={"STATPUB_SOURCES": str(october.sources)})
    assert from_env.exit_code == 0, from_env.output
    assert json.loads(from_env.stdout)["unchecked_quotes"] == []
    # The setting in figures/package.yml is relative to the repository root.
    package_yml = october.figures / "package.yml"
    edit(package_yml, "sources: ../shared/sources\n", "sources: texts\n")
    from_setting = CliRunner().invoke(main, dry, env={"STATPUB_SOURCES": None})
    assert from_setting.exit_code == 0, from_setting.output
    # The same setting makes `statpub build` check the quotes: a wrong one is refused there.
    line = plant_wrong_quote(october)
    with pytest.raises(InvalidInput) as exc:
        build(october.figures, october.schemas, october.out)
    assert [(i.type, i.path, i.row) for i in exc.value.issues] == [
        ("quote-not-found", f"figures/{ZAKON}", line)
    ]


def test_validate_reads_the_setting_beside_the_package(october: Paths) -> None:
    release(october, DAY)
    edit(october.figures / "package.yml", "sources: ../shared/sources\n", "sources: texts\n")
    cli = CliRunner().invoke(
        main, ["validate", str(october.out), "--json", "-q"], env={"STATPUB_SOURCES": None}
    )
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout)["warnings"] == []
    assert october.sources is not None
    (october.sources / "zakon-2025-10-07.txt").unlink()
    warned = CliRunner().invoke(
        main, ["validate", str(october.out), "--json", "-q"], env={"STATPUB_SOURCES": None}
    )
    (warning,) = json.loads(warned.stdout)["warnings"]
    assert warning["type"] == "source-text-missing" and "zakon-2025-10-07" in warning["message"]
    # Without any setting the quotes are simply not checked by validate.
    assert validate(october.out).warnings == []


def test_archive_only_needs_unchecked_sources_listed(work: Paths, tmp_path: Path) -> None:
    """The first release, archived without one source's text, must say so in its entry."""
    shutil.rmtree(work.releases)
    assert work.sources is not None
    (work.sources / "fixyanet-2025-06.txt").unlink()
    with pytest.raises(InvalidInput):
        archive_current(work)
    with pytest.raises(StatpubError) as exc:
        archive_current(work, unchecked_quotes=True)
    assert "unchecked_quotes: [fixyanet-2025-06]" in exc.value.message
    edit(
        work.figures / "releases.yml",
        "    note: Fixture first release.\n",
        "    note: Fixture first release.\n    unchecked_quotes: [fixyanet-2025-06]\n",
    )
    assert archive_current(work, unchecked_quotes=True) == ("1.0.0", True)
    card = (work.out / "README.md").read_text(encoding="utf-8")
    assert "The quoted phrases of fixyanet-2025-06 were not checked" in card
