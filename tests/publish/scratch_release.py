"""A release after the last archived one, made in a copy of the repository."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import yaml


def scratch_release(repo: Path, work: Path, day: dt.date | None = None) -> Path:
    """The next release of the repository's package, cut by ``statpub release`` in a copy
    of its figures, schemas and release archive: one figure revised, one added, one removed.

    ``day``: the release date, by default the day after the last release's. Returns the
    new package folder. The edits pick figures by their shape, not by name,
    so that they still apply when the figure files change. Source files not yet in the
    last archived release are left out, so that those are the only figures changed;
    each edited figure quotes its own wording, which no captured text holds, so the release
    is cut with the quotes unchecked (the sources table stays as released).
    """
    from statpub.package import read_package, read_table
    from statpub.release import Paths, release
    from statpub.versioning import archive

    for folder in ("figures", "schemas", "releases"):
        shutil.copytree(repo / folder, work / folder)
    last = read_package(work / "releases" / archive.archived_versions(work / "releases")[-1])
    if day is None:
        history = yaml.safe_load((work / "figures" / "releases.yml").read_text(encoding="utf-8"))
        day = dt.date.fromisoformat(str(history["releases"][-1]["date"])) + dt.timedelta(days=1)
    sources = last.resource("sources")
    assert sources is not None
    released = set(read_table(sources).column("source_id").to_pylist())
    for path in (work / "figures" / "sources").glob("*.yml"):
        if path.stem not in released:
            path.unlink()
    files = sorted((work / "figures" / "sources").glob("*.yml"))
    data = yaml.safe_load(files[0].read_text(encoding="utf-8"))
    figures: list[dict[str, Any]] = data["figures"]
    exact = [f for f in figures if f.get("qualifier") == "exact" and "lower_bound" not in f]
    revised, removed = exact[0], exact[-1]
    assert revised is not removed, "the scratch release needs two exact figures"
    # A period before the source's publication: a measurement cannot postdate its source.
    year = int(str(data["source"]["published"])[:4]) - 1
    added = {**revised, "period": f"{year}-12", "value": revised["value"] + 1}
    added["wording"] = added["quote"] = str(added["value"])
    added.pop("reason", None)
    revised["value"] += 2
    revised["wording"] = revised["quote"] = str(revised["value"])
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
    texts = work / "no-source-texts"
    texts.mkdir()
    paths = Paths(
        work / "figures", work / "schemas", work / "datapackage", work / "releases", texts
    )
    release(paths, day, unchecked_quotes=True)
    return paths.out
