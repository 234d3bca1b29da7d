"""Benchmark a release of any tables against the polars join of the diff benchmark.

The pair of versions of ``benchmark_diff.py`` (1000 cells revised, 500 rows removed,
500 added) as a project of one table: the old version is released as 1.0.0 (not
measured), then ``release_tables`` releases the new one with one ``--reason`` for
the whole release, in a child process: the candidate built, diffed against the
archive, every change explained and logged, the new version built, validated
against the previous one, sealed with its SHA256SUMS and published through the
journal. Beside it, in the same run, the diff benchmark's polars full join of the
same files (the diff alone, hand-written). Run it alone with
``python scripts/benchmark_release.py`` (it rewrites the Release section of
docs/benchmarks.md) or through ``scripts/benchmark --only release``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
from collections.abc import Callable
from dataclasses import asdict
from functools import partial
from pathlib import Path

import benchmark_diff as diffs

ROOT = Path(__file__).resolve().parents[1]
SETUP = """
import datetime as dt, json, shutil, sys, time
from pathlib import Path
start = time.perf_counter()
from statpub.release.tables import TableProject, release_tables
state, table, schema, day = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
def build(folder, releases, log):
    last = releases[-1]
    shutil.copyfile(table, folder / "table.csv")
    shutil.copyfile(schema, folder / "schema.json")
    descriptor = {"name": "benchmark-table", "version": last.version,
                  "created": last.date.isoformat() + "T00:00:00Z",
                  "resources": [{"name": "table", "path": "table.csv", "format": "csv",
                                 "schema": "schema.json"}]}
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
project = TableProject(state, state / "releases", state / "datapackage", build)
result = release_tables(project, dt.date.fromisoformat(day), reason="Benchmark revision")
changes = [c for c in result.changes]
print(json.dumps({"seconds": time.perf_counter() - start, "version": result.version,
                  "rows_added": sum(c.kind == "addition" for c in changes),
                  "rows_removed": sum(c.kind == "removal" for c in changes),
                  "rows_revised": sum(c.kind == "revision" for c in changes),
                  "cells_revised": sum(len(c.fields) for c in changes if c.kind == "revision")}))
"""
SIZE = "1m"


def _release(measure: diffs.Measure, pair: Path, state: Path, rows: int) -> diffs.DiffRun:
    seconds, peak, out, status = measure(_command(state, pair / "new", "2026-06-01"))
    if status != 0:
        return diffs.DiffRun(
            "statpub release", pair.name, rows, seconds, peak, note=f"exit {status}"
        )
    data = json.loads(out)
    counts = {k: int(data[k]) for k in diffs.COUNTS}
    return diffs.DiffRun("statpub release", pair.name, rows, seconds, peak, counts)


def with_cpu(tool: Callable[[], diffs.DiffRun]) -> diffs.DiffRun:
    """``tool()``, with the CPU time (user + system) its child processes took."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = tool()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    run.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return run


def _command(state: Path, side: Path, day: str) -> list[str]:
    return [
        sys.executable,
        "-c",
        SETUP,
        str(state),
        str(side / "table.csv"),
        str(side / "schema.json"),
        day,
    ]


def _fresh(pristine: Path, state: Path) -> Path:
    shutil.rmtree(state, ignore_errors=True)
    shutil.copytree(pristine, state)
    return state


def run(measure: diffs.Measure, data: Path, seed: int, repeat: int) -> list[diffs.DiffRun]:
    """statpub release and the polars join, ``repeat`` times each, interleaved."""
    rows = diffs.SIZES[SIZE]
    pair = data / f"diff-{SIZE}"
    if not (pair / "expected.json").is_file():
        print(f"benchmark: generating {pair}", file=sys.stderr)
        diffs.generate_pair(rows, pair, seed)
    pristine = data / f"release-{SIZE}-1.0.0"
    if not (pristine / "releases" / "1.0.0").is_dir():
        shutil.rmtree(pristine, ignore_errors=True)
        pristine.mkdir(parents=True)
        _, _, out, status = measure(_command(pristine, pair / "old", "2026-01-15"))
        if status != 0:
            raise SystemExit(f"benchmark: the first release failed (exit {status})")
    state = data / f"release-{SIZE}"
    load = [os.getloadavg()[0]]
    fast = [
        lambda: _release(measure, pair, _fresh(pristine, state), rows),
        partial(diffs.polars_join, measure, pair, rows),
    ]
    for tool in fast:
        tool()  # warms the file cache; not counted
    samples: list[list[diffs.DiffRun]] = [[] for _ in fast]
    for _ in range(repeat):
        for i, tool in enumerate(fast):
            samples[i].append(with_cpu(tool))
    cpu = [statistics.median(r.cpu for r in s) for s in samples]
    found = [diffs.median(s) for s in samples]
    for r, seconds in zip(found, cpu, strict=True):
        r.cpu = seconds
    load.append(os.getloadavg()[0])
    for r in found:
        r.load = load
    for r in found:
        print(
            f"benchmark: {r.table} {r.tool}: {r.seconds:.2f} s, {r.peak_mib:.0f} MiB",
            file=sys.stderr,
        )
    return found


def render(runs: list[diffs.DiffRun], repeat: int) -> list[str]:
    """The release section of docs/benchmarks.md."""
    if not runs:
        return []
    lines = [
        "## Release",
        "",
        "`statpub release` of a project of one table (`release_tables`,",
        "`scripts/benchmark_release.py`): the diff benchmark's 1m pair, the old version",
        "released first (not measured), then the new one with one `--reason` for the",
        "whole release: the candidate built (the table copied), diffed against the",
        "archive, every change explained and logged, the new version built and validated",
        "against the previous one (every row checked), sealed with its SHA256SUMS and",
        "published through the journal. Beside it, in the same run, the diff benchmark's",
        f"polars full join of the same files (the diff alone). Each ran {repeat} times,",
        "interleaved: the median is shown, with the fastest and slowest run in brackets.",
        "",
        "| table | rows | tool | wall (s) | peak memory (MiB) | added | removed "
        "| rows revised | cells revised | counts as expected |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in runs:
        wall = f"{r.seconds:.2f}"
        if len(r.samples) > 1:
            wall += f" ({min(r.samples):.2f}–{max(r.samples):.2f})"
        counts = [f"{r.counts[k]:,}" if k in r.counts else "" for k in diffs.COUNTS]
        ok = "yes" if r.counts == diffs.EXPECTED else "**no**"
        if r.note:
            ok += f"; {r.note}"
        lines.append(
            f"| {r.table} | {r.rows:,} | {r.tool} | {wall} | {r.peak_mib:,.0f} | "
            + " | ".join(counts)
            + f" | {ok} |"
        )
    by = {r.tool: r for r in runs}
    s, p = by.get("statpub release"), by.get("polars full join")
    lines += ["", "### Against the target", ""]
    if s and p:
        ratio = s.seconds / p.seconds
        verdict = "met" if ratio <= 2 else "**missed**"
        lines.append(
            f"- release-1m within 2× of the polars join: {verdict}: {ratio:.2f}×. The release "
            "reads and matches the rows once: the diff that decides it is handed to the "
            "validation of the new version, which reuses the comparison of every table whose "
            "files and descriptor are unchanged (told by their sha256; "
            "`statpub.versioning.reuse`). It does more than the diff: it builds the "
            "candidate and the new version, checks every row of the new version, and "
            "hashes and copies every file into the archive. Single runs vary with what else "
            "runs on the machine (its load average is below): compare the medians."
        )
        if s.cpu and p.cpu:
            lines.append(
                f"- CPU time (user + system, median of the runs): statpub release "
                f"{s.cpu:.2f} s, the polars join {p.cpu:.2f} s ({s.cpu / p.cpu:.2f}×). The "
                "polars join reads and joins with a thread per core; on a machine shared "
                "with other jobs, a process with more threads at work gets more of the CPU, "
                "so the ratio of wall times moves with the load."
            )
        if s.load:
            lines.append(
                f"- The machine's load average (1 minute, {os.cpu_count()} cores) was "
                f"{s.load[0]:.1f} at the start of these runs and {s.load[-1]:.1f} at the end."
            )
    else:
        lines.append("- release-1m within 2× of the polars join: not measured.")
    return lines


def save(path: Path, runs: list[diffs.DiffRun]) -> None:
    path.write_text(json.dumps([asdict(r) for r in runs]), encoding="utf-8")


def load(path: Path) -> list[diffs.DiffRun]:
    if not path.is_file():
        return []
    return [diffs.DiffRun(**d) for d in json.loads(path.read_text(encoding="utf-8"))]


def replace_section(page: str, section: list[str]) -> str:
    """``page`` with its Release section replaced by ``section`` (added before Notes)."""
    text = "\n".join(section) + "\n"
    if "\n## Release\n" in page:
        start = page.index("\n## Release\n") + 1
        end = page.find("\n## ", start + 1)
        return page[:start] + text + (page[end:] if end != -1 else "")
    at = page.find("\n## Notes\n")
    return page[: at + 1] + text + page[at:] if at != -1 else page.rstrip("\n") + "\n\n" + text


def main() -> int:
    import benchmark

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT / "benchmarks" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    runs = run(benchmark.measure, args.data, args.seed, args.repeat)
    save(args.data / "release-results.json", runs)
    page = args.out.read_text(encoding="utf-8")
    args.out.write_text(replace_section(page, render(runs, args.repeat)), encoding="utf-8")
    print(f"benchmark: wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
