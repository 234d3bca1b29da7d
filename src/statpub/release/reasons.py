"""Where the maintainer says why a figure changed.

* A revised or re-worded figure: ``reason:`` on its entry in
  ``figures/sources/<source>.yml``. When a newer source gives the figure, the
  entry moves to that source's file and its ``reason:`` says so.
* A removed figure: an entry in ``figures/removals.yml``::

      removals:
        - indicator: schools-built
          ref_area: KZ
          period: "2024"
          reason: The article's count was of schools planned, not built.

A reason stays in the file after the release; a later change of the same
figure needs a new one, so a reason already logged for that figure is
treated as missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statpub.errors import InvalidInput
from statpub.figures import yamlfile
from statpub.report import Issue

REMOVALS_FILE = "removals.yml"
REMOVAL_FIELDS = {"indicator", "ref_area", "period", "reason"}

Key = tuple[str, str, str]


@dataclass(frozen=True)
class Reason:
    text: str | None
    path: str  # the file, as shown in messages
    line: int | None


def _display(folder: Path, path: Path) -> str:
    try:
        return (Path(folder.name) / path.relative_to(folder)).as_posix()
    except ValueError:
        return str(path)


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _key(entry: dict[str, Any]) -> Key:
    a, b, c = (str(entry.get(k) or "").strip() for k in ("indicator", "ref_area", "period"))
    return (a, b, c)


def figure_reasons(figures_dir: Path) -> dict[Key, Reason]:
    """The ``reason:`` (or its absence) and line of every figure entry, by observation key."""
    out: dict[Key, Reason] = {}
    for path in sorted((figures_dir / "sources").glob("*.yml")):
        shown = _display(figures_dir, path)
        data, lines = yamlfile.load(path, shown)
        entries = data.get("figures") if isinstance(data, dict) else None
        for n, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, dict):
                line = lines.get(("figures", n, "reason")) or lines.get(("figures", n))
                out[_key(entry)] = Reason(_text(entry.get("reason")), shown, line)
    return out


def removal_reasons(figures_dir: Path) -> dict[Key, Reason]:
    """Entries of ``figures/removals.yml`` by observation key; none when the file is absent."""
    path = figures_dir / REMOVALS_FILE
    if not path.is_file():
        return {}
    shown = _display(figures_dir, path)
    data, lines = yamlfile.load(path, shown)
    entries = data.get("removals") if isinstance(data, dict) else None
    if data is not None and not isinstance(entries, list):
        raise InvalidInput(
            [
                Issue(
                    "figures-structure",
                    "removals.yml needs a top-level 'removals:' list",
                    path=shown,
                )
            ]
        )
    issues: list[Issue] = []
    out: dict[Key, Reason] = {}
    for n, entry in enumerate(entries or []):
        line = lines.get(("removals", n))
        if not isinstance(entry, dict):
            issues.append(
                Issue(
                    "figures-structure",
                    "each removal must be a mapping of field: value",
                    path=shown,
                    row=line,
                )
            )
            continue
        for name in sorted(set(entry) - REMOVAL_FIELDS):
            issues.append(
                Issue(
                    "figures-unknown-field",
                    f"unknown field {name!r} in a removal; allowed: "
                    f"{', '.join(sorted(REMOVAL_FIELDS))}",
                    path=shown,
                    row=line,
                    field=name,
                )
            )
        out[_key(entry)] = Reason(_text(entry.get("reason")), shown, line)
    if issues:
        raise InvalidInput(issues, summary=f"{shown} has {len(issues)} problem(s)")
    return out
