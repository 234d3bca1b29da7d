"""Semantic versions and the three levels of change of the Data Package Version recipe."""

from __future__ import annotations

import re

from statpub.errors import StatpubError

CORE = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")

# Levels of change, smallest first. "none" is a difference that needs no new
# version (the recipe: relocating data to a new path changes nothing).
LEVELS = ("none", "patch", "minor", "major")


def rank(level: str) -> int:
    return LEVELS.index(level)


def highest(levels: list[str]) -> str:
    return max(levels, key=rank, default="none")


def parse(version: str) -> tuple[int, int, int]:
    m = CORE.match(version or "")
    if not m:
        raise StatpubError(
            f"version {version!r} is not MAJOR.MINOR.PATCH (e.g. 1.0.0)", code="version-not-semver"
        )
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def is_version(text: str) -> bool:
    return bool(CORE.match(text))


def bump(version: str, level: str) -> str:
    """The next version after ``version`` for a change of ``level``."""
    major, minor, patch = parse(version)
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    if level == "patch":
        return f"{major}.{minor}.{patch + 1}"
    raise StatpubError(f"unknown bump {level!r}; use major, minor or patch", code="bad-bump")


def step(old: str, new: str) -> str | None:
    """The level by which ``new`` moves on from ``old``; None when it goes backwards."""
    a, b = parse(old), parse(new)
    if b < a:
        return None
    if b[0] > a[0]:
        return "major"
    if b[1] > a[1]:
        return "minor"
    if b[2] > a[2]:
        return "patch"
    return "none"


def sort_key(version: str) -> tuple[int, int, int]:
    return parse(version)
