"""Helpers for the versioning tests: edit copied figure files, snapshot folders."""

from __future__ import annotations

import hashlib
from pathlib import Path

from statpub.release import Paths

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SOURCE_FILE = "sources/fixyanet-2025-06.yml"

# The family-support-centres entry of the copied figure file, as the tests edit it.
CENTRES_VALUE = "    value: 112\n    qualifier: exact\n"


def snapshot(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``folder``."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def revise_centres(paths: Paths, value: str, reason: str | None) -> None:
    """Give the family-support-centres figure a new value, with or without a reason."""
    new = f"    value: {value}\n"
    if reason is not None:
        new += f"    reason: {reason}\n"
    edit(paths.figures / SOURCE_FILE, CENTRES_VALUE, new + "    qualifier: exact\n")


def add_centres_period(paths: Paths, period: str, value: str) -> None:
    """Append a family-support-centres figure for another period to the source file."""
    path = paths.figures / SOURCE_FILE
    entry = (
        "\n  - indicator: family-support-centres\n"
        "    ref_area: KZ\n"
        f"    period: {period}\n"
        "    period_type: stock\n"
        "    period_reading: Test figure for a newer period.\n"
        f"    value: {value}\n"
        "    qualifier: exact\n"
        "    obs_status: A\n"
        f'    wording: "{value}"\n'
        "    quote: 112 family support centers\n"
        "    paragraph: 6\n"
    )
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + entry, encoding="utf-8")


def cli_paths(paths: Paths) -> list[str]:
    return [
        "--figures", str(paths.figures),
        "--schemas", str(paths.schemas),
        "--out", str(paths.out),
        "--releases", str(paths.releases),
    ]  # fmt: skip
