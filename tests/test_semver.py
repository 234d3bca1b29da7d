"""One grammar of versions: SemVer 2.0.0, with pre-releases ordered as its section 11 says."""

from __future__ import annotations

import pytest

from statpub import semver
from statpub.errors import StatpubError


def test_precedence_follows_the_specification_example() -> None:
    ordered = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.0.1",
        "1.1.0",
        "2.0.0-rc.1",
        "2.0.0",
    ]
    shuffled = ordered[::2] + ordered[1::2]
    assert sorted(shuffled, key=semver.sort_key) == ordered


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("1.0.0-2", "1.0.0-10"),  # numeric identifiers compare as numbers
        ("1.0.0-99", "1.0.0-a"),  # and before alphanumeric ones
        ("1.0.0-rc.9", "1.0.0-rc.x"),
        ("1.0.0-rc.1", "1.0.0-rc.1.1"),  # more identifiers, all else equal: higher
    ],
)
def test_pre_release_identifiers(lower: str, higher: str) -> None:
    assert semver.parse(lower) < semver.parse(higher)
    assert sorted([higher, lower], key=semver.sort_key) == [lower, higher]


def test_build_metadata_does_not_count() -> None:
    assert semver.parse("1.0.0+build.1") == semver.parse("1.0.0+build.2")
    assert semver.step("1.0.0", "1.0.0+build.2") == "none"
    assert str(semver.parse("1.2.3-rc.1+b.5")) == "1.2.3-rc.1+b.5"


@pytest.mark.parametrize(
    ("text", "release"),
    [("1.2.3", True), ("10.0.0", True), ("1.2.3-rc.1", False), ("1.2.3+b.5", False),
     ("1.2", False), (None, False)],
)  # fmt: skip
def test_a_release_is_a_plain_core_version(text: str | None, release: bool) -> None:
    """What figures/releases.yml may hold: statpub cuts releases, never pre-releases."""
    assert semver.is_release(text) is release


@pytest.mark.parametrize(
    "text",
    ["1.0", "01.0.0", "1.0.0-01", "v1.0.0", "1.0.0-", "1.0.0+", "2024", "2023-03-30", "",
     "1.0.0\n", "1.0.0-rc.1\n", " 1.0.0"],
)  # fmt: skip
def test_what_is_not_a_semantic_version(text: str) -> None:
    assert not semver.is_version(text)
    with pytest.raises(StatpubError) as err:
        semver.parse(text)
    assert err.value.code == "version-not-semver"


@pytest.mark.parametrize(
    ("old", "new", "level"),
    [
        ("1.0.0", "1.0.1", "patch"),
        ("1.0.0", "1.1.0", "minor"),
        ("1.0.0", "2.0.0", "major"),
        ("1.0.0", "1.0.0", "none"),
        ("1.0.0", "1.0.1-rc.1", "patch"),
        ("1.0.0", "2.0.0-rc.1", "major"),
        ("1.0.1-rc.1", "2.0.0", "major"),  # past its release: by the numbers
        ("1.0.1-rc.1", "1.1.0", "minor"),
        ("1.0.1-rc.1", "1.0.1", "patch"),  # a pre-release promises nothing: its release may
        ("1.1.0-rc.1", "1.1.0", "minor"),  # carry the change its numbers announce
        ("2.0.0-rc.1", "2.0.0-rc.2", "major"),
        ("1.0.1", "1.0.0", None),  # backwards
        ("1.0.0", "1.0.0-rc.1", None),  # a pre-release sorts before its release
    ],
)
def test_step(old: str, new: str, level: str | None) -> None:
    assert semver.step(old, new) == level


@pytest.mark.parametrize(
    ("version", "level", "after"),
    [
        ("1.2.3", "patch", "1.2.4"),
        ("1.2.3", "minor", "1.3.0"),
        ("1.2.3", "major", "2.0.0"),
        ("1.1.0-rc.1", "minor", "1.1.0"),
        ("1.1.0-rc.1", "patch", "1.1.0"),
        ("1.0.1-rc.1", "patch", "1.0.1"),
        ("1.0.1-rc.1", "major", "2.0.0"),
        ("1.1.0-rc.1", "major", "2.0.0"),
        ("1.0.1-rc.1", "minor", "1.1.0"),
        ("2.0.0-rc.1", "major", "2.0.0"),
    ],
)
def test_bump(version: str, level: str, after: str) -> None:
    assert semver.bump(version, level) == after
    assert semver.step(version, after) is not None


def test_levels_rank_and_the_highest_wins() -> None:
    assert semver.LEVELS == ("none", "patch", "minor", "major")
    assert [semver.rank(x) for x in semver.LEVELS] == [0, 1, 2, 3]
    assert semver.highest(["patch", "major", "minor"]) == "major"
    assert semver.highest(["none", "patch"]) == "patch"
    assert semver.highest([]) == "none"


def test_an_unknown_bump_is_refused_by_name() -> None:
    with pytest.raises(StatpubError) as caught:
        semver.bump("1.0.0", "huge")
    assert caught.value.code == "bad-bump" and "'huge'" in str(caught.value)


def test_a_version_cannot_be_changed_once_parsed() -> None:
    import dataclasses

    v = semver.parse("1.2.3")
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.major = 2  # type: ignore[misc]
    assert {v, semver.parse("1.2.3+build.5")} == {v}  # hashable, build metadata ignored
