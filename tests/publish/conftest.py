"""Fixtures for the publishers: the built package, read as they read it, and later releases."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from statpub.package import Package
from statpub.publish.local import publishable as read_package


@pytest.fixture(scope="session")
def package(built_package: Path) -> Package:
    return read_package(built_package)


def next_release(inputs: Path, out: Path, *, note: str = "A test release.") -> Path:
    """Build a new version from the figure files in ``inputs``: one definition reworded.

    The change lands in the indicators table (CSV and Parquet), the descriptor,
    the data card and the changelog; the other tables stay byte-identical.
    """
    figures = inputs / "figures"
    indicators = yaml.safe_load((figures / "indicators.yml").read_text(encoding="utf-8"))
    first = indicators["indicators"][0]
    first["definition"] = " ".join(str(first["definition"]).split()) + " (reworded for a test)"
    (figures / "indicators.yml").write_text(yaml.safe_dump(indicators, sort_keys=False))
    releases = yaml.safe_load((figures / "releases.yml").read_text(encoding="utf-8"))
    last = releases["releases"][-1]
    major, minor, _ = (int(x) for x in str(last["version"]).split("."))
    day = last["date"] if isinstance(last["date"], dt.date) else dt.date.fromisoformat(last["date"])
    releases["releases"].append(
        {"version": f"{major}.{minor + 1}.0", "date": day + dt.timedelta(days=1), "note": note}
    )
    (figures / "releases.yml").write_text(yaml.safe_dump(releases, sort_keys=False))
    from statpub.project.adapters.figures import build

    build(figures, inputs / "schemas", out)
    return out


@pytest.fixture
def second_release(inputs: Path, tmp_path: Path) -> Path:
    return next_release(inputs, tmp_path / "release2")


@pytest.fixture
def package_dir_copy(built_package: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "pkgcopy"
    shutil.copytree(built_package, dest)
    return dest


@pytest.fixture
def scratch(repo_root: Path, tmp_path: Path) -> Path:
    """The next release after the archive's last, cut in a copy of the repository."""
    from scratch_release import scratch_release

    return scratch_release(repo_root, tmp_path / "repo")
