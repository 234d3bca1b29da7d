"""Shared fixtures: the repository's inputs, copies to break, and a built package."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from services import SOURCES, require_service, sources_location

ROOT = Path(__file__).resolve().parent.parent

# Property tests: the same examples on every CI run (a failure there is a change of the
# code, never a new draw), fresh random ones locally to keep exploring. Every failure
# they ever found is pinned with @example beside the test. HYPOTHESIS_PROFILE chooses;
# CI (set by GitHub Actions and by scripts/test) defaults to "ci".
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "explore")
)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    """The captured source texts (see services.sources_location); absent, the test skips."""
    where = sources_location()
    why = f"no folder {where} (set STATPUB_SOURCES to the captured source texts)"
    require_service("source texts", where.is_dir(), why, required_by=SOURCES)
    return where


@pytest.fixture(scope="session")
def last_release() -> dict[str, str]:
    """What `statpub build` stamps: the last entry of figures/releases.yml, as text."""
    import yaml

    releases = yaml.safe_load((ROOT / "figures" / "releases.yml").read_text(encoding="utf-8"))
    return {key: str(value) for key, value in releases["releases"][-1].items()}


@pytest.fixture(scope="session")
def repo_figures():
    """The repository's figure files, loaded: tests about this dataset derive what they
    expect from them, so a data release does not turn them red."""
    from statpub.figures.load import load_figures
    from statpub.project.adapters.figures.build import load_schemas

    return load_figures(ROOT / "figures", load_schemas(ROOT / "schemas"))


@pytest.fixture(scope="session")
def measured_coverage(repo_figures) -> tuple[str, str]:
    """The first and last day the measured figures (not targets) cover."""
    measured = [f for f in repo_figures.figures if not f.is_target]
    start = min(f.period_start for f in measured if f.period_start is not None)
    return start.isoformat(), max(f.period_end for f in measured).isoformat()


@pytest.fixture(scope="session")
def release_version(last_release: dict[str, str]) -> str:
    return last_release["version"]


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """A writable copy of figures/ and schemas/ under tmp_path/inputs."""
    dest = tmp_path / "inputs"
    shutil.copytree(ROOT / "figures", dest / "figures")
    shutil.copytree(ROOT / "schemas", dest / "schemas")
    return dest


@pytest.fixture(scope="session")
def built_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package built from the repository's figure files (read-only for tests)."""
    from statpub.project.adapters.figures import build

    out = tmp_path_factory.mktemp("built") / "datapackage"
    build(ROOT / "figures", ROOT / "schemas", out)
    return out


@pytest.fixture
def package_copy(built_package: Path, tmp_path: Path) -> Path:
    """A writable copy of the built package, for tampering."""
    dest = tmp_path / "pkg"
    shutil.copytree(built_package, dest)
    return dest
