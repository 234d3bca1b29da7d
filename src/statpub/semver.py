"""Semantic Versioning 2.0.0, and the three levels of change of the Data Package Version recipe.

The one grammar of versions for every command: ``MAJOR.MINOR.PATCH`` with an
optional pre-release (``-rc.1``) and build metadata (``+build.5``), ordered as
SemVer 2.0.0 section 11 says (a pre-release sorts before its release; build
metadata does not count).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

from statpub.errors import StatpubError

# The regular expression published with the SemVer 2.0.0 text, ended by \Z: ``$`` would
# also match before a final newline, taking "1.0.0\n" for a version.
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?\Z"
)

# Levels of change, smallest first. "none" is a difference that needs no new
# version (the recipe: relocating data to a new path changes nothing).
LEVELS = ("none", "patch", "minor", "major")


def rank(level: str) -> int:
    return LEVELS.index(level)


def highest(levels: list[str]) -> str:
    return max(levels, key=rank, default="none")


@total_ordering
@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()
    build: str = ""

    @property
    def core(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(self.prerelease)
        return text + (f"+{self.build}" if self.build else "")

    def _precedence(self) -> tuple[object, ...]:
        # A release sorts after every pre-release of its core; numeric identifiers
        # sort numerically and before alphanumeric ones (SemVer 2.0.0, 11.4).
        if not self.prerelease:
            return (*self.core, 1, ())
        ids = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.prerelease)
        return (*self.core, 0, ids)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._precedence() == other._precedence()

    def __lt__(self, other: Version) -> bool:
        return self._precedence() < other._precedence()

    def __hash__(self) -> int:
        return hash(self._precedence())


def is_version(text: object) -> bool:
    return isinstance(text, str) and SEMVER.match(text) is not None


def is_release(text: object) -> bool:
    """A plain MAJOR.MINOR.PATCH: no pre-release, no build metadata (what statpub releases)."""
    if not is_version(text):
        return False
    version = parse(str(text))
    return not version.prerelease and not version.build


def parse(text: str) -> Version:
    m = SEMVER.match(text) if isinstance(text, str) else None
    if m is None:
        raise StatpubError(
            f"version {text!r} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0, "
            "optionally with a pre-release such as 1.1.0-rc.1)",
            code="version-not-semver",
        )
    pre = tuple(m.group(4).split(".")) if m.group(4) else ()
    return Version(int(m.group(1)), int(m.group(2)), int(m.group(3)), pre, m.group(5) or "")


def sort_key(text: str) -> Version:
    return parse(text)


def bump(version: str, level: str) -> str:
    """The next release after ``version`` for a change of ``level``.

    From a pre-release, the release it leads to is the next version whenever it
    covers the change (1.1.0-rc.1 bumped for a minor change is 1.1.0).
    """
    v = parse(version)
    if level not in ("major", "minor", "patch"):
        raise StatpubError(f"unknown bump {level!r}; use major, minor or patch", code="bad-bump")
    if v.prerelease and _covers(Version(*v.core), v, level):
        return f"{v.major}.{v.minor}.{v.patch}"
    if level == "major":
        return f"{v.major + 1}.0.0"
    if level == "minor":
        return f"{v.major}.{v.minor + 1}.0"
    return f"{v.major}.{v.minor}.{v.patch + 1}"


def _covers(release: Version, pre: Version, level: str) -> bool:
    """Whether ``release`` (the release of pre-release ``pre``) is a big enough step for
    ``level``: 2.0.0-rc.1 leads to a major release, 1.1.0-rc.1 to a minor one."""
    if release.minor == 0 and release.patch == 0:
        return True
    if release.patch == 0:
        return level != "major"
    return level == "patch"


def step(old: str, new: str) -> str | None:
    """The level of change that moving from ``old`` to ``new`` allows; None when it goes back.

    Between releases it is the highest part of the core that grew. From a
    pre-release, its own core counts as already released at the level its
    numbers show (2.0.0-rc.1 -> 2.0.0 allows a major change; 1.0.1-rc.1 ->
    1.0.1 a patch), since SemVer says a pre-release carries no promise.
    """
    a, b = parse(old), parse(new)
    if b < a:
        return None
    if b == a:
        return "none"
    if a.prerelease and b.core == a.core:
        return _level_of(a.core)
    if b.major > a.major:
        return "major"
    if b.minor > a.minor:
        return "minor"
    return "patch"


def _level_of(core: tuple[int, int, int]) -> str:
    major, minor, patch = core
    if minor == 0 and patch == 0:
        return "major"
    return "minor" if patch == 0 else "patch"
