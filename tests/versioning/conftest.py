"""A release workspace of our own: copies of figures/ and schemas/, with 1.0.0 archived."""

from __future__ import annotations

from pathlib import Path

import pytest
from versioning_helpers import make_work

from statpub.release import Paths


@pytest.fixture
def work(tmp_path: Path) -> Paths:
    """A repository-like folder with the real figures copied and 1.0.0 archived."""
    return make_work(tmp_path / "repo")
