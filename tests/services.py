"""The rule for tests that need a service (CKAN, Chromium, the source texts).

Missing service: skip in a quick local run, fail in a run that promised every
service (scripts/test sets STATPUB_REQUIRE_SERVICES=1, and CI runs that), so a
skipped test never passes for a run that should have exercised it.
"""

from __future__ import annotations

import os

import pytest


def require_service(name: str, available: bool, why: str) -> None:
    if available:
        return
    if os.environ.get("STATPUB_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{name} is required in this run but missing: {why}")
    pytest.skip(f"{name} not available: {why}")
