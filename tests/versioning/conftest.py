"""A release workspace of our own: copies of figures/ and schemas/, with 1.0.0 archived."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from versioning_helpers import ROOT

from statpub.release import Paths, archive_current


@pytest.fixture
def work(tmp_path: Path) -> Paths:
    """A repository-like folder with the real figures copied and 1.0.0 archived."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "figures", root / "figures")
    shutil.copytree(ROOT / "schemas", root / "schemas")
    # A history of its own, whatever the real one has become: 1.0.0 and an empty log.
    (root / "figures/releases.yml").write_text(
        "releases:\n  - version: 1.0.0\n    date: 2026-11-27\n    note: Fixture first release.\n",
        encoding="utf-8",
    )
    for name in ("revisions.csv", "removals.yml"):
        (root / "figures" / name).unlink(missing_ok=True)
    paths = Paths(root / "figures", root / "schemas", root / "datapackage", root / "releases")
    version, archived = archive_current(paths)
    assert archived and version == "1.0.0"
    return paths
