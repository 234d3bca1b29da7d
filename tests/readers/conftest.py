"""Where the readers that ``scripts/readers install`` puts outside the project's venv are."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from services import require_service

ROOT = Path(__file__).resolve().parents[2]
HOME = Path(os.environ.get("STATPUB_READERS_HOME") or ROOT / ".readers")
INSTALL = "run `scripts/readers install` (scripts/test does)"


@pytest.fixture(scope="session")
def v1_python() -> Path:
    """The Python of the virtualenv holding frictionless 4, datapackage-py and tableschema-py."""
    python = HOME / "py-v1" / "bin" / "python"
    require_service(
        "Data Package v1 readers for Python", python.is_file(), f"no {python}; {INSTALL}"
    )
    return python


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """node_modules holding the npm datapackage (node itself must be on PATH)."""
    modules = HOME / "node" / "node_modules"
    require_service("node", shutil.which("node") is not None, "node is not on PATH")
    require_service(
        "the npm datapackage", (modules / "datapackage").is_dir(), f"no {modules}; {INSTALL}"
    )
    return modules


@pytest.fixture(scope="session")
def rscript() -> str:
    """Rscript, with readr."""
    found = shutil.which("Rscript")
    has_readr = found is not None and (
        subprocess.run([found, "-e", "library(readr)"], capture_output=True).returncode == 0
    )
    require_service("R with readr", has_readr, f"no Rscript with readr; {INSTALL}")
    assert found is not None
    return found
