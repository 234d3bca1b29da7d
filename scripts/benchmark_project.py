"""Benchmark `statpub init` and `statpub build` on large tables (see scripts/benchmark).

- ``init`` on the validation benchmark's 1M-row table (``benchmark_tables.py``),
  beside a typed ``pyarrow.csv.read_csv`` of the same file (the schema's types,
  no checks: the floor for reading the CSV at all) and ``frictionless describe``.
- ``init`` and ``frictionless describe`` on a 1M-row table whose first rows do
  not show everything: a count column gets decimals after row 500,000, a code
  column's codes with leading zeros start after row 100,000, and ``..`` marks
  missing values from row 200,000 on. For each tool, the number of cells its
  inferred schema gets wrong (rejected by statpub's lexical rules, the rules of
  ``statpub validate``, or integers that lose their leading zeros): what a
  sampled inference gets wrong.
- ``build`` of a project whose table has 10M rows (district codes, year, sex, a
  value with ``..`` missing): wall time and peak memory.

Every tool runs in its own child process; wall time includes start-up.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import benchmark_tables as tables

Measure = Callable[[list[str]], tuple[float, float, str, int]]
LATE = {"count": 500_000, "code": 100_000, "missing": 200_000}


def _tool(name: str) -> str:
    return shutil.which(name) or str(Path(sys.executable).parent / name)


def generate_late(rows: int, path: Path) -> None:
    """The table whose first rows mislead a sample (see the module docstring)."""
    import numpy as np
    import polars as pl

    i = np.arange(rows, dtype=np.int64)
    count = pl.Series(i % 1000).cast(pl.String)
    decimals = pl.Series((i % 1000) + 0.5).cast(pl.String)
    codes = pl.Series(1000 + i % 9000).cast(pl.String)
    zeros = pl.Series(i % 1000).cast(pl.String).str.zfill(4)
    share = pl.Series(np.round((i % 997) / 10, 1)).cast(pl.String)
    frame = pl.DataFrame(
        {
            "id": pl.Series(i).cast(pl.String),
            "count": pl.select(
                pl.when(pl.Series(i) >= LATE["count"]).then(decimals).otherwise(count)
            ).to_series(),
            "code": pl.select(
                pl.when(pl.Series(i) >= LATE["code"]).then(zeros).otherwise(codes)
            ).to_series(),
            "share": pl.select(
                pl.when((pl.Series(i) >= LATE["missing"]) & (pl.Series(i) % 50 == 0))
                .then(pl.lit(".."))
                .otherwise(share)
            ).to_series(),
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_csv(path)


def generate_population(rows: int, path: Path) -> None:
    """A population table of ``rows`` rows: code, year, sex, age, value (some ``..``)."""
    import numpy as np
    import polars as pl

    i = np.arange(rows, dtype=np.int64)
    cell = i // 3
    frame = pl.DataFrame(
        {
            "district_code": pl.Series(cell // 160).cast(pl.String).str.zfill(6),
            "year": pl.Series(1985 + (cell // 20) % 8),
            "age_group": pl.Series(cell % 20).cast(pl.String).str.zfill(2),
            "sex": pl.Series(np.array(["F", "M", "T"])[i % 3]),
            "population": pl.select(
                pl.when(pl.Series(i) % 997 == 0)
                .then(pl.lit(".."))
                .otherwise(pl.Series((i * 7919) % 100_000).cast(pl.String))
            ).to_series(),
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_csv(path)


def wrong_cells(csv_path: Path, types: dict[str, str], missing: list[str]) -> dict[str, int]:
    """Per column, the cells ``types`` gets wrong: rejected by statpub's lexical rules (the
    rules of ``statpub validate``), or read as integers that lose their leading zeros."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from statpub.tables.lexical import parse
    from statpub.tables.spec import FieldSpec

    names = list(types)
    table = pacsv.read_csv(
        csv_path,
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}),
    )
    out = {}
    for name in names:
        spec = FieldSpec(name=name, type=types[name], missing_values=missing)
        column = table.column(name).combine_chunks()
        wrong = parse(column, spec).invalid.to_numpy(zero_copy_only=False)
        if types[name] in ("integer", "year", "number"):
            texts = column.to_numpy(zero_copy_only=False).astype(str)
            zeros = np.char.startswith(texts, "0") & (np.char.str_len(texts) > 1)
            zeros &= ~np.char.startswith(texts, "0.")
            wrong = wrong | zeros
        out[name] = int(wrong.sum())
    return out


def _cpu() -> float:
    """User + system seconds of this process's children so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def statpub_init(measure: Measure, csv_path: Path, folder: Path) -> dict[str, Any]:
    shutil.rmtree(folder, ignore_errors=True)
    before = _cpu()
    seconds, peak, out, status = measure(
        [_tool("statpub"), "init", str(folder), "--from", str(csv_path), "--json"]
    )
    cpu = _cpu() - before
    assert status == 0, out
    name = json.loads(out)["tables"]
    schema = json.loads((folder / "schemas" / f"{next(iter(name))}.json").read_text("utf-8"))
    return {"seconds": seconds, "peak_mib": peak, "schema": schema, "cpu": cpu}


def frictionless_describe(measure: Measure, csv_path: Path) -> dict[str, Any]:
    seconds, peak, out, status = measure(
        [_tool("frictionless"), "describe", str(csv_path), "--json"]
    )
    assert status == 0, out
    schema = json.loads(out)["schema"]
    return {"seconds": seconds, "peak_mib": peak, "schema": schema}


def pyarrow_read(measure: Measure, folder: Path, read_script: str) -> dict[str, Any]:
    cmd = [sys.executable, "-c", read_script, str(folder / "table.csv")]
    before = _cpu()
    seconds, peak, out, status = measure([*cmd, str(folder / "schema.json"), "typed"])
    cpu = _cpu() - before
    assert status == 0, out
    return {"seconds": seconds, "peak_mib": peak, "cpu": cpu}


def statpub_build(measure: Measure, project: Path) -> dict[str, Any]:
    seconds, peak, out, status = measure(
        [_tool("statpub"), "build", "--project", str(project), "--json"]
    )
    assert status == 0, out
    return {"seconds": seconds, "peak_mib": peak, "rows": json.loads(out)["rows"]}


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = [r["seconds"] for r in runs]
    middle = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
    return {**middle, "min": min(seconds), "max": max(seconds), "runs": len(runs),
            "median": statistics.median(seconds),
            "cpu": statistics.median(r.get("cpu", 0.0) for r in runs)}  # fmt: skip


def _types(schema: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f.get("type", "string") for f in schema["fields"]}


def run(measure: Measure, data: Path, seed: int, repeat: int, read_script: str) -> dict[str, Any]:
    out: dict[str, Any] = {"load": [os.getloadavg()[0]]}
    folder = data / "1m-clean"
    if not (folder / "table.csv").is_file():
        tables.generate(1_000_000, False, folder, seed=seed)
    work = data / "project"
    pyarrow_read(measure, folder, read_script)  # warms the file cache; not counted
    inits, reads = [], []
    for _ in range(repeat):
        inits.append(statpub_init(measure, folder / "table.csv", work / "init-1m"))
        reads.append(pyarrow_read(measure, folder, read_script))
    out["init_1m"] = {"statpub": _median(inits), "pyarrow": _median(reads)}
    out["init_1m"]["frictionless"] = frictionless_describe(measure, folder / "table.csv")
    truth = _types(tables.SCHEMA)
    out["init_1m"]["truth"] = truth

    late = data / "late-1m.csv"
    if not late.is_file():
        generate_late(1_000_000, late)
    mine = statpub_init(measure, late, work / "init-late")
    theirs = frictionless_describe(measure, late)
    out["late_1m"] = {}
    for tool, result in (("statpub init", mine), ("frictionless describe", theirs)):
        schema = result["schema"]
        missing = [
            m if isinstance(m, str) else m["value"] for m in schema.get("missingValues", [""])
        ]
        out["late_1m"][tool] = {
            "seconds": result["seconds"],
            "peak_mib": result["peak_mib"],
            "types": _types(schema),
            "missing": missing,
            "wrong": wrong_cells(late, _types(schema), missing),
        }

    big = work / "build-10m"
    source = data / "population-10m.csv"
    if not source.is_file():
        generate_population(10_000_000, source)
    if not (big / "statpub.yml").is_file():
        shutil.rmtree(big, ignore_errors=True)
        statpub_init(measure, source, big)
    out["build_10m"] = statpub_build(measure, big)
    out["load"].append(os.getloadavg()[0])
    return out


def save(path: Path, results: dict[str, Any]) -> None:
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


SECTION = "## Projects: init and build"


def render(results: dict[str, Any]) -> list[str]:
    """The projects section of docs/benchmarks.md."""
    if not results:
        return []
    init = results["init_1m"]
    mine, read, fl = init["statpub"], init["pyarrow"], init["frictionless"]
    ratio = mine["median"] / read["median"]
    lines = [
        SECTION,
        "",
        "`statpub init` infers a Table Schema from every row of the validation benchmark's",
        "1M-row table (the same file as above), beside a typed `pyarrow.csv.read_csv` of",
        "it and `frictionless describe` (which infers from a sample of the first rows).",
        f"statpub and pyarrow ran {mine['runs']} times each, interleaved: the median is",
        "shown, with the fastest and slowest run in brackets; frictionless ran once.",
        "`statpub init` also copies the file into the project and writes the schema.",
        "This section is measured by `scripts/benchmark --only project`, in a run of its",
        "own on the machine above, shared with other jobs.",
        "",
        "| tool | wall (s) | peak memory (MiB) |",
        "| --- | ---: | ---: |",
        f"| statpub init | {mine['median']:.2f} ({mine['min']:.2f}–{mine['max']:.2f}) "
        f"| {mine['peak_mib']:.0f} |",
        f"| pyarrow read_csv (typed) | {read['median']:.2f} ({read['min']:.2f}–"
        f"{read['max']:.2f}) | {read['peak_mib']:.0f} |",
        f"| frictionless describe | {fl['seconds']:.2f} | {fl['peak_mib']:.0f} |",
        "",
        f"`statpub init` took {ratio:.1f} times as long as the typed pyarrow read "
        f"(target: within 3 times): {'met' if ratio <= 3 else 'missed'}.",
        "",
    ]
    if mine.get("cpu") and read.get("cpu"):
        text = (
            f"CPU time (user + system, median of the runs): statpub init {mine['cpu']:.2f} s, "
            f"the typed read {read['cpu']:.2f} s ({mine['cpu'] / read['cpu']:.1f} times). "
            "Beyond the read, init finds each column's distinct values, tries sets of "
            "columns as a primary key and copies the file into the project. The typed read "
            "parses with a thread per core; on a machine shared with other jobs, a process "
            "with more threads at work gets more of the CPU, so the ratio of wall times "
            "moves with the load."
        )
        lines += [*textwrap.wrap(text, 84), ""]
    lines += [
        "Types inferred (the benchmark's own schema in the first column):",
        "",
        "| field | schema | statpub init | frictionless describe |",
        "| --- | --- | --- | --- |",
    ]
    ours, theirs = _types(mine["schema"]), _types(fl["schema"])
    for name, declared in init["truth"].items():
        lines.append(f"| {name} | {declared} | {ours.get(name)} | {theirs.get(name)} |")
    late = results["late_1m"]
    lines += [
        "",
        "On a 1M-row table whose first rows do not show everything (a `count` column",
        f"with decimals from row {LATE['count']:,}, a `code` column whose codes with",
        f"leading zeros start at row {LATE['code']:,}, `..` for missing values in",
        f"`share` from row {LATE['missing']:,}; `scripts/benchmark_project.py`), the",
        "cells each tool's inferred schema gets wrong: rejected by statpub's lexical rules",
        "(the rules of `statpub validate`), or integers that lose their leading zeros:",
        "",
        "| tool | wall (s) | types | missing values | cells wrong |",
        "| --- | ---: | --- | --- | ---: |",
    ]
    for tool, r in late.items():
        types = ", ".join(f"{k} {v}" for k, v in r["types"].items())
        wrong = sum(r["wrong"].values())
        detail = ", ".join(f"{k} {v:,}" for k, v in r["wrong"].items() if v)
        shown = f"{wrong:,}" + (f" ({detail})" if detail else "")
        missing = " ".join(f"`{m}`" if m else '`""`' for m in r["missing"])
        lines.append(f"| {tool} | {r['seconds']:.2f} | {types} | {missing} | {shown} |")
    build = results["build_10m"]
    rows = sum(build["rows"].values())
    lines += [
        "",
        f"`statpub build` of a project whose table has {rows:,} rows (district code,",
        "year, age group, sex, population with `..` missing): CSV and Parquet written,",
        f"hashed and validated in {build['seconds']:.1f} s, peak memory "
        f"{build['peak_mib']:.0f} MiB (target: under 1 GiB: "
        f"{'met' if build['peak_mib'] < 1024 else 'missed'}).",
        "The validation of the built package compares its CSV and Parquet copies batch",
        "by batch, never holding a whole table.",
        "",
    ]
    if results.get("load"):
        start, end = results["load"][0], results["load"][-1]
        lines += [
            f"The machine's load average (1 minute, {os.cpu_count()} cores) was {start:.1f} "
            f"when this section's runs began and {end:.1f} when they ended.",
            "",
        ]
    return lines


def splice(page: str, lines: list[str], section: str) -> str:
    """``page`` with the section that starts with ``section`` replaced by ``lines`` (added
    before Notes when the page has no such section yet)."""
    text = "\n".join(lines)
    if section in page:
        start = page.index(section)
        end = page.find("\n## ", start + 1)
        rest = page[end + 1 :] if end != -1 else ""
        return page[:start] + text + ("\n" + rest if rest else "\n")
    marker = "\n## Notes"
    if marker in page:
        at = page.index(marker) + 1
        return page[:at] + text + "\n" + page[at:]
    return page.rstrip("\n") + "\n\n" + text + "\n"
