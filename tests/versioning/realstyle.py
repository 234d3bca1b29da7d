"""Pairs of packages shaped like real public Data Packages that declare no primary key.

``population_pair`` is shaped like datasets/population (Country Name, Country
Code, Year, Value; one row per country and year): the new version revises
some values, adds a year for some countries and drops some rows, as a data
refresh does. ``package`` writes any small package from rows.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

POPULATION_SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "Country Name", "type": "string"},
        {"name": "Country Code", "type": "string"},
        {"name": "Year", "type": "year"},
        {"name": "Value", "type": "number"},
    ]
}


def package(
    folder: Path,
    resources: dict[str, tuple[dict[str, Any], str]],
    version: str | None = "1.0.0",
    extra: dict[str, Any] | None = None,
) -> Path:
    """A package of CSV tables: {name: (schema, csv text)}, each in ``<name>.csv``."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for name, (schema, text) in resources.items():
        (folder / f"{name}.csv").write_bytes(text.encode("utf-8"))
        entries.append({"name": name, "path": f"{name}.csv", "format": "csv", "schema": schema})
    descriptor: dict[str, Any] = {"name": "example", "resources": entries, **(extra or {})}
    if version is not None:
        descriptor["version"] = version
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return folder


def csv_text(header: list[str], rows: list[list[Any]], newline: str = "\n") -> str:
    def cell(v: Any) -> str:
        text = "" if v is None else str(v)
        return f'"{text}"' if any(c in text for c in ',"\r\n') else text

    return newline.join([",".join(header), *(",".join(cell(v) for v in r) for r in rows)]) + newline


def countries(n: int) -> list[tuple[str, str]]:
    """(name, code) of ``n`` made-up countries; codes are three letters."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = []
    for i in range(n):
        code = letters[i // 676 % 26] + letters[i // 26 % 26] + letters[i % 26]
        out.append((f"Country {code.title()}", code))
    return out


def population_pair(
    root: Path, seed: int, n_countries: int = 60, years: range = range(1990, 2020)
) -> tuple[Path, Path]:
    """Two versions of a population-like table; the changes are drawn from ``seed``."""
    rnd = random.Random(seed)
    old_rows = []
    for name, code in countries(n_countries):
        base = rnd.randint(10_000, 50_000_000)
        for year in years:
            old_rows.append([name, code, year, base + rnd.randint(0, 10_000) * (year - 1989)])
    new_rows = []
    for row in old_rows:
        r = list(row)
        roll = rnd.random()
        if roll < 0.03:
            continue  # dropped
        if roll < 0.15:
            r[3] = r[3] + rnd.randint(1, 5000)  # revised
        new_rows.append(r)
    for name, code in rnd.sample(countries(n_countries), n_countries // 3):
        new_rows.append([name, code, years.stop, rnd.randint(10_000, 50_000_000)])
    rnd.shuffle(new_rows)  # a refresh may well reorder the file
    header = [f["name"] for f in POPULATION_SCHEMA["fields"]]
    old = package(root / "old", {"population": (POPULATION_SCHEMA, csv_text(header, old_rows))})
    new = package(root / "new", {"population": (POPULATION_SCHEMA, csv_text(header, new_rows))})
    return old, new
