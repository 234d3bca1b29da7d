"""A release after the last archived one, made in a copy of the repository."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import yaml


def scratch_release(repo: Path, work: Path, day: dt.date) -> Path:
    """The next release of the repository's package, cut by ``statpub release`` in a copy
    of its figures, schemas and release archive: one figure revised, one added, one removed.

    Returns the new package folder. The edits pick figures by their shape, not by name,
    so that they still apply when the figure files change.
    """
    from statpub.release import Paths, release

    for folder in ("figures", "schemas", "releases"):
        shutil.copytree(repo / folder, work / folder)
    files = sorted((work / "figures" / "sources").glob("*.yml"))
    data = yaml.safe_load(files[0].read_text(encoding="utf-8"))
    figures: list[dict[str, Any]] = data["figures"]
    exact = [f for f in figures if f.get("qualifier") == "exact" and "lower_bound" not in f]
    revised, removed = exact[0], exact[-1]
    assert revised is not removed, "the scratch release needs two exact figures"
    added = {**revised, "period": f"{day.year + 1}-12", "value": revised["value"] + 1}
    added.pop("reason", None)
    revised["value"] += 2
    revised["reason"] = f"Corrected in a scratch release of {day.isoformat()}."
    figures.remove(removed)
    figures.append(added)
    files[0].write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    removals_file = work / "figures" / "removals.yml"
    removals = yaml.safe_load(removals_file.read_text()) if removals_file.exists() else None
    entries = (removals or {}).get("removals") or []
    entries.append(
        {
            "indicator": removed["indicator"],
            "ref_area": removed["ref_area"],
            "period": str(removed["period"]),
            "reason": "Withdrawn in a scratch release.",
        }
    )
    removals_file.write_text(yaml.safe_dump({"removals": entries}, sort_keys=False))
    paths = Paths(work / "figures", work / "schemas", work / "datapackage", work / "releases")
    release(paths, day)
    return paths.out
