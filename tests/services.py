"""The rule for tests that need something outside the checkout (CKAN, Chromium, the
captured source texts).

Missing: skip in a quick local run, fail in a run that promised it, so a skipped
test never passes for a run that should have exercised it. ``scripts/test``
installs and starts the services, so it sets STATPUB_REQUIRE_SERVICES=1. The
source texts cannot be installed: a fresh clone has none and skips their tests;
``.ci/run``, which has them, sets STATPUB_SOURCES and STATPUB_REQUIRE_SOURCES=1.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICES = "STATPUB_REQUIRE_SERVICES"
SOURCES = "STATPUB_REQUIRE_SOURCES"


def require_service(name: str, available: bool, why: str, *, required_by: str = SERVICES) -> None:
    if available:
        return
    if os.environ.get(required_by) == "1":
        pytest.fail(f"{name} is required in this run ({required_by}=1) but missing: {why}")
    pytest.skip(f"{name} not available: {why}")


def sources_location() -> Path:
    """Where the captured source texts are looked for: $STATPUB_SOURCES (relative to the
    checkout when relative, as in scripts/build), else ../shared/sources beside it."""
    given = os.environ.get("STATPUB_SOURCES")
    return ROOT / given if given else ROOT.parent / "shared" / "sources"
