"""Benchmark the key check on a large table (``scripts/benchmark --only keys``).

Not part of the default run: a table of 20M rows takes a few minutes to write
and to validate. The validation benchmark's table (``benchmark_tables.py``: ten
columns, no errors) with ``--key-rows`` rows is validated three times over, with
three schemas that differ only in their key:

- no key: every check but the key's, the baseline;
- the benchmark's own primary key (geo, year, sex): short texts and an integer,
  hashed without collisions;
- a primary key whose first field is a 37-character text (source, year, sex):
  hashed with two 64-bit hashes (docs/validation.md, "Past its first 20,000
  rows").

The key check's cost is the difference to the baseline. Every run is its own
``statpub validate`` process; wall time includes start-up, peak memory is the
process's maximum resident set size.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import benchmark_project
import benchmark_tables as tables

Measure = Callable[[list[str]], tuple[float, float, str, int]]
SECTION = "## Key check on a large table"
KEYS: dict[str, list[str] | None] = {
    "no key": None,
    "geo, year, sex": ["geo", "year", "sex"],
    "source, year, sex": ["source", "year", "sex"],
}


def _statpub() -> str:
    return shutil.which("statpub") or str(Path(sys.executable).parent / "statpub")


def _schemas(folder: Path) -> dict[str, Path]:
    out = {}
    for n, (name, key) in enumerate(KEYS.items()):
        schema = {k: v for k, v in tables.SCHEMA.items() if k != "primaryKey"}
        if key is not None:
            schema["primaryKey"] = key
        path = folder / f"schema-key{n}.json"
        path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
        out[name] = path
    return out


def run(measure: Measure, data: Path, rows: int, seed: int, repeat: int) -> dict[str, Any]:
    folder = data / f"keys-{rows}"
    table = folder / "table.csv"
    if not table.is_file():
        tables.generate(rows, False, folder, seed=seed)
    schemas = _schemas(folder)
    load = [os.getloadavg()[0]]
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in schemas}
    measure([_statpub(), "validate", str(table), "--schema", str(schemas["no key"]), "-q"])
    for _ in range(repeat):  # interleaved: a shared machine's speed drifts
        for name, schema in schemas.items():
            cmd = [_statpub(), "validate", str(table), "--schema", str(schema), "--json", "-q"]
            seconds, peak, out, status = measure(cmd)
            report = json.loads(out)
            if status != 0 or report["errors"]:
                raise SystemExit(f"benchmark: {name}: exit status {status}, {out[:500]}")
            samples[name].append((seconds, peak))
    load.append(os.getloadavg()[0])
    results: dict[str, Any] = {
        "rows": rows,
        "bytes": table.stat().st_size,
        "runs": repeat,
        "load": load,
    }
    for name, got in samples.items():
        seconds = [s for s, _ in got]
        results[name] = {
            "median": statistics.median(seconds),
            "min": min(seconds),
            "max": max(seconds),
            "peak_mib": max(p for _, p in got),
        }
    return results


def save(path: Path, results: dict[str, Any]) -> None:
    path.write_text(json.dumps(results, indent=1), encoding="utf-8")


def render(results: dict[str, Any]) -> list[str]:
    base = results["no key"]
    lines = [
        SECTION,
        "",
        f"`statpub validate` of the validation benchmark's table with {results['rows']:,}",
        f"rows ({results['bytes'] / 2**20:,.0f} MiB of CSV, no errors), with three schemas",
        "that differ only in their primary key. Each ran "
        f"{results['runs']} times, interleaved: the",
        "median is shown, with the fastest and slowest run in brackets; peak memory is",
        "the highest of the runs. The key's share is the difference to the run without",
        "a key. Measured by `scripts/benchmark --only keys` (not part of the default",
        "run) on the machine above, shared with other jobs: its load average (1 minute)",
        f"was {results['load'][0]:.1f} at the start and {results['load'][1]:.1f} at the end, so",
        "the times compare with each other, not with the tables above.",
        "",
        "| primary key | wall (s) | peak memory (MiB) | the key's share: time (s) | memory (MiB) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name in KEYS:
        r = results[name]
        extra = "" if name == "no key" else f"{r['median'] - base['median']:+.2f}"
        more = "" if name == "no key" else f"{r['peak_mib'] - base['peak_mib']:+,.0f}"
        lines.append(
            f"| {name} | {r['median']:.2f} ({r['min']:.2f}–{r['max']:.2f}) "
            f"| {r['peak_mib']:,.0f} | {extra} | {more} |"
        )
    return [*lines, ""]


def splice(page: str, lines: list[str]) -> str:
    """``page`` with its key-check section replaced by ``lines`` (added before Notes)."""
    return benchmark_project.splice(page, lines, SECTION)


def kept(old: str) -> list[str]:
    """The key-check section of ``old`` (a page written before), to keep in a new one."""
    if SECTION not in old:
        return []
    start = old.index(SECTION)
    end = old.find("\n## ", start + 1)
    return old[start : end if end != -1 else len(old)].rstrip("\n").split("\n") + [""]
