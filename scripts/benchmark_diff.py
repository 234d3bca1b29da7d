"""Benchmark `statpub diff` against a hand-written polars full join of the same files.

Pairs of versions of the validation benchmark's table (see
``benchmark_tables.py``): the new version has 1000 cells revised (one cell in
each of 1000 rows, in the non-key columns), 500 rows removed and 500 rows
added. Every tool runs in its own child process on the same files in the same
run and reports the counts it found, so the page says whether they agree:

- ``statpub diff`` with the declared primary key, and again with the key left
  out of the schema (statpub then infers it);
- a polars full join on the key with typed columns, counting added, removed
  and revised rows and cells: the work statpub does, hand-written;
- csv-diff (its Python API, keyed by the three key columns joined) and daff
  (its command line, ``--id`` per key column), for context, on small tables:
  both are pure Python. They are installed by ``scripts/benchmark`` from
  ``scripts/benchmark-requirements.txt``, never as statpub dependencies.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

import benchmark_tables as tables

KEY = tables.SCHEMA["primaryKey"]
EXPECTED = {"rows_added": 500, "rows_removed": 500, "rows_revised": 1000, "cells_revised": 1000}
COUNTS = tuple(EXPECTED)
SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
POLARS_JOIN = """
import json, sys, time
start = time.perf_counter()
import polars as pl
old_csv, new_csv, schema_path = sys.argv[1:4]
schema = json.load(open(schema_path))
kinds = {"integer": pl.Int64, "number": pl.Float64, "date": pl.Date}
types = {f["name"]: kinds.get(f["type"], pl.String) for f in schema["fields"]}
key = schema["primaryKey"]
rest = [f["name"] for f in schema["fields"] if f["name"] not in key]
old = pl.read_csv(old_csv, schema=types)
new = pl.read_csv(new_csv, schema=types)
joined = old.join(new, on=key, how="full", suffix="_new", coalesce=False)
added = joined.filter(pl.col(key[0]).is_null()).height
removed = joined.filter(pl.col(key[0] + "_new").is_null()).height
both = joined.filter(pl.col(key[0]).is_not_null() & pl.col(key[0] + "_new").is_not_null())
differ = both.select([pl.col(c).ne_missing(pl.col(c + "_new")).alias(c) for c in rest])
cells = int(differ.sum().sum_horizontal()[0])
rows = int(differ.select(pl.any_horizontal(pl.all())).sum().item())
print(json.dumps({"seconds": time.perf_counter() - start, "rows_added": added,
                  "rows_removed": removed, "rows_revised": rows, "cells_revised": cells}))
"""
CSV_DIFF = """
import csv, json, sys, time
start = time.perf_counter()
from csv_diff import compare
key = sys.argv[3].split(",")
def load(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return {"|".join(r[k] for k in key): r for r in csv.DictReader(fh)}
result = compare(load(sys.argv[1]), load(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - start, "rows_added": len(result["added"]),
                  "rows_removed": len(result["removed"]), "rows_revised": len(result["changed"]),
                  "cells_revised": sum(len(c["changes"]) for c in result["changed"])}))
"""


@dataclass
class DiffRun:
    tool: str
    table: str
    rows: int
    seconds: float
    peak_mib: float
    counts: dict[str, int] = field(default_factory=dict)
    samples: list[float] = field(default_factory=list)
    note: str = ""
    load: list[float] = field(default_factory=list)  # 1-minute load average: start, end
    cpu: float = 0.0  # user + system seconds of the process and its children (median)


def _descriptor(folder: Path, version: str, schema: dict[str, object] | str) -> None:
    descriptor = {
        "name": "benchmark-table",
        "version": version,
        "resources": [
            {"name": "table", "path": "table.csv", "format": "csv", "schema": schema},
        ],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def generate_pair(rows: int, folder: Path, seed: int) -> Path:
    """``folder/{old,new}`` (keyed) and ``folder/{old,new}-nokey`` (the same files, no key)."""
    import numpy as np
    import polars as pl

    old, new = folder / "old", folder / "new"
    tables.generate(rows, False, old, seed=seed)
    frame = pl.read_csv(old / "table.csv", infer_schema=False)
    rng = np.random.default_rng(seed + 1)
    picked = rng.choice(frame.height, 1500, replace=False)
    removed, revised = picked[:500], picked[500:]
    changes: dict[str, pl.Expr] = {
        "age": pl.col("age").replace(
            {"Y0-14": "Y15-64", "Y15-64": "Y65-MAX", "Y65-MAX": "TOTAL", "TOTAL": "Y0-14"}
        ),
        "unit": pl.col("unit").replace({"NR": "PC", "PC": "THS", "THS": "NR"}),
        "value": (pl.col("value").cast(pl.Float64) + 1.25).round(2).cast(pl.String),
        "flag": pl.col("flag").fill_null("u").replace({"b": "e", "e": "p", "p": "u", "u": "b"}),
        "obs_count": (pl.col("obs_count").cast(pl.Int64) + 1).cast(pl.String),
        "updated": (pl.col("updated").str.to_date() + pl.duration(days=1)).cast(pl.String),
        "source": pl.col("source") + "/v2",
    }
    which = rng.integers(0, len(changes), len(revised))
    index = pl.int_range(pl.len(), dtype=pl.Int64)
    for k, (column, expr) in enumerate(changes.items()):
        at = pl.Series(revised[which == k].astype(np.int64))
        frame = frame.with_columns(pl.when(index.is_in(at)).then(expr).otherwise(pl.col(column)))
    frame = frame.with_columns(index.cast(pl.Float64).alias("_order"))
    frame = frame.filter(~index.is_in(pl.Series(removed.astype(np.int64))))
    added = frame.head(500).with_columns(
        pl.Series("geo", [f"ZZ{i:03d}" for i in range(500)]),
        pl.Series("_order", rng.uniform(0, rows, 500)),
    )
    frame = pl.concat([frame, added]).sort("_order").drop("_order")
    new.mkdir(parents=True, exist_ok=True)
    frame.write_csv(new / "table.csv", line_terminator="\r\n")
    shutil.copy(old / "schema.json", new / "schema.json")
    _descriptor(old, "1.0.0", "schema.json")
    _descriptor(new, "1.1.0", "schema.json")
    unkeyed = {k: v for k, v in tables.SCHEMA.items() if k != "primaryKey"}
    for side, version in ((old, "1.0.0"), (new, "1.1.0")):
        bare = folder / f"{side.name}-nokey"
        bare.mkdir(exist_ok=True)
        target = bare / "table.csv"
        target.unlink(missing_ok=True)
        try:
            os.link(side / "table.csv", target)
        except OSError:
            shutil.copy(side / "table.csv", target)
        _descriptor(bare, version, unkeyed)
    (folder / "expected.json").write_text(json.dumps(EXPECTED), encoding="utf-8")
    return folder


Measure = Callable[[list[str]], tuple[float, float, str, int]]


def statpub_diff(measure: Measure, folder: Path, rows: int, keyed: bool = True) -> DiffRun:
    statpub = shutil.which("statpub") or str(Path(sys.executable).parent / "statpub")
    suffix = "" if keyed else "-nokey"
    old, new = folder / f"old{suffix}", folder / f"new{suffix}"
    seconds, peak, out, status = measure([statpub, "diff", str(old), str(new), "--json"])
    tool = "statpub diff" if keyed else "statpub diff (key inferred)"
    counts: dict[str, int] = {}
    note = ""
    if status in (0, 1):
        table = json.loads(out)["resources"][0]
        counts = {k: int(table[k]) for k in COUNTS}
        if not keyed:
            note = "matched by " + ", ".join(table["matched_by"])
    else:
        note = f"exit status {status}"
    return DiffRun(tool, folder.name, rows, seconds, peak, counts, note=note)


def polars_join(measure: Measure, folder: Path, rows: int) -> DiffRun:
    return _script(measure, "polars full join", POLARS_JOIN, folder, rows, "schema.json")


def csv_diff(measure: Measure, folder: Path, rows: int) -> DiffRun:
    return _script(measure, "csv-diff", CSV_DIFF, folder, rows, ",".join(KEY))


def _script(measure: Measure, tool: str, code: str, folder: Path, rows: int, extra: str) -> DiffRun:
    arg = str(folder / "old" / extra) if extra.endswith(".json") else extra
    cmd = [sys.executable, "-c", code, str(folder / "old/table.csv"), str(folder / "new/table.csv")]
    seconds, peak, out, status = measure([*cmd, arg])
    if status != 0:
        return DiffRun(tool, folder.name, rows, seconds, peak, note=f"exit status {status}")
    data = json.loads(out)
    counts = {k: int(data[k]) for k in COUNTS}
    return DiffRun(tool, folder.name, rows, seconds, peak, counts)


def daff_diff(measure: Measure, folder: Path, rows: int) -> DiffRun:
    daff = shutil.which("daff") or str(Path(sys.executable).parent / "daff")
    out_file = folder / "daff-out.csv"
    ids = [arg for k in KEY for arg in ("--id", k)]
    cmd = [daff, "diff", *ids, "--output", str(out_file)]
    seconds, peak, _, status = measure(
        [*cmd, str(folder / "old/table.csv"), str(folder / "new/table.csv")]
    )
    if status not in (0, 1) or not out_file.is_file():
        return DiffRun("daff", folder.name, rows, seconds, peak, note=f"exit status {status}")
    counts = dict.fromkeys(COUNTS, 0)
    import csv

    with out_file.open(newline="", encoding="utf-8") as fh:
        for record in csv.reader(fh):
            tag = record[0] if record else ""
            if tag == "+++":
                counts["rows_added"] += 1
            elif tag == "---":
                counts["rows_removed"] += 1
            elif "->" in tag:
                counts["rows_revised"] += 1
                counts["cells_revised"] += sum(1 for cell in record[1:] if tag in cell)
    out_file.unlink()
    return DiffRun("daff", folder.name, rows, seconds, peak, counts)


def median(runs: list[DiffRun]) -> DiffRun:
    ordered = sorted(runs, key=lambda r: r.seconds)
    middle = ordered[len(ordered) // 2]
    middle.samples = [r.seconds for r in ordered]
    middle.seconds = statistics.median(middle.samples)
    return middle


def run(
    measure: Measure,
    sizes: list[str],
    data: Path,
    seed: int,
    repeat: int,
    context_max: int,
) -> list[DiffRun]:
    """Every tool on every size; statpub and polars ``repeat`` times, interleaved."""
    out: list[DiffRun] = []
    for name in sizes:
        rows = SIZES[name]
        folder = data / f"diff-{name}"
        if not (folder / "expected.json").is_file():
            print(f"benchmark: generating {folder}", file=sys.stderr)
            generate_pair(rows, folder, seed)
        fast: list[Callable[[], DiffRun]] = [
            partial(statpub_diff, measure, folder, rows),
            partial(statpub_diff, measure, folder, rows, keyed=False),
            partial(polars_join, measure, folder, rows),
        ]
        for tool in fast:
            tool()  # warms the file cache; not counted
        samples: list[list[DiffRun]] = [[] for _ in fast]
        for _ in range(repeat):
            for i, tool in enumerate(fast):
                samples[i].append(tool())
        found = [median(s) for s in samples]
        if rows <= context_max:
            found += [csv_diff(measure, folder, rows), daff_diff(measure, folder, rows)]
        for r in found:
            print(
                f"benchmark: {r.table} {r.tool}: {r.seconds:.2f} s, {r.peak_mib:.0f} MiB, "
                f"{r.counts}",
                file=sys.stderr,
            )
        out += found
    return out


def render(runs: list[DiffRun], repeat: int) -> list[str]:
    """The diff section of docs/benchmarks.md."""
    if not runs:
        return []
    lines = [
        "## Diff",
        "",
        "`statpub diff` on two versions of the table above (10 columns, key geo, year,",
        "sex): the new one has 1000 cells revised (one in each of 1000 rows), 500 rows",
        "removed and 500 added (`scripts/benchmark_diff.py`). Beside it, in the same",
        "run, a hand-written polars full join of the same files with typed columns that",
        "counts the same things, and, on the small table, csv-diff and daff for context.",
        f"statpub and polars ran {repeat} times each, interleaved: the median is shown,",
        "with the fastest and slowest run in brackets. Wall time includes start-up;",
        "peak memory is the process's maximum resident set size.",
        "",
        "| table | rows | tool | wall (s) | peak memory (MiB) | added | removed "
        "| rows revised | cells revised | counts as expected |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in runs:
        wall = f"{r.seconds:.2f}"
        if len(r.samples) > 1:
            wall += f" ({min(r.samples):.2f}–{max(r.samples):.2f})"
        counts = [f"{r.counts[k]:,}" if k in r.counts else "" for k in COUNTS]
        ok = "yes" if r.counts == EXPECTED else "**no**"
        if r.note:
            ok += f"; {r.note}"
        lines.append(
            f"| {r.table} | {r.rows:,} | {r.tool} | {wall} | {r.peak_mib:,.0f} | "
            + " | ".join(counts)
            + f" | {ok} |"
        )
    lines += ["", "### Against the targets", ""]
    by = {(r.table, r.tool): r for r in runs}
    s, p = by.get(("diff-1m", "statpub diff")), by.get(("diff-1m", "polars full join"))
    if s and p:
        ratio = s.seconds / p.seconds
        fastest = min(s.samples or [s.seconds]) / min(p.samples or [p.seconds])
        verdict = "met" if ratio <= 2 else "**missed**"
        lines.append(
            f"- diff-1m, keyed diff within 2× of the polars join: {verdict}: {ratio:.1f}× "
            f"(fastest runs: {fastest:.1f}×)."
        )
    else:
        lines.append("- diff-1m, keyed diff within 2× of the polars join: not measured.")
    big = by.get(("diff-10m", "statpub diff"))
    if big:
        verdict = "met" if big.peak_mib < 2048 else "**missed**"
        lines.append(f"- diff-10m, peak memory under 2 GB: {verdict}: {big.peak_mib:,.0f} MiB.")
    else:
        lines.append("- diff-10m, peak memory under 2 GB: not measured.")
    return lines


def save(path: Path, runs: list[DiffRun]) -> None:
    path.write_text(json.dumps([asdict(r) for r in runs]), encoding="utf-8")


def load(path: Path) -> list[DiffRun]:
    if not path.is_file():
        return []
    return [DiffRun(**d) for d in json.loads(path.read_text(encoding="utf-8"))]
